"""Subscribe, unsubscribe and change digest settings; every change reschedules the next digest."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from digests.errors import DigestsError, echo
from digests.store.enums import RhythmKind
from digests.store.ids import parse_number
from digests.store.tables import ActorFollow, Article, Chat, Statement, Subscription
from digests.subscriptions.schedule import Rhythm, next_digest_at
from digests.text.summarize import LENGTHS
from digests.timezones import zone_named, zone_or_utc

HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class SettingError(DigestsError):
    """A setting value a user typed that we cannot use; the message is shown to them."""


@dataclass(frozen=True, slots=True)
class ChatInfo:
    id: int
    kind: str = "private"
    title: str | None = None


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
    session: Session, info: ChatInfo, *, now: datetime, timezone: str, digest_time: str
) -> tuple[Subscription, bool]:
    """Start (or resume) digests for a chat; returns the subscription and whether it starts
    now (new, resumed, or back after blocking the bot).

    A chat that starts (or comes back, after /unsubscribe or blocking the bot) starts from
    now: what was stored before is in /latest, not in its first digest.
    """
    chat = session.get(Chat, info.id)
    returning = chat is None or not chat.active
    chat = ensure_chat(session, info)
    chat.active, chat.inactive_reason = True, None
    subscription = get_subscription(session, info.id)
    starts = returning or subscription is None or not subscription.active
    if subscription is None:
        subscription = Subscription(chat_id=info.id, timezone=timezone, digest_time=digest_time)
        session.add(subscription)
        session.flush()
    if starts:
        _start_from_now(session, subscription)
    subscription.active = True
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
        raise SettingError("Please give the time as HH:MM, for example 07:30.")
    return f"{int(match[1]):02d}:{match[2]}"


def _check_timezone(value: str) -> str:
    name = value.strip()
    if zone_named(name) is None:
        quoted = f"“{echo(name)}”" if name else "That"  # a pasted page is echoed cut short
        raise SettingError(
            f"{quoted} is not a time zone I know: name a city zone, for example "
            "Europe/Berlin or America/New_York."
        )
    return name


def _check_keywords(value: str) -> str:
    words = [w.strip().lower() for w in value.split(",") if w.strip()]
    if any(not re.fullmatch(r"[\w' -]{1,40}", word) for word in words):
        raise SettingError("Keywords are plain words separated by commas.")
    return ",".join(dict.fromkeys(words))[:1024]


SETTERS = {
    "rhythm": lambda v: (
        RhythmKind(v)
        if v in tuple(RhythmKind)
        else _raise(f"Rhythm must be one of {', '.join(RhythmKind)}.")
    ),
    "digest_time": _check_time,
    "weekday": lambda v: (
        day if (day := parse_number(str(v), maximum=6)) is not None else _raise("Bad weekday.")
    ),
    "timezone": _check_timezone,
    "summary_length": lambda v: v if v in LENGTHS else _raise("Length is short, medium or long."),
    "include_keywords": _check_keywords,
    "exclude_keywords": _check_keywords,
    "quiet_start": lambda v: _check_time(v) if v else None,
    "quiet_end": lambda v: _check_time(v) if v else None,
}


def _raise(message: str):
    raise SettingError(message)


def change_setting(
    session: Session, chat_id: int, name: str, value: str, *, now: datetime
) -> Subscription:
    """Validate and store one setting, then reschedule from now."""
    subscription = get_subscription(session, chat_id)
    if subscription is None:
        raise SettingError("This chat has no subscription yet: send /subscribe first.")
    if name not in SETTERS:
        raise SettingError(f"Unknown setting {name!r}.")
    setattr(subscription, name, SETTERS[name](value))
    if subscription.active:
        subscription.next_digest_at = next_digest_at(rhythm_of(subscription), after=now)
    session.flush()
    return subscription
