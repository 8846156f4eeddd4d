"""Several instances on one PostgreSQL share Telegram's overall rate through booked send slots."""

from __future__ import annotations

import itertools
import threading

import pytest

from digests.delivery.shared_rate import SharedRate
from digests.store.db import make_engine


def test_two_instances_never_book_the_same_moment(engine, database_url):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite means one process: its own pacer is the whole story")
    start = 1_800_000_000.0
    instances = [
        SharedRate(engine, 30.0, clock=lambda: start),
        SharedRate(make_engine(database_url), 30.0, clock=lambda: start),
    ]
    booked: list[float] = []
    lock = threading.Lock()

    def send_many(rate: SharedRate) -> None:
        for _ in range(45):
            delay = rate.reserve()
            with lock:
                booked.append(start + delay)

    threads = [threading.Thread(target=send_many, args=(rate,)) for rate in instances]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    booked.sort()
    assert len(booked) == 90
    gaps = [later - earlier for earlier, later in itertools.pairwise(booked)]
    assert min(gaps) >= 1 / 30 - 1e-6  # together they stay at 30 per second
    assert booked[-1] - booked[0] < 90 / 30 + 0.1  # and use the whole rate, not less
