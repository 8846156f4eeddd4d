"""Concurrency figures: many users at once against the real bot, quiet and under slow links.

The bot runs as `python -m bot` and the Bot API emulator in a process of its own; this process
plays the users (over the emulator's control endpoints) and serves the slow and the large page
on 127.0.0.1. Every user sends a mix — /latest, a "Get a summary" button, /summary N, /actor —
waiting for each answer before the next, with a short pause between. A request's latency runs
from the moment the user sends to the emulator's delivery of the first answer.

Then the same, while a few of the users send a link to a server that answers only after
SLOW_SECONDS and a link to a page of several megabytes (each followed at once by the other, which
must get the polite "still working" answer). Goal: the others' p99 stays within 2× of the quiet
run, and no request fails.

Telegram's 30 messages per second would cap (and time) the replies, so the emulator runs
without flood limits and the bot with ALLOW_PAID_BROADCAST: what is timed is the bot's work.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.scale.latency import bot_process
from benchmarks.scale.report import percentile
from tests.e2e.emulator import DEFAULT_TOKEN
from tests.e2e.emulator_process import emulator_process, free_port
from tests.ingest.test_polling import article_page, story_text

FIRST_CHAT = 20_000_000
ACTORS = ("Putin", "Zelensky", "Rubio", "Merz", "Trump")
FAILURE = "something went wrong"
STILL_WORKING = "still working on your last link"
ANSWER_TIMEOUT = 60.0
HEAVY_TIMEOUT = 900.0
SLOW_SECONDS = 10.0
_ARTICLE_ID = re.compile(r"#(\d+)")


@dataclass
class Figures:
    """One scenario: the latencies of the mixed requests, and what the heavy users saw."""

    scenario: str
    latencies: list[float] = field(default_factory=list)  # seconds
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    heavy: list[float] = field(default_factory=list)  # seconds to each heavy summary
    still_working: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def p(self, share: float) -> float:
        return percentile(self.latencies, share) * 1000 if self.latencies else 0.0


# --- the users -----------------------------------------------------------------------------


class User:
    """One private chat with the bot, as the emulator's control endpoints let us play it."""

    def __init__(self, http: aiohttp.ClientSession, base: str, chat_id: int) -> None:
        self.http, self.base, self.chat_id = http, base, chat_id
        self.received = 0

    async def send(self, text: str) -> float:
        sent = time.time()
        await self._post("user_sends", chat_id=self.chat_id, text=text)
        return sent

    async def press(self, message: dict, data: str) -> float:
        sent = time.time()
        await self._post(
            "user_presses",
            chat_id=self.chat_id,
            message_id=message["message_id"],
            callback_data=data,
        )
        return sent

    async def answers(
        self, since: float, count: int = 1, timeout: float = ANSWER_TIMEOUT
    ) -> list[dict] | None:
        """The next `count` messages delivered after `since` (later parts of an earlier, split
        answer are skipped), or None if they do not come in time."""
        deadline = time.monotonic() + timeout
        fresh: list[dict] = []
        while len(fresh) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            body = {"chat_id": self.chat_id, "count": self.received + 1, "timeout": remaining}
            async with self.http.post(
                f"{self.base}/_emulator/wait_for_messages",
                json=body,
                timeout=aiohttp.ClientTimeout(total=remaining + 10),
            ) as response:
                messages = (await response.json())["messages"]
            if messages is None:
                return None
            new, self.received = messages[self.received :], len(messages)
            fresh += [message for message in new if message["sent_at"] >= since]
        return fresh

    async def _post(self, endpoint: str, **body: object) -> None:
        async with self.http.post(f"{self.base}/_emulator/{endpoint}", json=body) as response:
            response.raise_for_status()


async def mixed_user(user: User, rounds: int, figures: Figures, rng: random.Random) -> None:
    """/latest, a summary button of it, /summary N, /actor; again, with a pause between."""

    async def timed(what: str, sent: float) -> dict | None:
        answers = await user.answers(sent)
        if answers is None:
            figures.failures.append(f"{what}: no answer in {ANSWER_TIMEOUT:.0f} s")
            return None
        if FAILURE in answers[0]["plain_text"]:
            figures.failures.append(f"{what}: {answers[0]['plain_text'][:80]}")
        figures.latencies.append(answers[0]["sent_at"] - sent)
        return answers[0]

    for _ in range(rounds):
        latest = await timed("/latest", await user.send("/latest"))
        if latest is None:
            return
        await asyncio.sleep(rng.uniform(0.2, 0.8))
        buttons = [b["callback_data"] for b in latest["buttons"] if "callback_data" in b]
        buttons = [data for data in buttons if data.startswith("sum:")]
        if not buttons:
            figures.failures.append(f"/latest answered {latest['plain_text'][:80]!r}")
            return
        summary = await timed("button", await user.press(latest, rng.choice(buttons)))
        await asyncio.sleep(rng.uniform(0.2, 0.8))
        number = rng.choice(_ARTICLE_ID.findall(latest["plain_text"]))
        await timed("/summary N", await user.send(f"/summary {number}"))
        await asyncio.sleep(rng.uniform(0.2, 0.8))
        await timed("/actor", await user.send(f"/actor {rng.choice(ACTORS)}"))
        await asyncio.sleep(rng.uniform(0.2, 0.8))
        if summary is None:
            return


async def heavy_user(user: User, first: str, second: str, figures: Figures) -> None:
    """Sends `first`, then `second` at once (answered "still working"), then `second` again
    once the first summary is in."""
    started = await user.send(first)
    await user.send(second)
    answers = await user.answers(started, 2, timeout=HEAVY_TIMEOUT)
    if answers is None:
        figures.failures.append(f"heavy {first}: no summary in {HEAVY_TIMEOUT:.0f} s")
        return
    figures.still_working += sum(STILL_WORKING in a["plain_text"] for a in answers)
    summary = next((a for a in answers if STILL_WORKING not in a["plain_text"]), answers[-1])
    figures.heavy.append(summary["sent_at"] - started)
    started = await user.send(second)
    answers = await user.answers(started, timeout=HEAVY_TIMEOUT)
    if answers is None:
        figures.failures.append(f"heavy {second}: no summary in {HEAVY_TIMEOUT:.0f} s")
        return
    figures.heavy.append(answers[0]["sent_at"] - started)
    if FAILURE in answers[0]["plain_text"]:
        figures.failures.append(f"heavy {second}: {answers[0]['plain_text'][:80]}")


# --- the pages the heavy users send --------------------------------------------------------


def big_page(megabytes: float) -> bytes:
    """An ordinary article page of that size: many paragraphs of news prose."""
    paragraphs, size, n = [], 0, 0
    while size < megabytes * 1024 * 1024:
        for paragraph in story_text(n).split("\n\n"):
            paragraphs.append(f"<p>{escape(paragraph)}</p>")
            size += len(paragraphs[-1])
        n += 1
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>The long report"
        f"</title></head><body><article><h1>The long report</h1>{''.join(paragraphs)}"
        "</article></body></html>"
    ).encode()


async def serve_pages(big: bytes, slow_seconds: float) -> tuple[web.AppRunner, str]:
    """/slow/<n> answers after slow_seconds, /big/<n> is the large page; on 127.0.0.1."""

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(slow_seconds)
        n = int(request.match_info["n"])
        return web.Response(text=article_page(n), content_type="text/html")

    async def large(_request: web.Request) -> web.Response:
        return web.Response(body=big, content_type="text/html")

    app = web.Application()
    app.router.add_get("/slow/{n}", slow)
    app.router.add_get("/big/{n}", large)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


# --- the scenarios ---------------------------------------------------------------------------


async def run_scenario(
    base: str, name: str, args: argparse.Namespace, first_chat: int, pages: str | None
) -> Figures:
    figures = Figures(name)
    rng = random.Random(first_chat)
    heavy_count = args.heavy if pages else 0
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        users = [User(http, base, first_chat + i) for i in range(args.users)]
        heavy = []
        for index, user in enumerate(users[:heavy_count]):
            slow, big = f"{pages}/slow/{first_chat + index}", f"{pages}/big/{first_chat + index}"
            first, second = (slow, big) if index % 2 == 0 else (big, slow)
            heavy.append(asyncio.create_task(heavy_user(user, first, second, figures)))
        if heavy:
            await asyncio.sleep(1.0)  # the slow fetches hang and the extraction runs already
        started = time.monotonic()
        await asyncio.gather(
            *(mixed_user(user, args.rounds, figures, rng) for user in users[heavy_count:])
        )
        figures.seconds = time.monotonic() - started
        for outcome in await asyncio.gather(*heavy, return_exceptions=True):
            if isinstance(outcome, Exception):
                figures.failures.append(f"heavy user: {outcome!r}")
    return figures


def bot_env(database_url: str, base_url: str) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "ALLOW_PAID_BROADCAST": "true",
        "ALLOW_PRIVATE_URLS": "true",
        "LOG_LEVEL": "WARNING",
    }


async def wait_until_answering(base: str) -> None:
    async with aiohttp.ClientSession() as http:
        probe = User(http, base, FIRST_CHAT - 1)
        await probe.send("/start")
        if await probe.answers(0.0, timeout=120) is None:
            raise RuntimeError("the bot did not answer /start")


async def measure(base: str, args: argparse.Namespace) -> list[Figures]:
    await wait_until_answering(base)
    runner, pages = await serve_pages(big_page(args.big_mb), args.slow_seconds)
    try:
        quiet = await run_scenario(base, "quiet", args, FIRST_CHAT, None)
        loaded = await run_scenario(
            base, f"{args.heavy} users send slow and large links", args, FIRST_CHAT + 100_000, pages
        )
    finally:
        await runner.cleanup()
    return [quiet, loaded]


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as folder, emulator_process(rate_limits=False) as base:
        url = args.database_url or f"sqlite:///{folder}/concurrency.db"
        with bot_process(bot_env(url, base)):
            runs = asyncio.run(measure(base.removesuffix("/bot"), args))
    print_table(runs, args)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="mixes of four requests per user")
    parser.add_argument("--heavy", type=int, default=5, help="users who send the slow links")
    parser.add_argument("--big-mb", type=float, default=5.0, help="size of the large page")
    parser.add_argument("--slow-seconds", type=float, default=SLOW_SECONDS)
    parser.add_argument("--database-url", help="an empty database instead of a SQLite file")
    return parser.parse_args(argv)


def print_table(runs: list[Figures], args: argparse.Namespace) -> None:
    print(f"\n{args.users} users, {args.rounds} rounds of /latest, button, /summary N, /actor")
    print(
        f"{'scenario':<36} {'requests':>8} {'replies/s':>9} {'p50 ms':>8} {'p99 ms':>8}"
        f" {'max ms':>8} {'failed':>6}"
    )
    for run in runs:
        print(
            f"{run.scenario:<36} {len(run.latencies):>8} {run.rate:>9.1f} {run.p(0.5):>8.0f}"
            f" {run.p(0.99):>8.0f} {max(run.latencies, default=0) * 1000:>8.0f}"
            f" {len(run.failures):>6}"
        )
    quiet, loaded = runs
    ratio = loaded.p(0.99) / quiet.p(0.99) if quiet.p(0.99) else float("inf")
    print(f"others' p99 under load / quiet: {ratio:.2f}× (goal: at most 2×)")
    if loaded.heavy:
        median = statistics.median(loaded.heavy)
        print(
            f"heavy users: {len(loaded.heavy)} summaries, median {median:.1f} s, slowest"
            f" {max(loaded.heavy):.1f} s; {loaded.still_working} 'still working' answers"
        )
    for run in runs:
        for failure in run.failures[:10]:
            print(f"  failed ({run.scenario}): {failure}")


if __name__ == "__main__":
    main()
