"""Benchmark of the digest summarizer against Lead-3 and sumy's summarizers, and its training.

Run `python benchmarks/summaries.py [--limit N]` for the comparison table, or `--fit` to
relearn the sentence scorer's weights from the articles (cross-validated on two halves first).
"""

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import numpy
from rouge_score import rouge_scorer, tokenizers
from sumy.nlp.stemmers import Stemmer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from digests.text.sentences import SentenceTokenizer, split_sentences  # noqa: E402
from digests.text.summarize import (  # noqa: E402
    FEATURES,
    WEIGHTS_RESOURCE,
    SentenceScorer,
    sentence_features,
    summarize,
)

DEFAULT_DATA = REPO.parent / "shared" / "eval" / "cnn_dev.jsonl"
WEIGHTS_PATH = REPO / "digests" / "data" / WEIGHTS_RESOURCE
LANGUAGE = "english"
ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")
# Ridge penalty of the logistic fit: strong enough that the weights stay modest and general.
PENALTY = 1.0
# The CNN stories come without headlines, so title overlap cannot be learned from them; a
# headline names the story's subject, so sentences sharing its words get a modest, hand-set lift.
HAND_SET_WEIGHTS = {"title": 1.0}

Summarizer = Callable[[str, int], list[str]]


def load_articles(path: Path, limit: int | None) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        articles = [json.loads(line) for line in lines if line.strip()]
    return articles[:limit] if limit else articles


def sumy_summarizer(summarizer_class: type) -> Summarizer:
    """A sumy summarizer as its documentation sets it up, but reading our sentence splits."""
    summarizer = summarizer_class(Stemmer(LANGUAGE))
    summarizer.stop_words = get_stop_words(LANGUAGE)
    tokenizer = SentenceTokenizer(LANGUAGE)

    def run(text: str, count: int) -> list[str]:
        document = PlaintextParser.from_string(text, tokenizer).document
        return [str(sentence) for sentence in summarizer(document, count)]

    return run


def lead(text: str, count: int) -> list[str]:
    return split_sentences(text, LANGUAGE)[:count]


def ours(scorer: SentenceScorer | None = None) -> Summarizer:
    def run(text: str, count: int) -> list[str]:
        return summarize(text, sentences=count, language=LANGUAGE, scorer=scorer)

    return run


def contenders() -> dict[str, Summarizer]:
    return {
        "digests": ours(),
        "Lead-3": lead,
        "LexRank": sumy_summarizer(LexRankSummarizer),
        "TextRank": sumy_summarizer(TextRankSummarizer),
        "Luhn": sumy_summarizer(LuhnSummarizer),
        "LSA": sumy_summarizer(LsaSummarizer),
    }


def measure(summarizer: Summarizer, articles: list[dict], count: int) -> dict[str, float]:
    """Mean ROUGE F1 (x100) and the per-article milliseconds of one summarizer."""
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    totals = Counter()
    milliseconds = []
    for article in articles:
        started = time.perf_counter()
        chosen = summarizer(article["text"], count)
        milliseconds.append((time.perf_counter() - started) * 1000)
        scores = scorer.score(article["summary"], "\n".join(chosen))
        for rouge_type in ROUGE_TYPES:
            totals[rouge_type] += scores[rouge_type].fmeasure
    result = {rouge_type: 100 * totals[rouge_type] / len(articles) for rouge_type in ROUGE_TYPES}
    result["median"] = statistics.median(milliseconds)
    result["p95"] = numpy.percentile(milliseconds, 95)
    return result


def print_table(title: str, rows: dict[str, dict[str, float]]) -> None:
    print(title)
    print(f"{'summarizer':<12}{'R-1':>7}{'R-2':>7}{'R-Lsum':>8}{'median ms':>11}{'p95 ms':>9}")
    for name, row in rows.items():
        print(
            f"{name:<12}{row['rouge1']:>7.1f}{row['rouge2']:>7.1f}{row['rougeLsum']:>8.1f}"
            f"{row['median']:>11.1f}{row['p95']:>9.1f}"
        )


class Oracle:
    """Labels the sentences a perfect extractive summary of an article would pick.

    ROUGE is approximated from n-gram counts so the greedy search stays fast; the labels only
    need to say which sentences carry the reference's words.
    """

    def __init__(self) -> None:
        self._tokenizer = tokenizers.DefaultTokenizer(use_stemmer=True)

    def _grams(self, text: str) -> tuple[Counter, Counter, int]:
        tokens = self._tokenizer.tokenize(text)
        return Counter(tokens), Counter(pairwise(tokens)), len(tokens)

    @staticmethod
    def _f1(overlap: int, predicted: int, reference: int) -> float:
        if not overlap:
            return 0.0
        precision, recall = overlap / predicted, overlap / reference
        return 2 * precision * recall / (precision + recall)

    def _rouge(self, reference: tuple, picked: list[tuple]) -> float:
        unigrams, bigrams, size = Counter(), Counter(), 0
        for sentence_unigrams, sentence_bigrams, length in picked:
            unigrams += sentence_unigrams
            bigrams += sentence_bigrams
            size += length
        overlap1 = sum((unigrams & reference[0]).values())
        overlap2 = sum((bigrams & reference[1]).values())
        return self._f1(overlap1, size, reference[2]) + self._f1(
            overlap2, max(size - 1, 1), max(reference[2] - 1, 1)
        )

    def labels(self, reference_text: str, candidates: list[str], count: int) -> list[float]:
        reference = self._grams(reference_text)
        grams = [self._grams(candidate) for candidate in candidates]
        chosen: list[int] = []
        best = 0.0
        for _ in range(count):
            gains = {
                index: self._rouge(reference, [grams[i] for i in [*chosen, index]])
                for index in range(len(candidates))
                if index not in chosen
            }
            pick = max(gains, key=gains.get, default=None)
            if pick is None or gains[pick] <= best:
                break
            chosen.append(pick)
            best = gains[pick]
        return [float(index in chosen) for index in range(len(candidates))]


def training_rows(articles: list[dict], count: int) -> list[tuple[numpy.ndarray, numpy.ndarray]]:
    oracle = Oracle()
    rows = []
    for article in articles:
        candidates, features = sentence_features(article["text"], language=LANGUAGE)
        if candidates:
            labels = oracle.labels(article["summary"], candidates, count)
            rows.append((numpy.array(features), numpy.array(labels)))
    return rows


def fit(rows: list[tuple[numpy.ndarray, numpy.ndarray]]) -> SentenceScorer:
    """L2-penalised logistic regression on standardised features, by Newton's method."""
    features = numpy.vstack([article_features for article_features, _ in rows])
    labels = numpy.concatenate([article_labels for _, article_labels in rows])
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale == 0] = 1.0
    design = numpy.hstack([(features - mean) / scale, numpy.ones((len(features), 1))])
    weights = numpy.zeros(design.shape[1])
    penalty = PENALTY * numpy.eye(design.shape[1])
    for _ in range(25):
        probability = 1 / (1 + numpy.exp(-design @ weights))
        gradient = design.T @ (probability - labels) + penalty @ weights
        hessian = (design.T * (probability * (1 - probability))) @ design + penalty
        weights -= numpy.linalg.solve(hessian, gradient)
    for name, weight in HAND_SET_WEIGHTS.items():
        weights[FEATURES.index(name)] = weight
    return SentenceScorer(
        mean=tuple(round(float(value), 6) for value in mean),
        scale=tuple(round(float(value), 6) for value in scale),
        weights=tuple(round(float(value), 6) for value in weights[:-1]),
    )


def cross_validate(articles: list[dict], count: int) -> None:
    """Fit on one half, score the other, and the other way round: figures for unseen articles."""
    halves = (articles[0::2], articles[1::2])
    for name, train, test in (("even->odd", *halves), ("odd->even", *reversed(halves))):
        scorer = fit(training_rows(train, count))
        rows = {
            "digests": measure(ours(scorer), test, count),
            "Lead-3": measure(lead, test, count),
        }
        print_table(f"cross-validation {name}: fit on {len(train)}, scored on {len(test)}", rows)
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, help="use only the first N articles")
    parser.add_argument("--sentences", type=int, default=3, help="sentences per summary")
    parser.add_argument(
        "--fit", action="store_true", help=f"cross-validate, then write {WEIGHTS_PATH.name}"
    )
    options = parser.parse_args()
    if not options.data.is_file():
        parser.error(f"no evaluation data at {options.data}")
    articles = load_articles(options.data, options.limit)
    if options.fit:
        cross_validate(articles, options.sentences)
        scorer = fit(training_rows(articles, options.sentences))
        WEIGHTS_PATH.write_text(json.dumps(scorer.to_dict(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_PATH.relative_to(REPO)} ({len(FEATURES)} features)")
        return
    rows = {
        name: measure(summarizer, articles, options.sentences)
        for name, summarizer in contenders().items()
    }
    print_table(f"{len(articles)} articles from {options.data.name}", rows)


if __name__ == "__main__":
    main()
