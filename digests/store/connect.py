"""Reaching the database at start: wait a little for a server that is not up, explain a refusal.

Every failure becomes a StartupError naming DATABASE_URL and what to do, never the URL itself
(it holds the password) nor the driver's message (it names the user, host and database).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from alembic.util import CommandError
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from digests.config import (
    STARTUP_RETRY_DELAYS_SECONDS,
    STARTUP_TRIES,
    ServerUnreachable,
    StartupError,
)
from digests.store.db import make_engine, migrate

log = logging.getLogger(__name__)

# What libpq reports after "FATAL:" when the server answered and said no: waiting will not
# change it. The first entry whose words the reason contains explains it.
_REFUSALS = (
    ('role "', "there is no such user on the server: fix the user name"),
    ('database "', "there is no such database: create it or fix its name"),
    ("password", "the server refused the password: check the user and password"),
    ("no pg_hba.conf entry", "the server does not let this user in from here (pg_hba.conf)"),
    ("authentication", "the server refused the login: check the user and password"),
    ("ssl", "the server and the URL disagree about SSL: check sslmode"),
)
SQLITE_CANNOT_OPEN = (
    "DATABASE_URL: cannot open the SQLite database: check that its folder is one this user may "
    "write to and that the file is a SQLite database"
)
UNKNOWN_REVISION = (
    "DATABASE_URL: the database has a schema revision this version of the bot does not know "
    "(did a newer version upgrade it?): run that version or restore a backup"
)
DATABASE_UNREACHABLE = (
    f"DATABASE_URL: the database server did not answer after {STARTUP_TRIES} tries: check that "
    "it is running and that the host and port in DATABASE_URL are right"
)
MIGRATION_FAILED = (
    "DATABASE_URL: upgrading the database schema failed: check that this user may create and "
    "alter tables in that database"
)
# A server that is there but not ready yet is worth waiting for like one that is not there.
_NOT_READY = ("starting up", "shutting down", "recovery", "too many")


def open_database(database_url: str, *, sleep: Callable[[float], None] = time.sleep) -> Engine:
    """An engine on a reachable database at the newest schema, or a StartupError."""
    try:
        engine = make_engine(database_url)
    except OSError:  # the SQLite file's folder could not be made
        raise StartupError(SQLITE_CANNOT_OPEN) from None
    try:
        _wait_for(engine, sleep)
        migrate(engine)
    except StartupError:
        engine.dispose()
        raise
    except CommandError:
        engine.dispose()
        raise StartupError(UNKNOWN_REVISION) from None
    except DBAPIError:
        engine.dispose()
        raise StartupError(MIGRATION_FAILED) from None
    return engine


def _wait_for(engine: Engine, sleep: Callable[[float], None]) -> None:
    delays = iter(STARTUP_RETRY_DELAYS_SECONDS)
    while True:
        try:
            with engine.connect():
                return
        except DBAPIError as error:
            problem = _explain(engine, error)
        delay = next(delays, None)
        if not isinstance(problem, ServerUnreachable) or delay is None:
            raise problem
        log.info("database not reachable yet; trying again in %s s", delay)
        sleep(delay)


def _explain(engine: Engine, error: DBAPIError) -> StartupError:
    if engine.dialect.name == "sqlite":
        return StartupError(SQLITE_CANNOT_OPEN)
    _, fatal, reason = str(error.orig).lower().partition("fatal:")
    reason = reason.strip()
    if fatal and not any(phrase in reason for phrase in _NOT_READY):
        for words, advice in _REFUSALS:
            if words in reason:
                return StartupError(f"DATABASE_URL: {advice}")
        return StartupError("DATABASE_URL: the database server refused the connection")
    return ServerUnreachable(DATABASE_UNREACHABLE)
