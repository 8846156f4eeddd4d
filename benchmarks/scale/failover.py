"""Scheduler leadership after a SIGKILL: seconds until the surviving instance takes over.

Each contender is a process of its own that asks for the leadership as often as the bot does
(bot.app.LEADERSHIP_CHECK_SECONDS) and prints when its answer changes; `python -m
benchmarks.scale.failover DATABASE_URL SECONDS` is that process.
"""

from __future__ import annotations

import random
import select
import subprocess
import sys
import time
from pathlib import Path

from bot.app import LEADERSHIP_CHECK_SECONDS
from digests.delivery.leadership import Leadership
from digests.store.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
TRIALS = 5
GIVE_UP_SECONDS = 60


def contend(database_url: str, every: float) -> None:
    leadership = Leadership(make_engine(database_url))
    said = None
    while True:
        leading = leadership.is_leader()
        if leading != said:
            print("leading" if leading else "following", time.time(), flush=True)
            said = leading
        time.sleep(every)


def _start(database_url: str, every: float) -> subprocess.Popen:
    command = [sys.executable, "-m", "benchmarks.scale.failover", database_url, str(every)]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)


def _next_word(process: subprocess.Popen) -> tuple[str, float]:
    """The contender's next announcement; a silent minute means it is stuck."""
    ready, _, _ = select.select([process.stdout], [], [], GIVE_UP_SECONDS)
    if not ready:
        raise RuntimeError(f"no word from a contender in {GIVE_UP_SECONDS} s")
    line = process.stdout.readline()
    if not line:
        raise RuntimeError(f"a contender exited with {process.wait()}")
    word, stamp = line.split()
    return word, float(stamp)


def takeover_seconds(database_url: str, every: float = LEADERSHIP_CHECK_SECONDS) -> float:
    """Start a leader and a follower, SIGKILL the leader, time the follower's takeover.

    The follower only notices at its next check, so a takeover takes up to `every` seconds
    plus the time PostgreSQL needs to see the dead leader's connection close.
    """
    leader = _start(database_url, every)
    follower = None
    try:
        if _next_word(leader)[0] != "leading":
            raise RuntimeError("the first contender did not lead (is a bot running here?)")
        follower = _start(database_url, every)
        if _next_word(follower)[0] != "following":
            raise RuntimeError("two contenders led at once")
        time.sleep(random.uniform(0, every))  # die at any point of the follower's period
        leader.kill()
        leader.wait()
        killed_at = time.time()
        word, at = _next_word(follower)
        if word != "leading":
            raise RuntimeError(f"the follower said {word!r} instead of taking over")
        return at - killed_at
    finally:
        for process in (leader, follower):
            if process is not None:
                process.kill()
                process.wait()


def trials(database_url: str) -> list[float]:
    return [takeover_seconds(database_url) for _ in range(TRIALS)]


if __name__ == "__main__":
    contend(sys.argv[1], float(sys.argv[2]))
