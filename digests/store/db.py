"""Engine, sessions and schema upgrades: the only place that knows how we reach the database."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

from digests.store.folding import fold

log = logging.getLogger(__name__)

# `migrations/` lives at the top of the repository; the package reaches it through a link, so
# an installed wheel carries the revisions inside the package.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
CONNECT_TIMEOUT_SECONDS = 5


def make_engine(database_url: str) -> Engine:
    """Create the engine; SQLite gets its folder, WAL and foreign keys, like a server."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_pre_ping=True
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # libpq waits forever for a host that drops packets unless told otherwise.
    timeout = {} if "connect_timeout" in url.query else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    return create_engine(
        url, connect_args=timeout, pool_pre_ping=True, pool_size=10, max_overflow=10
    )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # The driver's own transaction handling skips DDL and PRAGMAs; take it over (SQLAlchemy's
    # documented recipe) so a migration that fails half-way leaves nothing behind.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # SQLite's own lower() folds ASCII letters only, so "ПУТИН" never matched "путин" in title
    # searches; PostgreSQL's folds every letter (in a UTF-8 locale). fold(): see folding.py.
    dbapi_connection.create_function("lower", 1, _text_only(str.lower), deterministic=True)
    dbapi_connection.create_function("fold", 1, _text_only(fold), deterministic=True)


def _text_only(function):
    """A SQL function of text that passes NULL and numbers through, as SQLite's own do."""
    return lambda value: function(value) if isinstance(value, str) else value


def _sqlite_begin(connection) -> None:
    # IMMEDIATE takes the write lock up front, waiting (busy_timeout) for other writers; a
    # deferred BEGIN that reads first and writes later would instead fail at once if another
    # connection committed in between.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to the newest revision; safe to run at every start.

    SQLite alters a table by copying it, which foreign-key checks would forbid mid-way, so
    they are off while migrating (a no-op elsewhere) and on again afterwards.
    """
    _run_revisions(engine, command.upgrade, revision)
    log.info("database schema is up to date")


def downgrade(engine: Engine, revision: str) -> None:
    """Step the schema back to `revision` (operators rolling back a release, and tests)."""
    _run_revisions(engine, command.downgrade, revision)


def _run_revisions(engine: Engine, step, revision: str) -> None:
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        driver = connection.connection.driver_connection  # PRAGMAs must run outside a transaction
        assert driver is not None
        if sqlite:
            driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config = alembic_config(engine)
                config.attributes["connection"] = connection
                step(config, revision)
        finally:
            if sqlite:
                driver.execute("PRAGMA foreign_keys=ON")
