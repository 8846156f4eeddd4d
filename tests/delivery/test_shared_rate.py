"""Several instances on one database share Telegram's overall rate: in no one-second window do
their messages together exceed it, whatever their trips to Telegram take."""

from __future__ import annotations

import asyncio
import itertools
import time

from sqlalchemy import text

from digests.delivery.pacing import Limits, Pacer
from digests.delivery.shared_rate import (
    DATABASE_NOW,
    GRACE_SECONDS,
    LEASE_SECONDS,
    Holder,
    SharedRate,
    divide,
)
from tests.delivery.virtual_time import Sends, VirtualRenewals, VirtualTime

LIMIT = 30
# Trips of every length up to most of a second: Telegram counts each message at some moment
# between its start and its answer, and sends booked at even moments reached it bunched.
LATENCIES = (0.004, 0.3, 0.05, 0.9, 0.01, 0.12)


def sharing(engine, time: VirtualTime, count: int) -> list[Sends]:
    def pacer() -> Pacer:
        rate = SharedRate(engine, LIMIT, clock=time.clock)
        limits = Limits(overall_per_second=LIMIT)
        return Pacer(
            limits,
            clock=time.clock,
            sleep=time.sleep,
            shared=rate,
            renewals=VirtualRenewals(time),
        )

    return [Sends(pacer(), time) for _ in range(count)]


def most_in_any_window(instances: list[Sends]) -> int:
    together = Sends(instances[0].pacer, instances[0].time)
    together.log = [entry for sends in instances for entry in sends.log]
    return together.most_in_any_window(1.0)


def broadcast(sends: Sends, chats: range, *, start: float = 0.0):
    latencies = itertools.cycle(LATENCIES)

    async def one(chat: int, latency: float) -> None:
        await sends.time.sleep(start)
        await sends.send(chat, latency)

    return [one(chat, next(latencies)) for chat in chats]


def last_answer(instances: list[Sends]) -> float:
    return max(answer for sends in instances for _, answer, _, _ in sends.log)


async def test_two_instances_never_exceed_the_limit_together_and_go_as_fast_as_one(engine):
    time = VirtualTime()
    first, second = sharing(engine, time, 2)
    await time.run(*broadcast(first, range(1, 301)), *broadcast(second, range(1001, 1301)))
    assert len(first.log) == len(second.log) == 300
    assert most_in_any_window([first, second]) == LIMIT  # all of the limit, never more
    alone_time = VirtualTime()
    [alone] = sharing(engine, alone_time, 1)
    await alone_time.run(*broadcast(alone, range(1, 601)))
    assert last_answer([first, second]) < last_answer([alone]) * 1.05


async def test_an_instance_joining_and_one_leaving_mid_broadcast_never_overshoot(engine):
    time = VirtualTime()
    first, second, third = sharing(engine, time, 3)
    await time.run(
        *broadcast(first, range(1, 401)),
        *broadcast(second, range(1001, 1061), start=3.0),  # joins, sends a little, leaves
        *broadcast(third, range(2001, 2121), start=5.5),
    )
    assert len(first.log) + len(second.log) + len(third.log) == 580
    assert most_in_any_window([first, second, third]) <= LIMIT
    alone_again = [start for start, *_ in first.log if start > max(third.log)[1] + 3]
    assert alone_again  # the first one kept sending after the others were done …
    assert len([s for s in alone_again if s < alone_again[0] + 1]) > LIMIT / 2  # … at full rate


class Stalls(SharedRate):
    """An instance whose renewals fail for a while (its database stopped answering)."""

    def __init__(self, *args, failing: range, **kwargs):
        super().__init__(*args, **kwargs)
        self.failing = failing
        self.renewals = 0

    def renew(self, **kwargs):
        self.renewals += 1
        return None if self.renewals in self.failing else super().renew(**kwargs)


async def test_an_instance_that_cannot_renew_stops_and_its_share_passes_on_only_after_grace(
    engine,
):
    time = VirtualTime()
    limits = Limits(overall_per_second=LIMIT)
    stalled = Sends(
        Pacer(
            limits,
            clock=time.clock,
            sleep=time.sleep,
            shared=Stalls(engine, LIMIT, clock=time.clock, failing=range(12, 60)),  # ~12 s
            renewals=VirtualRenewals(time),
        ),
        time,
    )
    [healthy] = sharing(engine, time, 1)
    await time.run(*broadcast(stalled, range(1, 201)), *broadcast(healthy, range(1001, 1401)))
    assert len(stalled.log) == 200 and len(healthy.log) == 400
    assert most_in_any_window([stalled, healthy]) <= LIMIT
    starts = sorted(start for start, *_ in stalled.log)
    lapsed, back = max(itertools.pairwise(starts), key=lambda pair: pair[1] - pair[0])
    assert back - lapsed > 8  # it stopped while it could not renew, and went on after
    taken = [s for s, *_ in healthy.log if lapsed + GRACE_SECONDS + 1 < s < back - 1]
    assert len(taken) > LIMIT * 0.8 * (back - lapsed - GRACE_SECONDS - 2)  # the whole rate


def test_the_rate_is_split_among_those_with_something_to_send():
    busy = Holder(places=15, wants=True, expires_at=10.0)
    idle = Holder(places=0, wants=False, expires_at=10.0)
    assert divide(30, [busy, idle], now=5.0, wants=True, using=15, held=15) == (15, 15, 15)
    assert divide(30, [idle], now=5.0, wants=True, using=15, held=3) == (30, 30, 30)
    assert divide(30, [busy], now=5.0, wants=False, using=15, held=4) == (0, 15, 0)


def test_places_are_taken_only_from_what_the_others_leave_even_a_lapsed_share():
    lapsed = Holder(places=30, wants=True, expires_at=4.0)  # its instance may still be sending
    assert divide(30, [lapsed], now=5.0, wants=True, using=0, held=0) == (0, 0, 30)


def test_a_lowered_share_stays_on_record_until_its_places_are_free():
    newcomer = Holder(places=0, wants=True, expires_at=10.0)
    assert divide(30, [newcomer], now=5.0, wants=True, using=30, held=28) == (15, 30, 15)
    assert divide(30, [newcomer], now=6.0, wants=True, using=15, held=22) == (15, 22, 15)


def share_rows(engine) -> dict[str, float]:
    """Each instance's lease end as the other instances read it, less the database's now."""
    with engine.connect() as connection:
        now = connection.execute(text(DATABASE_NOW[engine.dialect.name])).scalar_one()
        rows = connection.execute(text("SELECT owner, expires_at FROM sendshare")).all()
    return {owner: expires_at - float(now) for owner, expires_at in rows}


async def test_a_live_senders_lease_is_renewed_while_its_event_loop_is_busy(engine):
    rate = SharedRate(engine, LIMIT)
    pacer = Pacer(Limits(overall_per_second=LIMIT), shared=rate)
    async with pacer.turn(1):
        time.sleep(LEASE_SECONDS + 0.5)  # a loop busy past the lease: no await in between
        assert share_rows(engine)[rate.owner] > 0  # still its own: the others keep off
    await pacer.close()


async def test_a_clean_stop_gives_the_share_back_once_its_answers_left_the_window(engine):
    rate = SharedRate(engine, LIMIT)
    pacer = Pacer(Limits(overall_per_second=LIMIT), shared=rate)
    for chat in range(1, 4):
        async with pacer.turn(chat):
            pass
    assert rate.owner in share_rows(engine)
    stopped = asyncio.get_running_loop().time()
    await pacer.close()
    assert share_rows(engine) == {}
    assert asyncio.get_running_loop().time() - stopped < LEASE_SECONDS + GRACE_SECONDS
