"""When one sentence says what another already said: overlap of their stemmed word pairs."""

from __future__ import annotations

import re
from itertools import pairwise

from digests.stories.terms import stemmer_for

# Overlap (F1 of stemmed word bigrams, ROUGE-2's measure) from which a sentence repeats another.
# Reports of one event paraphrase each other, so this sits well below "the same sentence".
REDUNDANT = 0.3
_WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 200  # a sentence longer than this is judged on its opening


def bigrams(sentence: str, language: str = "english") -> frozenset[tuple[str, str]]:
    stem = stemmer_for(language)
    words = [stem(w.lower()) for w in _WORD.findall(sentence[: MAX_WORDS * 12])][:MAX_WORDS]
    return frozenset(pairwise(words))


def overlap(left: frozenset, right: frozenset) -> float:
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


def repeats(candidate: frozenset, said: list[frozenset]) -> float:
    """The largest overlap of a sentence with any sentence already said."""
    return max((overlap(candidate, other) for other in said), default=0.0)
