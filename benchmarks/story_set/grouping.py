"""Pairwise precision, recall and F1 of a grouping against the true one."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PairScores:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    found_pairs: int


def _pairs(counter: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in counter.values())


def pairwise_scores(truth: list[str], found: list[int]) -> PairScores:
    together = _pairs(Counter(zip(truth, found, strict=True)))
    true_pairs, found_pairs = _pairs(Counter(truth)), _pairs(Counter(found))
    precision = together / found_pairs if found_pairs else 1.0
    recall = together / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, true_pairs, found_pairs)
