"""Draining the outbox: paced, concurrent across chats, in order within a chat.

Set-based at high rates: rows are claimed a batch per statement (the next batch while the last
is still going out), answers are recorded in groups (one transaction every few dozen
milliseconds), and a heartbeat keeps this sender's leases alive while it runs.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from digests.delivery.message import Message, fit_message
from digests.delivery.outbox import (
    ClaimedMessage,
    Delivery,
    Sender,
    claim_due,
    next_due_at,
    record_outcomes,
    release,
    renew_leases,
    take_back,
)
from digests.delivery.pacing import Pacer
from digests.metrics import MESSAGES_FAILED, MESSAGES_SENT
from digests.store.db import session_scope
from digests.store.enums import DeliveryOutcome

log = logging.getLogger(__name__)

BATCH_SIZE = 500
CLAIM_AHEAD = BATCH_SIZE // 2  # claim the next batch once fewer than this are left to send
RECORD_EVERY_SECONDS = 0.05  # answers wait at most this long to be committed, in one go
RECORD_BATCH = 250  # or until this many piled up
HEARTBEAT_SECONDS = 3.0  # well inside the claim lease
MAX_IDLE_SECONDS = 5.0  # between looks at the queue while only future retries are pending
TRANSACTION_ATTEMPTS = 4
RETRY_PAUSE_SECONDS = 0.05

T = TypeVar("T")
# Outcomes after which the row goes out again: later, or at once to where the chat is now.
AGAIN = (DeliveryOutcome.RETRY, DeliveryOutcome.MIGRATED, DeliveryOutcome.THREAD_GONE)


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
        if delivery.outcome in AGAIN:
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
    owner: str,
    max_batches: int = 50,
    after_batch: Callable[[], Awaitable[None]] | None = None,
) -> DrainReport:
    """Send every due message, batch by batch, until none is due (or the batch cap is hit).

    `owner` names this sender in the rows it claims (see identity.py)."""
    return await _Drain(engine, sender, pacer, clock, owner).run(max_batches, after_batch)


async def drain_until_empty(
    engine,
    sender: Sender,
    pacer: Pacer,
    *,
    clock: Callable[[], datetime],
    owner: str,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> DrainReport:
    """Take back what this sender's previous run left claimed, then drain and wait for
    retries and other senders' expired leases, until nothing is pending at all.

    For a one-off delivery run; the bot itself drains once per tick instead.
    """
    await asyncio.to_thread(resume, engine, owner=owner, now=clock())
    total = DrainReport()
    while True:
        total.add(await drain_outbox(engine, sender, pacer, clock=clock, owner=owner))
        due = await asyncio.to_thread(_retrying, engine, next_due_at)
        if due is None:
            return total
        await sleep(min(MAX_IDLE_SECONDS, max(0.0, (due - clock()).total_seconds())))


def resume(engine, *, owner: str, now: datetime) -> int:
    """At a sender's start: the rows its killed predecessor had claimed are due at once."""
    taken = _retrying(engine, partial(take_back, owner=owner, now=now))
    if taken:
        log.info("took back %d outbox rows a previous run of this sender had claimed", taken)
    return taken


class _Drain:
    """One drain: a claimer that keeps a batch ahead, senders per chat, one recorder."""

    def __init__(self, engine, sender: Sender, pacer: Pacer, clock, owner: str) -> None:
        self.sender, self.pacer, self.clock, self.owner = sender, pacer, clock, owner
        self.database = _Database(engine)
        # Claimed by this drain and not yet on record: should their lease run out meanwhile (a
        # stalled heartbeat), a later claim of this very drain must not send them again.
        self.holding: set[int] = set()
        self.recorder = _Recorder(self.database, clock, on_committed=self.holding.difference_update)
        self.report = DrainReport()
        self.gate = asyncio.Semaphore(pacer.limits.in_flight)
        self.chat_turns: dict[int, asyncio.Lock] = {}
        self.chat_users: dict[int, int] = defaultdict(int)
        self.unsent = 0
        self.progress = asyncio.Event()

    async def run(self, max_batches: int, after_batch) -> DrainReport:
        heartbeat = asyncio.create_task(self._heartbeat())
        batches: set[asyncio.Task] = set()
        try:
            for _ in range(max_batches):
                claim = partial(claim_due, now=self.clock(), owner=self.owner, limit=BATCH_SIZE)
                claimed = [
                    row for row in await self.database.run(claim) if row.id not in self.holding
                ]
                if not claimed:
                    break
                self.holding.update(row.id for row in claimed)
                self.unsent += len(claimed)
                batch = asyncio.create_task(self._send_batch(claimed))
                batches.add(batch)
                batch.add_done_callback(batches.discard)
                while self.unsent >= CLAIM_AHEAD and batches:
                    self.progress.clear()
                    await self.progress.wait()
                if after_batch is not None:
                    await after_batch()
            while batches:
                await asyncio.gather(*batches)
            await self.recorder.flush()
            if self.recorder.failed:  # their answers are lost: send them again rather than never
                await self.database.run(partial(take_back, owner=self.owner, now=self.clock()))
        finally:
            heartbeat.cancel()
            for batch in batches:  # cancelled from outside: the process is going away
                batch.cancel()
        return self.report

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                await self.database.run(partial(renew_leases, owner=self.owner, now=self.clock()))
            except Exception:
                log.warning("could not renew this sender's leases", exc_info=True)

    async def _send_batch(self, claimed: list[ClaimedMessage]) -> None:
        by_chat: dict[int, list[ClaimedMessage]] = defaultdict(list)
        for row in claimed:
            by_chat[row.chat_id].append(row)
        await asyncio.gather(*(self._send_chat(rows) for rows in by_chat.values()))

    def _sent_off(self, count: int) -> None:
        self.unsent -= count
        self.progress.set()

    async def _send_chat(self, rows: list[ClaimedMessage]) -> None:
        """One chat's messages in order, after those of an earlier batch; after a refusal the
        rest wait for their next attempt."""
        chat_id = rows[0].chat_id
        self.chat_users[chat_id] += 1
        turn = self.chat_turns.setdefault(chat_id, asyncio.Lock())
        try:
            async with turn, self.gate:
                await self._send_in_order(rows)
        finally:
            self.chat_users[chat_id] -= 1
            if not self.chat_users[chat_id]:
                del self.chat_users[chat_id], self.chat_turns[chat_id]

    async def _send_in_order(self, rows: list[ClaimedMessage]) -> None:
        for index, row in enumerate(rows):
            delivery = await self._deliver(row)
            self._sent_off(1)
            self.report.count(delivery)
            if delivery.outcome == DeliveryOutcome.SENT:
                self.recorder.add(row.id, delivery)
                continue
            if delivery.outcome == DeliveryOutcome.RETRY and delivery.retry_after:
                self.pacer.hold_chat(row.chat_id, delivery.retry_after)
            unattempted = [later.id for later in rows[index + 1 :]]
            await self.recorder.write(row.id, delivery, release=unattempted)
            self._sent_off(len(unattempted))
            return

    async def _deliver(self, row: ClaimedMessage) -> Delivery:
        """One row, fitted to Telegram's limit. Producers queue rows that fit, but one that does
        not (queued by an older version, say) goes out in parts, each in its own paced turn,
        rather than bounce; should a later part fail, the retry sends the row from its first
        part again."""
        for part in fit_message(row.message):
            async with self.pacer.turn(row.chat_id):
                delivery = await _attempt(self.sender, row, part)
            if delivery.outcome != DeliveryOutcome.SENT:
                break
        return delivery


async def _attempt(sender: Sender, row: ClaimedMessage, message: Message) -> Delivery:
    try:
        return await sender.send(row.chat_id, message, message_thread_id=row.message_thread_id)
    except Exception as exc:  # a sender bug must not lose the row: retry it later
        log.exception("sender failed on outbox row %s", row.id)
        return Delivery(DeliveryOutcome.RETRY, reason=f"internal error: {type(exc).__name__}")


class _Database:
    """The drain's transactions one at a time, off the event loop: its claims, records and
    heartbeats never race each other for the database's write lock."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self._turn = asyncio.Lock()

    async def run(self, work: Callable[[Session], T]) -> T:
        async with self._turn:
            return await asyncio.to_thread(_retrying, self.engine, work)


class _Recorder:
    """Telegram's answers, committed in groups: a "sent" waits up to RECORD_EVERY_SECONDS for
    company, anything else is committed before its chat goes on (it may stop the chat, or
    move it). A crash loses at most the group not yet committed: those rows were sent, stay
    claimed and go out again once the lease is taken back, so only they can be doubled."""

    def __init__(
        self, database: _Database, clock, *, on_committed: Callable[[list[int]], object]
    ) -> None:
        self.database, self.clock = database, clock
        self.on_committed = on_committed
        self._outcomes: list[tuple[int, Delivery]] = []
        self._releases: list[int] = []
        self._timer: asyncio.Task | None = None
        self._committing = asyncio.Lock()
        self.failed = False

    def add(self, row_id: int, delivery: Delivery) -> None:
        self._outcomes.append((row_id, delivery))
        if len(self._outcomes) >= RECORD_BATCH:
            self._start(0.0)
        elif self._timer is None or self._timer.done():
            self._start(RECORD_EVERY_SECONDS)

    async def write(self, row_id: int, delivery: Delivery, *, release: list[int]) -> None:
        self._outcomes.append((row_id, delivery))
        self._releases.extend(release)
        await self.flush()

    def _start(self, delay: float) -> None:
        async def later() -> None:
            await asyncio.sleep(delay)
            await self.flush()

        self._timer = asyncio.create_task(later())

    async def flush(self) -> None:
        async with self._committing:
            outcomes, self._outcomes = self._outcomes, []
            releases, self._releases = self._releases, []
            if not outcomes and not releases:
                return
            now = self.clock()

            def commit(session: Session) -> Any:
                record_outcomes(session, outcomes, now=now)
                if releases:
                    release(session, releases, now=now)

            try:
                await self.database.run(commit)
            except Exception:
                self.failed = True
                log.exception("could not record %d outbox answers", len(outcomes))
                return
            self.on_committed([row_id for row_id, _ in outcomes] + releases)


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
