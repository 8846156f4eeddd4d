"""`python -m bot` that cannot start says so in one line: the setting, what to do, never its value.

Exit 2 means the settings need fixing; 1, a server a setting names did not answer. Every case
runs the real entry point in a process of its own, as an operator would.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from telegram.error import InvalidToken, NetworkError, TimedOut

from bot import startup
from digests.config import ServerUnreachable, StartupError
from digests.store.connect import open_database
from tests.conftest import TEST_DATABASE_URL
from tests.e2e.emulator import DEFAULT_TOKEN
from tests.e2e.emulator_process import free_port

ROOT = Path(__file__).resolve().parents[2]
OTHER_TOKEN = "987654321:AAHotherTOKENotherTOKENotherTOKEN99"  # well-shaped, not the emulator's
PASSWORD = "S3cretPassw0rd"
on_postgres = pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql"), reason="needs a PostgreSQL server"
)


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "DATABASE_", "ADMIN_", "FEEDS", "WEBHOOK_", "LISTEN_"))
    }
    defaults = {"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}", "SEED_ARTICLES": "false"}
    return {**env, "PYTHONPATH": str(ROOT), **defaults, **settings}


def start(tmp_path: Path, *args: str, **settings: str) -> Outcome:
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=environment(tmp_path, **settings),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Outcome(result.returncode, result.stdout, result.stderr)


async def start_async(tmp_path: Path, **settings: str) -> Outcome:
    """The bot in a process of its own while this test's event loop serves the emulator."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        env=environment(tmp_path, **settings),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    return Outcome(process.returncode, stdout.decode(), stderr.decode())


def assert_one_line(outcome: Outcome, *, code: int, setting: str, hidden: list[str]) -> str:
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1, outcome.stderr
    assert lines[0].startswith(setting) or f": {setting}:" in lines[0], lines[0]
    assert "Traceback" not in outcome.stderr
    for value in hidden:
        assert value not in outcome.stderr and value not in outcome.stdout
    assert outcome.code == code
    return lines[0]


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("DATABASE_URL", "nonsense://x"),
        ("DATABASE_URL", f"mysql://reader:{PASSWORD}@127.0.0.1/db"),
        ("DEFAULT_TIMEZONE", "America"),
        ("DEFAULT_TIMEZONE", "Etc"),
        ("DEFAULT_TIMEZONE", "Europe/" + "x" * 300),
    ],
)
def test_a_bad_setting_is_one_line_without_its_value(tmp_path, setting, value):
    outcome = start(tmp_path, **{setting: value})
    assert_one_line(outcome, code=2, setting=setting, hidden=[value, PASSWORD])


def test_a_sqlite_file_that_cannot_be_made_is_one_line(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be")
    url = f"sqlite:///{blocker / 'data' / 'bot.db'}"
    line = assert_one_line(
        start(tmp_path, DATABASE_URL=url), code=2, setting="DATABASE_URL", hidden=[str(blocker)]
    )
    assert "SQLite" in line


def test_a_database_server_that_does_not_answer_is_exit_1(tmp_path):
    url = f"postgresql+psycopg://reader:{PASSWORD}@127.0.0.1:{free_port()}/digests"
    outcome = start(tmp_path, "migrate", DATABASE_URL=url)
    line = assert_one_line(outcome, code=1, setting="DATABASE_URL", hidden=[PASSWORD, "reader"])
    assert "did not answer" in line


def _postgres_url(**parts: str) -> str:
    url = make_url(TEST_DATABASE_URL).set(**parts)
    return url.render_as_string(hide_password=False)


@on_postgres
def test_a_role_the_server_does_not_know_is_exit_2(tmp_path):
    url = _postgres_url(username="no_such_reader_role", password=PASSWORD)
    outcome = start(tmp_path, DATABASE_URL=url)
    line = assert_one_line(
        outcome, code=2, setting="DATABASE_URL", hidden=["no_such_reader_role", PASSWORD]
    )
    assert "no such user" in line


@on_postgres
def test_a_database_the_server_does_not_have_is_exit_2(tmp_path):
    url = _postgres_url(database="no_such_database_here")
    outcome = start(tmp_path, DATABASE_URL=url)
    line = assert_one_line(outcome, code=2, setting="DATABASE_URL", hidden=["no_such_database"])
    assert "no such database" in line


async def test_a_token_telegram_rejects_is_one_line_without_the_token(tmp_path, emulator):
    outcome = await start_async(
        tmp_path, TELEGRAM_BOT_TOKEN=OTHER_TOKEN, TELEGRAM_API_BASE_URL=emulator.base_url
    )
    line = assert_one_line(outcome, code=2, setting="TELEGRAM_BOT_TOKEN", hidden=[OTHER_TOKEN])
    assert "@BotFather" in line


def test_a_bot_api_that_does_not_answer_is_exit_1_without_the_token(tmp_path):
    outcome = start(
        tmp_path,
        TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{free_port()}/bot",
    )
    line = assert_one_line(outcome, code=1, setting="TELEGRAM_API_BASE_URL", hidden=[DEFAULT_TOKEN])
    assert "4 tries" in line


async def test_a_port_in_use_is_one_line_naming_listen_port(tmp_path, emulator):
    with socket.socket() as taken:  # free_port() ports are free: nothing listens on them
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        outcome = await start_async(
            tmp_path,
            TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
            TELEGRAM_API_BASE_URL=emulator.base_url,
            LISTEN_PORT=str(taken.getsockname()[1]),
        )
    assert_one_line(outcome, code=2, setting="LISTEN_PORT", hidden=[DEFAULT_TOKEN])


def test_the_console_still_starts_and_logs_after_start(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="quit\n",
        env=environment(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "local console" in result.stdout


async def test_a_webhook_telegram_refuses_is_one_line_naming_webhook_url(tmp_path, emulator):
    emulator.fail_next("setWebhook", status=400, description="Bad Request: bad webhook")
    secret = "hook-Secret_value"
    outcome = await start_async(
        tmp_path,
        TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
        TELEGRAM_API_BASE_URL=emulator.base_url,
        WEBHOOK_URL="https://bot.example/hook",
        WEBHOOK_SECRET=secret,
        LISTEN_PORT=str(free_port()),
    )
    line = assert_one_line(outcome, code=2, setting="WEBHOOK_URL", hidden=[DEFAULT_TOKEN, secret])
    assert "https" in line


class FakeBot:
    """Fails getMe with the given errors in turn, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.tries = 0
        self.shut_down = False

    async def initialize(self) -> None:
        self.tries += 1
        if self.errors:
            raise self.errors.pop(0)

    async def shutdown(self) -> None:
        self.shut_down = True


async def test_telegram_is_retried_while_unreachable_and_a_refusal_at_once():
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    flaky = FakeBot(NetworkError("down"), TimedOut())
    await startup.initialize(flaky, sleep=sleep)
    assert (flaky.tries, waits) == (3, [1, 2])
    waits.clear()
    refused = FakeBot(InvalidToken(f"The token `{OTHER_TOKEN}` was rejected"))
    with pytest.raises(StartupError) as caught:
        await startup.initialize(refused, sleep=sleep)
    assert (refused.tries, waits, refused.shut_down) == (1, [], True)
    assert OTHER_TOKEN not in str(caught.value)
    gone = FakeBot(*[NetworkError("down")] * 10)
    with pytest.raises(ServerUnreachable):
        await startup.initialize(gone, sleep=sleep)
    assert (gone.tries, waits) == (4, [1, 2, 3])


def test_the_database_is_retried_while_unreachable_and_a_refusal_at_once():
    waits: list[float] = []
    url = f"postgresql+psycopg://reader:{PASSWORD}@127.0.0.1:{free_port()}/digests"
    with pytest.raises(ServerUnreachable) as caught:
        open_database(url, sleep=waits.append)
    assert waits == [1, 2, 3]
    assert PASSWORD not in str(caught.value)
