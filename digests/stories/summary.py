"""One summary of a story from all its reports: each sentence verbatim from one article, and no
two saying the same thing (maximal marginal relevance over the summarizer's scores).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from threading import Lock

from digests.stories.redundancy import REDUNDANT, bigrams, repeats
from digests.text.summarize import default_scorer, sentence_features

# How much a sentence's own worth counts against its likeness to what is already chosen.
RELEVANCE = 0.7
# Candidates per article: its best ones; a story's summary never needs an article's tail.
PER_ARTICLE = 8


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence an article offers to its story's summary, with the summarizer's score."""

    article_id: int
    position: int
    text: str
    score: float
    pairs: frozenset


@dataclass(frozen=True, slots=True)
class Report:
    """One article of a story, as the summary reads it."""

    article_id: int
    content_hash: str
    title: str
    text: str
    language: str = "english"


def _score(report: Report) -> tuple[Candidate, ...]:
    sentences, rows = sentence_features(report.text, language=report.language, title=report.title)
    model = default_scorer()
    scored = [
        Candidate(
            report.article_id, index, sentence, model.score(row), bigrams(sentence, report.language)
        )
        for index, (sentence, row) in enumerate(zip(sentences, rows, strict=True))
    ]
    return tuple(sorted(scored, key=lambda c: (-c.score, c.position))[:PER_ARTICLE])


# An article's scored sentences, by article and content hash: a stored article never changes,
# and every digest and timeline of its story reads it again. Keyed by the hash, never the text,
# so the cache holds sentences, not whole articles.
_SCORED: OrderedDict[tuple[int, str], tuple[Candidate, ...]] = OrderedDict()
_SCORED_LIMIT = 4096
_SCORED_LOCK = Lock()


def _scored(report: Report) -> tuple[Candidate, ...]:
    key = (report.article_id, report.content_hash)
    with _SCORED_LOCK:
        if key in _SCORED:
            _SCORED.move_to_end(key)
            return _SCORED[key]
    found = _score(report)
    with _SCORED_LOCK:
        _SCORED[key] = found
        while len(_SCORED) > _SCORED_LIMIT:
            _SCORED.popitem(last=False)
    return found


def candidates(reports: Iterable[Report]) -> list[Candidate]:
    found: list[Candidate] = []
    for report in reports:
        found += _scored(report)
    return found


def select(
    offered: Sequence[Candidate], *, count: int, already_said: Sequence[str] = ()
) -> list[Candidate]:
    """Up to `count` sentences, best first by MMR, none repeating another or what was said.

    Returned in reading order: by article (in the order given), then by place in it.
    """
    if not offered or count <= 0:
        return []
    low = min(c.score for c in offered)
    spread = (max(c.score for c in offered) - low) or 1.0
    said = [bigrams(sentence) for sentence in already_said]
    chosen: list[Candidate] = []
    pool = list(offered)
    while pool and len(chosen) < count:
        best, best_value = None, None
        for candidate in pool:
            likeness = repeats(candidate.pairs, said)
            if likeness >= REDUNDANT:
                continue
            value = RELEVANCE * (candidate.score - low) / spread - (1 - RELEVANCE) * likeness
            if best_value is None or value > best_value:
                best, best_value = candidate, value
        if best is None:
            break
        chosen.append(best)
        said.append(best.pairs)
        pool.remove(best)
    articles = dict.fromkeys(c.article_id for c in offered)
    order = {article_id: index for index, article_id in enumerate(articles)}
    return sorted(chosen, key=lambda c: (order[c.article_id], c.position))


def story_summary(
    reports: Sequence[Report], *, count: int, already_said: Sequence[str] = ()
) -> list[str]:
    """The story's summary sentences, verbatim; empty when all it has was said already."""
    return [c.text for c in select(candidates(reports), count=count, already_said=already_said)]
