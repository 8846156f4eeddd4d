"""Article text as sentences of tokens with offsets, headings and quotation spans marked."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import islice

from digests.actors.vocab import ABBREVIATIONS
from digests.text.sentences import sentence_spans

# An article has a few hundred sentences at most; a text of fifty thousand one-word lines is
# read no further than this (its quotations past it are outside every sentence, so ignored).
MAX_SENTENCES = 3000
# Sentences joined to show a quotation whole: past this many, the "quotation" is a speech, or
# straight quotes a stray mark paired wrongly, and each sentence is shown on its own.
MAX_PASSAGE_SENTENCES = 6

# A word keeps inner apostrophes/hyphens ("Putin’s", "Secretary-General"), inner dots of dotted
# abbreviations ("U.S.") and one final dot, which _split_final_dot takes back unless the word is
# an abbreviation; any other non-space character is a token of its own.
_TOKEN = re.compile(r"(?P<word>[^\W_](?:[\w’'-]*[^\W_])?(?:\.[^\W\d_]+)*\.?)|(?P<punct>[^\w\s])")
OPENING_QUOTES = frozenset("“«„")
CLOSING_QUOTES = frozenset("”»")
STRAIGHT_QUOTE = '"'
_TERMINAL = tuple('.!?…:;"”’)»')
# A line of at most this many words, every long word capitalised, is a title even when it ends
# like a sentence ("Will Putin Accept the Deal?"); news sentences are never written that way.
_TITLE_WORDS = 15
_TITLE_LONG_WORD = 4
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
# White space looked at around a line, to tell it fills the line (bounded: a page of spaces
# must not be scanned once per sentence).
_INDENT = 16


@dataclass(slots=True)
class Token:
    """A word or punctuation mark, with its offsets in the whole article."""

    text: str
    start: int
    end: int
    is_word: bool
    quoted: bool = False

    @property
    def possessive(self) -> bool:
        return self.is_word and len(self.text) > 2 and self.text.endswith(("’s", "'s"))

    @property
    def base(self) -> str:
        """The word without a possessive 's, as a name is compared."""
        return self.text[:-2] if self.possessive else self.text

    @property
    def lower(self) -> str:
        return self.base.lower().rstrip(".")

    @property
    def capitalised(self) -> bool:
        return self.is_word and self.text[0].isupper()


@dataclass(slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    paragraph: int
    heading: bool
    tokens: list[Token] = field(default_factory=list)


@dataclass(slots=True)
class Quote:
    """A quotation: offsets of its opening and closing marks (closing is the paragraph end if
    the writer left it open, as multi-paragraph quotes do)."""

    start: int
    end: int
    inner: str
    closed: bool = True


@dataclass(slots=True)
class Document:
    text: str
    sentences: list[Sentence]
    quotes: list[Quote]
    lowercase_words: frozenset[str]
    # Sentences a quotation crosses out of or into, by index: the first and last sentence of
    # the passage that holds the whole quotation. The splitter cuts at a full stop inside
    # quotation marks; a reader must never see such a fragment.
    passages: dict[int, tuple[int, int]] = field(default_factory=dict)

    def passage(self, index: int) -> tuple[int, int]:
        """The sentences to show for sentence `index`, so that no quotation is cut."""
        return self.passages.get(index, (index, index))

    def passage_text(self, index: int) -> str:
        first, last = self.passage(index)
        return self.text[self.sentences[first].start : self.sentences[last].end]


def _split_final_dot(word: str, start: int) -> list[Token]:
    stem = word[:-1]
    keeps_dot = "." in stem or stem.lower() in ABBREVIATIONS or (len(stem) == 1 and stem.isupper())
    if not word.endswith(".") or keeps_dot:
        return [Token(word, start, start + len(word), True)]
    return [
        Token(stem, start, start + len(stem), True),
        Token(".", start + len(stem), start + len(word), False),
    ]


def tokenize(text: str, offset: int) -> list[Token]:
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        start = offset + match.start()
        if match.lastgroup == "word":
            tokens.extend(_split_final_dot(match.group(), start))
        else:
            tokens.append(Token(match.group(), start, start + 1, False))
    return tokens


def _title_case(line: str) -> bool:
    words = _WORD.findall(line)
    long = [word for word in words if len(word) >= _TITLE_LONG_WORD]
    return len(words) <= _TITLE_WORDS and len(long) >= 2 and all(w[0].isupper() for w in long)


def _is_heading(sentence: str) -> bool:
    """A line with no closing punctuation is a headline, section title or site furniture,
    unless it opens a quotation that runs on into the next paragraph; so is a short line in
    title case, whatever ends it ("Putin's Stance – What Comes Next?")."""
    opens_quote = sentence[:1] in OPENING_QUOTES or sentence[:1] == STRAIGHT_QUOTE
    return not opens_quote and (not sentence.endswith(_TERMINAL) or _title_case(sentence))


def _own_line(text: str, start: int, end: int) -> bool:
    """Does the sentence fill its line? A piece the splitter cut from a long one does not."""
    before = text[max(0, start - _INDENT) : start].rstrip(" \t")
    after = text[end : end + _INDENT].lstrip(" \t")
    starts_line = before.endswith("\n") if before else start <= _INDENT
    ends_line = after[0] in "\r\n" if after else end + _INDENT >= len(text)
    return starts_line and ends_line


def _sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    paragraph = previous_start = 0
    for start, end in islice(sentence_spans(text), MAX_SENTENCES):
        paragraph += text.count("\n", previous_start, start)
        previous_start = start
        piece = text[start:end]
        sentence = Sentence(
            index=len(sentences),
            start=start,
            end=end,
            text=piece,
            paragraph=paragraph,
            heading=_own_line(text, start, end) and _is_heading(piece),
            tokens=tokenize(piece, start),
        )
        sentences.append(sentence)
    return sentences


def _paragraph_quotes(text: str, start: int, end: int) -> list[Quote]:
    """Pair quotation marks within one paragraph; curly marks by direction, straight by order."""
    quotes = []
    opened: int | None = None
    for index in range(start, end):
        char = text[index]
        if opened is None and (char in OPENING_QUOTES or char == STRAIGHT_QUOTE):
            opened = index
        elif opened is not None and (char in CLOSING_QUOTES or char == STRAIGHT_QUOTE):
            quotes.append(Quote(opened, index, text[opened + 1 : index].strip()))
            opened = None
        elif opened is not None and char in OPENING_QUOTES:
            opened = index
    if opened is not None and text[opened] != STRAIGHT_QUOTE:
        quotes.append(Quote(opened, end, text[opened + 1 : end].strip(), closed=False))
    return quotes


def _quotes(text: str) -> list[Quote]:
    quotes = []
    position = 0
    for line in text.split("\n"):
        quotes.extend(_paragraph_quotes(text, position, position + len(line)))
        position += len(line) + 1
    return quotes


def _mark_quoted(sentences: list[Sentence], quotes: list[Quote]) -> None:
    """Quotations come in text order and never overlap, so the one that can hold a token is the
    last to open before it: a binary search, not a look at every quotation for every token."""
    starts = [quote.start for quote in quotes]
    for sentence in sentences:
        for token in sentence.tokens:
            candidate = bisect_right(starts, token.start - 1) - 1
            token.quoted = candidate >= 0 and token.start < quotes[candidate].end


def _passages(sentences: list[Sentence], quotes: list[Quote]) -> dict[int, tuple[int, int]]:
    """Sentence ranges joined by the quotations that cross them, chained ones merged; each
    sentence lies in one range, so the table is linear in the text."""
    starts = [sentence.start for sentence in sentences]
    ranges: list[list[int]] = []
    for quote in quotes:
        first = bisect_right(starts, quote.start) - 1
        last = bisect_right(starts, max(quote.start, quote.end - 1)) - 1
        if first < 0 or first == last or quote.start >= sentences[first].end:
            continue
        if ranges and first <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], last)
        else:
            ranges.append([first, last])
    passages: dict[int, tuple[int, int]] = {}
    for first, last in ranges:
        if last - first < MAX_PASSAGE_SENTENCES:
            for index in range(first, last + 1):
                passages[index] = (first, last)
    return passages


def parse(text: str) -> Document:
    sentences = _sentences(text)
    quotes = _quotes(text)
    _mark_quoted(sentences, quotes)
    lowercase = frozenset(word for word in re.findall(r"\b[a-z][\w’'-]*", text))
    return Document(text, sentences, quotes, lowercase, _passages(sentences, quotes))
