"""Digest times in the subscriber's own zone: daily, weekly, hourly, DST and quiet hours."""

from datetime import UTC, datetime

import pytest

from digests.subscriptions.schedule import Rhythm, held_back_to, in_quiet_hours, next_digest_at


def at(*args):
    return datetime(*args, tzinfo=UTC)


def test_daily_digest_follows_local_time_across_the_spring_dst_change():
    berlin = Rhythm("daily", "08:00", timezone="Europe/Berlin")
    assert next_digest_at(berlin, after=at(2026, 3, 28, 6, 30)) == at(2026, 3, 28, 7, 0)  # CET
    assert next_digest_at(berlin, after=at(2026, 3, 28, 7, 30)) == at(2026, 3, 29, 6, 0)  # CEST


def test_a_time_that_does_not_exist_on_the_dst_day_is_sent_just_after_the_jump():
    rhythm = Rhythm("daily", "02:30", timezone="Europe/Berlin")
    assert next_digest_at(rhythm, after=at(2026, 3, 28, 12, 0)) == at(2026, 3, 29, 1, 30)


def test_a_time_that_happens_twice_in_autumn_is_sent_once():
    rhythm = Rhythm("daily", "02:30", timezone="Europe/Berlin")
    first = next_digest_at(rhythm, after=at(2026, 10, 24, 12, 0))
    assert first == at(2026, 10, 25, 0, 30)  # the first 02:30, still CEST
    assert next_digest_at(rhythm, after=first) == at(2026, 10, 26, 1, 30)


def test_weekly_digest_on_the_chosen_weekday():
    rhythm = Rhythm("weekly", "09:00", weekday=2, timezone="America/New_York")
    assert next_digest_at(rhythm, after=at(2026, 11, 22, 12, 0)) == at(2026, 11, 25, 14, 0)


def test_hourly_digest_in_a_half_hour_zone():
    rhythm = Rhythm("hourly", "08:15", timezone="Asia/Kolkata")
    assert next_digest_at(rhythm, after=at(2026, 11, 22, 12, 0)) == at(2026, 11, 22, 12, 45)


def test_missed_slots_collapse_into_one_digest_after_downtime():
    rhythm = Rhythm("daily", "08:00", timezone="UTC")
    back_after_three_days = at(2026, 11, 25, 10, 0)
    assert next_digest_at(rhythm, after=back_after_three_days) == at(2026, 11, 26, 8, 0)


def test_quiet_hours_push_the_digest_to_their_end():
    rhythm = Rhythm("daily", "23:00", timezone="UTC", quiet_start="22:00", quiet_end="07:00")
    assert in_quiet_hours(at(2026, 11, 22, 23, 30), rhythm)
    assert not in_quiet_hours(at(2026, 11, 22, 12, 0), rhythm)
    assert next_digest_at(rhythm, after=at(2026, 11, 22, 12, 0)) == at(2026, 11, 23, 7, 0)


@pytest.mark.parametrize(
    ("kind", "at_time", "held"),
    [
        ("daily", "23:00", "07:00"),
        ("weekly", "06:59", "07:00"),
        ("daily", "07:00", None),  # the window ends as the digest comes
        ("daily", "21:59", None),
        ("hourly", "23:00", None),  # hourly and instant digests skip quiet hours by design
        ("instant", "23:00", None),
    ],
)
def test_a_digest_timed_inside_quiet_hours_is_known_to_come_at_their_end(kind, at_time, held):
    rhythm = Rhythm(kind, at_time, timezone="UTC", quiet_start="22:00", quiet_end="07:00")
    assert held_back_to(rhythm) == held


def test_no_quiet_hours_hold_nothing_back():
    assert held_back_to(Rhythm("daily", "23:00", timezone="UTC")) is None
