"""Scheduler ticks: poll due feeds, compose due digests, drain the outbox, report progress."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Protocol

from digests.delivery import broadcasts
from digests.delivery.drain import DrainReport, drain_outbox, resume
from digests.delivery.leadership import Leadership
from digests.delivery.message import Message
from digests.delivery.outbox import Sender
from digests.delivery.pacing import Pacer
from digests.i18n import speaking
from digests.ingest.polling import Poller
from digests.runtime import Runtime
from digests.store.spoken import chat_language
from digests.store.tables import Chat, Subscription
from digests.subscriptions.digest import compose_digest, due_subscriptions

log = logging.getLogger(__name__)

DUE_PAGE = 500  # subscribers composed between two looks at who is due


class Transport(Sender, Protocol):
    """A sender that can also edit a message it sent earlier (for broadcast progress)."""

    async def edit(self, chat_id: int, message_id: int, message: Message) -> None: ...


def compose_due_digests(runtime: Runtime, *, budget_seconds: float | None = None) -> int:
    """Queue a digest for every due subscriber, page after page, each in its own transaction.

    A peak minute can make a hundred thousand subscribers due at once, so one tick keeps
    paging until nobody new is due or its time budget (most of a tick) is spent.
    """
    budget = budget_seconds or runtime.settings.scheduler_tick_seconds * 0.8
    deadline = time.monotonic() + budget
    now = runtime.clock()
    seen: set[int] = set()  # quiet-hour or failing subscribers stay due: visit each once a tick
    queued = 0
    while time.monotonic() < deadline:
        with runtime.session() as session:
            due = due_subscriptions(session, now=now, limit=DUE_PAGE)
            page = [subscription.id for subscription in due if subscription.id not in seen]
        if not page:
            break
        seen.update(page)
        for subscription_id in page:
            queued += _compose_one(runtime, subscription_id, now)
    return queued


def _compose_one(runtime: Runtime, subscription_id: int, now) -> int:
    """One digest, written in its chat's language (nobody asked just now: no update says)."""
    try:
        with runtime.session() as session:
            subscription = session.get_one(Subscription, subscription_id)
            chat = session.get_one(Chat, subscription.chat_id)
            with speaking(chat_language(chat)):
                return compose_digest(session, subscription, now=now)
    except Exception:
        log.exception("could not compose the digest of subscription %s", subscription_id)
        return 0


def broadcast_progress(runtime: Runtime) -> list[tuple[int, int, Message]]:
    """(admin chat, message to edit, progress card) for every broadcast still being sent."""
    cards = []
    with runtime.session() as session:
        for broadcast in broadcasts.unfinished(session):
            progress = broadcasts.finish_if_done(session, broadcast.id, now=runtime.clock())
            if broadcast.progress_message_id is None:
                continue
            admin_chat = session.get(Chat, broadcast.admin_chat_id)
            with speaking(chat_language(admin_chat)):
                card = broadcasts.progress_message(progress)
            cards.append((broadcast.admin_chat_id, broadcast.progress_message_id, card))
    return cards


class Ticker:
    """One periodic tick does all scheduled work, so a restart loses nothing: state is in SQL."""

    def __init__(
        self, runtime: Runtime, transport: Transport, pacer: Pacer | None = None, *, owner: str
    ):
        """`owner` is this instance's sender name (digests.delivery.identity)."""
        self.runtime = runtime
        self.owner = owner
        self._resumed = False
        self.transport = transport
        self.pacer = pacer or Pacer()
        self.poller = Poller(runtime)
        self._lock = asyncio.Lock()
        self._drain_lock = asyncio.Lock()
        self.last_tick_started = time.monotonic()  # for /healthz: is the scheduler alive?
        self.leadership = Leadership(runtime.engine)
        self._shown: dict[tuple[int, int], str] = {}

    async def report_progress(self) -> None:
        for chat_id, message_id, card in await asyncio.to_thread(broadcast_progress, self.runtime):
            if self._shown.get((chat_id, message_id)) == card.html:
                continue
            self._shown[(chat_id, message_id)] = card.html
            try:
                await self.transport.edit(chat_id, message_id, card)
            except Exception:
                log.warning("could not update broadcast progress in chat %s", chat_id)

    async def poll_feeds(self) -> None:
        """New articles first, so instant subscribers get them in this very tick."""
        try:
            outcomes = await self.poller.poll_due()
        except Exception:  # the database may be away; digests and the outbox still get a go
            log.exception("feed polling failed")
            return
        added = sum(len(outcome.added) for outcome in outcomes)
        if added:
            log.info("polled %d feeds: %d new articles", len(outcomes), added)

    async def is_leader(self) -> bool:
        """Checked every few seconds as well as at each tick, so a dead leader is replaced fast."""
        try:
            return await asyncio.to_thread(self.leadership.is_leader)
        except Exception:
            log.warning("could not reach the database to check leadership")
            return False

    async def tick(self) -> DrainReport:
        """Scheduled work, then the outbox, so what this tick queued goes out right away."""
        async with self._lock:  # a slow tick never overlaps the next one
            self.last_tick_started = time.monotonic()
            # Scheduled work happens once, on the leader, whatever the number of instances;
            # every instance helps drain the outbox.
            if await self.is_leader():
                await self.poll_feeds()
                queued = await asyncio.to_thread(compose_due_digests, self.runtime)
                if queued:
                    log.info("queued %d digest messages", queued)
        return await self.drain()

    async def drain(self, *, wait: bool = False) -> DrainReport:
        """Send what is due. Also run every second on its own, so a breaking update or a retry
        goes out within a second instead of waiting for the next scheduler tick. With `wait`,
        a drain under way is waited for and this one runs after it (what was queued since
        goes now); without, it is left to pick up what is due."""
        if self._drain_lock.locked() and not wait:
            return DrainReport()
        async with self._drain_lock:
            if not self._resumed:
                engine, now = self.runtime.engine, self.runtime.clock()
                await asyncio.to_thread(resume, engine, owner=self.owner, now=now)
                self._resumed = True
            report = await drain_outbox(
                self.runtime.engine,
                self.transport,
                self.pacer,
                clock=self.runtime.clock,
                owner=self.owner,
                after_batch=self.report_progress,
            )
            await self.report_progress()
            return report
