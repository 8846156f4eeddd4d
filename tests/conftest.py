"""Shared fixtures: a migrated database (SQLite, or PostgreSQL via TEST_DATABASE_URL) per test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlmodel import SQLModel

from digests.config import Settings
from digests.ingest.seeding import ingest_seeds
from digests.runtime import Runtime
from digests.store.db import make_engine, migrate
from tests.e2e.emulator import DEFAULT_TOKEN, BotApiEmulator
from tests.e2e.emulator_limits import RateLimits

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


class FakeClock:
    """A clock the test moves by hand, so schedules can be tested without waiting."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def pytest_collection_modifyitems(items):
    """Every test that touches the database is a `db` test, so CI can re-run them on PostgreSQL."""
    for item in items:
        if "engine" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'digests.db'}"
    engine = make_engine(TEST_DATABASE_URL)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    except Exception as error:  # a configured database that is down must fail, never skip
        pytest.exit(f"TEST_DATABASE_URL is set but unusable: {error}", returncode=3)
    finally:
        engine.dispose()
    return TEST_DATABASE_URL


@pytest.fixture(scope="session")
def migrated_engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(migrated_engine) -> Engine:
    """The migrated database, emptied before each test."""
    with migrated_engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    return migrated_engine


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))


def make_settings(database_url: str, **overrides) -> Settings:
    values = {
        "telegram_bot_token": None,
        "database_url": database_url,
        "admin_user_ids": [],
        "feeds": [],
        "log_level": "INFO",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
def runtime(engine, database_url, clock) -> Runtime:
    return Runtime(settings=make_settings(database_url), engine=engine, clock=clock)


@pytest.fixture
def seeded(runtime) -> Runtime:
    ingest_seeds(runtime)
    return runtime


@pytest.fixture
def emulator_limits() -> RateLimits | None:
    """Flood limits the emulator enforces; none by default, a module overrides this fixture."""
    return None


@pytest.fixture
async def emulator(emulator_limits) -> AsyncIterator[BotApiEmulator]:
    """The Bot API emulator on a free port of 127.0.0.1, for the real python-telegram-bot stack."""
    async with BotApiEmulator(DEFAULT_TOKEN, limits=emulator_limits) as running:
        yield running
