"""The worker processes and the per-user limit on heavy requests."""

from __future__ import annotations

import os
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from digests.work import CpuPool, InFlight


def crash() -> None:
    os._exit(1)  # as a worker killed for memory would


def sleep(seconds: float) -> None:
    time.sleep(seconds)


@pytest.fixture
def pool():
    pool = CpuPool(processes=1)
    yield pool
    pool.close()


async def test_jobs_run_in_another_process(pool):
    assert await pool.run(os.getpid) != os.getpid()
    assert pool.call(os.getpid) != os.getpid()


async def test_a_dead_worker_costs_its_job_only(pool):
    with pytest.raises(BrokenProcessPool):
        await pool.run(crash)
    assert await pool.run(os.getpid) != os.getpid()


def test_close_abandons_a_job_under_way(pool):
    pool.start()
    future = pool._pool().submit(sleep, 600)
    pool.close()  # returns although the job would take ten minutes
    assert future.cancelled() or isinstance(future.exception(timeout=60), BrokenProcessPool)


def test_one_heavy_request_per_user_at_a_time():
    in_flight = InFlight(per_owner=1)
    first = in_flight.try_claim(7)
    assert first is not None
    assert in_flight.try_claim(7) is None  # the same user again: "still working"
    other = in_flight.try_claim(8)
    assert other is not None
    with first:
        pass
    again = in_flight.try_claim(7)
    assert again is not None  # free once the first is done
    with again, other:
        pass
