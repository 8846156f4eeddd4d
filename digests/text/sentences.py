"""Offline sentence splitting and word tokenizing for article text, in several languages."""

import re
from collections.abc import Iterator

# A run of terminal punctuation, any closing quotes/brackets after it, then the whitespace that
# must follow before anything can start a new sentence. The run is tried from its first mark
# only and taken whole: scanning a text of a million dots must not retry it from every dot.
_TERMINAL = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’»)\]]*+(?=\s|\Z)")
_TERMINAL_AT_END = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’»)\]]*+\Z")
_TOKEN_BEFORE = re.compile(r"\S+\Z")
_WORD = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:['’-][^\W_]+)*")
_SPAN = re.compile(r"\S+")
_LINE = re.compile(r"[^\n]*(?:\n|\Z)")
_OPENERS = "\"'“‘«„([¿¡"
_DASHES = "-–—"
_DASH_THEN_CAPITAL = re.compile(r"[-–—]+\s+[\"“«]?[^\W\d_a-zа-яё]")
_ALPHANUMERIC = re.compile(r"[^\W_]")
_INITIAL = re.compile(r"[^\W\d_]\.")

# A line that ends like this was wrapped mid-sentence; any other line break ends a sentence,
# since extracted article text puts each paragraph, headline or caption on its own line.
_CONTINUES = ",;-–—(/&"
# Past this many words a piece with no usable boundary is cut, so one unpunctuated line never
# becomes a single enormous "sentence".
MAX_SENTENCE_WORDS = 80
CHUNK_WORDS = 50
# Nor does a piece with no white space to cut at (a million commas, quotes run together): past
# this many characters it is cut too, so no sentence costs a later stage (actors look at pairs
# of tokens within one sentence) more than this bound. News sentences stay well below it.
MAX_SENTENCE_CHARS = 600

# Abbreviations that are followed by more of the same sentence (titles, "e.g.", "vs.", "z. B.").
_NEVER_FINAL = {
    "english": (
        "mr mrs ms dr prof gen sen rep gov lt col sgt capt cmdr adm maj cpl pvt det insp supt "
        "rev hon pres messrs mt ft vs v e.g i.e cf approx fig dept est gens reps sens"
    ),
    "german": "z b d h bzw ca vgl nr dr hr fr prof st evtl ggf inkl bspw sog abs art bd s",
    "russian": "т е д п см им ул пр проф акад тыс млн млрд руб стр обл рис напр св",
    "ukrainian": "т д п див ім вул проф акад тис млн млрд грн стор обл рис напр св",
    "french": "m mm mme mlle dr pr p ex cf env st ste",
    "spanish": "sr sra srta dr dra lic ud uds p ej núm nº",
}
# Abbreviations that may also end a sentence ("in the U.S.", "and so on, etc.").
_MAYBE_FINAL = {
    "english": (
        "etc inc ltd co corp jr sr bros al ave blvd rd st no nos jan feb mar apr jun jul aug sep "
        "sept oct nov dec mon tue tues wed thu thur thurs fri sat sun a.m p.m"
    ),
    "german": "usw u.a u.ä etc jh jhd str mio mrd jan feb mär apr jun jul aug sep sept okt nov dez",
    "russian": "г гг др с в т.д т.п т.е",
    "ukrainian": "р рр ін с т.д т.п",
    "french": "etc av bd janv févr avr juil sept oct nov déc",
    "spanish": "etc av avda ene feb mar abr jun jul ago sept oct nov dic",
}
# Words that begin sentences far more often than they follow an abbreviation mid-sentence;
# after an abbreviation that may end a sentence, one of these starts a new one.
_STARTERS = {
    "english": (
        "the a an he she it they we i you his her its their our this that these those there "
        "but and so yet or in on at for as if when while after before since although though "
        "however meanwhile also then now still its what who why how where some many most "
        "many officials police authorities"
    ),
    "german": (
        "der die das ein eine er sie es wir ich ihr man dies diese dieser dieses dort da "
        "aber und doch oder in im am an auf für als wenn während nach vor seit obwohl "
        "jedoch auch dann nun noch was wer warum wie wo"
    ),
    "russian": (
        "он она оно они мы я вы это этот эта эти там но и а или в во на за для как когда "
        "пока после до с со однако также тогда теперь что кто почему где так"
    ),
    "ukrainian": (
        "він вона воно вони ми я ви це цей ця ці там але і й а або в у на за для як коли "
        "поки після до з зі однак також тоді тепер що хто чому де так"
    ),
    "french": (
        "le la les un une il elle ils elles nous je vous ce cette ces mais et ou en dans "
        "pour quand si après avant depuis cependant aussi alors"
    ),
    "spanish": (
        "el la los las un una él ella ellos nosotros yo este esta estos pero y o en para "
        "cuando si después antes desde sin embargo también entonces"
    ),
}


def _word_set(table: dict[str, str], language: str) -> frozenset[str]:
    return frozenset(table.get(language, "").split())


class _Rules:
    """Per-language word lists, resolved once so each boundary check is a set lookup."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.never_final = _word_set(_NEVER_FINAL, language) | _word_set(_NEVER_FINAL, "english")
        self.maybe_final = _word_set(_MAYBE_FINAL, language) | _word_set(_MAYBE_FINAL, "english")
        self.starters = _word_set(_STARTERS, language) or _word_set(_STARTERS, "english")
        self.ordinals = language == "german"


_RULES: dict[str, _Rules] = {}


def _rules_for(language: str) -> _Rules:
    rules = _RULES.get(language)
    if rules is None:
        rules = _RULES[language] = _Rules(language)
    return rules


def _abbreviation_kind(token: str, rules: _Rules) -> str | None:
    """Classify the token before a period: 'never' final, 'maybe' final, or None (a plain word)."""
    bare = token.lstrip(_OPENERS).rstrip(".")
    stem = bare.lower()
    if not stem:
        return None
    if stem in rules.never_final:
        return "never"
    if stem in rules.maybe_final:
        return "maybe"
    if len(stem) == 1 and stem.isalpha():
        # An initial ("J. R. Smith") or a one-letter abbreviation.
        return "never" if bare.islower() else "maybe"
    if "." in stem and all(len(part) <= 2 for part in stem.split(".")):
        # Dotted acronyms such as U.S., U.K., a.m., which end sentences now and then.
        return "maybe"
    if rules.ordinals and stem.isdigit() and len(stem) <= 2:
        # German ordinals: "am 3. März".
        return "maybe"
    return None


def _next_word(text: str, start: int, end: int) -> str:
    match = _WORD.search(text, start, min(end, start + 40))
    return match.group() if match else ""


def _is_boundary(text: str, mark: re.Match[str], block_end: int, rules: _Rules) -> bool:
    """Decide whether the punctuation run in `mark` ends a sentence."""
    following = mark.end()
    while following < block_end and text[following].isspace():
        following += 1
    if following >= block_end:
        return True
    first = text[following]
    if first in _DASHES:
        # CNN-style run-on items ("... distrust. -- The police ...") and dialogue dashes.
        return bool(_DASH_THEN_CAPITAL.match(text, following, block_end))
    if first.islower() or first in ",;:)":
        return False
    punctuation = mark.group()
    if not punctuation.startswith(".") or punctuation.startswith(".."):
        return True
    before = _TOKEN_BEFORE.search(text, max(0, mark.start() - 40), mark.start())
    kind = _abbreviation_kind(before.group(), rules) if before else None
    if kind is None:
        return True
    if kind == "never" or not (first.isalpha() or first in _OPENERS):
        return False
    if first in _OPENERS:
        return True
    if _INITIAL.match(text, following, block_end):
        return False
    return _next_word(text, following, block_end).lower() in rules.starters


def _sentence_spans(text: str, start: int, end: int, rules: _Rules) -> Iterator[tuple[int, int]]:
    sentence_start = start
    for mark in _TERMINAL.finditer(text, start, end):
        if _is_boundary(text, mark, end, rules):
            yield sentence_start, mark.end()
            sentence_start = mark.end()
    yield sentence_start, end


def _block_spans(text: str) -> Iterator[tuple[int, int]]:
    """Group lines into blocks; a line break is a boundary unless the sentence plainly goes on."""
    block_start = None
    previous = ""
    for line_match in _LINE.finditer(text):
        line = line_match.group().strip()
        if not line:
            if block_start is not None:
                yield block_start, line_match.start()
                block_start = None
            if line_match.end() >= len(text):
                break
            continue
        if block_start is not None and not _joins(previous):
            yield block_start, line_match.start()
            block_start = None
        if block_start is None:
            block_start = line_match.start()
        previous = line
    if block_start is not None:
        yield block_start, len(text)


def _joins(previous: str) -> bool:
    """A wrapped line continues the previous one; a headline followed by body does not.

    After a line that ends in a full stop, the usual rules decide (it may be "Dr." or "U.S.").
    """
    return bool(_TERMINAL_AT_END.search(previous)) or previous[-1] in _CONTINUES


def _chunks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    for piece_start, piece_end in _word_chunks(text, start, end):
        yield from _character_chunks(text, piece_start, piece_end)


def _character_chunks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut a piece longer than MAX_SENTENCE_CHARS, at a space in the bound's second half if any."""
    while end - start > MAX_SENTENCE_CHARS:
        bound = start + MAX_SENTENCE_CHARS
        space = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, bound)
        cut = space if space > 0 else bound
        yield start, cut
        start = cut
    yield start, end


def _word_chunks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut an overlong piece into even runs of words, so it never swamps a summary."""
    spans = [match.span() for match in _SPAN.finditer(text, start, end)]
    if len(spans) <= MAX_SENTENCE_WORDS:
        yield start, end
        return
    pieces = -(-len(spans) // CHUNK_WORDS)
    size = -(-len(spans) // pieces)
    for first in range(0, len(spans), size):
        last = min(first + size, len(spans)) - 1
        yield spans[first][0], spans[last][1]


def _spans(text: str, rules: _Rules) -> Iterator[tuple[int, int]]:
    for block_start, block_end in _block_spans(text):
        for start, end in _sentence_spans(text, block_start, block_end, rules):
            yield from _chunks(text, start, end)


def sentence_spans(text: str, language: str = "english") -> Iterator[tuple[int, int]]:
    """Where each sentence of the text starts and ends, without the white space around it;
    lazily, so a reader that needs only the opening sentences splits no more than those."""
    rules = _rules_for(language.lower())
    last: list[int] | None = None  # the sentence before, still open to a stray mark after it
    for start, end in _spans(text, rules):
        if not _ALPHANUMERIC.search(text, start, end):
            # A stray quote or "..." belongs to the sentence before it, not on its own; a
            # long run of marks (no words to read) is no part of any sentence.
            if last and end - last[0] <= MAX_SENTENCE_CHARS and text[start:end].strip():
                last[1] = end
            continue
        if last:
            yield _stripped(text, *last)
        last = [start, end]
    if last:
        yield _stripped(text, *last)


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str, language: str = "english") -> list[str]:
    """Split text into sentences that are verbatim, stripped substrings of it, in order."""
    return [text[start:end] for start, end in sentence_spans(text, language)]


def words(sentence: str) -> list[str]:
    """Word tokens: letters and digits, keeping the apostrophes and hyphens inside words."""
    return _WORD.findall(sentence)


class SentenceTokenizer:
    """Stands in for sumy's NLTK-backed Tokenizer, which needs punkt data we cannot download."""

    def __init__(self, language: str = "english") -> None:
        self._language = language.lower()

    @property
    def language(self) -> str:
        return self._language

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split_sentences(paragraph, self._language))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(words(sentence))
