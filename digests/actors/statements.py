"""Who said what in an article: quotations and reported speech, each tied to its speaker."""

from __future__ import annotations

from digests.actors.cast import Actor
from digests.actors.quotes import Quotes, Said
from digests.actors.references import SentenceRefs
from digests.actors.speakers import according_to, agent, inverted, is_speech_verb
from digests.actors.text import MAX_PASSAGE_SENTENCES, Document

__all__ = ["Said", "find_statements"]


def _reported(doc: Document, table: list[SentenceRefs], taken: set[tuple[int, int]]) -> list[Said]:
    """Speech verbs (and "according to") whose speaker the text names, one statement per
    speaker and sentence; verbs already spent attributing a quotation are skipped. A sentence
    a quotation crosses is read with the rest of that quotation, never cut inside it."""
    said = []
    for refs in table:
        sentence = refs.sentence
        if sentence.heading:
            continue
        speakers: list[Actor] = []
        according = according_to(refs)
        if according and (sentence.index, according[0]) not in taken:
            ref = according[1]
            if ref and ref.actor:
                speakers.append(ref.actor)
        for index in range(len(sentence.tokens)):
            if (sentence.index, index) in taken or not is_speech_verb(refs, index):
                continue
            ref = agent(refs, index)
            if ref is None and index > 0 and sentence.tokens[index - 1].text == ",":
                ref = inverted(refs, index)  # "…, said Rubio."
            if ref and ref.actor and not ref.quoted and ref.actor not in speakers:
                speakers.append(ref.actor)
        text, passage = doc.passage_text(sentence.index), doc.passage(sentence.index)
        for speaker in speakers:
            said.append(Said(speaker, "reported", text, *passage))
    return said


def _span(doc: Document, first: int, last: int) -> str:
    return doc.text[doc.sentences[first].start : doc.sentences[last].end]


def _one_reading(doc: Document, quoted: list[Said], reported: list[Said]) -> list[Said]:
    """A speaker quoted in a sentence that also reports more of what they said ("Trump stated,
    “…,” expressing hopes …"; "“…,” Barrot said, adding that …") made one statement: those
    sentences whole, the quotation inside them. A quotation too long to show that way stands
    alone, and the reported reading of its sentences goes."""
    quote_at = {
        (id(quote.speaker), index): quote
        for quote in quoted
        for index in range(quote.first_sentence, quote.last_sentence + 1)
    }
    merged: set[int] = set()
    kept = []
    for statement in reported:
        quotes = {
            id(quote): quote
            for index in range(statement.first_sentence, statement.last_sentence + 1)
            if (quote := quote_at.get((id(statement.speaker), index))) is not None
        }
        if not quotes:
            kept.append(statement)
            continue
        first = min(statement.first_sentence, *(q.first_sentence for q in quotes.values()))
        last = max(statement.last_sentence, *(q.last_sentence for q in quotes.values()))
        if last - first < MAX_PASSAGE_SENTENCES:
            merged.update(quotes)
            kept.append(Said(statement.speaker, "reported", _span(doc, first, last), first, last))
    return [quote for quote in quoted if id(quote) not in merged] + kept


def _once(said: list[Said]) -> list[Said]:
    """A sentence the article repeats (or a quotation repeated word for word) is one statement."""
    seen: set[tuple[int, str]] = set()
    kept = []
    for statement in said:
        key = (id(statement.speaker), " ".join(statement.text.split()))
        if key not in seen:
            seen.add(key)
            kept.append(statement)
    return kept


def find_statements(doc: Document, table: list[SentenceRefs]) -> list[Said]:
    quotes = Quotes(doc, table)
    for quote in doc.quotes:
        quotes.add(quote)
    quotes.finish()
    reported = _reported(doc, table, quotes.attribution_verbs)
    return _once(_one_reading(doc, quotes.said, reported))
