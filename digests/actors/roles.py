"""Role phrases around a name: "Kremlin spokesperson Dmitry Peskov", "Peskov, the spokesperson"."""

from __future__ import annotations

from digests.actors.text import Sentence, Token
from digests.actors.vocab import FUNCTION_WORDS, ROLE_MODIFIERS, ROLE_NOUNS

_ROLE_PREPOSITIONS = frozenset(["for", "of", "at", "in", "to", "with"])
_DETERMINERS = frozenset(["a", "an", "the"])
# How far a role phrase may reach from its noun ("the Ukrainian military chief").
_ROLE_REACH = 4


def role_head(word: str) -> str | None:
    """The role noun a word is, singular, or None; plural role nouns ("officials") too."""
    if word in ROLE_NOUNS:
        return word
    if word.endswith("s") and word[:-1] in ROLE_NOUNS:
        return word[:-1]
    return None


def role_qualifiers_start(tokens: list[Token], head: int) -> int:
    start = head
    while start > 0 and head - start < _ROLE_REACH:
        token = tokens[start - 1]
        if not token.is_word or token.lower in FUNCTION_WORDS:
            break
        if not (token.capitalised or token.lower in ROLE_MODIFIERS):
            break
        start -= 1
    return start


def role_before(sentence: Sentence, first: int) -> tuple[int, int] | None:
    """A lowercase role phrase right before a name: "Kremlin spokesperson Dmitry Peskov", or
    "the Ukrainian military chief, Oleksandr Syrskyj" / "Israel's defence minister, Israel Katz".
    Returns its (first, head) indices."""
    tokens = sentence.tokens
    head = first - 1
    comma = head >= 0 and tokens[head].text == ","
    if comma:
        head -= 1
    if head < 0 or not tokens[head].is_word or tokens[head].capitalised:
        return None
    if tokens[head].lower not in ROLE_NOUNS:
        return None
    start = role_qualifiers_start(tokens, head)
    definite = (start > 0 and tokens[start - 1].lower == "the") or tokens[start].possessive
    if comma and not definite:
        return None
    return start, head


def role_after(sentence: Sentence, last: int) -> tuple[int, int] | None:
    """An appositive role after a name: ", spokesperson for the Kremlin," or ", a conflict
    resolution specialist at the Geneva Institute". Returns its (first, last) indices."""
    tokens = sentence.tokens
    start = last + 2
    if start >= len(tokens) or tokens[last + 1].text != ",":
        return None
    if tokens[start].lower in _DETERMINERS:
        start += 1
    head = None
    for index in range(start, min(len(tokens), start + _ROLE_REACH + 1)):
        token = tokens[index]
        if not token.is_word or token.capitalised or token.lower in FUNCTION_WORDS:
            return None
        if token.lower in ROLE_NOUNS:
            head = index
            break
    if head is None:
        return None
    return start, _institution_after(tokens, head)


def _institution_after(tokens: list[Token], head: int) -> int:
    """Extend a role noun over "for the Kremlin" / "at the Geneva Institute"."""
    index = head + 1
    if index >= len(tokens) or tokens[index].lower not in _ROLE_PREPOSITIONS:
        return head
    index += 1
    if index < len(tokens) and tokens[index].lower == "the":
        index += 1
    end = index
    while end < len(tokens) and tokens[end].capitalised:
        end += 1
    return end - 1 if end > index else head
