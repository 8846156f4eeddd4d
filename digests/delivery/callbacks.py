"""Callback data, what a button says when pressed: one typed value per button kind.

Buttons are composed in the core (digests carry Read buttons into the outbox), so the codec lives
here, beside the message model, and every transport decodes with it. Telegram hands back whatever
data a client sends, and a client can send anything up to 64 bytes, so `decode` accepts only what
`encode` could have produced: a known prefix, the right fields, numbers the database can hold.
The wire form, `<prefix>:<field>:<field>`, is the one buttons already in chats carry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from digests.i18n import LANGUAGES
from digests.store.ids import parse_number
from digests.text.summarize import LENGTHS

CALLBACK_DATA_LIMIT = 64  # bytes of UTF-8, as Telegram counts them
SEPARATOR = ":"
NEW = "new"  # in place of a page: send the first page as a new message
# The settings the card's buttons change, and what each value must be to come from a button
# (a rhythm, a time or a zone is checked where it is stored, like the ones people type).
BUTTON_SETTINGS: dict[str, Callable[[str], bool]] = {
    "rhythm": bool,
    "summary_length": lambda value: value in LENGTHS,
    "digest_time": bool,
    "timezone": bool,
    "weekday": lambda value: parse_number(value, maximum=6) is not None,
    "images": lambda value: value in ("on", "off"),
    "language": lambda value: value in ("auto", *LANGUAGES),
}


def _summary_fields(fields: list[str]) -> tuple[int, str | None] | None:
    """An id and, optionally, a length: what both summary buttons carry."""
    match fields:
        case [raw_id]:
            length = None
        case [raw_id, length] if length in LENGTHS:
            pass
        case _:
            return None
    number = parse_number(raw_id)
    return None if number is None else (number, length)


@dataclass(frozen=True, slots=True)
class ShowSummary:
    """An article's summary at the reader's own length as a new message, or redrawn at `length`
    in place. The id is an article's, never shown: readers know stories by number."""

    prefix: ClassVar[str] = "sum"
    article_id: int
    length: str | None = None

    def fields(self) -> tuple[str, ...]:
        return (str(self.article_id),) + ((self.length,) if self.length else ())

    @classmethod
    def parse(cls, fields: list[str]) -> ShowSummary | None:
        found = _summary_fields(fields)
        return None if found is None else cls(*found)


@dataclass(frozen=True, slots=True)
class StorySummary:
    """Story N's summary (what /summary N shows), new or redrawn at `length` in place."""

    prefix: ClassVar[str] = "ssum"
    story_id: int
    length: str | None = None

    def fields(self) -> tuple[str, ...]:
        return (str(self.story_id),) + ((self.length,) if self.length else ())

    @classmethod
    def parse(cls, fields: list[str]) -> StorySummary | None:
        found = _summary_fields(fields)
        return None if found is None else cls(*found)


@dataclass(frozen=True, slots=True)
class LatestPage:
    """The latest articles from `offset` on, in place; `new` sends the first page afresh."""

    prefix: ClassVar[str] = "latest"
    offset: int = 0
    new: bool = False

    def fields(self) -> tuple[str, ...]:
        return (NEW,) if self.new else (str(self.offset),)

    @classmethod
    def parse(cls, fields: list[str]) -> LatestPage | None:
        match fields:
            case [value] if value == NEW:
                return cls(new=True)
            case [value] if (offset := parse_number(value)) is not None:
                return cls(offset)
        return None


@dataclass(frozen=True, slots=True)
class ReadArticle:
    """The whole text of an article that has no web address to open."""

    prefix: ClassVar[str] = "read"
    article_id: int

    def fields(self) -> tuple[str, ...]:
        return (str(self.article_id),)

    @classmethod
    def parse(cls, fields: list[str]) -> ReadArticle | None:
        match fields:
            case [raw_id] if (article_id := parse_number(raw_id)) is not None:
                return cls(article_id)
        return None


@dataclass(frozen=True, slots=True)
class ShowStory:
    """A story's timeline: its reports by time, its summary, who said what."""

    prefix: ClassVar[str] = "story"
    story_id: int

    def fields(self) -> tuple[str, ...]:
        return (str(self.story_id),)

    @classmethod
    def parse(cls, fields: list[str]) -> ShowStory | None:
        match fields:
            case [raw_id] if (story_id := parse_number(raw_id)) is not None:
                return cls(story_id)
        return None


@dataclass(frozen=True, slots=True)
class MoreDigest:
    """The next part of a digest: its news with ids above `after`, up to `upto`, as new
    messages. Only ids travel: what they cover is chosen again for the chat that presses."""

    prefix: ClassVar[str] = "more"
    after: int
    upto: int

    def fields(self) -> tuple[str, ...]:
        return (str(self.after), str(self.upto))

    @classmethod
    def parse(cls, fields: list[str]) -> MoreDigest | None:
        match fields:
            case [raw_after, raw_upto]:
                after, upto = parse_number(raw_after), parse_number(raw_upto)
                if after is not None and upto is not None and after < upto:
                    return cls(after, upto)
        return None


@dataclass(frozen=True, slots=True)
class ActorProfile:
    """A page of what a person said, in place; `new` sends the first page afresh."""

    prefix: ClassVar[str] = "actor"
    actor_id: int
    page: int = 0
    new: bool = False

    def fields(self) -> tuple[str, ...]:
        return (str(self.actor_id), NEW if self.new else str(self.page))

    @classmethod
    def parse(cls, fields: list[str]) -> ActorProfile | None:
        match fields:
            case [raw_id, page]:
                actor_id = parse_number(raw_id)
                number = 0 if page == NEW else parse_number(page)
                if actor_id is not None and number is not None:
                    return cls(actor_id, number, new=page == NEW)
        return None


@dataclass(frozen=True, slots=True)
class FollowActor:
    """Follow (or stop following) a person in this chat's digests."""

    prefix: ClassVar[str] = "follow"
    actor_id: int
    follow: bool = True

    def fields(self) -> tuple[str, ...]:
        return ("on" if self.follow else "off", str(self.actor_id))

    @classmethod
    def parse(cls, fields: list[str]) -> FollowActor | None:
        match fields:
            case ["on" | "off" as action, raw_id] if (actor_id := parse_number(raw_id)) is not None:
                return cls(actor_id, follow=action == "on")
        return None


@dataclass(frozen=True, slots=True)
class ActorTimeline:
    """A chart of a person's statements and mentions per day, sent as a photo."""

    prefix: ClassVar[str] = "chart"
    actor_id: int

    def fields(self) -> tuple[str, ...]:
        return (str(self.actor_id),)

    @classmethod
    def parse(cls, fields: list[str]) -> ActorTimeline | None:
        match fields:
            case [raw_id] if (actor_id := parse_number(raw_id)) is not None:
                return cls(actor_id)
        return None


@dataclass(frozen=True, slots=True)
class ChangeSetting:
    """One digest setting from the settings card; the value is checked when it is stored."""

    prefix: ClassVar[str] = "set"
    name: str
    value: str

    def fields(self) -> tuple[str, ...]:
        return (self.name, self.value)


@dataclass(frozen=True, slots=True)
class UnfollowFromSettings:
    """The settings card's "Unfollow <name>" button."""

    prefix: ClassVar[str] = "set"
    actor_id: int

    def fields(self) -> tuple[str, ...]:
        return ("unfollow", str(self.actor_id))


def _parse_settings_button(fields: list[str]) -> ChangeSetting | UnfollowFromSettings | None:
    """`set:unfollow:<id>`, or `set:<name>:<value>` (a time's own colon stays in the value)."""
    match fields:
        case ["unfollow", raw_id] if (actor_id := parse_number(raw_id)) is not None:
            return UnfollowFromSettings(actor_id)
        case [name, *parts] if name in BUTTON_SETTINGS:
            value = SEPARATOR.join(parts)
            if parts and BUTTON_SETTINGS[name](value):
                return ChangeSetting(name, value)
    return None


@dataclass(frozen=True, slots=True)
class Subscribe:
    """The welcome card's Subscribe button."""

    prefix: ClassVar[str] = "sub"

    def fields(self) -> tuple[str, ...]:
        return ("on",)

    @classmethod
    def parse(cls, fields: list[str]) -> Subscribe | None:
        return cls() if fields == ["on"] else None


@dataclass(frozen=True, slots=True)
class SendDigestNow:
    """The settings card's "Send my digest now": it names no chat, so a press sends the digest
    of the chat it was pressed in, whoever's card it copied."""

    prefix: ClassVar[str] = "digest"

    def fields(self) -> tuple[str, ...]:
        return ("now",)

    @classmethod
    def parse(cls, fields: list[str]) -> SendDigestNow | None:
        return cls() if fields == ["now"] else None


@dataclass(frozen=True, slots=True)
class SourcesPage:
    """A page of /sources, in place; `new` sends the first page afresh (the settings card's)."""

    prefix: ClassVar[str] = "src"
    page: int = 0
    new: bool = False

    def fields(self) -> tuple[str, ...]:
        return (NEW,) if self.new else (str(self.page),)


@dataclass(frozen=True, slots=True)
class ToggleSource:
    """Turn a source on or off for the chat's digests, then redraw the page it is on."""

    prefix: ClassVar[str] = "src"
    source_id: int
    keep: bool
    page: int = 0

    def fields(self) -> tuple[str, ...]:
        return ("on" if self.keep else "off", str(self.source_id), str(self.page))


def _parse_sources_button(fields: list[str]) -> SourcesPage | ToggleSource | None:
    """`src:new`, `src:<page>`, or `src:on|off:<source id>:<page>`."""
    match fields:
        case [value] if value == NEW:
            return SourcesPage(new=True)
        case [value] if (page := parse_number(value)) is not None:
            return SourcesPage(page)
        case ["on" | "off" as action, raw_id, raw_page]:
            source_id, page = parse_number(raw_id), parse_number(raw_page)
            if source_id is not None and page is not None:
                return ToggleSource(source_id, keep=action == "on", page=page)
    return None


@dataclass(frozen=True, slots=True)
class BreakingAction:
    """An admin's Send or Cancel on a breaking update."""

    prefix: ClassVar[str] = "brk"
    broadcast_id: int
    send: bool

    def fields(self) -> tuple[str, ...]:
        return ("send" if self.send else "cancel", str(self.broadcast_id))

    @classmethod
    def parse(cls, fields: list[str]) -> BreakingAction | None:
        match fields:
            case ["send" | "cancel" as action, raw_id] if (
                broadcast_id := parse_number(raw_id)
            ) is not None:
                return cls(broadcast_id, send=action == "send")
        return None


Callback = (
    ShowSummary
    | StorySummary
    | LatestPage
    | ReadArticle
    | ShowStory
    | MoreDigest
    | ActorProfile
    | FollowActor
    | ActorTimeline
    | ChangeSetting
    | UnfollowFromSettings
    | Subscribe
    | SendDigestNow
    | SourcesPage
    | ToggleSource
    | BreakingAction
)

_PARSERS: dict[str, Callable[[list[str]], Callback | None]] = {
    ShowSummary.prefix: ShowSummary.parse,
    StorySummary.prefix: StorySummary.parse,
    LatestPage.prefix: LatestPage.parse,
    ReadArticle.prefix: ReadArticle.parse,
    ShowStory.prefix: ShowStory.parse,
    MoreDigest.prefix: MoreDigest.parse,
    ActorProfile.prefix: ActorProfile.parse,
    FollowActor.prefix: FollowActor.parse,
    ActorTimeline.prefix: ActorTimeline.parse,
    ChangeSetting.prefix: _parse_settings_button,
    Subscribe.prefix: Subscribe.parse,
    SendDigestNow.prefix: SendDigestNow.parse,
    SourcesPage.prefix: _parse_sources_button,
    BreakingAction.prefix: BreakingAction.parse,
}


def encode(callback: Callback) -> str:
    """The data a button carries.

    Raises ValueError past Telegram's 64 bytes, or for a value `decode` would not read back
    (an id beyond the database's, an unknown setting): a bug in the caller, never user input.
    """
    data = SEPARATOR.join((callback.prefix, *callback.fields()))
    if len(data.encode()) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
    if decode(data) != callback:
        raise ValueError(f"callback data that would not read back: {data!r}")
    return data


def decode(data: str) -> Callback | None:
    """The button a press came from, or None for anything `encode` would not have written."""
    if not data or len(data.encode()) > CALLBACK_DATA_LIMIT:
        return None
    prefix, *fields = data.split(SEPARATOR)
    parser = _PARSERS.get(prefix)
    return parser(fields) if parser else None
