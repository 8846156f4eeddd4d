"""Scheduler leadership: one leader per database, taken over when the leader dies."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from digests.delivery.leadership import Leadership
from digests.store.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
HOLD_LEADERSHIP = """
import sys, time
from digests.store.db import make_engine
from digests.delivery.leadership import Leadership
leader = Leadership(make_engine(sys.argv[1]))
assert leader.is_leader()
print("leading", flush=True)
time.sleep(600)
"""


def test_only_one_instance_leads_and_a_successor_takes_over(engine, database_url):
    first, second = Leadership(engine), Leadership(make_engine(database_url))
    assert first.is_leader()
    if not first.shared:
        assert second.is_leader()  # SQLite: a single process, always the leader
        return
    assert not second.is_leader()
    assert first.is_leader()  # still holding it
    first.release()
    assert second.is_leader()
    second.release()


def test_a_killed_leader_is_replaced_within_seconds(engine, database_url):
    follower = Leadership(engine)
    if not follower.shared:
        pytest.skip("leadership is only contended on PostgreSQL")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LEADERSHIP, database_url],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "leading"
        assert not follower.is_leader()
        holder.kill()  # SIGKILL: no chance to step down
        holder.wait()
        killed_at = time.monotonic()
        while not follower.is_leader():
            assert time.monotonic() - killed_at < 30, "leadership was not taken over in 30 s"
            time.sleep(0.2)
    finally:
        holder.kill()
        follower.release()
