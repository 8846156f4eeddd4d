"""Who-said-what figures on the hand-annotated seeds: quote attribution, reported speech, speed.

Run `python benchmarks/actors.py`. The annotation lives in tests/actor_annotations.py.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digests.actors import extract_actors, rank_actors, resolve_actor
from tests.actors.actor_annotations import SAMPLES, article_text, score

ARTICLES = sorted(path.name[:3] for path in SAMPLES.glob("*.txt"))
RUNS = 20


def _percent(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "n/a"


def _timings() -> list[tuple[str, int, float]]:
    rows = []
    for article in ARTICLES:
        text = article_text(article)
        started = time.perf_counter()
        for _ in range(RUNS):
            extract_actors(text)
        rows.append((article, len(text.split()), (time.perf_counter() - started) / RUNS * 1000))
    return rows


def _zelensky_check() -> str:
    """The three seed spellings of one president, resolved into one stored actor."""
    stored: list[tuple[int, tuple[str, ...]]] = []
    ids = []
    for article in ("002", "003", "004"):
        actor = next(
            a
            for a in extract_actors(article_text(article)).actors
            if "President" in (a.role or "") and a.name.split()[0] == "Volodymyr"
        )
        found = resolve_actor(actor.aliases, stored)
        if found is None:
            found = len(stored)
            stored.append((found, actor.aliases))
        ids.append(f"{actor.name} -> actor {found}")
    lookups = [
        f"{q!r}->{rank_actors(q, stored)[:1]}" for q in ("zelenskyy", "selensky", "ZELENSKY")
    ]
    return "; ".join(ids) + "\n  lookups: " + ", ".join(lookups)


def main() -> None:
    extractions = {article: extract_actors(article_text(article)) for article in ARTICLES}
    result = score(extractions)
    print("Actor extraction on the seeds (annotation: tests/actor_annotations.py)")
    print(
        f"  quote attribution:   {_percent(result.quotes_right, result.quotes)} correct, "
        f"{result.quotes_wrong} wrong attributions, {result.quotes_unannotated} unannotated"
    )
    print(f"  reported recall:     {_percent(result.reported_found, result.reported)}")
    print(
        f"  reported precision:  "
        f"{_percent(result.reported_extracted_right, result.reported_extracted)}"
    )
    for line in result.wrong:
        print(f"  WRONG  {line}")
    for line in result.missed:
        print(f"  missed {line}")
    print(f"  one actor across seeds: {_zelensky_check()}")
    timings = _timings()
    per_thousand = statistics.mean(ms / words * 1000 for _, words, ms in timings)
    print("  speed: " + ", ".join(f"{a} {w} words {ms:.1f} ms" for a, w, ms in timings))
    print(f"  speed: {per_thousand:.1f} ms per 1,000 words on average")


if __name__ == "__main__":
    main()
