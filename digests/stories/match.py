"""Whether an article reports the same event as a stored one: TF-IDF profiles and their cosine.

Pure arithmetic over term keys; the SQL around it (document frequencies, candidates) is in
`index`. The figures below were tuned with benchmarks/stories.py on one half of its labelled
set and hold on the other half.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Terms of a profile that are indexed to find candidates: an article's most telling words.
KEY_TERMS = 20
# A candidate must share this many key terms: one shared name alone is no story.
MIN_SHARED_KEYS = 2
# Terms kept per stored profile: enough for the cosine, small enough to store for every article.
PROFILE_TERMS = 80
# Cosine from which two reports count as one event. Below it, reports about the same people
# doing something else stay apart: a wrong merge hides news, a missed one only repeats it.
SAME_EVENT = 0.26


@dataclass(frozen=True, slots=True)
class Profile:
    """An article's weighted terms (unit length) and those it is found by."""

    weights: dict[int, float]
    keys: tuple[int, ...]


def idf(articles_with_term: int, articles: int) -> float:
    """Rarer terms say more; smoothed so a young database with few articles still works."""
    return math.log((articles + 1) / (articles_with_term + 1)) + 1.0


def profile(counts: Mapping[int, int], frequencies: Mapping[int, int], articles: int) -> Profile:
    """TF-IDF (sublinear TF) of an article's terms, cut to its PROFILE_TERMS heaviest."""
    raw = {
        key: (1.0 + math.log(count)) * idf(frequencies.get(key, 0), articles)
        for key, count in counts.items()
    }
    heaviest = sorted(raw, key=lambda key: (-raw[key], key))[:PROFILE_TERMS]
    norm = math.sqrt(sum(raw[key] ** 2 for key in heaviest)) or 1.0
    weights = {key: raw[key] / norm for key in heaviest}
    return Profile(weights=weights, keys=tuple(heaviest[:KEY_TERMS]))


def cosine(left: Mapping[int, float], right: Mapping[int, float]) -> float:
    if len(left) > len(right):
        left, right = right, left
    return sum(value * right.get(key, 0.0) for key, value in left.items())


def best_story(
    weights: Mapping[int, float], candidates: Iterable[tuple[int, Mapping[int, float]]]
) -> int | None:
    """The story of the most similar candidate article, if it is similar enough to be one event."""
    best_id, best_score = None, SAME_EVENT
    for story_id, other in candidates:
        score = cosine(weights, other)
        if score >= best_score:
            best_id, best_score = story_id, score
    return best_id
