"""Every state the bot keeps or passes on, as a type: the values are what the columns store."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its turn, or claimed by a sender right now
    SENT = "sent"
    DEAD = "dead"  # Telegram refused it for good, or it failed too often
    CANCELLED = "cancelled"  # an admin cancelled the broadcast it belonged to


class BroadcastStatus(StrEnum):
    DRAFT = "draft"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class RhythmKind(StrEnum):
    """How often a subscriber gets a digest."""

    INSTANT = "instant"
    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"


class DeliveryOutcome(StrEnum):
    """What Telegram made of one send (never stored: it decides the row's next state)."""

    SENT = "sent"
    RETRY = "retry"
    BLOCKED = "blocked"
    MIGRATED = "migrated"
    REJECTED = "rejected"
    # The forum topic the row was addressed to is gone (deleted, or topics turned off): the
    # row goes again to the chat's general chat, and so does everything after it.
    THREAD_GONE = "thread_gone"


class SourceKind(StrEnum):
    SEED = "seed"  # the embedded articles
    FEED = "feed"  # RSS, Atom or JSON Feed, polled
    PAGE = "page"  # a site whose pages users sent
    FILE = "file"  # a local folder


class SourceFill(StrEnum):
    """How much of a feed's past the bot has read: what a feed listed before it was added is
    its backlog (stored and readable, never sent in digests), so a new feed starts from now."""

    NEW = "new"  # not read since it was added: its first poll keeps only the newest entry as news
    # The first poll left older teasers' pages for later polls: entries older than the newest
    # one already stored are backlog, newer ones news.
    FILLING = "filling"
    CURRENT = "current"  # read up to now: every entry it lists from here on is news


class MessageKind(StrEnum):
    """Why a message is in the outbox; it names the idempotency keys and fixes the priority."""

    BREAKING = "breaking"
    NOTICE = "notice"
    DIGEST = "digest"

    @property
    def priority(self) -> Priority:
        return _PRIORITY_OF[self]


class Priority(IntEnum):
    """Lower goes first."""

    BREAKING = 0  # ahead of everything
    NOTICE = 5  # admin notices, after breaking updates, before digests
    DIGEST = 10


_PRIORITY_OF = {
    MessageKind.BREAKING: Priority.BREAKING,
    MessageKind.NOTICE: Priority.NOTICE,
    MessageKind.DIGEST: Priority.DIGEST,
}
