"""Scheduler ticks: compose the digests that are due, then drain the outbox."""

from __future__ import annotations

import asyncio
import logging

from digests.delivery import DrainReport, drain_outbox
from digests.digest import compose_digest, due_subscriptions
from digests.models import Subscription
from digests.outbox import Sender
from digests.pacing import Pacer
from digests.runtime import Runtime

log = logging.getLogger(__name__)


def compose_due_digests(runtime: Runtime) -> int:
    """Queue a digest for every due subscriber, each in its own transaction."""
    now = runtime.clock()
    with runtime.session() as session:
        due_ids = [s.id for s in due_subscriptions(session, now=now)]
    queued = 0
    for subscription_id in due_ids:
        try:
            with runtime.session() as session:
                subscription = session.get(Subscription, subscription_id)
                queued += compose_digest(session, subscription, now=now)
        except Exception:
            log.exception("could not compose the digest of subscription %s", subscription_id)
    return queued


class Ticker:
    """One periodic tick does all scheduled work, so a restart loses nothing: state is in SQL."""

    def __init__(self, runtime: Runtime, sender: Sender, pacer: Pacer | None = None):
        self.runtime = runtime
        self.sender = sender
        self.pacer = pacer or Pacer()
        self._lock = asyncio.Lock()

    async def tick(self) -> DrainReport:
        async with self._lock:  # a slow tick never overlaps the next one
            queued = await asyncio.to_thread(compose_due_digests, self.runtime)
            if queued:
                log.info("queued %d digest messages", queued)
            return await drain_outbox(
                self.runtime.engine, self.sender, self.pacer, clock=self.runtime.clock
            )
