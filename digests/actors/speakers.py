"""Who is speaking in a sentence: speech verbs and the phrase that does the speaking."""

from __future__ import annotations

from digests.actors.references import Ref, SentenceRefs
from digests.actors.text import CLOSING_QUOTES, OPENING_QUOTES, STRAIGHT_QUOTE, Token
from digests.actors.vocab import (
    AUXILIARIES,
    CALL_PARTICLES,
    CALL_VERBS,
    FUNCTION_WORDS,
    MODALS,
    MONTHS_AND_DAYS,
    PREPOSITIONS,
    SPEECH_BASES,
    SPEECH_VERBS,
    SUBORDINATORS,
)

QUOTE_MARKS = OPENING_QUOTES | CLOSING_QUOTES | {STRAIGHT_QUOTE}
_AFFILIATIONS = frozenset({"of", "at", "from"})
_APPOSITIVE_REACH = 15
# "Hrynchuk was quoted as saying": the words between a speaker and "saying".
_PASSIVE_QUOTING = frozenset({"was", "were", "is", "been", "has", "have", "had", "quoted", "as"})


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
    return word not in SPEECH_BASES or (index > 0 and tokens[index - 1].lower in MODALS)


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
        if tokens[index].text in QUOTE_MARKS:
            return -1
        if tokens[index].text == ",":
            return index - 1 if _opens_appositive(tokens, index) else -1
    return -1


def _backward(refs: SentenceRefs, verb: int) -> Ref | None:
    """The phrase right before a speech verb, past auxiliaries and an appositive."""
    tokens = refs.sentence.tokens
    index = verb - 1
    if tokens[verb].lower == "saying" and index >= 1 and tokens[index].lower == "as":
        while index >= 0 and tokens[index].lower in _PASSIVE_QUOTING:
            index -= 1
    index = _skip_auxiliaries_back(refs, index)
    if index >= 1 and tokens[index].lower == "to" and tokens[index - 1].text == ",":
        index -= 1  # "prompted the military chief, Oleksandr Syrskyj, to hint"
    if index >= 0 and tokens[index].text == ",":
        named = _appositive_name(refs, index)
        if named:
            return named
        index = _before_appositive(refs, index)
    ref = refs.by_last.get(index) if index >= 0 else None
    if ref is None and index >= 0:
        ref = _before_affiliation(refs, index)
    return None if ref is None or _after_preposition(refs, ref) else ref


def _before_affiliation(refs: SentenceRefs, index: int) -> Ref | None:
    """The name before "of Moody's Analytics" / "at the Geneva Institute" ending at index."""
    tokens = refs.sentence.tokens
    while index >= 0 and tokens[index].capitalised:
        index -= 1
    if index >= 0 and tokens[index].lower == "the":
        index -= 1
    if index < 1 or tokens[index].lower not in _AFFILIATIONS:
        return None
    named = refs.by_last.get(index - 1)
    return named if named and named.kind == "name" else None


def _appositive_name(refs: SentenceRefs, comma: int) -> Ref | None:
    """The name in "Qatar's prime minister, Sheikh Mohammed, said": set off by two commas."""
    named = refs.by_last.get(comma - 1)
    tokens = refs.sentence.tokens
    if named and named.kind == "name" and named.first > 0 and tokens[named.first - 1].text == ",":
        return named
    return None


def inverted(refs: SentenceRefs, verb: int) -> Ref | None:
    """The speaker after the verb: "said Rubio", "said Israel's defence minister, Israel Katz"."""
    ref = refs.by_first.get(verb + 1)
    if ref:
        return None if ref.possessive else ref
    tokens = refs.sentence.tokens
    for index in range(verb + 1, min(len(tokens), verb + 7)):
        if tokens[index].text == ",":
            named = refs.by_first.get(index + 1)
            return named if named and named.kind == "name" else None
        if not tokens[index].is_word:
            return None
    return None


def _after_preposition(refs: SentenceRefs, ref: Ref) -> bool:
    """ "a member from the Left Party urged": the party is not who urged."""
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


def according_to(refs: SentenceRefs, start: int = 0) -> tuple[int, Ref | None] | None:
    """ "according to Zelensky": the index of "according" and the phrase it credits."""
    tokens = refs.sentence.tokens
    for index in range(start, len(tokens) - 2):
        if tokens[index].lower == "according" and tokens[index + 1].lower == "to":
            return index, refs.by_first.get(index + 2)
    return None
