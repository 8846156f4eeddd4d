"""Hostile-input figures: every stage's time at 10 KB, 100 KB and 1 MB of ordinary and adversarial
text, the growth per 10× (goal: at most about 12×, i.e. near-linear) and the slowest input found.

    .venv/bin/python benchmarks/hostile.py               # every stage, 10 KB → 1 MB
    .venv/bin/python benchmarks/hostile.py actors feed   # some stages
    .venv/bin/python benchmarks/hostile.py --sizes 10000,100000

Ordinary text is the evaluation set's news articles (../shared/eval); adversarial text repeats
the shapes that once made a stage super-linear (runs of capitalised words and "and", commas,
quotes of every kind, comment markers, tags, dots, very long tokens) to the size wanted.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import logging
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digests.actors.extract import extract_actors
from digests.delivery.message import esc, pack_blocks, pack_messages
from digests.ingest.pipeline import derive_title
from digests.ingest.sources.feed import parse_feed
from digests.ingest.sources.opml import OpmlError, parse_opml
from digests.ingest.sources.webpage import extract_page
from digests.ingest.urls import canonical_url, content_hash
from digests.ingest.user_links import find_links
from digests.subscriptions.topics import TopicFilter
from digests.text.language import detect_language
from digests.text.sentences import split_sentences
from digests.text.summarize import summarize

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "cnn_dev.jsonl"
SIZES = (10_000, 100_000, 1_000_000)
GOAL = 12.0

# Shapes that once cost (or could cost) super-linear time; each is repeated to the size wanted.
ADVERSARIAL_TEXTS = {
    "byline and-runs": "By A" + "andA" * 40 + "! ",
    "capitalised run": "Aa Bb Cc Dd Ee Ff Gg Hh ",
    "names said": "Anna Kowalska said. Boris Petrov said. ",
    "quoted said": "“a,” said ",
    "curly quotes": "“”",
    "mixed quotes": "«„“”»‘’'\"",
    "commas": "A, ",
    "and-list": "A and ",
    "dots": ".",
    "spaced dots": ". ",
    "initials": "J. R. ",
    "abbreviations": "U.S. Mr. ",
    "long token": "a",
    "underscores": "a_",
    "role words": "official,spokesperson,minister,",
    "role speaking": "Putin met them. The Russian president stated that “we will. ",
    "open quotation": "Trump said, “We must. ",
    "event names": "Davis Cup Day said. Independence Day ",
    "pronouns": "he said she said they said ",
    "newlines": "a\n",
    "tags": "<b>",
    "lt signs": "<",
    "comment markers": "<!---->",
    "links": "http://a.example/(x) ",
    "closing brackets": "http://a.example/" + ")" * 50 + " ",
    "flags": "🇺🇦",
    "emoji": "😀",
}


def repeat_to(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def ordinary_text(size: int) -> str:
    articles = [json.loads(line)["text"] for line in EVAL.read_text(encoding="utf-8").splitlines()]
    return repeat_to("\n\n".join(articles), size)


def as_feed(text: str) -> bytes:
    """An RSS document whose items carry the text, marked up as feeds do."""
    items = "".join(
        f"<item><title>Item {i}</title><link>https://example.org/{i}</link>"
        f"<description>{html.escape(f'<p>{chunk}</p>')}</description></item>"
        for i, chunk in enumerate(_chunks(text, 4000))
    )
    channel = f"<channel><title>T</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


def raw_feed(text: str) -> bytes:
    """The adversarial text as the whole response body: comment markers, tags, junk."""
    return text.encode("utf-8", "surrogatepass")


def as_page(text: str) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(chunk)}</p>" for chunk in _chunks(text, 600))
    body = f"<body><article>{paragraphs}</article></body>"
    return f"<html><head><title>T</title></head>{body}</html>".encode()


def as_opml(text: str) -> bytes:
    outlines = "".join(
        f'<outline text="{html.escape(chunk, quote=True)}" xmlUrl="https://e.org/{i}.xml"/>'
        for i, chunk in enumerate(_chunks(text, 200))
    )
    return f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'.encode()


def as_url(text: str) -> str:
    query = "&".join(f"utm_{i}={chunk}" for i, chunk in enumerate(_chunks(text, 50)))
    return f"https://Example.ORG:443/{text[:1000]}?{query}#frag"


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _opml(data: bytes) -> None:
    with contextlib.suppress(OpmlError):
        parse_opml(data)


def _render(text: str) -> None:
    blocks = [esc(chunk) for chunk in _chunks(text, 300)]
    pack_blocks(blocks)
    pack_messages([(block, ()) for block in blocks])


def _user_text(text: str) -> None:
    language = detect_language(text)
    summarize(text, sentences=3, language=language)
    derive_title(text, language=language)


# A digest's topics, every one a candidate in the texts above: words inside longer words,
# phrases whose first word recurs, a phrase of a one-letter word repeated.
TOPICS = TopicFilter.of("official, said, aa bb cc zz, a a a a a a b, kowalska said x", "zz")


# stage name -> (what it does to a text of the size wanted, how an adversarial text is fed to it)
STAGES: dict[str, Callable[[str], object]] = {
    "sentences": split_sentences,
    "language": detect_language,
    "summary": summarize,
    "user text": _user_text,
    "actors": extract_actors,
    "feed": lambda text: parse_feed(as_feed(text)),
    "feed body": lambda text: parse_feed(raw_feed(text)),
    "page": lambda text: extract_page(as_page(text)),
    "page body": lambda text: extract_page(raw_feed(text)),
    "opml": lambda text: _opml(as_opml(text)),
    "url": lambda text: canonical_url(as_url(text)),
    "content hash": content_hash,
    "links": find_links,
    "render": _render,
    "topics": lambda text: TOPICS.passes("Title", text),
}


def timed(stage: Callable[[str], object], text: str) -> float:
    """Best of a few runs below 1 MB, where a busy machine's noise would swamp the figure."""
    best = float("inf")
    for _ in range(3 if len(text) < 1_000_000 else 1):
        start = time.perf_counter()
        stage(text)
        best = min(best, time.perf_counter() - start)
    return best


def growth(times: list[float], sizes: tuple[int, ...]) -> list[float]:
    """The growth between successive sizes, scaled to a 10× step of input (below a millisecond
    a time is taken as one: the timer, not the code, decides there)."""
    return [
        (max(large, 1e-3) / max(small, 1e-3)) ** (1 / math.log10(size_b / size_a))
        for small, large, size_a, size_b in zip(times, times[1:], sizes, sizes[1:], strict=False)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stages", nargs="*", help=f"any of: {', '.join(STAGES)} (default: all)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    args = parser.parse_args()
    unknown = set(args.stages) - set(STAGES)
    if unknown:
        parser.error(f"unknown stage(s): {', '.join(sorted(unknown))}")
    sizes = tuple(int(size) for size in args.sizes.split(","))
    logging.disable(logging.CRITICAL)  # parsers log what they reject; the figures are the point
    inputs = {"ordinary": ordinary_text} | {
        label: _repeater(unit) for label, unit in ADVERSARIAL_TEXTS.items()
    }
    header = " ".join(f"{_size(size):>8}" for size in sizes)
    print(f"{'stage':<13} {'input':<18} {header}  growth per 10× (each step)")
    worst = (0.0, "", "")
    over_goal = []
    for name in args.stages or STAGES:
        for label, make in inputs.items():
            times = [timed(STAGES[name], make(size)) for size in sizes]
            factors = growth(times, sizes)
            # Judged on the largest step: below 50 ms, noise decides the ratio, not the code.
            flag = bool(factors) and factors[-1] > GOAL and times[-1] > 0.05
            row = " ".join(f"{seconds:8.3f}" for seconds in times)
            steps = " ".join(f"{factor:6.1f}×" for factor in factors)
            print(f"{name:<13} {label:<18} {row}  {steps}{'  over goal' if flag else ''}")
            sys.stdout.flush()
            if flag:
                over_goal.append(f"{name} / {label}")
            worst = max(worst, (times[-1], name, label))
    seconds, name, label = worst
    print(f"\nslowest input found: {name} on {label} at {_size(sizes[-1])}: {seconds:.2f} s")
    print(f"over the {GOAL:.0f}× goal: {', '.join(over_goal) or 'none'}")
    return 0


def _repeater(unit: str) -> Callable[[int], str]:
    return lambda size: repeat_to(unit, size)


def _size(size: int) -> str:
    return f"{size // 1_000_000} MB" if size >= 1_000_000 else f"{size // 1000} KB"


if __name__ == "__main__":
    sys.exit(main())
