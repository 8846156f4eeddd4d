"""Community scale on PostgreSQL (issue 7): a million subscriptions, and the figures that count.

Run `python benchmarks/scale.py` against a local PostgreSQL (about six minutes on two cores).
It wipes and loads its own database (default digests_scale; --skip-load reuses what a previous
run loaded), then times the peak minute's due selection and digests, the bot's replies through
the Bot API emulator, a leader's replacement after SIGKILL and two senders on one broadcast.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.scale import due, failover, latency, load, senders
from benchmarks.scale.report import Row, environment, print_table, spread
from benchmarks.scale.world import PEAK
from digests.store.db import make_engine, migrate

DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/digests_scale"
ACTORS = 5_000
COMPOSED = 1_000
AUDIENCE = 3_000
SEED = 7
LATENCY_GOAL_MS = 50


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    load.ensure_database(args.database_url)
    engine = make_engine(args.database_url)
    rows = loading(engine, args)
    counts = load.row_counts(engine)
    rows += peak_minute(engine, counts["subscription"])
    rows += replies(engine, args)
    rows += failover_rows(args.database_url)
    rows += sender_rows(args.database_url)
    facts = environment(engine, load.row_counts(engine))
    print_table("Community scale on PostgreSQL (benchmarks/scale.py)", facts, rows)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscriptions", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="per command")
    parser.add_argument("--skip-load", action="store_true", help="reuse the loaded database")
    parser.add_argument("--database-url", default=DATABASE_URL, help="wiped unless --skip-load")
    return parser.parse_args(argv)


def _step(message: str) -> None:
    print(f"… {message}", flush=True)


def loading(engine, args: argparse.Namespace) -> list[Row]:
    if args.skip_load:
        migrate(engine)
        return [Row("1", "data", "reused from an earlier run (--skip-load)")]
    _step(f"loading {args.subscriptions:,} subscriptions and {args.articles:,} articles")
    started = time.perf_counter()
    report = load.load(
        engine,
        subscriptions=args.subscriptions,
        articles=args.articles,
        actors=ACTORS,
        seed=SEED,
    )
    rows = [Row("1", phase, f"{seconds:.1f} s") for phase, seconds in report.seconds.items()]
    rows.append(Row("1", "data, in all", f"{time.perf_counter() - started:.1f} s"))
    return rows


def peak_minute(engine, subscriptions: int) -> list[Row]:
    _step(f"the peak minute, {PEAK:%a %H:%M} UTC: due selection, then {COMPOSED:,} digests")
    found = due.select_due(engine)
    composed = due.compose_first(engine, COMPOSED)
    indexes = ", ".join(found.one_pass_indexes)
    sql_p50 = statistics.median(found.page_sql_ms)
    mean = statistics.mean(composed.digest_ms)
    return [
        Row(
            "2",
            f"due at the {due.TICK:%a %H:%M:%S} UTC tick",
            f"{found.due:,} of {subscriptions:,}",
        ),
        Row(
            "2",
            "all due, one pass: SQL time",
            f"{found.one_pass_sql_ms:.0f} ms ({indexes})",
            "< 1 s",
            found.one_pass_sql_ms < 1000,
        ),
        Row("2", "all due, one pass: due_subscriptions", f"{found.one_pass_seconds:.1f} s"),
        Row(
            "2",
            f"paged like the tick, {due.PAGE} a page",
            f"{found.pages} pages, {sum(found.page_ms) / 1000:.1f} s: {spread(found.page_ms)}",
        ),
        Row(
            "2",
            "paged: SQL time of a page",
            f"p50 {sql_p50:.1f} ms, max {max(found.page_sql_ms):.1f} ms (every "
            f"{due.EXPLAIN_EVERY}th page): about {found.pages * sql_p50 / 1000:.1f} s in all",
            "< 1 s",
            found.pages * sql_p50 < 1000,
        ),
        Row(
            "2",
            f"compose_digest, first {composed.digests:,} due",
            f"{spread(composed.digest_ms)}, mean {mean:.1f} ms: "
            f"{60_000 / mean:,.0f} digests/min ({composed.messages:,} messages)",
        ),
    ]


def replies(engine, args: argparse.Namespace) -> list[Row]:
    _step(f"{args.requests} requests per command through the Bot API emulator")
    plan = latency.plan_requests(engine, args.requests, SEED)
    seconds = latency.store_summaries(engine, plan.summaries, plan.cold_summaries)
    timings = asyncio.run(latency.measure(engine, args.database_url, plan))
    rows = [
        Row("3", f"summaries stored first ({len(plan.summaries)} articles)", f"{seconds:.1f} s")
    ]
    for timing in timings:
        outcomes = ", ".join(f"{n} {what}" for what, n in timing.outcomes.items())
        rows.append(
            Row(
                "3",
                f"{timing.command} (server side, n={len(timing.ms)})",
                f"{spread(timing.ms)}; replies: {outcomes}",
                f"p99 < {LATENCY_GOAL_MS} ms",
                timing.p99 < LATENCY_GOAL_MS,
            )
        )
    spellings = sorted({spelling for _, spelling, _ in plan.actors})
    rows.append(Row("3", "/actor spellings asked", ", ".join(spellings)))
    return rows


def failover_rows(database_url: str) -> list[Row]:
    _step(f"{failover.TRIALS} leader kills")
    seconds = failover.trials(database_url)
    return [
        Row(
            "4",
            f"takeover after SIGKILL ({len(seconds)} trials)",
            f"max {max(seconds):.1f} s, mean {statistics.mean(seconds):.1f} s "
            f"(followers check every {failover.LEADERSHIP_CHECK_SECONDS} s)",
            "< 30 s",
            max(seconds) < 30,
        )
    ]


def sender_rows(database_url: str) -> list[Row]:
    _step(f"two senders on one broadcast to {AUDIENCE:,} chats")
    sent = senders.measure(database_url, AUDIENCE)
    return [
        Row(
            "5",
            f"{sent.senders} senders, broadcast to {sent.audience:,}",
            f"{sent.duplicates} duplicates, {sent.lost} lost, {sent.delivered:,} delivered "
            f"in {sent.wall:.0f} s",
            "0 and 0",
            sent.duplicates == 0 and sent.lost == 0,
        ),
        Row(
            "5",
            "  combined rate and refusals",
            f"{sent.rate:.1f} msg/s (busiest second {sent.busiest_second}), "
            f"{sent.rate_limited:,} answered 429",
            f"<= {senders.TELEGRAM_LIMIT}/s, no 429",
            sent.rate <= senders.TELEGRAM_LIMIT and sent.rate_limited == 0,
        ),
    ]


if __name__ == "__main__":
    main()
