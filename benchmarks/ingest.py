"""Ingestion figures: article extraction quality and speed, and how many real feeds parse."""

from __future__ import annotations

import json
import logging
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import feedparser
import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digests.ingest.sources.feed import parse_feed
from digests.ingest.sources.webpage import extract_page

INGEST = Path(__file__).resolve().parents[1].parent / "shared" / "ingest"
FEED_FORMATS = {"rss", "atom", "atom03", "rdf", "json"}
_TOKEN = re.compile(r"\w+")
_MARKUP = re.compile(r"<[^>]*>")

Extractor = Callable[[bytes, str], str]


def shingle_scores(truth: str, found: str) -> tuple[float, float, float]:
    """TP, FP, FN over 4-word shingles (multisets), scaled to sum to 1 so every page weighs
    the same: the measure of the article-extraction benchmark the pages come from."""
    true_counts, found_counts = _shingles(truth), _shingles(found)
    tp = sum((true_counts & found_counts).values())
    fp = sum((found_counts - true_counts).values())
    fn = sum((true_counts - found_counts).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _shingles(text: str) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + 4]) for i in range(max(1, len(tokens) - 3)) if tokens)


def precision_recall_f1(scores: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Averaged over pages, F1 from the two averages, as the benchmark reports it."""
    precision = statistics.mean(_ratio(tp, fp, fn, tp + fp) for tp, fp, fn in scores if tp + fp > 0)
    recall = statistics.mean(_ratio(tp, fp, fn, tp + fn) for tp, fp, fn in scores if tp + fn > 0)
    return precision, recall, 2 * precision * recall / (precision + recall)


def _ratio(tp: float, fp: float, fn: float, denominator: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / denominator if denominator else 0.0


def load_pages() -> list[tuple[dict, bytes]]:
    folder = INGEST / "pages_dev"
    rows = [json.loads(line) for line in (folder / "ground_truth.jsonl").read_text().splitlines()]
    return [(row, (folder / f"{row['id']}.html").read_bytes()) for row in rows]


def ours(html: bytes, url: str) -> str:
    article = extract_page(html, url=url)
    return article.text if article else ""


def trafilatura_default(html: bytes, url: str) -> str:
    return trafilatura.extract(html, url=url) or ""


def measure(extractor: Extractor, pages: list[tuple[dict, bytes]]) -> tuple[float, ...]:
    extractor(pages[0][1], pages[0][0]["url"])  # warm-up: one-time imports and tables
    started = time.perf_counter()
    outputs = [extractor(html, row["url"]) for row, html in pages]
    elapsed = time.perf_counter() - started
    scores = [
        shingle_scores(row["body"], out) for (row, _), out in zip(pages, outputs, strict=True)
    ]
    return (*precision_recall_f1(scores), len(pages) / elapsed)


class _ErrorCounter(logging.Handler):
    """Counts exceptions that parse_feed caught with its last-resort handler."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def feed_figures() -> dict[str, tuple[int, int]]:
    """Shares of sample feeds; feedparser alone is the reference (it reads neither JSON Feed
    nor gzipped bodies, and keeps entries that carry nothing a reader could use)."""
    folder = INGEST / "feeds_dev"
    rows = [json.loads(line) for line in (folder / "INDEX.jsonl").read_text().splitlines()]
    expected = [r for r in rows if r["kind"] in FEED_FORMATS or r["format"] in FEED_FORMATS]
    captured = [r for r in expected if r["origin"] == "app-fixture"]
    counter = _ErrorCounter()
    logging.getLogger("digests.ingest.sources.feed").addHandler(counter)
    clean = sum(_parses_cleanly(folder / r["file"], counter) for r in rows)
    ours = {
        r["file"]: bool(parse_feed((folder / r["file"]).read_bytes()).entries) for r in expected
    }
    plain = {
        r["file"]: feedparser.parse((folder / r["file"]).read_bytes()).entries for r in expected
    }
    return {
        "clean": (clean, len(rows)),
        "ours": (sum(ours.values()), len(expected)),
        "feedparser any": (sum(bool(e) for e in plain.values()), len(expected)),
        "feedparser usable": (sum(any(map(_usable, e)) for e in plain.values()), len(expected)),
        "ours captured": (sum(ours[r["file"]] for r in captured), len(captured)),
        "feedparser captured": (sum(bool(plain[r["file"]]) for r in captured), len(captured)),
    }


def _usable(entry: dict) -> bool:
    """An entry with a title, a link or some text once markup is stripped."""
    texts = [entry.get("summary", "")] + [c.get("value", "") for c in entry.get("content", [])]
    has_text = any(_MARKUP.sub("", text).strip() for text in texts)
    return bool(entry.get("title") or entry.get("link") or has_text)


def _parses_cleanly(path: Path, counter: _ErrorCounter) -> bool:
    before = counter.count
    try:
        parse_feed(path.read_bytes())
    except Exception:
        return False
    return counter.count == before


def _share(pair: tuple[int, int]) -> str:
    done, total = pair
    return f"{done}/{total} ({100 * done / total:.1f}%)"


def main() -> None:
    if not INGEST.is_dir():
        sys.exit(f"Sample data not found at {INGEST}")
    pages = load_pages()
    mine = measure(ours, pages)
    reference = measure(trafilatura_default, pages)
    feeds = feed_figures()
    rows = [
        (f"extraction precision ({len(pages)} pages)", f"{mine[0]:.3f}", f"{reference[0]:.3f}"),
        ("extraction recall", f"{mine[1]:.3f}", f"{reference[1]:.3f}"),
        ("extraction F1", f"{mine[2]:.3f}", f"{reference[2]:.3f}"),
        ("pages per second", f"{mine[3]:.1f}", f"{reference[3]:.1f}"),
        ("feeds parsed without an exception", _share(feeds["clean"]), "-"),
        (
            "feeds with >= 1 entry (INDEX expects a feed)",
            _share(feeds["ours"]),
            f"{_share(feeds['feedparser any'])} any, {_share(feeds['feedparser usable'])} usable",
        ),
        (
            "  of which captured real feeds",
            _share(feeds["ours captured"]),
            _share(feeds["feedparser captured"]),
        ),
    ]
    header = ("measure", "ours (extract_page / parse_feed)", "trafilatura defaults / feedparser")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
