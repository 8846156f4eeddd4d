"""Time zone names as people type them: only a real IANA zone counts, never a folder or a path."""

from __future__ import annotations

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
