"""The overall send rate shared by every instance on one PostgreSQL: one row per send slot.

Time is cut into slots one message wide (1/30 s at Telegram's free limit); a sender claims the
first free slot with an insert that only one instance can win, then waits for it. However many
instances send, no slot holds two messages, so together they never exceed the limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine, text

from digests.delivery.pacing import Limits, Pacer

LOOKAHEAD_SLOTS = 3000  # how far ahead a sender may book: 100 s at 30/s
FORGET_AFTER_SLOTS = 1800  # slots older than this are deleted now and then
CLAIM = text(
    "INSERT INTO sendslot (slot) "
    "SELECT s FROM generate_series(CAST(:start AS bigint), CAST(:stop AS bigint)) AS s "
    "WHERE NOT EXISTS (SELECT 1 FROM sendslot WHERE slot = s) "
    "ORDER BY s LIMIT 1 ON CONFLICT DO NOTHING RETURNING slot"
)
FORGET = text("DELETE FROM sendslot WHERE slot < :before")
# Slots a little wider than 1/limit: a request's trip to Telegram varies, and arrivals bunched
# by that jitter must still fit the limit (at 2% two senders still drew a 429 in 3,000).
JITTER_MARGIN = 0.95


class SharedRate:
    def __init__(
        self, engine: Engine, per_second: float, *, clock: Callable[[], float] = time.time
    ):
        self.engine = engine
        self.width = 1.0 / per_second
        self._clock = clock
        self._claims = 0

    def reserve(self) -> float:
        """Book the next free slot for every instance; returns seconds to wait for it."""
        while True:
            now = self._clock()
            start = int(now / self.width) + 1
            with self.engine.begin() as connection:
                slot = connection.execute(
                    CLAIM, {"start": start, "stop": start + LOOKAHEAD_SLOTS}
                ).scalar()
                self._claims += 1
                if self._claims % 500 == 0:
                    connection.execute(FORGET, {"before": start - FORGET_AFTER_SLOTS})
            if slot is not None:  # None: another instance took that slot at the same moment
                return max(0.0, slot * self.width - now)


def pacer_for(engine: Engine, limits: Limits) -> Pacer:
    """The bot's pacer: on PostgreSQL, several instances may send, so they share the rate."""
    if engine.dialect.name != "postgresql":
        return Pacer(limits)
    shared = SharedRate(engine, limits.overall_per_second * JITTER_MARGIN)
    return Pacer(limits, shared=shared.reserve)
