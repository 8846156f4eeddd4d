"""Quotations: who each one is attributed to, with continued and split quotes joined."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from digests.actors.cast import Actor
from digests.actors.references import Ref, SentenceRefs
from digests.actors.speakers import QUOTE_MARKS, according_to, agent, inverted, is_speech_verb
from digests.actors.text import Document, Quote, Token

# How many words may separate a quotation from the verb that attributes it: after it the
# speaker's name and title fit in ("economist Mark Zandi of Moody's Analytics wrote").
_TRAILING_REACH = 8
_LEADING_REACH = 5
_CLAUSE_BOUNDARIES = frozenset(
    {"as", "while", "when", "after", "before", "because", "although", "though", "whereas"}
    | {"and", "but", "or", "since", "if", "where", "which"}
)
# At most this many words between a speech verb and the quote for the verb to bind it tightly
# ("telling reporters, “…”"), beating a speech verb after the quote.
_TIGHT_REACH = 2
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


def _boundary(tokens: list[Token], index: int) -> bool:
    """A word that starts another clause ("…, as Trump said nothing"), past which a speech verb
    belongs to that clause rather than to the quotation; "quoted as saying" is not one."""
    word = tokens[index].lower
    return word in _CLAUSE_BOUNDARIES and not (word == "as" and tokens[index - 1].lower == "quoted")


def _trailing(refs: SentenceRefs, mark: int) -> _Attribution | None:
    """'“…,” Rubio stated', '“…” Putin asserted', '“…,” explains Dr. Petrovna', '“…,” they said',
    '“…,” according to Energy Minister Hrynchuk'."""
    tokens = refs.sentence.tokens
    words = 0
    for index in range(mark + 1, len(tokens)):
        token = tokens[index]
        if token.text in QUOTE_MARKS or words >= _TRAILING_REACH:
            break
        if not token.is_word:
            continue
        if words and _boundary(tokens, index):
            break
        if is_speech_verb(refs, index):
            after = inverted(refs, index) if words == 0 else None
            return _Attribution(refs.sentence.index, index, after or agent(refs, index))
        credited = according_to(refs, index)
        if credited and credited[0] == index:
            return _Attribution(refs.sentence.index, index, credited[1])
        words += 1
    return None


def _names_between(refs: SentenceRefs, verb: int, mark: int) -> bool:
    return any(
        verb < ref.first < mark and ref.kind in ("name", "pronoun") and not ref.quoted
        for ref in refs.refs
    )


def _leading(refs: SentenceRefs, mark: int, stop: int) -> _Attribution | None:
    """'Rubio stated, “…”', 'He elaborated, “…”', 'telling reporters, “…”', 'labeling it "…"'.

    Someone named between a loose verb and the quotation ("Zelensky said Putin had called it
    '…'") may be the one quoted, so such a quotation is attributed to nobody.
    """
    tokens = refs.sentence.tokens
    words = 0
    tight = True
    for index in range(mark - 1, stop, -1):
        token = tokens[index]
        if token.text in QUOTE_MARKS or words > _LEADING_REACH:
            break
        if not token.is_word:
            tight = tight and token.text in ",:"
            continue
        if is_speech_verb(refs, index):
            tight = tight and words <= _TIGHT_REACH
            if not tight and _names_between(refs, index, mark):
                return _Attribution(refs.sentence.index, index, None)
            return _Attribution(refs.sentence.index, index, agent(refs, index), tight)
        if words and _boundary(tokens, index):
            break  # "as" right before a quotation introduces it: 'labeling it as "…"'
        words += 1
    return None


class Quotes:
    """Walks the quotations in order, attributing each and joining continued ones."""

    def __init__(self, doc: Document, table: list[SentenceRefs]) -> None:
        self.doc = doc
        self.table = table
        self.starts = [sentence.start for sentence in doc.sentences]
        self.said: list[Said] = []
        self.last_quote: Said | None = None
        # Paragraphs of one quotation left open (no closing mark) until the one that names the
        # speaker, as multi-paragraph quotes are written.
        self.open_parts: list[tuple[Quote, int, int]] = []
        self.attribution_verbs: set[tuple[int, int]] = set()
        # Per sentence, looked up once however many quotations it holds: token index by offset,
        # and the indices of its quotation marks.
        self._token_index: dict[int, dict[int, int]] = {}
        self._mark_indices: dict[int, list[int]] = {}

    def _token_at(self, sentence: int, offset: int) -> int | None:
        index = self._token_index.get(sentence)
        if index is None:
            tokens = self.doc.sentences[sentence].tokens
            index = self._token_index[sentence] = {t.start: i for i, t in enumerate(tokens)}
        return index.get(offset)

    def _mark_before(self, sentence: int, mark: int) -> int:
        """The last quotation mark before token `mark` of the sentence, or -1."""
        marks = self._mark_indices.get(sentence)
        if marks is None:
            tokens = self.doc.sentences[sentence].tokens
            marks = [i for i, t in enumerate(tokens) if t.text in QUOTE_MARKS]
            self._mark_indices[sentence] = marks
        position = bisect_left(marks, mark)
        return marks[position - 1] if position else -1

    def _sentence_of(self, offset: int) -> int:
        """The last sentence starting at or before the offset (-1 before the first)."""
        return bisect_right(self.starts, offset) - 1

    def _attribute(self, quote: Quote, opening: int, closing: int) -> _Attribution | None:
        open_refs, close_refs = self.table[opening], self.table[closing]
        mark = self._token_at(opening, quote.start)
        end_mark = self._token_at(closing, quote.end)
        if mark is None:
            return None
        lead = _leading(open_refs, mark, self._mark_before(opening, mark))
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

    def _alone(self, quote: Quote, opening: int, closing: int) -> bool:
        """Only the quotation in its sentences, no words of the writer's, and a real utterance."""
        return len(quote.inner.split()) >= _CONTINUATION_WORDS and all(
            token.quoted or not token.is_word
            for sentence in self.doc.sentences[opening : closing + 1]
            for token in sentence.tokens
        )

    def _follows_last(self, opening: int) -> bool:
        return self.last_quote is not None and self.last_quote.last_sentence == opening - 1

    def _continues_last_paragraph(self, opening: int) -> bool:
        last = self.last_quote
        if last is None or not self._follows_last(opening):
            return False
        sentences = self.doc.sentences
        return sentences[opening].paragraph == sentences[last.last_sentence].paragraph

    def _settle_open_parts(self) -> None:
        """Open paragraphs that never led to an attribution carry on the previous speaker's
        quotation if they follow it directly; otherwise nobody is named for them."""
        parts, self.open_parts = self.open_parts, []
        if parts and self._follows_last(parts[0][1]):
            for quote, _, closing in parts:
                self._extend(quote, closing)

    def _take_open_parts(self, opening: int) -> tuple[str, int] | None:
        """Text and first sentence of open paragraphs leading straight into this quotation."""
        if self.open_parts and self.open_parts[-1][2] != opening - 1:
            self._settle_open_parts()
        parts, self.open_parts = self.open_parts, []
        if not parts:
            return None
        text = parts[0][0].inner
        for quote, _, _ in parts[1:]:
            text = join_quote_parts(text, quote.inner)
        return text, parts[0][1]

    def _unattributed(self, quote: Quote, opening: int, closing: int) -> None:
        """A quotation with no attribution of its own: part of a multi-paragraph quotation
        (left open, its speaker named at the end), a continuation of the previous speaker's
        ("“A,” Rubio stated. “B.”"), or, with writer's words around it, nobody's."""
        if not self._alone(quote, opening, closing):
            self._settle_open_parts()
            self.last_quote = None
            return
        if self.open_parts and self.open_parts[-1][2] != opening - 1:
            self._settle_open_parts()
        if not quote.closed or self.open_parts:
            self.open_parts.append((quote, opening, closing))
            if quote.closed:
                self._settle_open_parts()
            return
        if self._follows_last(opening):
            self._extend(quote, closing)
        else:
            self.last_quote = None

    def add(self, quote: Quote) -> None:
        opening = self._sentence_of(quote.start)
        if opening < 0 or quote.start >= self.doc.sentences[opening].end or not quote.inner:
            return  # marks outside every sentence (text with no words, like "“”“”") say nothing
        if self.doc.sentences[opening].heading:
            return
        closing = self._sentence_of(max(quote.start, quote.end - 1))
        attribution = self._attribute(quote, opening, closing)
        if attribution is None:
            self._unattributed(quote, opening, closing)
            return
        self.attribution_verbs.add((attribution.sentence, attribution.verb))
        earlier = self._take_open_parts(opening)
        ref = attribution.ref
        if ref is None or ref.actor is None:
            self.last_quote = None
            return
        last = self.last_quote
        closing = max(closing, attribution.sentence)
        if earlier and self._continues_last_paragraph(earlier[1]):
            # An open quotation that began in the previous speaker's paragraph and runs into
            # this one: whose it is, is clear only if both quotations are by the same speaker.
            if last is not None and last.speaker is ref.actor:
                last.text = join_quote_parts(last.text, earlier[0])
                self._extend(quote, closing)
                return
            earlier = None
        if last and last.speaker is ref.actor and last.last_sentence == opening and not earlier:
            self._extend(quote, closing)
            return
        text, first = quote.inner.rstrip(","), min(opening, attribution.sentence)
        if earlier:
            text, first = join_quote_parts(earlier[0], text), earlier[1]
        said = Said(ref.actor, "quote", text, first, closing)
        self.said.append(said)
        self.last_quote = said

    def finish(self) -> None:
        self._settle_open_parts()

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
