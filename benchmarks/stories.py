"""Benchmark of stories: how well articles are grouped, how redundant story summaries are, and
how fast a new article finds its story as the store grows.

Run `python benchmarks/stories.py` (add `--database-url postgresql+psycopg://…` for PostgreSQL,
`--sweep` to tune the threshold on the tuning half). The labelled set comes from
../shared/eval/cnn_dev.jsonl: its first half tunes, its second half is held out.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rouge_score import rouge_scorer  # noqa: E402
from sqlalchemy import Engine, func  # noqa: E402
from sqlmodel import SQLModel, select  # noqa: E402

from benchmarks.story_set.fill import BulkFiller  # noqa: E402
from benchmarks.story_set.generated import ArticleMaker  # noqa: E402
from benchmarks.story_set.grouping import pairwise_scores  # noqa: E402
from benchmarks.story_set.labelled import Report, labelled_set, load_cnn  # noqa: E402
from benchmarks.story_set.related import unrelated  # noqa: E402
from digests.ingest.pipeline import (  # noqa: E402
    IngestReport,
    ensure_source,
    ingest_article,
    prepare_article,
)
from digests.ingest.sources.raw import RawArticle  # noqa: E402
from digests.ingest.urls import content_hash  # noqa: E402
from digests.store.db import make_engine, migrate, session_scope  # noqa: E402
from digests.store.enums import SourceKind  # noqa: E402
from digests.store.tables import Article  # noqa: E402
from digests.stories import match  # noqa: E402
from digests.stories.index import assign_story  # noqa: E402
from digests.stories.summary import story_summary  # noqa: E402
from digests.stories.terms import article_terms  # noqa: E402
from digests.stories.views import summary_reports  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "eval" / "cnn_dev.jsonl"
START = datetime(2026, 11, 1, tzinfo=UTC)
SPEED_PROBES = 200
REDUNDANT_ROUGE2 = 0.5
SUMMARY_SENTENCES = 5  # the longest summary a reader can ask for
PER_DAY = 2000  # a busy aggregator: 100,000 articles are 50 days of news


def fresh_engine(url: str | None) -> Engine:
    if url is None:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='stories-bench-')}/bench.db"
    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as connection:  # PostgreSQL: forget the revision too
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    migrate(engine)
    return engine


def group(engine: Engine, reports: list[Report]) -> list[int]:
    """Ingest the reports through the pipeline, one outlet a source, all within a day."""
    found = []
    with session_scope(engine) as session:
        sources = {}
        for index, report in enumerate(reports):
            if report.outlet not in sources:
                url = f"https://{report.outlet}.example/feed"
                sources[report.outlet] = ensure_source(session, kind=SourceKind.FEED, url=url)
            raw = RawArticle(
                text=report.text,
                title=report.title,
                published_at=START + timedelta(minutes=3 * index),
                language="en",
            )
            source = sources[report.outlet]
            prepared = prepare_article(raw)
            article = ingest_article(session, prepared, source=source, report=IngestReport())
            found.append(article.story_id if article else -index)
    return found


def quality(url: str | None, stories: list[dict], paired: float) -> dict:
    kept = unrelated(stories)
    reports = labelled_set(kept, paired=int(paired * len(kept)))
    engine = fresh_engine(url)
    found = group(engine, reports)
    scores = pairwise_scores([r.label for r in reports], found)
    seeds = {story for report, story in zip(reports, found, strict=True) if report.label == "seeds"}
    pairs, redundant, stories = summary_redundancy(engine)
    engine.dispose()
    return {
        "reports": len(reports),
        "scores": scores,
        "seed_stories": len(seeds),
        "summary": (stories, pairs, redundant),
    }


def summary_redundancy(engine: Engine) -> tuple[int, int, int]:
    """Sentence pairs in the summaries of stories of several reports, and how many overlap
    (ROUGE-2 F1 above REDUNDANT_ROUGE2)."""
    scorer = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)
    pairs = redundant = 0
    with session_scope(engine) as session:
        multi = session.exec(
            select(Article.story_id).group_by(Article.story_id).having(func.count() > 1)
        ).all()
        for story_id in multi:
            articles = session.exec(
                select(Article).where(Article.story_id == story_id).order_by(Article.listed_at)
            ).all()
            sentences = story_summary(summary_reports(list(articles)), count=SUMMARY_SENTENCES)
            for i, left in enumerate(sentences):
                for right in sentences[i + 1 :]:
                    pairs += 1
                    score = scorer.score(left, right)["rouge2"].fmeasure
                    redundant += score > REDUNDANT_ROUGE2
    return pairs, redundant, len(multi)


def print_quality(name: str, result: dict) -> None:
    s = result["scores"]
    print(
        f"{name:<10} {result['reports']:>5} reports  precision {s.precision:.3f}  recall "
        f"{s.recall:.3f}  F1 {s.f1:.3f}  ({s.true_pairs} true pairs, {s.found_pairs} found; "
        f"the 5 seeds in {result['seed_stories']} stories)"
    )
    stories, pairs, redundant = result["summary"]
    share = redundant / pairs if pairs else 0.0
    print(
        f"{'':<10} summaries of {stories} stories of several reports: {redundant} of {pairs} "
        f"sentence pairs redundant (ROUGE-2 > {REDUNDANT_ROUGE2}): {share:.1%}"
    )


def store_generated(session, maker: ArticleMaker, source_id: int) -> tuple[float, float, float]:
    """Store one generated article; the seconds its terms and its story assignment took (wall
    clock), and the processor seconds of the assignment (SQLite runs in this process)."""
    title, text, when = maker.next()
    began = time.perf_counter()
    terms = article_terms(title, text)
    termed = time.perf_counter()
    article = Article(
        source_id=source_id,
        content_hash=content_hash(text),
        title=title,
        text=text,
        published_at=when,
        listed_at=when,
    )
    session.add(article)
    session.flush()
    assigned_from, cpu_from = time.perf_counter(), time.process_time()
    assign_story(session, article, terms)
    return termed - began, time.perf_counter() - assigned_from, time.process_time() - cpu_from


def speed(url: str | None, texts: list[str], sizes: list[int]) -> None:
    engine = fresh_engine(url)
    maker = ArticleMaker(texts, per_day=PER_DAY, start=START)
    with session_scope(engine) as session:
        source = ensure_source(session, kind="feed", url="https://generated.example/feed")
        source_id = source.id
    filler = BulkFiller(engine, maker, source_id)
    stored = 0
    for size in sizes:
        began = time.perf_counter()
        filler.fill(size - stored)
        print(f"stored {size:,} generated articles in {time.perf_counter() - began:.0f} s")
        stored = size
        term_times, assign_times, cpu_times = [], [], []
        for _ in range(SPEED_PROBES):
            with session_scope(engine) as session:  # one transaction an article, as at ingest
                terms, assigned, cpu = store_generated(session, maker, source_id)
            term_times.append(terms * 1000)
            assign_times.append(assigned * 1000)
            cpu_times.append(cpu * 1000)
        stored += SPEED_PROBES
        print(
            f"at {size:>7,} stored: terms {statistics.mean(term_times):.2f} ms (outside SQL), "
            f"story assignment {statistics.mean(assign_times):.2f} ms mean, "
            f"{sorted(assign_times)[int(0.95 * len(assign_times))]:.2f} ms p95, "
            f"{statistics.mean(cpu_times):.2f} ms of processor time per article "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--paired", type=float, default=0.6, help="share of stories reported twice")
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--sweep", action="store_true", help="try thresholds on the tuning half")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    stories = load_cnn(args.data)
    half = len(stories) // 2
    tuning, held_out = stories[:half], stories[half:]
    if args.sweep:
        for threshold in (0.22, 0.24, 0.26, 0.28, 0.30):
            match.SAME_EVENT = threshold
            print_quality(f"t={threshold}", quality(args.database_url, tuning, args.paired))
        return 0
    print(f"Grouping (threshold {match.SAME_EVENT}, {args.paired:.0%} of stories reported twice)")
    print_quality("tuning", quality(args.database_url, tuning, args.paired))
    print_quality("held-out", quality(args.database_url, held_out, args.paired))
    if not args.no_speed:
        sizes = [int(size) for size in args.sizes.split(",")]
        speed(args.database_url, [s["text"] for s in stories], sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
