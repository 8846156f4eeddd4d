"""Settings as readers type them: kept as meant, or refused with what to type instead, and a
refusal leaves the subscription as it was."""

from __future__ import annotations

import pytest

from digests.store.enums import RhythmKind
from digests.subscriptions.subscribers import (
    ChatInfo,
    SettingError,
    change_setting,
    get_subscription,
    subscribe,
)

CHAT = ChatInfo(id=6001)


@pytest.fixture
def change(runtime):
    with runtime.session() as session:
        subscribe(session, CHAT, now=runtime.clock(), timezone="UTC", digest_time="08:00")

    def change(name: str, value: str):
        with runtime.session() as session:
            change_setting(session, CHAT.id, name, value, now=runtime.clock())
            return get_subscription(session, CHAT.id)

    return change


@pytest.mark.parametrize("typed", ["22:00-07:00", "22:00 – 07:00", "22:00 -7:00"])
def test_quiet_hours_are_kept_as_one_window(change, typed):
    row = change("quiet_hours", typed)
    assert (row.quiet_start, row.quiet_end) == ("22:00", "07:00")


@pytest.mark.parametrize("typed", ["off", "None", ""])
def test_quiet_hours_off_clears_both_ends(change, typed):
    change("quiet_hours", "22:00-07:00")
    row = change("quiet_hours", typed)
    assert (row.quiet_start, row.quiet_end) == (None, None)


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("07:00-07:00", "Quiet hours from 07:00 to 07:00 hold back nothing"),
        ("0:00-00:00", "Quiet hours from 00:00 to 00:00 hold back nothing"),
        ("22:00", "Give quiet hours as HH:MM-HH:MM"),
        ("22:00-25:00", "Please give the time as HH:MM"),
    ],
)
def test_a_window_that_holds_nothing_or_is_not_one_is_refused(change, runtime, typed, answer):
    change("quiet_hours", "07:00-22:00")  # ends that a refusal must not half-overwrite
    with pytest.raises(SettingError) as refused:
        change("quiet_hours", typed)
    assert refused.value.user_message.startswith(answer)
    with runtime.session() as session:
        row = get_subscription(session, CHAT.id)
        assert (row.quiet_start, row.quiet_end) == ("07:00", "22:00")


@pytest.mark.parametrize(("typed", "day"), [("friday", 4), ("Fri", 4), ("SUN", 6), ("0", 0)])
def test_weekdays_by_name_or_by_a_buttons_number(change, typed, day):
    assert change("weekday", typed).weekday == day


@pytest.mark.parametrize("typed", ["fr", "7", "someday"])
def test_a_weekday_that_is_none_is_refused(change, typed):
    with pytest.raises(SettingError, match="Name a weekday"):
        change("weekday", typed)


def test_rhythm_and_length_in_any_case(change):
    assert change("rhythm", "Weekly").rhythm == RhythmKind.WEEKLY
    assert change("summary_length", " LONG ").summary_length == "long"
    with pytest.raises(SettingError, match="one of instant, hourly, daily, weekly"):
        change("rhythm", "monthly")
    with pytest.raises(SettingError, match="one of short, medium, long"):
        change("summary_length", "huge")
