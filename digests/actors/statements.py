"""Who said what: quotations and reported speech, each tied to the actor the text names."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from digests.actors.cast import Actor
from digests.actors.references import Ref, SentenceRefs
from digests.actors.text import (
    CLOSING_QUOTES,
    OPENING_QUOTES,
    STRAIGHT_QUOTE,
    Document,
    Quote,
    Token,
)
from digests.actors.vocab import (
    AUXILIARIES,
    CALL_PARTICLES,
    CALL_VERBS,
    FUNCTION_WORDS,
    MONTHS_AND_DAYS,
    PREPOSITIONS,
    SPEECH_BASES,
    SPEECH_VERBS,
    SUBORDINATORS,
)

_MODALS = frozenset(["to", "will", "would", "could", "may", "might", "must", "should", "can", "did", "does", "do"])
_QUOTE_MARKS = OPENING_QUOTES | CLOSING_QUOTES | {STRAIGHT_QUOTE}
# How many words may separate a quotation from the verb that attributes it.
_ATTRIBUTION_REACH = 5
# At most this many words between a speech verb and the quote for the verb to bind it tightly
# ("telling reporters, “…”"), beating a speech verb after the quote.
_TIGHT_REACH = 2
_APPOSITIVE_REACH = 15
# A quotation continuing the previous speaker's must be a real utterance, not a scare quote.
_CONTINUATION_WORDS = 3


@dataclass(slots=True)
class Said:
    speaker: Actor
    kind: str  # "quote" | "reported"
    text: str
    first_sentence: int
    last_sentence: int


@dataclass(slots=True)
class _Attribution:
    sentence: int
    verb: int
    ref: Ref | None
    tight: bool = False


def is_speech_verb(refs: SentenceRefs, index: int) -> bool:
    tokens = refs.sentence.tokens
    token = tokens[index]
    if not token.is_word or token.quoted or token.capitalised:
        return False
    word = token.lower
    if word in CALL_VERBS:
        return index + 1 < len(tokens) and tokens[index + 1].lower in CALL_PARTICLES
    if word not in SPEECH_VERBS:
        return False
    # A bare "say"/"warn" is a verb only after "to" or a modal ("would warn").
    return word not in SPEECH_BASES or (index > 0 and tokens[index - 1].lower in _MODALS)


def _skip_auxiliaries_back(refs: SentenceRefs, index: int) -> int:
    """Step back over "has reportedly" and "on Tuesday" to the phrase before a verb."""
    tokens = refs.sentence.tokens
    while index >= 0:
        if tokens[index].is_word and tokens[index].lower in AUXILIARIES:
            index -= 1
        elif index >= 1 and _is_date(tokens[index - 1], tokens[index]):
            index -= 2
        else:
            return index
    return index


def _is_date(preposition: Token, word: Token) -> bool:
    return preposition.lower in ("on", "last", "this") and word.lower in MONTHS_AND_DAYS


def _opens_appositive(tokens: list[Token], comma: int) -> bool:
    following = tokens[comma + 1] if comma + 1 < len(tokens) else None
    return bool(following and following.is_word and not following.capitalised)


def _before_appositive(refs: SentenceRefs, closing_comma: int) -> int:
    """Index just before ", spokesperson for the Kremlin," ending at closing_comma, or -1."""
    tokens = refs.sentence.tokens
    for index in range(closing_comma - 1, max(-1, closing_comma - _APPOSITIVE_REACH), -1):
        if tokens[index].text in _QUOTE_MARKS:
            return -1
        if tokens[index].text == ",":
            return index - 1 if _opens_appositive(tokens, index) else -1
    return -1


def _backward(refs: SentenceRefs, verb: int) -> Ref | None:
    """The phrase right before a speech verb, past auxiliaries and an appositive."""
    tokens = refs.sentence.tokens
    index = _skip_auxiliaries_back(refs, verb - 1)
    if index >= 1 and tokens[index].lower == "to" and tokens[index - 1].text == ",":
        index -= 2  # "…, Oleksandr Syrskyj, to hint": the name is the appositive itself
    elif index >= 0 and tokens[index].text == ",":
        index = _before_appositive(refs, index)
    ref = refs.by_last.get(index) if index >= 0 else None
    return None if ref is None or _after_preposition(refs, ref) else ref


def _after_preposition(refs: SentenceRefs, ref: Ref) -> bool:
    """"a member from the Left Party urged": the party is not who urged."""
    tokens = refs.sentence.tokens
    index = ref.first - 1
    if index >= 0 and tokens[index].lower == "the":
        index -= 1
    return index >= 0 and tokens[index].lower in PREPOSITIONS


def _hangs_off_clause(refs: SentenceRefs, verb: int) -> bool:
    """ ", accusing …" and "and has expressed …" take the subject of the clause before them."""
    tokens = refs.sentence.tokens
    index = _skip_auxiliaries_back(refs, verb - 1)
    while index >= 0 and tokens[index].text in CLOSING_QUOTES | {STRAIGHT_QUOTE}:
        index -= 1
    if index < 0:
        return False
    if tokens[index].lower in ("and", "but"):
        return True
    return tokens[index].text == "," and tokens[verb].lower.endswith("ing")


def _clause_start(refs: SentenceRefs) -> int | None:
    """Where the main clause begins: after a leading "While …," clause, else at the start."""
    tokens = refs.sentence.tokens
    first = next((i for i, t in enumerate(tokens) if t.is_word and not t.quoted), None)
    if first is None or tokens[first].lower not in SUBORDINATORS:
        return 0
    comma = next((i for i in range(first, len(tokens)) if tokens[i].text == ","), None)
    return None if comma is None else comma + 1


def _followed_by_verb(refs: SentenceRefs, ref: Ref) -> bool:
    tokens = refs.sentence.tokens
    index = ref.last + 1
    if index < len(tokens) and tokens[index].text == ",":
        if not _opens_appositive(tokens, index):
            return False
        index = next(
            (i + 1 for i in range(index + 1, len(tokens)) if tokens[i].text == ","), len(tokens)
        )
    while index < len(tokens):
        if tokens[index].lower in AUXILIARIES:
            index += 1
        elif index + 1 < len(tokens) and _is_date(tokens[index], tokens[index + 1]):
            index += 2
        else:
            break
    if index >= len(tokens):
        return False
    token = tokens[index]
    return token.is_word and not token.capitalised and token.lower not in FUNCTION_WORDS


def _clause_subject(refs: SentenceRefs, verb: int) -> Ref | None:
    """The subject the main clause opens with, if it is a phrase we can name."""
    start = _clause_start(refs)
    if start is None:
        return None
    tokens = refs.sentence.tokens
    for ref in refs.refs:
        if ref.quoted or ref.first < start:
            continue
        if ref.first >= verb or ref.possessive:
            return None
        between = [token for token in tokens[start : ref.first] if not token.quoted]
        if any(token.is_word and token.lower not in FUNCTION_WORDS for token in between):
            return None
        return ref if _followed_by_verb(refs, ref) else None
    return None


def agent(refs: SentenceRefs, verb: int) -> Ref | None:
    """Who does the speaking a verb describes, or None if the text does not say."""
    ref = _backward(refs, verb)
    if ref is None and _hangs_off_clause(refs, verb):
        ref = _clause_subject(refs, verb)
    return ref


def _token_at(refs: SentenceRefs, offset: int) -> int | None:
    return next((i for i, t in enumerate(refs.sentence.tokens) if t.start == offset), None)


def _trailing(refs: SentenceRefs, mark: int) -> _Attribution | None:
    """'“…,” Rubio stated', '“…” Putin asserted', '“…,” explains Dr. Petrovna', '“…,” they said'."""
    tokens = refs.sentence.tokens
    words = 0
    for index in range(mark + 1, len(tokens)):
        token = tokens[index]
        if token.text in _QUOTE_MARKS or words >= _ATTRIBUTION_REACH:
            break
        if not token.is_word:
            continue
        if is_speech_verb(refs, index):
            inverted = refs.by_first.get(index + 1) if words == 0 else None
            return _Attribution(refs.sentence.index, index, inverted or agent(refs, index))
        words += 1
    return None


def _leading(refs: SentenceRefs, mark: int, stop: int) -> _Attribution | None:
    """'Rubio stated, “…”', 'He elaborated, “…”', 'telling reporters, “…”', 'labeling it "…"'."""
    tokens = refs.sentence.tokens
    words = 0
    tight = True
    for index in range(mark - 1, stop, -1):
        token = tokens[index]
        if token.text in _QUOTE_MARKS or words > _ATTRIBUTION_REACH:
            break
        if not token.is_word:
            tight = tight and token.text in ",:"
            continue
        if is_speech_verb(refs, index):
            tight = tight and words <= _TIGHT_REACH
            return _Attribution(refs.sentence.index, index, agent(refs, index), tight)
        words += 1
    return None


class _Quotes:
    """Walks the quotations in order, attributing each and joining continued ones."""

    def __init__(self, doc: Document, table: list[SentenceRefs]) -> None:
        self.doc = doc
        self.table = table
        self.starts = [sentence.start for sentence in doc.sentences]
        self.said: list[Said] = []
        self.last_quote: Said | None = None
        self.attribution_verbs: set[tuple[int, int]] = set()

    def _sentence_of(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)

    def _attribute(self, quote: Quote, opening: int, closing: int) -> _Attribution | None:
        open_refs, close_refs = self.table[opening], self.table[closing]
        mark = _token_at(open_refs, quote.start)
        end_mark = _token_at(close_refs, quote.end)
        if mark is None:
            return None
        stop = max(
            (i for i, t in enumerate(open_refs.sentence.tokens[:mark]) if t.text in _QUOTE_MARKS),
            default=-1,
        )
        lead = _leading(open_refs, mark, stop)
        if lead and lead.tight:
            return lead
        trail = _trailing(close_refs, end_mark) if end_mark is not None else None
        return trail or lead or self._colon_before(opening, mark)

    def _colon_before(self, opening: int, mark: int) -> _Attribution | None:
        """'Merz told reporters:' ending the sentence before a quotation that opens its own."""
        if mark != 0 or opening == 0:
            return None
        previous = self.table[opening - 1]
        tokens = previous.sentence.tokens
        if not tokens or tokens[-1].text != ":":
            return None
        return _leading(previous, len(tokens) - 1, -1)

    def _continues(self, quote: Quote, opening: int) -> bool:
        last = self.last_quote
        starts_sentence = self.doc.sentences[opening].start == quote.start
        return bool(
            last
            and starts_sentence
            and last.last_sentence == opening - 1
            and len(quote.inner.split()) >= _CONTINUATION_WORDS
        )

    def add(self, quote: Quote) -> None:
        opening = self._sentence_of(quote.start)
        closing = self._sentence_of(max(quote.start, quote.end - 1))
        if self.doc.sentences[opening].heading or not quote.inner:
            return
        attribution = self._attribute(quote, opening, closing)
        if attribution is None:
            if self._continues(quote, opening):
                self._extend(quote, closing)
            else:
                self.last_quote = None
            return
        self.attribution_verbs.add((attribution.sentence, attribution.verb))
        ref = attribution.ref
        if ref is None or ref.actor is None:
            self.last_quote = None
            return
        last = self.last_quote
        if last and last.speaker is ref.actor and last.last_sentence == opening:
            self._extend(quote, max(closing, attribution.sentence))
            return
        said = Said(
            ref.actor,
            "quote",
            quote.inner.rstrip(","),
            min(opening, attribution.sentence),
            max(closing, attribution.sentence),
        )
        self.said.append(said)
        self.last_quote = said

    def _extend(self, quote: Quote, closing: int) -> None:
        last = self.last_quote
        assert last is not None
        last.text = join_quote_parts(last.text, quote.inner.rstrip(","))
        last.last_sentence = max(last.last_sentence, closing)


def join_quote_parts(first: str, second: str) -> str:
    """One utterance from two quoted parts; where the writer swapped the speaker's full stop for
    a comma before "explains X", the stop comes back if the second part starts a sentence."""
    if second[:1].isupper() and not first.endswith((".", "!", "?", "…")):
        first += "."
    return f"{first} {second}"


def _according_to(refs: SentenceRefs) -> Ref | None:
    tokens = refs.sentence.tokens
    for index in range(len(tokens) - 2):
        if tokens[index].lower == "according" and tokens[index + 1].lower == "to":
            return refs.by_first.get(index + 2)
    return None


def _reported(table: list[SentenceRefs], taken: set[tuple[int, int]]) -> list[Said]:
    said = []
    for refs in table:
        sentence = refs.sentence
        if sentence.heading:
            continue
        speakers: list[Actor] = []
        according = _according_to(refs)
        if according and according.actor:
            speakers.append(according.actor)
        for index in range(len(sentence.tokens)):
            if (sentence.index, index) in taken or not is_speech_verb(refs, index):
                continue
            ref = agent(refs, index)
            if ref is None and index > 0 and sentence.tokens[index - 1].text == ",":
                ref = refs.by_first.get(index + 1)  # "…, said Rubio."
            if ref and ref.actor and not ref.quoted and ref.actor not in speakers:
                speakers.append(ref.actor)
        for speaker in speakers:
            said.append(Said(speaker, "reported", sentence.text, sentence.index, sentence.index))
    return said


def find_statements(doc: Document, table: list[SentenceRefs]) -> list[Said]:
    quotes = _Quotes(doc, table)
    for quote in doc.quotes:
        quotes.add(quote)
    return quotes.said + _reported(table, quotes.attribution_verbs)
