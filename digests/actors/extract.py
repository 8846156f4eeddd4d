"""Who is named in one article and what each said: the entry point of actor extraction."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from digests.actors.cast import Actor, find_cast
from digests.actors.model import ActorRef, Extraction, MentionRef, StatementRef
from digests.actors.references import SentenceRefs, resolve
from digests.actors.statements import Said, find_statements
from digests.actors.text import Document, parse

__all__ = ["ActorRef", "Extraction", "MentionRef", "StatementRef", "extract_actors"]

# Who speaks in an article is settled in its body: a long read is some 60,000 characters, and
# past this many a text is a dump, not an article (a 10 MB page would cost seconds of CPU for
# nothing). Only the text up to here is read; the offsets reported stay those of the whole text.
MAX_TEXT_CHARS = 100_000


@dataclass(slots=True)
class _Mention:
    actor: Actor
    text: str  # its sentence, or the passage that holds a quotation crossing it
    position: int


def _mentions(doc: Document, table: list[SentenceRefs]) -> list[_Mention]:
    """One mention per actor per sentence, at the first phrase that refers to it; a heading
    names its subject ("Zelenskyy's Perspective – …") without saying anything about them, and a
    sentence the article repeats word for word is one mention."""
    found = []
    seen: set[tuple[int, str]] = set()
    for refs in table:
        if refs.sentence.heading:
            continue
        text = doc.passage_text(refs.sentence.index)
        for ref in refs.refs:
            key = (id(ref.actor), " ".join(text.split()))
            if ref.actor is not None and not ref.actor.unnamed and key not in seen:
                seen.add(key)
                found.append(_Mention(ref.actor, text, refs.sentence.tokens[ref.first].start))
    return found


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _salient(actors: list[Actor], said: list[Said], mentioned: list[Actor]) -> list[Actor]:
    """People, and institutions that speak, recur, or stand in someone's title ("Kremlin
    spokesperson"): an acronym or "the X" seen once is too often not an institution at all, and
    a name as often an event's ("Champions League") must speak or stand in a title."""
    speakers = {id(statement.speaker) for statement in said}
    role_words = set().union(*(_words(role) for a in actors for role in a.roles))
    mentions = Counter(id(actor) for actor in mentioned)
    kept = []
    for actor in actors:
        count = mentions[id(actor)]
        titled = _words(actor.name) <= role_words
        if actor.speaking_only:
            salient = id(actor) in speakers or titled
        else:
            salient = actor.kind == "person" or id(actor) in speakers or count >= 2 or titled
        if salient and count:
            kept.append(actor)
    return sorted(kept, key=lambda actor: actor.first_offset)


def _actor_ref(actor: Actor) -> ActorRef:
    role = max(actor.roles, key=len) if actor.roles else None
    return ActorRef(actor.name, actor.kind, tuple(actor.aliases), role)


def _statement_ref(doc: Document, statement: Said) -> StatementRef:
    first = doc.sentences[statement.first_sentence]
    last = doc.sentences[statement.last_sentence]
    return StatementRef(
        speaker=statement.speaker.name,
        kind=statement.kind,
        text=statement.text,
        sentence=doc.text[first.start : last.end],
        position=first.start,
    )


def extract_actors(text: str, *, title: str | None = None) -> Extraction:
    """People and speaking institutions in an article, what each said, and where each is named.

    ``title`` (the headline, when it is not part of ``text``) only helps confirm that a
    capitalised pair is a name; nothing is reported from it, as positions refer to ``text``.
    """
    doc = parse(text[:MAX_TEXT_CHARS])
    cast = find_cast(doc, title)
    table = resolve(doc, cast)
    said = find_statements(doc, table)
    mentions = _mentions(doc, table)
    kept = _salient(cast.actors, said, [mention.actor for mention in mentions])
    kept_ids = {id(actor) for actor in kept}
    statements = sorted(
        (_statement_ref(doc, s) for s in said if id(s.speaker) in kept_ids),
        key=lambda statement: (statement.position, statement.kind),
    )
    by_role = [_statement_ref(doc, s) for s in said if s.speaker.unnamed]
    return Extraction(
        actors=tuple(_actor_ref(actor) for actor in kept),
        statements=tuple(statements),
        role_statements=tuple(sorted(by_role, key=lambda statement: statement.position)),
        mentions=tuple(
            MentionRef(mention.actor.name, mention.text, mention.position)
            for mention in mentions
            if id(mention.actor) in kept_ids
        ),
    )
