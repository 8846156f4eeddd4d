"""SQL tables: what the bot knows and keeps, shared by SQLite and PostgreSQL.

Every string column is TEXT, a BoundedString (any value fits, cut or left out on purpose), or a
VARCHAR holding only what the code writes or has validated; tests/store/test_long_strings.py
keeps that list and fails on a column that is none of these.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum, StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlmodel import Field, SQLModel

from digests.store.enums import (
    BroadcastStatus,
    OutboxStatus,
    Priority,
    RhythmKind,
    SourceFill,
)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite forgets the zone; this puts it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class _EnumValue(TypeDecorator):
    """An enum stored as its plain value: the column holds what it always held (no migration),
    a value outside the enum is refused on the way in, and rows read back as the enum."""

    def __init__(self, enum: type[Enum], *args: object) -> None:
        super().__init__(*args)
        self.enum = enum

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum(value)


class StrEnumType(_EnumValue):
    impl = String
    cache_ok = True  # SQLAlchemy asks each subclass itself


class IntEnumType(_EnumValue):
    impl = Integer
    cache_ok = True


def _enum_column(
    enum: type[Enum], length: int | None = None, default: Enum | None = None
) -> Column:
    """A StrEnum in a VARCHAR of `length`, an IntEnum (no length) in an INTEGER; `default`
    also serves inserts that do not go through the model."""
    kind = IntEnumType(enum) if length is None else StrEnumType(enum, length)
    return Column(kind, nullable=False, default=default)


class Overflow(StrEnum):
    """What storing does with a string longer than its column holds."""

    CUT = "cut"  # text a person reads (a title, a name, an error): cut, ending in "…"
    OMIT = "omit"  # a value that is wrong once cut (a link, an ETag): not stored at all


class BoundedString(TypeDecorator):
    """A VARCHAR(n) that never refuses a long value: every write, on every backend, fits it.

    PostgreSQL refuses a value over n characters (the whole transaction fails: a feed whose
    title is too long failed every poll) while SQLite stores it whole; this is the one place
    both learn the same rule. Comparisons are bound the same way, so a lookup of an overlong
    name finds the row stored under its cut form.
    """

    impl = String
    cache_ok = True

    def __init__(self, length: int, overflow: Overflow) -> None:
        super().__init__(length)
        self.length = length
        self.overflow = overflow

    def process_bind_param(self, value: str | None, dialect) -> str | None:
        if value is None or len(value) <= self.length:
            return value
        if self.overflow is Overflow.OMIT:
            return None
        return value[: self.length - 1] + "…"


def bounded(length: int, overflow: Overflow = Overflow.CUT, **field: Any) -> Any:
    """A SQLModel field for a bounded string column (see BoundedString)."""
    return Field(sa_type=BoundedString(length, overflow), **field)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _utc_column(*, nullable: bool = True, index: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable, index=index)


# Shared sources are unique by address among themselves; a chat's own feeds within that chat,
# so two chats adding one feed each get their own, private copy of it.
SHARED_SOURCE_WHERE = text("owner_chat_id IS NULL")
OWNED_SOURCE_WHERE = text("owner_chat_id IS NOT NULL")


class Source(SQLModel, table=True):
    """Where articles come from: the embedded seeds, a feed, a web page or a local folder.

    Polling state lives on the row (next poll, validators, failures), so a restart resumes it.
    """

    __table_args__ = (
        Index(
            "uq_source_shared_url",
            "url",
            unique=True,
            postgresql_where=SHARED_SOURCE_WHERE,
            sqlite_where=SHARED_SOURCE_WHERE,
        ),
        Index(
            "uq_source_owned_url",
            "owner_chat_id",
            "url",
            unique=True,
            postgresql_where=OWNED_SOURCE_WHERE,
            sqlite_where=OWNED_SOURCE_WHERE,
        ),
    )

    # Typed as set: the database assigns it at the first flush, before any code reads it.
    id: int = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # seed | feed | page | file
    url: str = Field(max_length=2048)
    # The chat that added this feed as its own (USER_FEEDS): its articles are that chat's only.
    # None: a source for everyone (admins' feeds, seeds, the hosts of pages readers send).
    owner_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    title: str | None = bounded(512, default=None)
    site_url: str | None = bounded(2048, Overflow.OMIT, default=None)
    active: bool = True
    trusted: bool = False  # added by an admin: its own host may be on a private network
    poll_seconds: int | None = None  # None: the FEED_POLL_SECONDS setting
    next_poll_at: datetime | None = Field(default=None, sa_column=_utc_column(index=True))
    # Validators cut would never match again: over the limit, polls go without them.
    etag: str | None = bounded(512, Overflow.OMIT, default=None)
    last_modified: str | None = bounded(128, Overflow.OMIT, default=None)
    last_fetched_at: datetime | None = Field(default=None, sa_column=_utc_column())
    last_error: str | None = bounded(512, default=None)
    error_count: int = 0
    admins_told: bool = False  # failing source: admins were told once
    # A source the bot creates starts NEW; rows stored before this state existed (the server
    # default) were read up to now.
    fill: SourceFill = Field(
        default=SourceFill.NEW,
        sa_column=Column(
            StrEnumType(SourceFill, 8), nullable=False, server_default=SourceFill.CURRENT.value
        ),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))


# Articles for everyone are unique by content among themselves; a chat's own pages are unique
# within that chat, so a page a reader sent never stands in for (or hides) a feed's article.
PUBLIC_ARTICLE_WHERE = text("owner_chat_id IS NULL")
OWNED_ARTICLE_WHERE = text("owner_chat_id IS NOT NULL")


class Article(SQLModel, table=True):
    """One story, cleaned and deduplicated; its id order is ingest order."""

    __table_args__ = (
        Index("ix_article_listed", "listed_at", "id"),
        Index(
            "uq_article_public_content",
            "content_hash",
            unique=True,
            postgresql_where=PUBLIC_ARTICLE_WHERE,
            sqlite_where=PUBLIC_ARTICLE_WHERE,
        ),
        Index(
            "uq_article_owned_content",
            "owner_chat_id",
            "content_hash",
            unique=True,
            postgresql_where=OWNED_ARTICLE_WHERE,
            sqlite_where=OWNED_ARTICLE_WHERE,
        ),
    )

    id: int = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    # The chat that sent this page: only it may read it. None: a feed's, seed's or file's
    # article, for everyone.
    owner_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # An overlong link is kept out, not cut: the article stays, without a Read button, and
    # deduplicates by its text (polling already turns overlong GUIDs into digests).
    guid: str | None = bounded(2048, Overflow.OMIT, default=None, index=True)
    url: str | None = bounded(2048, Overflow.OMIT, default=None)
    canonical_url: str | None = bounded(2048, Overflow.OMIT, default=None, index=True)
    content_hash: str = Field(max_length=64)
    title: str = bounded(512)
    text: str = Field(sa_column=Column(Text, nullable=False))
    author: str | None = bounded(256, default=None)
    language: str = Field(default="en", max_length=8)
    published_at: datetime | None = Field(default=None, sa_column=_utc_column())
    ingested_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))
    # When it counts as news, for "newest first": its publication time, or its ingest time when
    # the source gave none or claimed a time in the future.
    listed_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))
    # The event it reports (digests.stories); none for pages a reader sent, which stay theirs.
    story_id: int | None = Field(default=None, foreign_key="story.id", index=True)
    # Listed by its feed before the feed was added (see SourceFill): stored for /latest,
    # /summary, /story and /actor, never news in a digest.
    backlog: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    # Its picture (feed media, the page's og:image), an http(s) link never fetched by us: digests
    # and /summary show it as a large link preview. An overlong one is left out, not cut.
    image_url: str | None = bounded(2048, Overflow.OMIT, default=None)


class Story(SQLModel, table=True):
    """One event as one or more sources reported it; its articles point at it."""

    __table_args__ = (Index("ix_story_listed", "listed_at", "id"),)

    id: int = Field(default=None, primary_key=True)
    title: str = Field(max_length=512)  # the first report's headline
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))
    listed_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))


class StoryTerm(SQLModel, table=True):
    """A key term of an article: the index through which a new article finds its story.

    The lookup index covers every column a lookup reads, so candidates come off the index alone.
    """

    __table_args__ = (Index("ix_storyterm_lookup", "term", "listed_at", "article_id", "story_id"),)

    id: int = Field(default=None, primary_key=True)
    term: int = Field(sa_column=Column(BigInteger, nullable=False))
    article_id: int = Field(foreign_key="article.id", index=True)
    story_id: int = Field(foreign_key="story.id", index=True)
    listed_at: datetime = Field(sa_column=_utc_column(nullable=False))


class StoryProfile(SQLModel, table=True):
    """An article's weighted terms, compared with a newcomer's to tell one event from another."""

    article_id: int = Field(foreign_key="article.id", primary_key=True)
    weights: str = Field(sa_column=Column(Text, nullable=False))  # JSON [[term, weight], ...]


class TermFrequency(SQLModel, table=True):
    """In how many stored articles' profiles a term occurs: what makes a shared word telling."""

    term: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    articles: int = 0


class StoryDelivery(SQLModel, table=True):
    """What a chat was sent of a story, so an update shows only what it has not read yet."""

    __table_args__ = (UniqueConstraint("chat_id", "story_id"),)

    id: int = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    story_id: int = Field(foreign_key="story.id", index=True)
    sentences: str = Field(sa_column=Column(Text, nullable=False))  # JSON list, as sent
    sent_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))


class MutedSource(SQLModel, table=True):
    """A source a chat turned off in /sources: its articles stay out of that chat's digests.

    The chats that said no are stored, not those that said yes, so a new source reaches
    everyone until they turn it off.
    """

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    source_id: int = Field(foreign_key="source.id", primary_key=True, index=True)


class Summary(SQLModel, table=True):
    """A summary computed once per article and length, then reused everywhere."""

    __table_args__ = (UniqueConstraint("article_id", "length"),)

    id: int = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    length: str = Field(max_length=8)  # short | medium | long
    sentences: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of sentences
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))


class Actor(SQLModel, table=True):
    """A person or a speaking institution, one row whatever the spelling."""

    id: int = Field(default=None, primary_key=True)
    name: str = bounded(256)
    kind: str = Field(default="person", max_length=16)  # person | organization
    role: str | None = bounded(256, default=None)
    mention_count: int = Field(default=0, index=True)  # kept at ingest, for /actors at any size
    statement_count: int = 0  # kept at ingest too: /actor shows it without counting them


class ActorAlias(SQLModel, table=True):
    """Every surface form an actor was seen under, for spelling-tolerant lookup."""

    __table_args__ = (UniqueConstraint("actor_id", "alias"),)

    id: int = Field(default=None, primary_key=True)
    actor_id: int = Field(foreign_key="actor.id", index=True)
    alias: str = bounded(256)
    key: str = bounded(256, index=True)  # identity key of the surname: indexed lookups
    # How many articles gave the actor this full name, and how often they wrote its surname:
    # the actor is shown under the spelling most articles use, not the first one seen.
    articles: int = Field(default=0)
    occurrences: int = Field(default=0)


class Mention(SQLModel, table=True):
    """A sentence of an article that names an actor."""

    # An actor's lines newest first come off this index a page at a time, however many
    # articles named them (listed_at is the article's, copied at ingest; it never changes).
    __table_args__ = (Index("ix_mention_actor_listed", "actor_id", "listed_at", "article_id"),)

    id: int = Field(default=None, primary_key=True)
    actor_id: int = Field(foreign_key="actor.id")
    article_id: int = Field(foreign_key="article.id", index=True)
    sentence: str = Field(sa_column=Column(Text, nullable=False))
    position: int = 0
    listed_at: datetime = Field(sa_column=_utc_column(nullable=False))


class Statement(SQLModel, table=True):
    """What an actor said (a direct quote) or was reported to say, in which article."""

    __table_args__ = (Index("ix_statement_actor_listed", "actor_id", "listed_at", "article_id"),)

    id: int = Field(default=None, primary_key=True)
    actor_id: int = Field(foreign_key="actor.id")
    article_id: int = Field(foreign_key="article.id", index=True)
    kind: str = Field(max_length=16)  # quote | reported
    text: str = Field(sa_column=Column(Text, nullable=False))
    sentence: str = Field(sa_column=Column(Text, nullable=False))
    position: int = 0
    listed_at: datetime = Field(sa_column=_utc_column(nullable=False))  # as the mention's


class RoleStatement(SQLModel, table=True):
    """Said in an article by someone it calls only by a role ("the Russian president"), waiting
    until that role is known to belong to one of the people the article names; then it becomes
    their Statement and this row goes."""

    id: int = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    role: str = bounded(256)
    kind: str = Field(max_length=16)  # quote | reported
    text: str = Field(sa_column=Column(Text, nullable=False))
    sentence: str = Field(sa_column=Column(Text, nullable=False))
    position: int = 0


class ActorFollow(SQLModel, table=True):
    """A subscriber follows an actor: their digests include that actor's new statements."""

    __table_args__ = (UniqueConstraint("subscription_id", "actor_id"),)

    id: int = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="subscription.id", index=True)
    actor_id: int = Field(foreign_key="actor.id", index=True)
    last_statement_id: int = 0  # watermark: statements above it are new to this follower


class Chat(SQLModel, table=True):
    """A Telegram chat the bot talks to; inactive once Telegram says we may not write to it."""

    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    kind: str = Field(default="private", max_length=16)  # private | group | supergroup | channel
    title: str | None = bounded(256, default=None)
    active: bool = True
    inactive_reason: str | None = bounded(256, default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))
    language: str | None = Field(default=None, max_length=8)  # chosen in /settings
    seen_language: str | None = Field(default=None, max_length=8)  # its people's Telegram's
    # Articles' pictures shown as link previews (/settings images on|off).
    images: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default=true())
    )


# The subscriptions each due index holds; digest.due_subscriptions names the rhythm literally
# (PostgreSQL uses a partial index only for a query whose conditions it can see imply this).
SCHEDULED_WHERE = text(f"active AND rhythm <> '{RhythmKind.INSTANT}'")
INSTANT_WHERE = text(f"active AND rhythm = '{RhythmKind.INSTANT}'")


class Subscription(SQLModel, table=True):
    """A chat's digest settings; `next_digest_at` on the row is the whole schedule."""

    # Each kind of schedule in due order, so a page of due subscribers is read off an index,
    # never sorted (in a peak minute a large share of everyone shares one slot).
    __table_args__ = (
        Index(
            "ix_subscription_due",
            "next_digest_at",
            "id",
            postgresql_where=SCHEDULED_WHERE,
            sqlite_where=SCHEDULED_WHERE,
        ),
        Index(
            "ix_subscription_instant",
            "next_digest_at",
            "id",
            postgresql_where=INSTANT_WHERE,
            sqlite_where=INSTANT_WHERE,
        ),
    )

    id: int = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    active: bool = True
    rhythm: RhythmKind = Field(
        default=RhythmKind.DAILY, sa_column=_enum_column(RhythmKind, 8, RhythmKind.DAILY)
    )
    digest_time: str = Field(default="08:00", max_length=5)  # HH:MM in `timezone`
    weekday: int = 0  # 0 = Monday, for weekly digests
    timezone: str = Field(default="UTC", max_length=64)
    summary_length: str = Field(default="short", max_length=8)
    include_keywords: str = Field(default="", max_length=1024)  # comma-separated plain words
    exclude_keywords: str = Field(default="", max_length=1024)
    quiet_start: str | None = Field(default=None, max_length=5)
    quiet_end: str | None = Field(default=None, max_length=5)
    last_article_id: int = 0  # watermark: articles above it are new to this subscriber
    # The forum topic /subscribe was sent in (Telegram's message_thread_id): digests and
    # breaking updates go there. None: the chat itself (its general chat, in a forum).
    message_thread_id: int | None = None
    next_digest_at: datetime | None = Field(default=None, sa_column=_utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))


class OutboxMessage(SQLModel, table=True):
    """One message to send; written with the digest that made it, drained by the sender."""

    __table_args__ = (Index("ix_outbox_due", "status", "priority", "next_attempt_at"),)

    id: int = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=128, unique=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    text: str = Field(sa_column=Column(Text, nullable=False))
    buttons: str | None = Field(default=None, sa_column=Column(Text))  # JSON rows of buttons
    # Shown as a large link preview above the text (an article's image); None: no preview.
    preview_url: str | None = bounded(2048, Overflow.OMIT, default=None)
    message_thread_id: int | None = None  # the forum topic it goes to; None: the chat itself
    priority: Priority = Field(
        default=Priority.DIGEST, sa_column=_enum_column(Priority, default=Priority.DIGEST)
    )
    status: OutboxStatus = Field(
        default=OutboxStatus.PENDING, sa_column=_enum_column(OutboxStatus, 12, OutboxStatus.PENDING)
    )
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))
    last_error: str | None = bounded(512, default=None)
    claimed_by: str | None = Field(default=None, max_length=128, index=True)  # the sender's name
    broadcast_id: int | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=_utc_column())


class Broadcast(SQLModel, table=True):
    """A breaking update from an admin: a draft until confirmed, then one outbox row per chat."""

    id: int = Field(default=None, primary_key=True)
    admin_user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    admin_chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    progress_message_id: int | None = None  # the admin's message edited with progress
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: BroadcastStatus = Field(
        default=BroadcastStatus.DRAFT,
        sa_column=_enum_column(BroadcastStatus, 12, BroadcastStatus.DRAFT),
    )
    total: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=_utc_column())


class SendShare(SQLModel, table=True):
    """One sending instance's share of Telegram's overall rate (delivery/shared_rate.py): the
    places it may hold in Telegram's one-second window, until its lease ends."""

    owner: str = Field(primary_key=True, max_length=32)  # a random name per process
    places: int = 0
    wants: bool = False  # it has messages to send: the rate is split among those that do
    expires_at: float = 0.0  # the database's clock, seconds since the epoch
