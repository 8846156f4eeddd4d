"""The overall send rate shared by every instance on one PostgreSQL: one row per send slot.

Time is cut into slots one message wide (1/30 s at Telegram's free limit); a sender claims the
first free slots with an insert that only one instance can win for each, then waits for them.
However many instances send, no slot holds two messages, so together they never exceed the
limit. At paid rates a sender books a few dozen milliseconds of slots per statement, not one
per message: a booked slot that passed unused is simply skipped, so booking ahead can waste a
little of the rate but never overshoot it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from sqlalchemy import Engine, text

from digests.delivery.pacing import Limits, Pacer

LOOKAHEAD_SLOTS = 3000  # how far ahead a sender may book: 100 s at 30/s
FORGET_AFTER_SLOTS = 1800  # slots older than this are deleted now and then
BOOKING_SECONDS = 0.03  # booked per statement: one slot at 30/s, about 28 at 950/s
CLAIM = text(
    "INSERT INTO sendslot (slot) "
    "SELECT s FROM generate_series(CAST(:start AS bigint), CAST(:stop AS bigint)) AS s "
    "WHERE NOT EXISTS (SELECT 1 FROM sendslot WHERE slot = s) "
    "ORDER BY s LIMIT :count ON CONFLICT DO NOTHING RETURNING slot"
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
        self._per_booking = max(1, int(per_second * BOOKING_SECONDS))
        self._booked: deque[int] = deque()
        self._lock = threading.Lock()  # the event loop takes, a worker thread books

    def next_booked(self) -> float | None:
        """Seconds to wait for a slot booked earlier; None when none is left (call reserve)."""
        with self._lock:
            now = self._clock()
            while self._booked:
                slot = self._booked.popleft()
                if slot * self.width >= now - self.width:  # a passed slot is not used late
                    return max(0.0, slot * self.width - now)
        return None

    def reserve(self) -> float:
        """Book the next free slots for every instance; returns seconds to wait for the first.
        Blocking: run off the event loop."""
        while True:
            if (booked := self.next_booked()) is not None:
                return booked
            now = self._clock()
            start = int(now / self.width) + 1
            with self.engine.begin() as connection:
                slots = connection.execute(
                    CLAIM,
                    {"start": start, "stop": start + LOOKAHEAD_SLOTS, "count": self._per_booking},
                ).scalars()
                with self._lock:
                    self._booked.extend(sorted(slots))
                self._claims += 1
                if self._claims % 500 == 0:
                    connection.execute(FORGET, {"before": start - FORGET_AFTER_SLOTS})


def pacer_for(engine: Engine, limits: Limits) -> Pacer:
    """The bot's pacer: on PostgreSQL, several instances may send, so they share the rate."""
    if engine.dialect.name != "postgresql":
        return Pacer(limits)
    return Pacer(limits, shared=SharedRate(engine, limits.overall_per_second * JITTER_MARGIN))
