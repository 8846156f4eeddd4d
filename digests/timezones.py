"""Time zones: names as people type them (only a real IANA zone counts, never a folder or a
path), and times as readers read them, on their own clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The longest IANA name is 32 characters; anything much longer is not worth a file lookup
# (and a 300-character one makes the lookup itself fail with "file name too long").
MAX_ZONE_NAME = 64


def zone_named(name: str) -> ZoneInfo | None:
    """The zone called `name`, or None when there is none by that name.

    ZoneInfo reads a file named after the key, so besides "not found" it fails with the
    file system's own errors: a region such as "America" or "Etc" is a folder
    (IsADirectoryError), an overlong name is too long for a file (OSError).
    """
    if not name or len(name) > MAX_ZONE_NAME:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


UTC_ZONE = ZoneInfo("UTC")


def zone_or_utc(name: str | None) -> ZoneInfo:
    """The zone a reader chose; UTC for none, or for a name no longer known (stored rows
    outlive tzdata releases)."""
    return (zone_named(name) if name else None) or UTC_ZONE


def shown_time(moment: datetime, zone: ZoneInfo, *, with_time: bool = True) -> str:
    """A moment as a reader reads it, on their clock: "01 Dec 2026 07:49 CET", the zone named
    by its abbreviation (or its offset, "+04", where it has none); a date alone for lists,
    still the reader's date (08:00 in Tokyo is the day before in UTC)."""
    local = moment.astimezone(zone)
    if not with_time:
        return f"{local:%d %b %Y}"
    return f"{local:%d %b %Y %H:%M} {local.tzname()}"
