"""The plain records extraction hands to storage and the bot: actors, statements, mentions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class ActorRef:
    name: str  # the fullest form seen in this article, without title
    kind: str  # "person" | "organization"
    aliases: tuple[str, ...]  # every surface form seen for it in this article
    role: str | None  # a role phrase if seen ("Russian President", "Kremlin spokesperson")


@dataclass(frozen=True, slots=True)
class StatementRef:
    speaker: str  # the ActorRef.name of who said it
    kind: str  # "quote" | "reported"
    text: str  # the quoted words (parts of a continued quote joined), or the whole sentence
    sentence: str  # the sentence(s) verbatim as in the article
    position: int  # character offset of that sentence in the article text


@dataclass(frozen=True, slots=True)
class MentionRef:
    actor: str  # ActorRef.name
    sentence: str
    position: int  # character offset of the mention (its first in that sentence)


@dataclass(frozen=True, slots=True)
class Extraction:
    actors: tuple[ActorRef, ...]
    statements: tuple[StatementRef, ...]
    mentions: tuple[MentionRef, ...]
    # Said by someone the article calls only by a role ("the Russian president stated …"), the
    # role as `speaker`: the store gives them to the one person the article names who is known,
    # from any article, to hold that role.
    role_statements: tuple[StatementRef, ...] = ()


@dataclass(frozen=True, slots=True)
class DayCount:
    """What a person said on one day of the reader's calendar, and how often they were
    mentioned otherwise."""

    day: date
    statements: int
    mentions: int  # mentions outside their own statements, as the profile lists them
