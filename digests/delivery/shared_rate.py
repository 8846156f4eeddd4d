"""Telegram's overall rate shared by every instance on one database: leased shares of the window.

Telegram counts a message when it arrives, at some moment between our send and its answer, and
allows so many per second. One instance keeps under that by counting each send in the window
from its start until a second after its answer (pacing.Pacer): however the event loop or the
network delays a request, no second on Telegram's side holds more than the window's places.
Booking evenly spaced moments to start sends, as instances did before, spaced the starts only:
arrivals bunched by a late loop or a slow trip put more than the limit into one second.

So instances split the places instead: each holds a share (a row of sendshare) and counts its
own sends against it exactly as a lone instance does. The shares never add up to more than the
limit, because an instance

- raises its share only within what the others' rows leave, in a transaction that holds the
  table, and only once that is committed;
- lowers the share it uses first and the one on record later, never below the places it still
  holds (sends in flight and answers of the last second);
- stops starting sends once its lease has run out unrenewed, and the others count a lapsed
  share a little longer (GRACE_SECONDS) before they take it.

The rate is split evenly among the instances that have something to send; an idle one gives
its share back. Lease times are the database's clock, so the hosts' clocks need not agree.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from digests.delivery.pacing import WINDOW_SECONDS, Limits, Pacer, Share
from digests.store.tables import SendShare

log = logging.getLogger(__name__)

LEASE_SECONDS = 1.5  # how long a share may be used without renewing it
RENEW_SECONDS = 0.25  # how often a live share is renewed (and adapts to the others)
# A share whose lease ran out still counts this long: its instance started nothing after the
# lease, but what it sent until then is in Telegram's window for a second after the answer.
GRACE_SECONDS = WINDOW_SECONDS + 0.5
TABLE: Any = SendShare.__table__  # type: ignore[attr-defined]  # statements on the table
DATABASE_NOW = {  # seconds since the epoch, by the database's clock
    "postgresql": "SELECT extract(epoch FROM clock_timestamp())",
    "sqlite": "SELECT (julianday('now') - 2440587.5) * 86400.0",
}


@dataclass(frozen=True, slots=True)
class Holder:
    """Another instance's share as its row says."""

    places: int
    wants: bool
    expires_at: float


def divide(
    limit: int, others: Sequence[Holder], *, now: float, wants: bool, using: int, held: int
) -> tuple[int, int, int]:
    """(places to use from now on, places to put on record, a fair share) for one instance.

    Fair is an even split of the limit among the live instances that want to send; the places
    used never exceed what the others' rows leave (a lapsed row counts until it is forgotten);
    the record never drops below what is in use or still held, so that the others never count
    on places this instance might still fill.
    """
    live = [other for other in others if other.expires_at > now]
    wanting = sum(other.wants for other in live) + wants
    fair = limit // wanting if wants else 0
    room = limit - sum(other.places for other in others)
    places = max(0, min(fair, room))
    return places, max(places, using, held), fair


class SharedRate:
    """This instance's share, renewed through the database every RENEW_SECONDS."""

    lease_seconds = LEASE_SECONDS
    renew_seconds = RENEW_SECONDS

    def __init__(
        self,
        engine: Engine,
        per_second: float,
        *,
        clock: Callable[[], float] | None = None,
        owner: str | None = None,
    ):
        """`clock`: seconds since the epoch, for tests; by default the database's own."""
        self.engine = engine
        self.limit = int(per_second)
        self.owner = owner or uuid.uuid4().hex
        self._clock = clock

    def renew(self, *, wants: bool, using: int, held: int) -> Share | None:
        """Renew this instance's share and adapt it to the others'; None if the database did
        not answer (the share in use stays good until its lease ends). Blocking: run it off
        the event loop."""
        try:
            with self.engine.begin() as connection:
                return self._renew(connection, wants=wants, using=using, held=held)
        except SQLAlchemyError as error:
            log.warning("could not renew the send share: %s", type(error).__name__)
            return None

    def release(self) -> None:
        """Give the share back at a clean stop, so that the others need not wait out its
        lease and grace (the pacer calls it once its answers have left the window)."""
        try:
            with self.engine.begin() as connection:
                connection.execute(delete(TABLE).where(TABLE.c.owner == self.owner))
        except SQLAlchemyError as error:
            log.warning("could not give the send share back: %s", type(error).__name__)

    def _renew(self, connection: Connection, *, wants: bool, using: int, held: int) -> Share:
        dialect = connection.dialect.name
        if dialect == "postgresql":  # SQLite's BEGIN IMMEDIATE holds the whole database
            connection.execute(text("LOCK TABLE sendshare IN EXCLUSIVE MODE"))
        if self._clock is not None:
            now = self._clock()
        else:
            now = float(connection.execute(text(DATABASE_NOW[dialect])).scalar_one())
        columns = TABLE.c
        connection.execute(delete(TABLE).where(columns.expires_at < now - GRACE_SECONDS))
        others = [
            Holder(row.places, row.wants, row.expires_at)
            for row in connection.execute(select(TABLE).where(columns.owner != self.owner))
        ]
        places, posted, fair = divide(
            self.limit, others, now=now, wants=wants, using=using, held=held
        )
        mine = columns.owner == self.owner
        if posted == 0 and not wants:
            connection.execute(delete(TABLE).where(mine))
            return Share(0, LEASE_SECONDS, idle=True)
        values = {"places": posted, "wants": wants, "expires_at": now + LEASE_SECONDS}
        if not connection.execute(update(TABLE).where(mine).values(values)).rowcount:
            connection.execute(insert(TABLE).values(owner=self.owner, **values))
        return Share(places, LEASE_SECONDS, short=places < fair)


def pacer_for(engine: Engine, limits: Limits) -> Pacer:
    """The bot's pacer: whatever else sends through this database shares the rate with it."""
    return Pacer(limits, shared=SharedRate(engine, limits.overall_per_second))
