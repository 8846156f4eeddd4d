"""Several senders on one broadcast: duplicates, losses, combined rate and 429s.

Each is a `python -m bot.deliver` process, at Telegram's free limit or with paid broadcasting,
and the rate-limited emulator runs in a process of its own, as Telegram would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from benchmarks.scale.load import copy_rows, ensure_database, reset_schema
from digests.delivery import broadcasts
from digests.store.db import make_engine, session_scope
from digests.store.tables import utcnow
from tests.e2e.emulator import DEFAULT_TOKEN
from tests.e2e.emulator_process import emulator_process

ROOT = Path(__file__).resolve().parents[2]
FIRST_CHAT = 20_000_000
ADMIN = 900
UPDATE = "Ceasefire talks resume in Geneva on Monday."
TELEGRAM_LIMIT = 30  # messages per second, per bot, without paid broadcasting
PAID_LIMIT = 1000  # with it


@dataclass
class SenderReport:
    audience: int
    senders: int
    paid: bool
    wall: float  # from starting the senders until both have exited
    delivered: int
    duplicates: int  # deliveries past the first to a chat
    lost: int  # chats the update never reached
    rate_limited: int  # 429s the emulator answered
    sending_seconds: float  # first to last delivery the senders recorded
    busiest_second: int  # most deliveries recorded within one second

    @property
    def rate(self) -> float:
        return (self.delivered - 1) / self.sending_seconds if self.sending_seconds else 0.0

    @property
    def limit(self) -> int:
        return PAID_LIMIT if self.paid else TELEGRAM_LIMIT


def own_database(database_url: str) -> str:
    """A database of its own beside the benchmark's: a broadcast goes to every subscriber,
    and the benchmark's database has a million."""
    url = make_url(database_url)
    url = url.set(database=f"{url.database}_senders").render_as_string(hide_password=False)
    ensure_database(url)
    return url


def queue_broadcast(engine: Engine, audience: int) -> None:
    """`audience` private subscribers, then the update confirmed by an admin as in the bot."""
    reset_schema(engine)
    now = utcnow()
    chats = range(FIRST_CHAT, FIRST_CHAT + audience)
    copy_rows(engine, "chat", [(c, "private", None, True, None, now) for c in chats])
    copy_rows(
        engine,
        "subscription",
        [
            (n, c, True, "daily", "08:00", 0, "UTC", "short", "", "", None, None, 0, None, now)
            for n, c in enumerate(chats, start=1)
        ],
    )
    with session_scope(engine) as session:
        draft = broadcasts.draft(session, admin_user_id=ADMIN, admin_chat_id=ADMIN, text=UPDATE)
        broadcasts.confirm(session, draft.id, message_id=None, now=utcnow())


def _stats(base_url: str) -> dict:
    with urllib.request.urlopen(base_url.removesuffix("/bot") + "/_emulator/stats") as answer:
        return json.load(answer)


def run_senders(
    database_url: str, base_url: str, count: int, timeout: float, *, paid: bool
) -> float:
    """Start `count` senders at once; returns the seconds until the last one exited."""
    env = os.environ | {
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "ALLOW_PAID_BROADCAST": str(paid).lower(),
        "LOG_LEVEL": "WARNING",
    }
    started = time.monotonic()
    processes = [
        subprocess.Popen([sys.executable, "-m", "bot.deliver"], cwd=ROOT, env=env)
        for _ in range(count)
    ]
    try:
        codes = [p.wait(timeout=timeout - (time.monotonic() - started)) for p in processes]
    finally:
        for process in processes:
            process.kill()
    if any(codes):
        raise RuntimeError(f"a sender failed: exit codes {codes}")
    return time.monotonic() - started


def _recorded(engine: Engine) -> tuple[float, int]:
    """First-to-last seconds and the busiest second, from the delivery times senders recorded."""
    with engine.connect() as connection:
        stamps = connection.execute(
            text("SELECT sent_at FROM outboxmessage WHERE sent_at IS NOT NULL ORDER BY sent_at")
        ).scalars()
        stamps = list(stamps)
    if not stamps:
        return 0.0, 0
    per_second = Counter(int(s.timestamp()) for s in stamps)
    return (stamps[-1] - stamps[0]).total_seconds(), max(per_second.values())


def measure(database_url: str, audience: int, senders: int = 2, *, paid: bool) -> SenderReport:
    url = own_database(database_url)
    engine = make_engine(url)
    try:
        queue_broadcast(engine, audience)
        with emulator_process() as base_url:
            timeout = audience / (PAID_LIMIT if paid else TELEGRAM_LIMIT) * 4 + 120
            wall = run_senders(url, base_url, senders, timeout, paid=paid)
            stats = _stats(base_url)
        html = broadcasts.breaking_html(UPDATE)
        chats = range(FIRST_CHAT, FIRST_CHAT + audience)
        copies = [stats["chats"].get(str(chat), []).count(html) for chat in chats]
        seconds, busiest = _recorded(engine)
    finally:
        engine.dispose()
    return SenderReport(
        audience,
        senders,
        paid,
        wall,
        sum(copies),
        sum(max(0, n - 1) for n in copies),
        copies.count(0),
        stats["rate_limited"],
        seconds,
        busiest,
    )
