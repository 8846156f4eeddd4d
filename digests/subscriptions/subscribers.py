"""Subscribe, unsubscribe and change digest settings; every change reschedules the next digest."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from digests.errors import DigestsError, echo
from digests.i18n import _, negotiate
from digests.store.enums import RhythmKind
from digests.store.ids import parse_number
from digests.store.tables import ActorFollow, Article, Chat, Statement, Subscription
from digests.subscriptions.schedule import WEEKDAYS, Rhythm, next_digest_at
from digests.subscriptions.topics import CLEARING, parse_topics
from digests.text.summarize import LENGTHS
from digests.timezones import ZoneMatch, find_zone, weekday_name, zone_or_utc

HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class SettingError(DigestsError):
    """A setting value a user typed that we cannot use; the message is shown to them."""


@dataclass(frozen=True, slots=True)
class ChatInfo:
    id: int
    kind: str = "private"
    title: str | None = None
    forum: bool = False  # a supergroup with topics: digests may go to one of them


def ensure_chat(session: Session, info: ChatInfo) -> Chat:
    chat = session.get(Chat, info.id)
    if chat is None:
        chat = Chat(id=info.id, kind=info.kind, title=info.title)
        session.add(chat)
    else:
        chat.kind, chat.title = info.kind, info.title or chat.title
    session.flush()
    return chat


def rhythm_of(subscription: Subscription) -> Rhythm:
    return Rhythm(
        kind=subscription.rhythm,
        at=subscription.digest_time,
        weekday=subscription.weekday,
        timezone=subscription.timezone,
        quiet_start=subscription.quiet_start,
        quiet_end=subscription.quiet_end,
    )


def get_subscription(session: Session, chat_id: int) -> Subscription | None:
    return session.exec(select(Subscription).where(col(Subscription.chat_id) == chat_id)).first()


def chat_zone(session: Session, chat_id: int, *, default: str) -> ZoneInfo:
    """The zone a chat reads times in: its subscription's, else the installation's default."""
    subscription = get_subscription(session, chat_id)
    return zone_or_utc(subscription.timezone if subscription else default)


def subscribe(
    session: Session,
    info: ChatInfo,
    *,
    now: datetime,
    timezone: str,
    digest_time: str,
    message_thread_id: int | None = None,
    language_code: str | None = None,
) -> tuple[Subscription, bool]:
    """Start (or resume) digests for a chat; returns the subscription and whether it starts
    now (new, resumed, or back after blocking the bot).

    A chat that starts (or comes back, after /unsubscribe or blocking the bot) starts from
    now: what was stored before is in /latest, not in its first digest. A chat has one
    subscription wherever it was made: subscribing from a forum topic (or from the general
    chat) makes that the place its digests go, moving them from any other. The subscriber's
    `language_code` is remembered for the digests (a new chat had no row to keep it in yet).
    """
    chat = session.get(Chat, info.id)
    returning = chat is None or not chat.active
    chat = ensure_chat(session, info)
    chat.active, chat.inactive_reason = True, None
    if language_code:
        chat.seen_language = negotiate(language_code)
    subscription = get_subscription(session, info.id)
    starts = returning or subscription is None or not subscription.active
    if subscription is None:
        subscription = Subscription(chat_id=info.id, timezone=timezone, digest_time=digest_time)
        session.add(subscription)
        session.flush()
    if starts:
        _start_from_now(session, subscription)
    subscription.active = True
    subscription.message_thread_id = message_thread_id
    subscription.next_digest_at = next_digest_at(rhythm_of(subscription), after=now)
    session.flush()
    return subscription, starts


def _start_from_now(session: Session, subscription: Subscription) -> None:
    """Articles and followed people's statements stored so far are no news to this chat."""
    subscription.last_article_id = session.exec(select(func.max(col(Article.id)))).one() or 0
    follows = session.exec(
        select(ActorFollow).where(col(ActorFollow.subscription_id) == subscription.id)
    ).all()
    for followed in follows:
        newest = session.exec(
            select(func.max(col(Statement.id))).where(col(Statement.actor_id) == followed.actor_id)
        ).one()
        followed.last_statement_id = max(followed.last_statement_id, newest or 0)


def unsubscribe(session: Session, chat_id: int) -> bool:
    """Stop digests; settings are kept so a later /subscribe resumes them."""
    subscription = get_subscription(session, chat_id)
    if subscription is None or not subscription.active:
        return False
    subscription.active = False
    subscription.next_digest_at = None
    session.flush()
    return True


def _check_time(value: str) -> str:
    match = HHMM.match(value.strip())
    if not match:
        raise SettingError(_("Please give the time as HH:MM, for example 07:30."))
    return f"{int(match[1]):02d}:{match[2]}"


def _check_timezone(value: str) -> str:
    typed = value.strip()
    if not typed:
        raise SettingError(
            _(
                "Name a time zone or a city, for example /settings timezone Europe/Berlin "
                "or /settings timezone New York."
            )
        )
    found = find_zone(typed)
    if found.name is not None:
        return found.name
    typed = echo(typed)  # a pasted page is echoed cut short
    if found.suggestions:
        raise SettingError(
            _("“{typed}” is not a time zone I know. Did you mean {zones}?").format(
                typed=typed, zones=_or(found)
            )
        )
    raise SettingError(
        _(
            "“{typed}” is not a time zone I know: name a city zone, for example "
            "Europe/Berlin or America/New_York."
        ).format(typed=typed)
    )


def _or(found: ZoneMatch) -> str:
    *first, last = found.suggestions
    if not first:
        return last
    return _("{some} or {last}").format(some=", ".join(first), last=last)


def _check_rhythm(value: str) -> RhythmKind:
    typed = value.strip().casefold()
    if typed not in tuple(RhythmKind):
        raise SettingError(
            _("The rhythm is one of {rhythms}.").format(rhythms=", ".join(RhythmKind))
        )
    return RhythmKind(typed)


def _check_weekday(value: str) -> int:
    """A button's 0 (Monday) to 6, or a day typed by name, whole or its first two or three
    letters, in English or the reader's language ("freitag", "fr")."""
    typed = value.strip().casefold().rstrip(".")
    if (number := parse_number(typed, maximum=6)) is not None:
        return number
    for number in range(7):
        for day in (WEEKDAYS[number], weekday_name(number), weekday_name(number, short=True)):
            day = day.casefold().rstrip(".")
            if typed == day or (len(typed) >= 3 and day.startswith(typed)):
                return number
    raise SettingError(_("Name a weekday, for example Monday or fri."))


def _check_length(value: str) -> str:
    typed = value.strip().casefold()
    if typed not in LENGTHS:
        raise SettingError(
            _("The summary length is one of {lengths}.").format(lengths=", ".join(LENGTHS))
        )
    return typed


def _quiet_hours(value: str) -> dict[str, object]:
    """Both ends at once, so the window is checked whole: equal ends would hold nothing."""
    typed = value.strip()
    if typed.casefold() in CLEARING:
        return {"quiet_start": None, "quiet_end": None}
    start, dash, end = typed.replace("–", "-").partition("-")
    if not dash:
        raise SettingError(_("Give quiet hours as HH:MM-HH:MM, for example 22:00-07:00."))
    start, end = _check_time(start), _check_time(end)
    if start == end:
        raise SettingError(
            _(
                "Quiet hours from {start} to {end} hold back nothing: give two different "
                "times, for example 22:00-07:00 (or /settings quiet off)."
            ).format(start=start, end=end)
        )
    return {"quiet_start": start, "quiet_end": end}


def _one(field: str, check: Callable[[str], object]) -> Callable[[str], dict[str, object]]:
    return lambda value: {field: check(value)}


# Each setting's check, and the fields it sets.
SETTERS: dict[str, Callable[[str], dict[str, object]]] = {
    "rhythm": _one("rhythm", _check_rhythm),
    "digest_time": _one("digest_time", _check_time),
    "weekday": _one("weekday", _check_weekday),
    "timezone": _one("timezone", _check_timezone),
    "summary_length": _one("summary_length", _check_length),
    "include_keywords": _one("include_keywords", parse_topics),
    "exclude_keywords": _one("exclude_keywords", parse_topics),
    "quiet_hours": _quiet_hours,
}


def change_setting(
    session: Session, chat_id: int, name: str, value: str, *, now: datetime
) -> Subscription:
    """Validate and store one setting, then reschedule from now."""
    subscription = get_subscription(session, chat_id)
    if subscription is None:
        raise SettingError(_("This chat has no subscription yet: send /subscribe first."))
    if name not in SETTERS:
        raise SettingError(_("Unknown setting “{name}”.").format(name=echo(name)))
    for field, checked in SETTERS[name](value).items():
        setattr(subscription, field, checked)
    if subscription.active:
        subscription.next_digest_at = next_digest_at(rhythm_of(subscription), after=now)
    session.flush()
    return subscription
