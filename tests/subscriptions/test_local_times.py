"""Times as readers read them: on their own clock, the zone named, whatever the season."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from digests.subscriptions.subscribers import ChatInfo, change_setting, chat_zone, subscribe
from digests.timezones import TimeForm, shown_time, zone_or_utc

MORNING = datetime(2026, 12, 1, 6, 49, tzinfo=UTC)


def test_a_time_is_shown_on_the_readers_clock_with_its_zone():
    assert shown_time(MORNING, ZoneInfo("Europe/Berlin")) == "01 Dec 2026 07:49 CET"
    assert shown_time(MORNING.replace(month=7), ZoneInfo("Europe/Berlin")) == (
        "01 Jul 2026 08:49 CEST"
    )
    assert shown_time(MORNING, ZoneInfo("America/New_York")) == "01 Dec 2026 01:49 EST"
    assert shown_time(MORNING, ZoneInfo("Asia/Dubai")) == "01 Dec 2026 10:49 +04"  # no letters
    assert shown_time(MORNING, zone_or_utc(None)) == "01 Dec 2026 06:49 UTC"


def test_a_coming_moment_says_the_day_of_the_week():
    coming = shown_time(MORNING, ZoneInfo("Europe/Berlin"), TimeForm.COMING)
    assert coming == "Tue 1 Dec, 07:49 CET"


def test_a_date_is_the_readers_date():
    late = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
    assert shown_time(late, ZoneInfo("Asia/Tokyo"), TimeForm.DATE) == "01 Dec 2026"
    assert shown_time(late, ZoneInfo("UTC"), TimeForm.DATE) == "30 Nov 2026"


def test_a_chat_reads_times_in_its_subscriptions_zone_else_the_default(runtime):
    with runtime.session() as session:
        assert str(chat_zone(session, 1, default="America/New_York")) == "America/New_York"
        subscribe(session, ChatInfo(id=1), now=runtime.clock(), timezone="UTC", digest_time="08:00")
        change_setting(session, 1, "timezone", "Europe/Berlin", now=runtime.clock())
        assert str(chat_zone(session, 1, default="America/New_York")) == "Europe/Berlin"


def test_a_zone_no_longer_known_reads_as_utc():
    assert str(zone_or_utc("Mars/Olympus_Mons")) == "UTC"
