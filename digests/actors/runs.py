"""Capitalised runs of a sentence, read as title + name, institution name, or neither."""

from __future__ import annotations

import re
from dataclasses import dataclass

from digests.actors.text import Document, Sentence, Token
from digests.actors.vocab import (
    AFTER_INSTITUTION,
    COURTESY_TITLES,
    DEMONYMS,
    EVENT_HEADS,
    FUNCTION_WORDS,
    MONTHS_AND_DAYS,
    NAME_PARTICLES,
    NON_INSTITUTIONS,
    ORG_HEADS,
    PERSON_TITLES,
    PLACE_HEADS,
    PLACE_OPENERS,
    SPEECH_VERBS,
    TITLE_MODIFIERS,
)

_NOT_A_NAME = (
    PERSON_TITLES
    | TITLE_MODIFIERS
    | DEMONYMS
    | MONTHS_AND_DAYS
    | FUNCTION_WORDS
    | ORG_HEADS
    | PLACE_HEADS
    | EVENT_HEADS
)
_OPENERS = frozenset(':—–“«„"')
# Initials inside a name: "J." or "J.D." (as in "J.D. Vance"); never a name's last word.
_INITIALS = re.compile(r"(?:[A-Z]\.){1,3}")


@dataclass(slots=True)
class Run:
    """One capitalised run; token indices are inclusive and local to the sentence."""

    sentence: Sentence
    first: int
    last: int
    name_first: int | None  # where the bare personal name starts, if the run ends in one
    titled: bool  # a person title stands before the name inside the run
    title_role: str | None  # that title as a role ("U.S. Secretary of State"), courtesy excluded
    org: tuple[int, int] | None  # the span naming an institution, if any
    acronyms: tuple[int, ...]  # single all-caps institution tokens ("NATO")
    after_the: bool  # the run (one word) follows "the": "the Kremlin"

    @property
    def name_tokens(self) -> list[Token]:
        if self.name_first is None:
            return []
        return self.sentence.tokens[self.name_first : self.last + 1]


def surface(tokens: list[Token], text: str) -> str:
    """The article's own spelling of a token span, without a trailing possessive."""
    span = text[tokens[0].start : tokens[-1].end]
    return span[:-2] if tokens[-1].possessive else span


def _word_parts(token: Token) -> list[str]:
    return token.lower.replace("’", "'").split("-")


def is_title(token: Token) -> bool:
    return token.is_word and any(part in PERSON_TITLES for part in _word_parts(token))


def name_like(token: Token) -> bool:
    """Could this capitalised word be part of a personal name, judging by shape alone?"""
    if not token.capitalised:
        return False
    base = token.base
    if not any(char.islower() for char in base):
        return False  # "NATO", "U.S."; initials count only inside a name (_name_start)
    lower = token.lower
    if lower.endswith("s") and lower[:-1] in DEMONYMS:
        return False
    return len(base) >= 2 and not any(part in _NOT_A_NAME for part in _word_parts(token))


def is_acronym(token: Token) -> bool:
    base = token.base
    return (
        token.is_word
        and 2 <= len(base) <= 6
        and base.isalpha()
        and base.isupper()
        and base.lower() not in NON_INSTITUTIONS
    )


def _adjacent(left: Token, right: Token) -> bool:
    return 0 < right.start - left.end <= 1


def _joins_run(tokens: list[Token], run: list[int], index: int) -> bool:
    token, previous = tokens[index], tokens[run[-1]]
    if not _adjacent(previous, token) or previous.possessive:
        return False
    if token.capitalised:
        return True
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    if following is None or not following.capitalised or not _adjacent(token, following):
        return False
    if token.lower == "of":
        return is_title(previous) or previous.lower in ORG_HEADS
    return token.lower in NAME_PARTICLES


def _raw_runs(sentence: Sentence) -> list[list[int]]:
    runs: list[list[int]] = []
    current: list[int] = []
    for index, token in enumerate(sentence.tokens):
        if current and _joins_run(sentence.tokens, current, index):
            current.append(index)
            continue
        if current:
            runs.append(current)
        current = [index] if token.capitalised else []
    if current:
        runs.append(current)
    return runs


def _opens_clause(tokens: list[Token], index: int) -> bool:
    """First word of the sentence, or after a colon, dash or opening quote: capitalised anyway."""
    previous = next((t for t in reversed(tokens[:index]) if t.is_word or t.text in _OPENERS), None)
    return previous is None or not previous.is_word


def _strip_leading(run: list[int], sentence: Sentence, doc: Document) -> tuple[list[int], bool]:
    """Drop capitalised function words, and a sentence's first word if it is a common word."""
    after_the = run[0] > 0 and sentence.tokens[run[0] - 1].lower == "the"
    while run:
        token = sentence.tokens[run[0]]
        common = (
            len(run) > 1
            and _opens_clause(sentence.tokens, run[0])
            and token.lower in doc.lowercase_words
            and not is_title(token)
            and token.lower not in TITLE_MODIFIERS
        )
        if token.lower not in FUNCTION_WORDS and token.lower not in NAME_PARTICLES and not common:
            break
        after_the = token.lower == "the"
        run = run[1:]
    return run, after_the


def _name_start(tokens: list[Token], run: list[int]) -> int | None:
    position = len(run)
    while position > 0:
        token = tokens[run[position - 1]]
        inner = position < len(run)
        inner_particle = inner and token.lower in NAME_PARTICLES
        inner_initials = inner and _INITIALS.fullmatch(token.base) is not None
        if not (name_like(token) or inner_particle or inner_initials):
            break
        position -= 1
    while position < len(run) and tokens[run[position]].lower in NAME_PARTICLES:
        position += 1
    if position == len(run) or tokens[run[position]].lower in PLACE_OPENERS:
        return None
    return run[position]


def _title_role(sentence: Sentence, run: list[int], name_first: int, text: str) -> str | None:
    prefix = [sentence.tokens[i] for i in run if i < name_first]
    titles = [token for token in prefix if is_title(token)]
    if not titles or all(token.lower in COURTESY_TITLES for token in titles):
        return None
    return surface(prefix, text)


def _org_span(tokens: list[Token], run: list[int], titled: bool) -> tuple[int, int] | None:
    """An institution named by the run: all of it, the part before a person's title, or the
    part before the event it holds ("European Union Summit")."""
    heads = [i for i in run if tokens[i].lower in ORG_HEADS]
    if not heads:
        return None
    if tokens[run[-1]].lower in EVENT_HEADS:
        return run[0], heads[-1]
    if not titled:
        return run[0], run[-1]
    title = next(i for i in run if is_title(tokens[i]))
    before_title = [i for i in heads if i < title]
    return (run[0], before_title[-1]) if before_title else None


def _stands_alone(tokens: list[Token], index: int) -> bool:
    """After "the X", does X end its noun phrase, as an institution's name does?"""
    if tokens[index].possessive or index + 1 >= len(tokens):
        return True
    following = tokens[index + 1]
    if not following.is_word:
        return following.text not in "-–"
    return following.lower in AFTER_INSTITUTION or following.lower in SPEECH_VERBS


def _institution_word(token: Token) -> bool:
    lower = token.lower
    return name_like(token) and lower not in PLACE_OPENERS and lower not in DEMONYMS


def runs(sentence: Sentence, doc: Document) -> list[Run]:
    parsed = []
    tokens = sentence.tokens
    for raw in _raw_runs(sentence):
        run, after_the = _strip_leading(raw, sentence, doc)
        if not run:
            continue
        name_first = _name_start(tokens, run)
        title_role = None
        if name_first is not None:
            title_role = _title_role(sentence, run, name_first, doc.text)
        titled = name_first is not None and any(is_title(tokens[i]) for i in run if i < name_first)
        org = _org_span(tokens, run, titled)
        if org and not titled:
            name_first = None
        lone = len(run) == 1 and after_the and _stands_alone(tokens, run[0])
        parsed.append(
            Run(
                sentence=sentence,
                first=run[0],
                last=run[-1],
                name_first=name_first,
                titled=titled,
                title_role=title_role,
                org=org,
                acronyms=tuple(i for i in run if is_acronym(tokens[i])),
                after_the=lone and _institution_word(tokens[run[0]]),
            )
        )
    return parsed
