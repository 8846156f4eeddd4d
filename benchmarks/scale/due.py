"""The peak minute: selecting due subscribers page by page, and composing their digests.

Both change rows (schedules move on, digests queue), so both put every row they touched back
afterwards: the loaded community stays reusable with --skip-load.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, text
from sqlmodel import Session, select

from benchmarks.scale import plans
from benchmarks.scale.world import PEAK
from digests.store.db import session_scope
from digests.store.tables import ActorFollow, Subscription
from digests.subscriptions.digest import compose_digest, due_subscriptions

PAGE = 500  # what the scheduler's tick asks for (due_subscriptions' default)
EVERYONE = 10_000_000
EXPLAIN_EVERY = 25
# The scheduler's tick in the peak minute: ticks come every minute, from whenever the bot started.
TICK = PEAK + timedelta(seconds=30)
SCHEDULE_STEP = {"hourly": "1 hour", "daily": "1 day", "weekly": "7 days", "instant": "0"}


@dataclass
class DueReport:
    due: int
    one_pass_seconds: float  # due_subscriptions for everyone at once, ORM objects included
    one_pass_sql_ms: float  # the same queries' execution time (EXPLAIN ANALYZE)
    one_pass_indexes: list[str]
    page_ms: list[float]  # each due_subscriptions(limit=PAGE) call, the last (empty) one too
    page_sql_ms: list[float]  # execution time of the queries of every EXPLAIN_EVERY-th page

    @property
    def pages(self) -> int:
        return len(self.page_ms) - 1


@dataclass
class ComposeReport:
    digests: int
    messages: int
    digest_ms: list[float]


def _newest_id(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()


def select_due(engine: Engine, *, now: datetime = TICK) -> DueReport:
    """Every due subscriber, first in one pass, then page by page as the scheduler meets them:
    each page's schedules move on (as composing would) before the next page is asked for."""
    with plans.captured_selects(engine) as sent, Session(engine) as session:
        started = time.perf_counter()
        everyone = due_subscriptions(session, now=now, limit=EVERYONE)
        one_pass = time.perf_counter() - started
    explained = [plans.explain(engine, *select) for select in sent]
    saved = [(s.id, s.next_digest_at, s.last_article_id) for s in everyone]
    del everyone
    gc.collect()  # the one pass's objects are its garbage: the first page must not pay for it
    try:
        page_ms, page_sql_ms = _page_through(engine, now)
    finally:
        restore_schedules(engine, saved)
    return DueReport(
        len(saved),
        one_pass,
        sum(plans.execution_ms(plan) for plan in explained),
        sorted({name for plan in explained for name in plans.index_names(plan)}),
        page_ms,
        page_sql_ms,
    )


def _page_through(engine: Engine, now: datetime) -> tuple[list[float], list[float]]:
    newest = _newest_id(engine, "article")
    page_ms, page_sql_ms = [], []
    while True:
        with session_scope(engine) as session, plans.captured_selects(engine) as sent:
            started = time.perf_counter()
            page = due_subscriptions(session, now=now, limit=PAGE)
            page_ms.append((time.perf_counter() - started) * 1000)
            if len(page_ms) % EXPLAIN_EVERY == 1:
                explained = [plans.explain(engine, *select) for select in sent]
                page_sql_ms.append(sum(plans.execution_ms(plan) for plan in explained))
            if not page:
                return page_ms, page_sql_ms
            _move_on(session, [s.id for s in page], now, newest)


def _move_on(session: Session, ids: list[int], now: datetime, newest: int) -> None:
    """What composing does to the schedule: the next slot is in the future, the watermark moves."""
    step = " ".join(f"WHEN '{kind}' THEN interval '{gap}'" for kind, gap in SCHEDULE_STEP.items())
    session.exec(
        text(
            f"UPDATE subscription SET next_digest_at = :now + CASE rhythm {step} END, "
            "last_article_id = :newest WHERE id = ANY(:ids)"
        ),
        params={"now": now, "newest": newest, "ids": ids},
    )


def restore_schedules(engine: Engine, saved: list[tuple[int, datetime, int]]) -> None:
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE saved_schedule (id int, next_digest_at timestamptz, "
                "last_article_id int) ON COMMIT DROP"
            )
            with cursor.copy("COPY saved_schedule FROM STDIN") as copy:
                for row in saved:
                    copy.write_row(row)
            cursor.execute(
                "UPDATE subscription s SET next_digest_at = v.next_digest_at, "
                "last_article_id = v.last_article_id FROM saved_schedule v WHERE s.id = v.id"
            )
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE subscription"))


def compose_first(engine: Engine, count: int, *, now: datetime = TICK) -> ComposeReport:
    """Compose the first `count` due digests, each in its own transaction as the tick does."""
    with Session(engine) as session:
        due = [s.id for s in due_subscriptions(session, now=now, limit=count)]
        saved = [
            (s.id, s.next_digest_at, s.last_article_id)
            for s in session.exec(select(Subscription).where(Subscription.id.in_(due)))
        ]
        follows = [
            (f.id, f.last_statement_id)
            for f in session.exec(select(ActorFollow).where(ActorFollow.subscription_id.in_(due)))
        ]
    digest_ms, messages = [], 0
    summaries = _newest_id(engine, "summary")
    try:
        for subscription_id in due:
            started = time.perf_counter()
            with session_scope(engine) as session:
                subscription = session.get(Subscription, subscription_id)
                messages += compose_digest(session, subscription, now=now)
            digest_ms.append((time.perf_counter() - started) * 1000)
    finally:
        _undo_compose(engine, follows, summaries)
        restore_schedules(engine, saved)
    return ComposeReport(len(due), messages, digest_ms)


def _undo_compose(engine: Engine, follows: list[tuple[int, int]], summaries: int) -> None:
    """Queued digests go, and so do the summaries they stored, so every run composes alike."""
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM outboxmessage"))
        connection.execute(text("DELETE FROM summary WHERE id > :last"), {"last": summaries})
        for follow_id, watermark in follows:
            connection.execute(
                text("UPDATE actorfollow SET last_statement_id = :w WHERE id = :id"),
                {"w": watermark, "id": follow_id},
            )
