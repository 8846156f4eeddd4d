"""Delivery figures: one breaking update to N subscribers through the rate-limited emulator.

Per mode (free 30/s, or --paid 1,000/s) and scenario (no crash; the sender SIGKILLed at N/2 and
started again at once): the rate, the sender's CPU per delivered message (every sender process,
user + system, the emulator not included), 429s, lost and doubled messages, and how many
seconds after the kill delivery resumed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, insert, text
from sqlmodel import SQLModel, col, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digests.delivery import broadcasts
from digests.delivery.pacing import PAID_BROADCAST_PER_SECOND, Limits
from digests.store.db import make_engine, migrate, session_scope
from digests.store.enums import OutboxStatus
from digests.store.tables import Chat, OutboxMessage, Subscription, utcnow
from tests.e2e.emulator import DEFAULT_TOKEN
from tests.e2e.emulator_process import emulator_process

ROOT = Path(__file__).resolve().parents[1]
FIRST_CHAT = 10_000_000
ADMIN = 900
UPDATE = "Ceasefire talks resume in Geneva on Monday."
POLL_SECONDS = 0.05


@dataclass
class Run:
    """One scenario's figures, as the table prints them."""

    scenario: str
    subscribers: int
    limit: float
    seconds: float  # first to last recorded delivery, without the restart's dead time
    gaps: int  # deliveries after the first of each sender process, which those seconds hold
    wall: float  # from the first sender's start to the empty outbox, restart and leases included
    rate_limited: int
    lost: int
    duplicated: int
    cpu_seconds: float  # of every sender process
    delivered: int  # what the emulator accepted, doubles included
    in_flight_at_kill: int | None = None
    resumed_after: float | None = None  # seconds from the kill to the next recorded delivery

    @property
    def rate(self) -> float:
        return self.gaps / self.seconds if self.seconds else 0.0

    starts: int = 1  # sender processes started
    start_cpu: float = 0.0  # CPU of one sender run on an empty outbox: imports, migrate, exit

    @property
    def cpu_ms_per_message(self) -> float:
        return 1000 * self.cpu_seconds / self.delivered if self.delivered else 0.0

    @property
    def steady_cpu_ms_per_message(self) -> float:
        """The same, less the fixed cost of starting each sender process."""
        steady = self.cpu_seconds - self.starts * self.start_cpu
        return 1000 * steady / self.delivered if self.delivered else 0.0


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    limit = PAID_BROADCAST_PER_SECOND if args.paid else Limits().overall_per_second
    mode = "paid" if args.paid else "free"
    runs = []
    for kill in (False, True):
        scenario = f"{mode}, sender killed at N/2" if kill else f"{mode}, no crash"
        if args.senders > 1:
            scenario += f", {args.senders} senders"
        print(f"{scenario}: {args.subscribers} subscribers …", flush=True)
        runs.append(run_scenario(args, scenario, limit, kill=kill))
    print_table(runs)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument(
        "--paid", action="store_true", help="ALLOW_PAID_BROADCAST: the emulator's 1,000/s limit"
    )
    parser.add_argument(
        "--database-url", help="a database to wipe and use instead of a fresh SQLite file"
    )
    parser.add_argument(
        "--client", choices=("aiohttp", "httpx"), default="aiohttp", help="the sender's HTTP"
    )
    parser.add_argument(
        "--senders", type=int, default=1, help="sender processes sharing the rate (PostgreSQL)"
    )
    return parser.parse_args(argv)


def run_scenario(args: argparse.Namespace, scenario: str, limit: float, *, kill: bool) -> Run:
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/delivery.db"
        prepare_database(url, args.subscribers)
        with emulator_process() as base_url:
            env = sender_env(url, base_url, paid=args.paid)
            command = [sys.executable, "-m", "bot.deliver", "--client", args.client]
            in_flight, kill_at = None, None
            cpu_before = children_cpu()  # the emulator is not waited for until it exits
            started = time.monotonic()
            timeout = args.subscribers / limit * 3 + 180
            others = [start_sender(command, env) for _ in range(args.senders - 1)]
            if kill:
                in_flight, kill_at = send_and_kill(
                    command, env, url, base_url, args.subscribers // 2
                )
            run_sender(command, env, timeout=timeout)
            for other in others:
                if other.wait(timeout=timeout) != 0:
                    raise RuntimeError("a sender failed")
            wall = time.monotonic() - started
            cpu = children_cpu() - cpu_before
            stats = emulator_stats(base_url)
            cpu_before = children_cpu()
            run_sender(command, env, timeout=60)  # the outbox is empty now: the fixed cost
            start_cpu = children_cpu() - cpu_before
        seconds, gaps, resumed_after = sending_time(url, kill_at)
    lost, duplicated = lost_and_duplicated(stats, args.subscribers)
    return Run(
        scenario,
        args.subscribers,
        limit,
        seconds,
        gaps,
        wall,
        stats["rate_limited"],
        lost,
        duplicated,
        cpu,
        stats["delivered"],
        in_flight,
        resumed_after,
        starts=args.senders + kill,
        start_cpu=start_cpu,
    )


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- the database -------------------------------------------------------------------------


def prepare_database(url: str, subscribers: int) -> None:
    """N private subscribers, then the update queued by the admin's confirm, as in the bot."""
    engine = make_engine(url)
    wipe(engine)
    migrate(engine)
    now = utcnow()
    chat_ids = range(FIRST_CHAT, FIRST_CHAT + subscribers)
    with session_scope(engine) as session:
        session.execute(insert(Chat), [Chat(id=i, created_at=now).model_dump() for i in chat_ids])
        session.execute(
            insert(Subscription),
            [Subscription(chat_id=i, created_at=now).model_dump(exclude={"id"}) for i in chat_ids],
        )
    with session_scope(engine) as session:
        draft = broadcasts.draft(session, admin_user_id=ADMIN, admin_chat_id=ADMIN, text=UPDATE)
        broadcasts.confirm(session, draft.id, message_id=None, now=utcnow())
    engine.dispose()


def wipe(engine) -> None:
    """A given database starts empty, like the fresh SQLite file (on PostgreSQL, tables of
    other schema versions too)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        return
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def count_sent(url: str) -> int:
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            query = select(func.count(col(OutboxMessage.id))).where(
                col(OutboxMessage.status) == OutboxStatus.SENT
            )
            return session.exec(query).one()
    finally:
        engine.dispose()


def sending_time(url: str, kill_at: datetime | None) -> tuple[float, int, float | None]:
    """From the first recorded delivery to the last, leaving out the gap a kill causes; and
    how long after the kill the first delivery was recorded."""
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            stamps = sorted(
                session.exec(
                    select(OutboxMessage.sent_at).where(col(OutboxMessage.sent_at).is_not(None))
                ).all()
            )
    finally:
        engine.dispose()
    cut = kill_at or stamps[-1] if stamps else None
    parts = [p for p in ([s for s in stamps if s <= cut], [s for s in stamps if s > cut]) if p]
    seconds = sum((part[-1] - part[0]).total_seconds() for part in parts)
    after = [s for s in stamps if kill_at and s > kill_at]
    resumed = (after[0] - kill_at).total_seconds() if after and kill_at else None
    return seconds, sum(len(part) - 1 for part in parts), resumed


# --- the processes ------------------------------------------------------------------------


def sender_env(url: str, base_url: str, *, paid: bool) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": url,
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "ALLOW_PAID_BROADCAST": str(paid).lower(),
        "LOG_LEVEL": "WARNING",
    }


def start_sender(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env)


def run_sender(command: list[str], env: dict[str, str], *, timeout: float) -> None:
    """`python -m bot.deliver` until the outbox is empty and it exits by itself."""
    process = start_sender(command, env)
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    if code != 0:
        raise RuntimeError(f"the sender exited with {code}")


def send_and_kill(
    command: list[str], env, url: str, base_url: str, halfway: int
) -> tuple[int, datetime]:
    """SIGKILL the sender once `halfway` deliveries are recorded; returns how many messages
    Telegram had delivered without the sender recording them (the only ones that may be
    sent twice), and when it died."""
    process = start_sender(command, env)
    while count_sent(url) < halfway:
        if process.poll() is not None:
            raise RuntimeError("the sender finished before it could be killed")
        time.sleep(POLL_SECONDS)
    process.send_signal(signal.SIGKILL)
    process.wait()
    kill_at = utcnow()
    time.sleep(0.5)  # requests already on the wire reach the emulator or die
    return emulator_stats(base_url)["delivered"] - count_sent(url), kill_at


def emulator_stats(base_url: str) -> dict:
    address = base_url.removesuffix("/bot") + "/_emulator/stats"
    with urllib.request.urlopen(address, timeout=30) as response:
        return json.load(response)


# --- the figures --------------------------------------------------------------------------


def lost_and_duplicated(stats: dict, subscribers: int) -> tuple[int, int]:
    """Per subscriber, how often the update arrived: 0 is lost, each one past 1 a duplicate."""
    html = broadcasts.breaking_html(UPDATE)
    chats = stats["chats"]
    lost = duplicated = 0
    for chat_id in range(FIRST_CHAT, FIRST_CHAT + subscribers):
        copies = chats.get(str(chat_id), []).count(html)
        lost += copies == 0
        duplicated += max(0, copies - 1)
    return lost, duplicated


def print_table(runs: list[Run]) -> None:
    header = (
        f"{'scenario':<40} {'N':>6} {'wall s':>7} {'send s':>7} {'msg/s':>7} {'limit':>6} "
        f"{'% of limit':>10} {'CPU ms/msg':>10} {'w/o start':>9} "
        f"{'429s':>5} {'lost':>5} {'dup':>4} {'dup %':>6} {'in flight at kill':>17} "
        f"{'resumed after s':>15}"
    )
    print()
    print(header)
    print("-" * len(header))
    for run in runs:
        in_flight = "-" if run.in_flight_at_kill is None else str(run.in_flight_at_kill)
        resumed = "-" if run.resumed_after is None else f"{run.resumed_after:.1f}"
        print(
            f"{run.scenario:<40} {run.subscribers:>6} {run.wall:>7.1f} {run.seconds:>7.1f} "
            f"{run.rate:>7.1f} "
            f"{run.limit:>6.0f} {100 * run.rate / run.limit:>9.1f}% "
            f"{run.cpu_ms_per_message:>10.2f} {run.steady_cpu_ms_per_message:>9.2f} "
            f"{run.rate_limited:>5} "
            f"{run.lost:>5} {run.duplicated:>4} {100 * run.duplicated / run.subscribers:>5.2f}% "
            f"{in_flight:>17} {resumed:>15}"
        )
    print(
        f"load average while measuring: {os.getloadavg()[0]:.1f} (1 min), cores: {os.cpu_count()}"
    )


if __name__ == "__main__":
    main()
