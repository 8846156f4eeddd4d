"""Community scale on PostgreSQL (issues 7, 13): a million subscriptions and the figures that count.

Run `python benchmarks/scale.py` against a local PostgreSQL. It builds its own database
(default digests_scale: a million subscriptions, 100,000 articles with who said what in them)
with COPY, or reuses the one an earlier run built with the same sizes (--rebuild builds it
again); then it times the peak minute's due selection and digests; /latest, /summary and /actor
through the real bot and the Bot API emulator, each in a process of its own, one request at a
time and with many chats at once; a leader's replacement after SIGKILL; and two and three
senders sharing Telegram's rate, free and paid. --only runs some of these steps.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.scale import due, failover, latency, load, senders
from benchmarks.scale.report import Row, environment, percentile, print_table, spread
from benchmarks.scale.world import PEAK
from digests.store.db import make_engine, migrate

DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/digests_scale"
ACTORS = 5_000
COMPOSED = 1_000
SEED = 7
LATENCY_GOAL_MS = 50
STEPS = ("peak", "replies", "failover", "senders")
# (senders, paid, audience): a free run lasts audience / 30 seconds, a paid one / 1,000.
SENDER_RUNS = ((2, False, 3_000), (3, False, 3_000), (2, True, 20_000), (3, True, 20_000))
SHARED_PAID_GOAL = 900  # messages per second that several paid senders reach together


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    load.ensure_database(args.database_url)
    engine = make_engine(args.database_url)
    rows = loading(engine, args)
    counts = load.row_counts(engine)
    steps = args.only or STEPS
    if "peak" in steps:
        rows += peak_minute(engine, counts["subscription"])
    if "replies" in steps:
        rows += replies(engine, args)
    if "failover" in steps:
        rows += failover_rows(args.database_url)
    if "senders" in steps:
        rows += sender_rows(args.database_url)
    facts = environment(engine, load.row_counts(engine))
    print_table("Community scale on PostgreSQL (benchmarks/scale.py)", facts, rows)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscriptions", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="per command and mode")
    parser.add_argument("--concurrency", type=int, default=50, help="chats sending at once")
    parser.add_argument("--rebuild", action="store_true", help="build the data even if present")
    parser.add_argument(
        "--only", nargs="+", choices=("load", *STEPS), help="these steps only (the data always)"
    )
    parser.add_argument("--database-url", default=DATABASE_URL, help="built (wiped) if need be")
    return parser.parse_args(argv)


def _step(message: str) -> None:
    print(f"… {message}", flush=True)


def loading(engine, args: argparse.Namespace) -> list[Row]:
    wanted = load.world_facts(
        subscriptions=args.subscriptions, articles=args.articles, actors=ACTORS, seed=SEED
    )
    if not args.rebuild and load.built_world(engine) == wanted:
        before = load.schema_revision(engine)
        started = time.perf_counter()
        migrate(engine)  # revisions newer than the data
        rows = [Row("1", "data", "reused: built by an earlier run with these sizes")]
        if (after := load.schema_revision(engine)) != before:
            load.analyze(engine)  # the migrations rewrote rows: statistics as a live database's
            what = f"migrated {before} -> {after}, VACUUM ANALYZE"
            rows.append(Row("1", what, f"{time.perf_counter() - started:.1f} s"))
        return rows
    _step(f"building {args.subscriptions:,} subscriptions and {args.articles:,} articles")
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
    _step(
        f"{args.requests} requests per command through the Bot API emulator, one at a time, "
        f"then {args.concurrency} chats at once"
    )
    plan = latency.plan_requests(engine, args.requests, SEED)
    seconds = latency.store_summaries(engine, plan.summaries, plan.all_cold)
    timings = latency.measure(engine, args.database_url, plan, args.concurrency)
    rows = [Row("3", f"summaries stored first ({len(plan.summaries)} stories)", f"{seconds:.1f} s")]
    for timing in timings:
        outcomes = ", ".join(f"{n} {what}" for what, n in timing.outcomes.items())
        at_once = "at once" in timing.command
        result = f"{_percentiles(timing.ms)}; replies: {outcomes}"
        if at_once:
            result = (
                f"{_percentiles(timing.ms)}; {timing.rate:.0f} replies/s; the user waits "
                f"p99 {percentile(timing.waited_ms, 0.99):.1f} ms; replies: {outcomes}"
            )
        goal = f"p99 < {LATENCY_GOAL_MS} ms" if not at_once else ""
        met = timing.p99 < LATENCY_GOAL_MS if not at_once else None
        what = f"{timing.command} (server side, n={len(timing.ms)})"
        rows.append(Row("3", what, result, goal, met))
    rows.append(Row("3", "/actor spellings asked", ", ".join(plan.spellings)))
    return rows


def _percentiles(ms: list[float]) -> str:
    if not ms:
        return "no replies"
    p50, p95, p99 = (percentile(ms, share) for share in (0.5, 0.95, 0.99))
    return f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, max {max(ms):.1f} ms"


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
    rows = []
    for count, paid, audience in SENDER_RUNS:
        mode = "paid" if paid else "free"
        _step(f"{count} senders on one broadcast to {audience:,} chats, {mode}")
        sent = senders.measure(database_url, audience, count, paid=paid)
        if paid:
            goal, met = f">= {SHARED_PAID_GOAL}/s, no 429", sent.rate >= SHARED_PAID_GOAL
        else:
            goal, met = f"<= {sent.limit}/s, no 429", sent.rate <= sent.limit
        rows += [
            Row(
                "5",
                f"{count} senders, {mode}, broadcast to {sent.audience:,}",
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
                goal,
                met and sent.rate_limited == 0,
            ),
        ]
    return rows


if __name__ == "__main__":
    main()
