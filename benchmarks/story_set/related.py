"""Which CNN stories report on one another: the set's "unrelated stories" must be unrelated.

The CNN set comes from a few weeks of news, so several of its stories cover one event (a
suspension, an election, a crash). Telling them apart by hand is out of reach, so a rule
independent of the grouping under test decides: two stories are related when they share
RELATED_NAMES rare names (capitalized words inside sentences, in few stories of the set).
"""

from __future__ import annotations

import re
from collections import Counter

RELATED_NAMES = 2
RARE_SHARE = 0.02
_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{2,}")


def _names(text: str) -> set[str]:
    return set(_NAME.findall(text))


def unrelated(stories: list[dict]) -> list[dict]:
    """The stories, each kept only if it shares too few rare names with every one kept before."""
    names = [_names(story["text"]) for story in stories]
    frequency = Counter(name for found in names for name in found)
    rare_limit = max(2, int(RARE_SHARE * len(stories)))
    rare = [{n for n in found if frequency[n] <= rare_limit} for found in names]
    kept, kept_names = [], []
    for story, own in zip(stories, rare, strict=True):
        if "Student News" in story["text"]:  # a daily show's transcript: a template, not news
            continue
        if all(len(own & other) < RELATED_NAMES for other in kept_names):
            kept.append(story)
            kept_names.append(own)
    return kept
