"""Draining the outbox: paced, concurrent across chats, in order within a chat."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TypeVar

from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from digests.delivery.outbox import (
    ClaimedMessage,
    Delivery,
    Sender,
    claim_due,
    next_due_at,
    record_delivery,
    release,
)
from digests.delivery.pacing import Pacer
from digests.metrics import MESSAGES_FAILED, MESSAGES_SENT
from digests.store.db import session_scope
from digests.store.enums import DeliveryOutcome

log = logging.getLogger(__name__)

BATCH_SIZE = 200
CONCURRENT_CHATS = 32
MAX_IDLE_SECONDS = 5.0  # between looks at the queue while only future retries are pending
TRANSACTION_ATTEMPTS = 4
RETRY_PAUSE_SECONDS = 0.05

T = TypeVar("T")
Change = Callable[[Session], object]


@dataclass(slots=True)
class DrainReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def add(self, other: DrainReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed

    def count(self, delivery: Delivery) -> None:
        """Tally one outcome here and in the exported metrics operators watch."""
        if delivery.outcome == DeliveryOutcome.SENT:
            self.sent += 1
            MESSAGES_SENT.inc()
            return
        if delivery.outcome in (DeliveryOutcome.RETRY, DeliveryOutcome.MIGRATED):
            self.retried += 1
        else:
            self.failed += 1
        MESSAGES_FAILED.labels(outcome=delivery.outcome).inc()


async def drain_outbox(
    engine,
    sender: Sender,
    pacer: Pacer,
    *,
    clock: Callable[[], datetime],
    max_batches: int = 50,
    after_batch: Callable[[], Awaitable[None]] | None = None,
) -> DrainReport:
    """Send every due message, batch by batch, until none is due (or the batch cap is hit)."""
    report = DrainReport()
    for _ in range(max_batches):
        claimed = await asyncio.to_thread(_claim, engine, clock())
        if not claimed:
            break
        by_chat: dict[int, list[ClaimedMessage]] = defaultdict(list)
        for row in claimed:
            by_chat[row.chat_id].append(row)
        gate, writer = asyncio.Semaphore(CONCURRENT_CHATS), _Writer(engine)
        await asyncio.gather(
            *(
                _send_chat(writer, sender, pacer, rows, gate, clock, report)
                for rows in by_chat.values()
            )
        )
        if after_batch is not None:
            await after_batch()
    return report


async def drain_until_empty(
    engine,
    sender: Sender,
    pacer: Pacer,
    *,
    clock: Callable[[], datetime],
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> DrainReport:
    """Drain, then wait for retries and expired leases, until nothing is pending at all.

    For a one-off delivery run; the bot itself drains once per tick instead.
    """
    total = DrainReport()
    while True:
        total.add(await drain_outbox(engine, sender, pacer, clock=clock))
        due = await asyncio.to_thread(_next_due, engine)
        if due is None:
            return total
        await sleep(min(MAX_IDLE_SECONDS, max(0.0, (due - clock()).total_seconds())))


def _next_due(engine) -> datetime | None:
    return _retrying(engine, next_due_at)


def _claim(engine, now: datetime) -> list[ClaimedMessage]:
    return _retrying(engine, partial(claim_due, now=now, limit=BATCH_SIZE))


async def _send_chat(writer, sender, pacer, rows, gate, clock, report: DrainReport) -> None:
    """One chat's messages in order; after a refusal the rest wait for their next attempt."""
    async with gate:
        for index, row in enumerate(rows):
            async with pacer.turn(row.chat_id):
                delivery = await _attempt(sender, row)
            if delivery.outcome == DeliveryOutcome.RETRY and delivery.retry_after:
                pacer.hold_chat(row.chat_id, delivery.retry_after)
            recording = partial(record_delivery, message_id=row.id, delivery=delivery, now=clock())
            await writer.write(recording)
            report.count(delivery)
            if delivery.outcome != DeliveryOutcome.SENT:
                unattempted = [later.id for later in rows[index + 1 :]]
                if unattempted:
                    await writer.write(partial(release, message_ids=unattempted, now=clock()))
                break


async def _attempt(sender: Sender, row: ClaimedMessage) -> Delivery:
    try:
        return await sender.send(row.chat_id, row.message)
    except Exception as exc:  # a sender bug must not lose the row: retry it later
        log.exception("sender failed on outbox row %s", row.id)
        return Delivery(DeliveryOutcome.RETRY, reason=f"internal error: {type(exc).__name__}")


class _Writer:
    """The drain's writes, one transaction at a time, each holding whatever piled up meanwhile.

    Chats sending concurrently never race each other for the database's write lock, and at
    high rates answers commit in groups rather than one commit per message. A caller returns
    once its change is committed, so a chat's next message never goes out before the last
    one's answer is on record.
    """

    def __init__(self, engine) -> None:
        self.engine = engine
        self._waiting: list[tuple[Change, asyncio.Future]] = []
        self._flushing: asyncio.Task | None = None

    async def write(self, change: Change) -> None:
        committed = asyncio.get_running_loop().create_future()
        self._waiting.append((change, committed))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        await committed

    async def _flush(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting, []
            errors = await asyncio.to_thread(_apply, self.engine, [change for change, _ in group])
            for (_, committed), error in zip(group, errors, strict=True):
                if committed.done():
                    continue
                if error is None:
                    committed.set_result(None)
                else:
                    committed.set_exception(error)


def _apply(engine, changes: list[Change]) -> list[Exception | None]:
    """All changes in one transaction; should that fail, each alone, so a bad one fails alone."""
    try:
        _retrying(engine, lambda session: [change(session) for change in changes])
        return [None] * len(changes)
    except Exception as error:
        if len(changes) == 1:
            return [error]
    return [_apply(engine, [change])[0] for change in changes]


def _retrying(engine, work: Callable[[Session], T]) -> T:
    """One transaction, tried again a few times if the database turned it away: on SQLite a
    commit from another connection voids our snapshot at once ("database is locked",
    without waiting), and a fresh transaction then goes through."""
    for attempt in range(1, TRANSACTION_ATTEMPTS):
        try:
            with session_scope(engine) as session:
                return work(session)
        except OperationalError:
            time.sleep(RETRY_PAUSE_SECONDS * attempt)
    with session_scope(engine) as session:  # the last try lets its error through
        return work(session)
