"""Time zone names as people type them: only a real IANA zone counts, never a folder or a path.

Readers type `europe/berlin`, `Berlin` or `new york` as often as `Europe/Berlin`, so `find_zone`
reads any case and a city alone, and names the closest zones when it cannot tell. The index of
names is built once, on the first lookup that needs it (reading the zone list takes ~50 ms).
Times are shown as readers read them, on their own clock (`shown_time`).
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_datetime, get_day_names

from digests.i18n import N_, _, current_language

# The longest IANA name is 32 characters; anything much longer is not worth a file lookup
# (and a 300-character one makes the lookup itself fail with "file name too long").
MAX_ZONE_NAME = 64
# Where today's zones live; names elsewhere (US/Eastern, Japan) are older aliases, so a city
# found in one of these regions wins over an alias of the same name.
REGIONS = frozenset(
    [
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    ]
)
REGION_KEYS = frozenset(region.casefold() for region in (*REGIONS, "Etc", "US", "Canada"))
# Not places: the local machine's zone and tzdata's placeholder.
NOT_PLACES = frozenset(("localtime", "Factory"))
# Summer-time abbreviations of zones tzdata names by their winter abbreviation (CET, EET).
# Only ones that name a single zone: BST, IST or CST each mean several places.
ABBREVIATIONS = {"cest": "CET", "eest": "EET"}
# Etc/GMT+2 is two hours *behind* UTC (POSIX signs): only its whole name, typed on purpose,
# may choose it, never "GMT+2" read as a city or offered as a suggestion.
FIXED_OFFSETS = "Etc/"
SUGGESTIONS = 3
# difflib's ratio: near enough that "berln" finds Berlin, far enough that "Munich" finds no zone.
SUGGESTION_CUTOFF = 0.75


@dataclass(frozen=True, slots=True)
class ZoneMatch:
    """The zone someone meant, or the few names closest to what they typed."""

    name: str | None
    suggestions: tuple[str, ...] = ()


def zone_named(name: str) -> ZoneInfo | None:
    """The zone called exactly `name`, or None when there is none by that name.

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


def _key(typed: str) -> str:
    """How a name is compared: any case, accents or not (São Paulo), spaces, hyphens or
    underscores between words, spaces around the slash."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", typed.casefold()) if not unicodedata.combining(c)
    )
    return "/".join(
        "_".join(part.replace("-", " ").replace("_", " ").split()) for part in plain.split("/")
    ).strip("/")


def _rank(zone: str) -> tuple[bool, int, str]:
    """Today's regions first, then the longer path (America/Argentina/Cordoba is the zone,
    America/Cordoba its alias), then the name, so the same city always gives the same zone."""
    return (zone.split("/")[0] not in REGIONS, -zone.count("/"), zone)


@dataclass(frozen=True, slots=True)
class _Index:
    names: frozenset[str]
    full: dict[str, str]  # key of the whole name -> the name
    cities: dict[str, tuple[str, ...]]  # key of the last part -> its zones, best first


@cache
def _index() -> _Index:
    names = frozenset(available_timezones() - NOT_PLACES)
    full: dict[str, str] = {}
    cities: dict[str, list[str]] = {}
    for zone in names:
        full[_key(zone)] = zone
        if zone.startswith(FIXED_OFFSETS):
            continue
        cities.setdefault(_key(zone.rsplit("/", 1)[-1]), []).append(zone)
    return _Index(
        names, full, {city: tuple(sorted(zones, key=_rank)) for city, zones in cities.items()}
    )


def _city(zones: tuple[str, ...]) -> str | None:
    """The zone a city name means: the one in today's regions (aliases of one place share a
    city), else its only alias; None when aliases of different places share it (Eastern)."""
    if zones[0].split("/")[0] in REGIONS or len(zones) == 1:
        return zones[0]
    return None


def find_zone(typed: str) -> ZoneMatch:
    """The zone `typed` names, by its whole name in any case or by its city; else suggestions."""
    typed = typed.strip()
    if len(typed) > MAX_ZONE_NAME:
        return ZoneMatch(None)
    key, index = _key(typed), _index()
    if not key:
        return ZoneMatch(None)
    if typed in index.names:
        return ZoneMatch(typed)
    zones = index.cities.get(key, ())
    if "/" not in key and zones and (found := _city(zones)):
        return ZoneMatch(found)  # "singapore": Asia/Singapore rather than the alias Singapore
    if key in index.full:
        return ZoneMatch(index.full[key])
    if key in ABBREVIATIONS:
        return ZoneMatch(ABBREVIATIONS[key])
    if zones:  # one city name, several places: say which they are
        return ZoneMatch(None, zones[:SUGGESTIONS])
    return ZoneMatch(None, _closest(key, index))


def _closest(key: str, index: _Index) -> tuple[str, ...]:
    """Names a slip of the keyboard away; none for an offset ("GMT+2" is no near miss of GMT)
    or a region alone ("America" is no near miss of America/Merida)."""
    if any(c.isdigit() for c in key) or key in REGION_KEYS:
        return ()
    if "/" in key:
        names = difflib.get_close_matches(key, index.full, SUGGESTIONS, SUGGESTION_CUTOFF)
        return tuple(index.full[name] for name in names)
    names = difflib.get_close_matches(key, index.cities, SUGGESTIONS, SUGGESTION_CUTOFF)
    return tuple(dict.fromkeys(index.cities[name][0] for name in names))


UTC_ZONE = ZoneInfo("UTC")


def zone_or_utc(name: str | None) -> ZoneInfo:
    """The zone a reader chose; UTC for none, or for a name no longer known (stored rows
    outlive tzdata releases)."""
    return (zone_named(name) if name else None) or UTC_ZONE


class TimeForm(StrEnum):
    """How much of a moment a reader is shown."""

    MOMENT = "moment"  # "01 Dec 2026 07:49 CET": when something happened
    DATE = "date"  # "01 Dec 2026": the day, in lists
    COMING = "coming"  # "Mon 23 Nov, 08:00 CET": when something comes, days ahead


# Each form as a CLDR date pattern, which each language's catalog writes its own way (German
# "Mo., 23. Nov., 08:00"); month and weekday names come from CLDR (Babel) in that language.
PATTERNS = {
    # Translators: a CLDR date pattern (dd day, MMM short month name, yyyy year, HH:mm time);
    # letters in quotes are kept as they are. A time zone abbreviation follows it.
    TimeForm.MOMENT: N_("dd MMM yyyy HH:mm"),
    # Translators: a CLDR date pattern (dd day, MMM short month name, yyyy year).
    TimeForm.DATE: N_("dd MMM yyyy"),
    # Translators: a CLDR date pattern (EEE short weekday name, d day, MMM short month name,
    # HH:mm time). A time zone abbreviation follows it.
    TimeForm.COMING: N_("EEE d MMM, HH:mm"),
}


def shown_time(moment: datetime, zone: ZoneInfo, form: TimeForm = TimeForm.MOMENT) -> str:
    """A moment as a reader reads it, on their clock and in their language, the zone named by
    its abbreviation (or its offset, "+04", where it has none): the one way every time a reader
    sees is written. A date is the reader's date too (08:00 in Tokyo is the day before in UTC)."""
    local = moment.astimezone(zone)
    shown = format_datetime(local, _(PATTERNS[form]), locale=current_language())
    return shown if form is TimeForm.DATE else f"{shown} {local.tzname()}"


def weekday_name(day: int, *, short: bool = False) -> str:
    """Monday (0) to Sunday (6) in the reader's language: "Montag", or "Mo." when `short`."""
    return str(get_day_names("abbreviated" if short else "wide", locale=current_language())[day])
