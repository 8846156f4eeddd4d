"""Server-side latency of /latest, /summary and /actor: the real bot against the Bot API emulator.

The time of one request runs from the moment the emulator's getUpdates answer hands the update
to the bot until the bot's sendMessage reaches the emulator (both stamped by the emulator), so
it holds python-telegram-bot's dispatch, the handler, its queries and the reply, and none of
the benchmark's own waiting. Requests go one at a time from distinct private chats, at most
REQUESTS_PER_SECOND, so Telegram's pacing (30 messages/s, one per chat per second) never
delays a reply: what is timed is the work.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Engine, text

from benchmarks.scale.people import typo
from benchmarks.scale.report import percentile
from benchmarks.scale.world import LAST_TICK
from bot.app import build_application
from bot.webserver import serve
from digests.config import Settings
from digests.delivery.leadership import Leadership
from digests.reading.articles import summary_of
from digests.runtime import Runtime
from digests.store.db import session_scope
from digests.text.summarize import LENGTHS
from tests.e2e.emulator import DEFAULT_TOKEN, BotApiEmulator, SentMessage

REQUESTS_PER_SECOND = 20
WARM_UP = 20
TITLES = ("President", "Minister", "spokesperson")


@dataclass
class Timings:
    """Milliseconds per request of one command, and how its replies read."""

    command: str
    ms: list[float] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)

    def add(self, ms: float, outcome: str) -> None:
        self.ms.append(ms)
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    @property
    def p99(self) -> float:
        return percentile(self.ms, 0.99)


@dataclass(frozen=True)
class Plan:
    """What to ask: texts per command, and who asks."""

    summaries: list[int]  # article ids whose summaries are stored beforehand
    cold_summaries: list[int]  # article ids whose summaries the first request computes
    actors: list[tuple[str, str, str]]  # (query as typed, how it was spelled, who was meant)
    chats: list[int]


def plan_requests(engine: Engine, requests: int, seed: int) -> Plan:
    """Many article ids and actors, hot and cold, spelled as people type them."""
    rng = random.Random(seed)
    with engine.connect() as connection:
        readable = connection.execute(  # pages readers sent are theirs: no one else asks
            text("SELECT id FROM article WHERE owner_chat_id IS NULL ORDER BY id")
        ).scalars()
        readable = list(readable)
        people = connection.execute(
            text("SELECT id, name, kind FROM actor ORDER BY mention_count DESC, id")
        ).all()
        aliases = connection.execute(text("SELECT actor_id, alias FROM actoralias")).all()
        chats = connection.execute(
            text("SELECT id FROM chat WHERE kind = 'private' AND active ORDER BY id")
        ).scalars()
        chats = rng.sample(list(chats), 4 * requests + 2 * WARM_UP)
    articles = rng.sample(readable, requests + requests // 3)
    known = {}
    for actor_id, alias in aliases:
        known.setdefault(actor_id, []).append(alias)
    hot, cold = people[:20], people[20:]
    chosen = [rng.choice(hot) if i % 3 == 0 else rng.choice(cold) for i in range(requests)]
    spelled = [
        (*_spelling(name, kind, known[actor_id], rng), name) for actor_id, name, kind in chosen
    ]
    return Plan(articles[:requests], articles[requests:], spelled, chats)


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
    """Every length of the `stored` articles' summaries, as earlier readers would have left
    them; the `cold` ones are removed so their first request computes them. Returns seconds."""
    started = time.perf_counter()
    with session_scope(engine) as session:
        for article_id in stored:
            for length in LENGTHS:
                summary_of(session, article_id, chat_id=None, length=length)
        session.execute(text("DELETE FROM summary WHERE article_id = ANY(:ids)"), {"ids": cold})
    return time.perf_counter() - started


def bot_settings(database_url: str, emulator: BotApiEmulator) -> Settings:
    """The bot as deployed, except that its periodic tick (an hour apart here) stays out of
    the way; the tick's scheduled work needs the leadership, which the benchmark holds."""
    return Settings(
        _env_file=None,
        telegram_bot_token=DEFAULT_TOKEN,
        telegram_api_base_url=emulator.base_url,
        database_url=database_url,
        admin_user_ids=[],
        feeds=[],
        seed_articles=False,
        scheduler_tick_seconds=3600,
        log_level="WARNING",
    )


async def measure(engine: Engine, database_url: str, plan: Plan) -> list[Timings]:
    """Run the bot as `python -m bot` does and time every request of the plan."""
    logging.getLogger().setLevel(logging.WARNING)
    leadership = Leadership(engine)
    if not leadership.is_leader():
        raise RuntimeError("another process leads the scheduler on this database")
    try:
        async with BotApiEmulator(DEFAULT_TOKEN) as emulator:
            settings = bot_settings(database_url, emulator)
            runtime = Runtime(settings=settings, engine=engine, clock=lambda: LAST_TICK)
            return await _with_bot(runtime, emulator, plan)
    finally:
        leadership.release()


async def _with_bot(runtime: Runtime, emulator: BotApiEmulator, plan: Plan) -> list[Timings]:
    stop = asyncio.Event()
    application = build_application(runtime)
    task = asyncio.create_task(serve(application, runtime, stop=stop))
    while not application.running:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    chats = iter(plan.chats)
    listing = [("/latest", _listed)] * len(plan.summaries)
    stored = [(f"/summary {a}", _summarized) for a in plan.summaries]
    cold = [(f"/summary {a}", _summarized) for a in plan.cold_summaries]
    actors = [(f"/actor {query}", _found(name)) for query, _, name in plan.actors]
    try:
        await _run(emulator, chats, "warm-up", listing[:WARM_UP] + actors[:WARM_UP])
        return [
            await _run(emulator, chats, "/latest", listing),
            await _run(emulator, chats, "/summary <id>, stored", stored),
            await _run(emulator, chats, "/summary <id>, first call", cold),
            await _run(emulator, chats, "/actor <name>", actors),
        ]
    finally:
        stop.set()
        await task


async def _run(
    emulator: BotApiEmulator,
    chats: Iterator[int],
    command: str,
    requests: list[tuple[str, Callable[[SentMessage], str]]],
) -> Timings:
    """Each request from a chat of its own; `judge` says how its reply reads."""
    timings = Timings(command)
    gap = 1 / REQUESTS_PER_SECOND
    for words, judge in requests:
        started = time.monotonic()
        chat_id = next(chats)
        message = emulator.user_sends(chat_id, words, user_id=chat_id)
        [reply] = await emulator.wait_for_messages(chat_id, 1, timeout=30)
        handed_out = emulator.handed_out_at(chat_id, message["message_id"])
        timings.add((reply.sent_at - handed_out) * 1000, judge(reply))
        await asyncio.sleep(max(0.0, gap - (time.monotonic() - started)))
    return timings


def _listed(reply: SentMessage) -> str:
    return "a list" if reply.plain_text.startswith("Latest articles") else "something else"


def _summarized(reply: SentMessage) -> str:
    return "a summary" if "•" in reply.plain_text else "something else"


def _found(name: str) -> Callable[[SentMessage], str]:
    def judge(reply: SentMessage) -> str:
        if reply.plain_text.startswith(name):
            return "their profile"
        if any(button["text"] == name for button in reply.buttons):
            return "a choice holding them"
        return "someone else" if "statements, mentioned" in reply.plain_text else "nobody"

    return judge
