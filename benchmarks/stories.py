"""Benchmark of stories: how well articles are grouped, how redundant story summaries are, and
how fast a new article finds its story as the store grows.

Run `python benchmarks/stories.py` (add `--database-url postgresql+psycopg://…` for PostgreSQL,
`--sweep` to tune the threshold on the tuning half, `--no-quality` or `--no-speed` for half of
it). The labelled set comes from ../shared/eval/cnn_dev.jsonl: its first half tunes, its second
half is held out. The speed figures time the assignment alone, wall clock and processor time
(SQLite runs in this process; on a shared machine the processor time is the steadier figure);
their worlds of generated articles are kept between runs on SQLite (story_set/worlds.py).
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
from sqlmodel import SQLModel, col, select  # noqa: E402

from benchmarks.story_set.generated import ArticleMaker  # noqa: E402
from benchmarks.story_set.grouping import pairwise_scores  # noqa: E402
from benchmarks.story_set.labelled import Report, labelled_set, load_cnn  # noqa: E402
from benchmarks.story_set.related import unrelated  # noqa: E402
from benchmarks.story_set.worlds import Worlds  # noqa: E402
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


def fresh_engine(url: str | None = None) -> Engine:
    if url is None:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='stories-bench-')}/bench.db"
    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as connection:  # PostgreSQL: forget the revision too
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    migrate(engine)
    return engine


def group(engine: Engine, reports: list[Report], start: datetime) -> list[int]:
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
                published_at=start + timedelta(minutes=3 * index),
                language="en",
            )
            source = sources[report.outlet]
            prepared = prepare_article(raw)
            article = ingest_article(session, prepared, source=source, report=IngestReport())
            found.append(article.story_id if article else -index)
    return found


def quality(worlds: Worlds, stories: list[dict], paired: float, background: int) -> dict:
    """The grouping of a labelled set, ingested into an empty database or after `background`
    generated articles (then its reports arrive amid them, the window full of unrelated
    articles, and every common word as common as it is at that size)."""
    kept = unrelated(stories)
    reports = labelled_set(kept, paired=int(paired * len(kept)))
    if background:
        world = worlds.world(background)[0]
        engine, start = world.engine, world.maker.next()[2]
    else:
        engine, start = fresh_engine(worlds.url), START
    found = group(engine, reports, start)
    scores = pairwise_scores([r.label for r in reports], found)
    seeds = {story for report, story in zip(reports, found, strict=True) if report.label == "seeds"}
    pairs, redundant, multi = summary_redundancy(engine, set(found))
    with session_scope(engine) as session:
        in_found = col(Article.story_id).in_(set(found))
        joined = session.exec(select(func.count()).where(in_found)).one() - len(reports)
    if background:
        world.close()
    else:
        engine.dispose()
    return {
        "reports": len(reports),
        "scores": scores,
        "seed_stories": len(seeds),
        "summary": (multi, pairs, redundant),
        "generated_joined": joined,  # generated articles in the reports' stories: wrong merges
    }


def summary_redundancy(engine: Engine, story_ids: set[int]) -> tuple[int, int, int]:
    """Sentence pairs in the summaries of these stories that hold several articles, and how
    many overlap (ROUGE-2 F1 above REDUNDANT_ROUGE2)."""
    scorer = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)
    pairs = redundant = 0
    with session_scope(engine) as session:
        multi = session.exec(
            select(Article.story_id)
            .where(col(Article.story_id).in_(story_ids))
            .group_by(Article.story_id)
            .having(func.count() > 1)
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


def print_quality(name: str, background: int, result: dict) -> None:
    s = result["scores"]
    print(
        f"{name:<8} among {background:>7,} generated: {result['reports']} reports  "
        f"precision {s.precision:.3f}  recall {s.recall:.3f}  F1 {s.f1:.3f}  "
        f"({s.true_pairs} true pairs, {s.found_pairs} found; "
        f"the 5 seeds in {result['seed_stories']} stories; "
        f"{result['generated_joined']} generated articles joined them)"
    )
    stories, pairs, redundant = result["summary"]
    share = redundant / pairs if pairs else 0.0
    print(
        f"{'':<8} summaries of {stories} stories of several reports: {redundant} of {pairs} "
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


def speed(worlds: Worlds, sizes: list[int]) -> None:
    """Each size its own world of generated articles, then SPEED_PROBES more stored and
    assigned one by one."""
    for size in sizes:
        began = time.perf_counter()
        world, how = worlds.world(size)
        print(f"{size:,} generated articles stored ({how}) in {time.perf_counter() - began:.0f} s")
        term_times, assign_times, cpu_times = [], [], []
        for _ in range(SPEED_PROBES):
            with session_scope(world.engine) as session:  # one transaction an article, as at ingest
                terms, assigned, cpu = store_generated(session, world.maker, world.source_id)
            term_times.append(terms * 1000)
            assign_times.append(assigned * 1000)
            cpu_times.append(cpu * 1000)
        print(
            f"at {size:>7,} stored: terms {statistics.mean(term_times):.2f} ms (outside SQL), "
            f"story assignment {statistics.mean(assign_times):.2f} ms mean, "
            f"{_p95(assign_times):.2f} ms p95 wall; processor time "
            f"{statistics.mean(cpu_times):.2f} ms mean, {_p95(cpu_times):.2f} ms p95 "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
        world.close()


def _p95(times: list[float]) -> float:
    return sorted(times)[int(0.95 * len(times))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--paired", type=float, default=0.6, help="share of stories reported twice")
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument(
        "--background",
        default="0,100000",
        help="generated articles stored before the labelled set, one grouping each",
    )
    parser.add_argument("--sweep", action="store_true", help="try thresholds on the tuning half")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--no-quality", action="store_true")
    args = parser.parse_args()
    stories = load_cnn(args.data)
    worlds = Worlds(
        fresh_engine,
        args.database_url,
        args.data,
        [s["text"] for s in stories],
        per_day=PER_DAY,
        start=START,
    )
    half = len(stories) // 2
    tuning, held_out = stories[:half], stories[half:]
    backgrounds = [int(size) for size in args.background.split(",")]
    if args.sweep:
        for threshold in (0.22, 0.24, 0.26, 0.28, 0.30):
            match.SAME_EVENT = threshold
            for background in backgrounds:
                result = quality(worlds, tuning, args.paired, background)
                print_quality(f"t={threshold}", background, result)
        return 0
    if not args.no_quality:
        print(f"Grouping (threshold {match.SAME_EVENT}, {args.paired:.0%} of stories twice)")
        for background in backgrounds:
            for name, half_set in (("tuning", tuning), ("held-out", held_out)):
                result = quality(worlds, half_set, args.paired, background)
                print_quality(name, background, result)
    if not args.no_speed:
        speed(worlds, [int(size) for size in args.sizes.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
