"""When a subscriber is due: pure, time-zone-aware arithmetic with no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from digests.store.enums import RhythmKind

# English, as typed after /settings weekday (a reader sees CLDR's names in their language, and
# may type those too: timezones.weekday_name).
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class Rhythm:
    """How often and when a subscriber wants digests, in their own time zone."""

    kind: RhythmKind = RhythmKind.DAILY
    at: str = "08:00"  # HH:MM local; hourly digests use only the minutes
    weekday: int = 0
    timezone: str = "UTC"
    quiet_start: str | None = None  # HH:MM local; no digest between start and end
    quiet_end: str | None = None


def parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _local_slot(day: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The wall-clock time `at` on `day`; in a spring-forward gap it lands just after the jump."""
    wall = datetime.combine(day.date(), at, tzinfo=zone)
    return wall.astimezone(UTC).astimezone(zone)


def _quiet_at(local: time, rhythm: Rhythm) -> bool:
    if not (rhythm.quiet_start and rhythm.quiet_end):
        return False
    start, end = parse_hhmm(rhythm.quiet_start), parse_hhmm(rhythm.quiet_end)
    if start <= end:
        return start <= local < end
    return local >= start or local < end  # the window wraps past midnight


def in_quiet_hours(moment: datetime, rhythm: Rhythm) -> bool:
    return _quiet_at(moment.astimezone(ZoneInfo(rhythm.timezone)).time(), rhythm)


def held_back_to(rhythm: Rhythm) -> str | None:
    """The local time a daily or weekly digest really comes at when its own time falls in
    quiet hours (their end); None when it comes at its time. Hourly and instant digests are
    meant to skip the quiet hours, so they are never held back in this sense."""
    if rhythm.kind not in (RhythmKind.DAILY, RhythmKind.WEEKLY):
        return None
    return rhythm.quiet_end if _quiet_at(parse_hhmm(rhythm.at), rhythm) else None


def quiet_hours_end(moment: datetime, rhythm: Rhythm) -> datetime:
    """The first moment after `moment` outside quiet hours."""
    zone = ZoneInfo(rhythm.timezone)
    local = moment.astimezone(zone)
    if rhythm.quiet_end is None:
        return moment
    end = _local_slot(local, parse_hhmm(rhythm.quiet_end), zone)
    if end <= local:
        end = _local_slot(local + timedelta(days=1), parse_hhmm(rhythm.quiet_end), zone)
    return end.astimezone(UTC)


def next_digest_at(rhythm: Rhythm, *, after: datetime) -> datetime:
    """The first digest slot strictly after `after` (UTC), moved out of quiet hours.

    Computed from `after`, never from the missed slot, so a bot that was down for days sends
    one digest on return instead of one per missed slot.
    """
    zone = ZoneInfo(rhythm.timezone)
    local_after = after.astimezone(zone)
    at = parse_hhmm(rhythm.at)
    if rhythm.kind == RhythmKind.INSTANT:
        slot = after
    elif rhythm.kind == RhythmKind.HOURLY:
        slot = (after.replace(second=0, microsecond=0) + timedelta(minutes=1)).astimezone(zone)
        slot = slot.replace(minute=at.minute)
        if slot <= local_after:
            slot += timedelta(hours=1)
    else:
        slot = _local_slot(local_after, at, zone)
        step_days = 7 if rhythm.kind == RhythmKind.WEEKLY else 1
        if rhythm.kind == RhythmKind.WEEKLY:
            slot = _local_slot(
                local_after + timedelta(days=(rhythm.weekday - local_after.weekday()) % 7), at, zone
            )
        while slot <= local_after:
            slot = _local_slot(slot + timedelta(days=step_days), at, zone)
    slot_utc = slot.astimezone(UTC)
    if in_quiet_hours(slot_utc, rhythm):
        slot_utc = quiet_hours_end(slot_utc, rhythm)
    return slot_utc
