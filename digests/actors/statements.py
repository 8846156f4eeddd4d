"""Who said what in an article: quotations and reported speech, each tied to its speaker."""

from __future__ import annotations

from digests.actors.cast import Actor
from digests.actors.quotes import Quotes, Said
from digests.actors.references import SentenceRefs
from digests.actors.speakers import according_to, agent, inverted, is_speech_verb
from digests.actors.text import Document

__all__ = ["Said", "find_statements"]


def _reported(table: list[SentenceRefs], taken: set[tuple[int, int]]) -> list[Said]:
    """Speech verbs (and "according to") whose speaker the text names, one statement per
    speaker and sentence; verbs already spent attributing a quotation are skipped."""
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
        for speaker in speakers:
            said.append(Said(speaker, "reported", sentence.text, sentence.index, sentence.index))
    return said


def find_statements(doc: Document, table: list[SentenceRefs]) -> list[Said]:
    quotes = Quotes(doc, table)
    for quote in doc.quotes:
        quotes.add(quote)
    quotes.finish()
    return quotes.said + _reported(table, quotes.attribution_verbs)
