"""Draining the outbox: paced, concurrent across chats, in order within a chat."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from digests.db import session_scope
from digests.digest import buttons_from_json
from digests.markup import Message
from digests.outbox import (
    ClaimedMessage,
    Delivery,
    Sender,
    claim_due,
    next_due_at,
    record_delivery,
    release,
)
from digests.pacing import Pacer

log = logging.getLogger(__name__)

BATCH_SIZE = 200
CONCURRENT_CHATS = 32
MAX_IDLE_SECONDS = 5.0  # between looks at the queue while only future retries are pending


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
        if delivery.kind == "sent":
            self.sent += 1
        elif delivery.kind in ("retry", "migrated"):
            self.retried += 1
        else:
            self.failed += 1


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
        gate = asyncio.Semaphore(CONCURRENT_CHATS)
        await asyncio.gather(
            *(
                _send_chat(engine, sender, pacer, rows, gate, clock, report)
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
    with session_scope(engine) as session:
        return next_due_at(session)


def _claim(engine, now: datetime) -> list[ClaimedMessage]:
    with session_scope(engine) as session:
        return claim_due(session, now=now, limit=BATCH_SIZE)


def _record(engine, message_id: int, delivery: Delivery, now: datetime) -> None:
    with session_scope(engine) as session:
        record_delivery(session, message_id, delivery, now=now)


def _release(engine, message_ids: list[int], now: datetime) -> None:
    with session_scope(engine) as session:
        release(session, message_ids, now=now)


async def _send_chat(engine, sender, pacer, rows, gate, clock, report: DrainReport) -> None:
    """One chat's messages in order; after a refusal the rest wait for their next attempt."""
    async with gate:
        for index, row in enumerate(rows):
            async with pacer.turn(row.chat_id):
                delivery = await _attempt(sender, row)
            if delivery.kind == "retry" and delivery.retry_after:
                pacer.hold_chat(row.chat_id, delivery.retry_after)
            await asyncio.to_thread(_record, engine, row.id, delivery, clock())
            report.count(delivery)
            if delivery.kind != "sent":
                unattempted = [later.id for later in rows[index + 1 :]]
                if unattempted:
                    await asyncio.to_thread(_release, engine, unattempted, clock())
                break


async def _attempt(sender: Sender, row: ClaimedMessage) -> Delivery:
    message = Message(html=row.text, buttons=buttons_from_json(row.buttons))
    try:
        return await sender.send(row.chat_id, message)
    except Exception as exc:  # a sender bug must not lose the row: retry it later
        log.exception("sender failed on outbox row %s", row.id)
        return Delivery("retry", reason=f"internal error: {type(exc).__name__}")
