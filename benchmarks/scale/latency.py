"""Latency of /latest, /summary and /actor: the real bot against the Bot API emulator, one
request at a time and with many chats at once.

The bot runs as `python -m bot` and the emulator in a process of its own; this process plays the
users through the emulator's exchange endpoint. The time of a request runs from the moment the
emulator's getUpdates answer hands the update to the bot until the bot's reply reaches the
emulator (both stamped by the emulator), so it holds python-telegram-bot's dispatch, the
handler, its queries and the reply, and none of the benchmark's own waiting. Under load,
`concurrency` chats send at once, each its next request as soon as its reply came; there the
time from the user's message (which holds the wait for getUpdates) is shown too.

One at a time, requests go from distinct private chats at most REQUESTS_PER_SECOND. Telegram's
30 messages per second would cap (and time) the replies under load, so the emulator runs
without flood limits and the bot with ALLOW_PAID_BROADCAST (its pacer still keeps to 1,000/s):
what is timed is the bot's work.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlalchemy import Engine, text

from benchmarks.scale.people import typo
from benchmarks.scale.report import percentile
from digests.delivery.leadership import Leadership
from digests.store.db import session_scope
from digests.stories.views import story_summary_of
from digests.text.summarize import LENGTHS
from tests.e2e.emulator import DEFAULT_TOKEN
from tests.e2e.emulator_process import emulator_process

ROOT = Path(__file__).resolve().parents[2]
REQUESTS_PER_SECOND = 20
WARM_UP = 20
ANSWER_TIMEOUT = 60.0
TITLES = ("President", "Minister", "spokesperson")
MODES = 2  # one at a time, then many at once: each has requests of its own
Judge = Callable[[dict], str]


@dataclass
class Timings:
    """Milliseconds per request of one command, and how its replies read."""

    command: str
    ms: list[float] = field(default_factory=list)  # handed to the bot -> its reply
    waited_ms: list[float] = field(default_factory=list)  # the user's message -> the reply
    outcomes: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0  # from the first request to the last reply

    def add(self, exchange: dict, outcome: str) -> None:
        replied = exchange["reply"]["sent_at"]
        self.ms.append((replied - exchange["handed_out_at"]) * 1000)
        self.waited_ms.append((replied - exchange["queued_at"]) * 1000)
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    @property
    def p99(self) -> float:
        return percentile(self.ms, 0.99)

    @property
    def rate(self) -> float:
        return len(self.ms) / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Plan:
    """What to ask, per mode: story numbers and actors, hot and cold; and who asks."""

    summaries: list[int]  # stories whose reports' summaries are stored beforehand
    cold_summaries: list[list[int]]  # per mode: stories whose first request computes them
    actors: list[list[tuple[str, str, str]]]  # per mode: (as typed, how spelled, who was meant)
    chats: list[int]

    @property
    def all_cold(self) -> list[int]:
        return [story for ids in self.cold_summaries for story in ids]

    @property
    def spellings(self) -> list[str]:
        return sorted({spelling for mode in self.actors for _, spelling, _ in mode})


def plan_requests(engine: Engine, requests: int, seed: int) -> Plan:
    """Many story numbers (as /latest shows them) and actors, hot and cold, spelled as people
    type them."""
    rng = random.Random(seed)
    with engine.connect() as connection:
        readable = connection.execute(  # pages readers sent are theirs: no one else asks
            text(
                "SELECT DISTINCT story_id FROM article WHERE owner_chat_id IS NULL "
                "AND story_id IS NOT NULL ORDER BY story_id"
            )
        ).scalars()
        readable = list(readable)
        people = connection.execute(
            text("SELECT id, name, kind FROM actor ORDER BY mention_count DESC, id")
        ).all()
        aliases = connection.execute(text("SELECT actor_id, alias FROM actoralias")).all()
        chats = connection.execute(
            text("SELECT id FROM chat WHERE kind = 'private' AND active ORDER BY id")
        ).scalars()
        chats = rng.sample(list(chats), MODES * 4 * requests + 2 * WARM_UP + 1)
    cold = requests // 3
    articles = rng.sample(readable, requests + MODES * cold)
    known: dict[int, list[str]] = {}
    for actor_id, alias in aliases:
        known.setdefault(actor_id, []).append(alias)
    hot, rest = people[:20], people[20:]

    def spelled() -> list[tuple[str, str, str]]:
        chosen = [rng.choice(hot) if i % 3 == 0 else rng.choice(rest) for i in range(requests)]
        return [(*_spelling(name, kind, known[id_], rng), name) for id_, name, kind in chosen]

    firsts = [articles[requests + m * cold : requests + (m + 1) * cold] for m in range(MODES)]
    return Plan(articles[:requests], firsts, [spelled() for _ in range(MODES)], chats)


def _spelling(name: str, kind: str, aliases: list[str], rng: random.Random) -> tuple[str, str]:
    surname = name.split()[-1]
    if kind != "person":
        return rng.choice([(name, "full name"), (name.lower(), "lower case")])
    variants = [a for a in aliases if " " not in a and a != surname]
    forms = [
        (name, "full name"),
        (surname, "surname"),
        (surname.lower(), "lower case"),
        (surname.upper(), "upper case"),
        (f"{rng.choice(TITLES)} {surname}", "with a title"),
        (typo(surname, rng), "typo"),
    ]
    if variants:
        forms.append((variants[0], "other transliteration"))
    return rng.choice(forms)


def store_summaries(engine: Engine, stored: list[int], cold: list[int]) -> float:
    """Every length of the `stored` stories' summaries, as earlier readers would have left
    them (a story of one report keeps its report's); the `cold` stories' reports lose theirs
    so that their first request computes them. Returns seconds."""
    started = time.perf_counter()
    with session_scope(engine) as session:
        for story_id in stored:
            for length in LENGTHS:
                story_summary_of(session, story_id, chat_id=None, length=length)
        session.execute(
            text(
                "DELETE FROM summary WHERE article_id IN "
                "(SELECT id FROM article WHERE story_id = ANY(:ids))"
            ),
            {"ids": cold},
        )
    return time.perf_counter() - started


def bot_env(database_url: str, base_url: str) -> dict[str, str]:
    """The bot as deployed, except that its periodic tick (an hour apart here) stays out of
    the way; the tick's scheduled work needs the leadership, which the benchmark holds."""
    return os.environ | {
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "ALLOW_PAID_BROADCAST": "true",
        "SEED_ARTICLES": "false",
        "FEEDS": "",
        "ADMIN_USER_IDS": "",
        "SCHEDULER_TICK_SECONDS": "3600",
        "LOG_LEVEL": "WARNING",
    }


@contextlib.contextmanager
def bot_process(env: dict[str, str]) -> Iterator[None]:
    """`python -m bot` in a process of its own, as deployed, stopped (or killed) after."""
    bot = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env)
    try:
        yield
    finally:
        bot.terminate()
        try:
            bot.wait(timeout=60)
        except subprocess.TimeoutExpired:
            bot.kill()
            raise


def measure(engine: Engine, database_url: str, plan: Plan, concurrency: int) -> list[Timings]:
    """Run the bot as `python -m bot` does and time every request of the plan: each command
    one request at a time, then each with `concurrency` chats at once."""
    leadership = Leadership(engine)
    if not leadership.is_leader():
        raise RuntimeError("another process leads the scheduler on this database")
    try:
        with (
            emulator_process(rate_limits=False) as base_url,
            bot_process(bot_env(database_url, base_url)),
        ):
            return asyncio.run(_drive(base_url.removesuffix("/bot"), plan, concurrency))
    finally:
        leadership.release()


async def _drive(base: str, plan: Plan, concurrency: int) -> list[Timings]:
    chats = iter(plan.chats)
    async with aiohttp.ClientSession() as http:
        exchange = _Exchanges(http, base, chats)
        first = await exchange.one("/start", timeout=120)  # the bot started and answers
        if first is None:
            raise RuntimeError("the bot did not answer /start")
        warm_up = [("/latest", _listed)] * WARM_UP + _actors(plan.actors[0][:WARM_UP])
        await _one_at_a_time(exchange, "warm-up", warm_up)
        timings = []
        for mode in range(MODES):
            commands = {
                "/latest": [("/latest", _listed)] * len(plan.summaries),
                "/summary <story>, stored": [
                    (f"/summary {a}", _summarized) for a in plan.summaries
                ],
                "/summary <story>, first call": [
                    (f"/summary {a}", _summarized) for a in plan.cold_summaries[mode]
                ],
                "/actor <name>": _actors(plan.actors[mode]),
            }
            for command, requests in commands.items():
                if mode == 0:
                    timings.append(await _one_at_a_time(exchange, command, requests))
                else:
                    label = f"{command}, {concurrency} chats at once"
                    timings.append(await _at_once(exchange, label, requests, concurrency))
        return timings


class _Exchanges:
    """A user's message and the bot's reply, each from a chat of its own, over HTTP."""

    def __init__(self, http: aiohttp.ClientSession, base: str, chats: Iterator[int]) -> None:
        self.http, self.url, self.chats = http, f"{base}/_emulator/exchange", chats

    async def one(self, words: str, timeout: float = ANSWER_TIMEOUT) -> dict | None:
        chat_id = next(self.chats)
        body = {"chat_id": chat_id, "user_id": chat_id, "text": words, "timeout": timeout}
        limit = aiohttp.ClientTimeout(total=timeout + 10)
        async with self.http.post(self.url, json=body, timeout=limit) as response:
            answer = await response.json()
        return answer if answer["reply"] is not None else None

    async def timed(self, timings: Timings, words: str, judge: Judge) -> None:
        exchange = await self.one(words)
        if exchange is None:
            timings.outcomes["no reply"] = timings.outcomes.get("no reply", 0) + 1
        else:
            timings.add(exchange, judge(exchange["reply"]))


async def _one_at_a_time(
    exchange: _Exchanges, command: str, requests: list[tuple[str, Judge]]
) -> Timings:
    timings = Timings(command)
    gap = 1 / REQUESTS_PER_SECOND
    started = time.monotonic()
    for words, judge in requests:
        began = time.monotonic()
        await exchange.timed(timings, words, judge)
        await asyncio.sleep(max(0.0, gap - (time.monotonic() - began)))
    timings.seconds = time.monotonic() - started
    return timings


async def _at_once(
    exchange: _Exchanges, command: str, requests: list[tuple[str, Judge]], concurrency: int
) -> Timings:
    """`concurrency` chats each send a request, and the next one as soon as theirs is answered."""
    timings = Timings(command)
    queue = iter(requests)

    async def chat() -> None:
        for words, judge in queue:
            await exchange.timed(timings, words, judge)

    started = time.monotonic()
    await asyncio.gather(*(chat() for _ in range(concurrency)))
    timings.seconds = time.monotonic() - started
    return timings


def _actors(actors: list[tuple[str, str, str]]) -> list[tuple[str, Judge]]:
    return [(f"/actor {query}", _found(name)) for query, _, name in actors]


def _listed(reply: dict) -> str:
    return "a list" if reply["plain_text"].startswith("Latest articles") else "something else"


def _summarized(reply: dict) -> str:
    return "a summary" if "•" in reply["plain_text"] else "something else"


def _found(name: str) -> Judge:
    def judge(reply: dict) -> str:
        if reply["plain_text"].startswith(name):
            return "their profile"
        if any(button["text"] == name for button in reply["buttons"]):
            return "a choice holding them"
        return "someone else" if "statements, mentioned" in reply["plain_text"] else "nobody"

    return judge
