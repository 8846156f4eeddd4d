"""Loading the synthetic community into a fresh schema with COPY, timed table by table."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from benchmarks.scale import world
from digests.store.db import make_engine, migrate

# Tables in foreign-key order, with the columns their rows carry.
TABLES = (
    ("source", world.SOURCE_COLUMNS),
    ("story", world.STORY_COLUMNS),
    ("article", world.ARTICLE_COLUMNS),
    ("actor", world.ACTOR_COLUMNS),
    ("actoralias", world.ALIAS_COLUMNS),
    ("statement", world.STATEMENT_COLUMNS),
    ("mention", world.MENTION_COLUMNS),
    ("chat", world.CHAT_COLUMNS),
    ("subscription", world.SUBSCRIPTION_COLUMNS),
    ("actorfollow", world.FOLLOW_COLUMNS),
)
COLUMNS = dict(TABLES)
# Bump whenever world.py makes other rows: a database built by an older one is built again.
WORLD_VERSION = 2  # 2: articles grouped into stories


@dataclass
class LoadReport:
    """Seconds spent per phase, in the order they ran."""

    seconds: dict[str, float] = field(default_factory=dict)

    def timed(self, phase: str, started: float) -> None:
        self.seconds[phase] = time.perf_counter() - started


def ensure_database(database_url: str) -> None:
    """CREATE DATABASE when the URL names one that does not exist yet."""
    url = make_url(database_url)
    server = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    try:
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            known = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            ).first()
            if not known:
                connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        server.dispose()


def reset_schema(engine: Engine) -> None:
    """An empty, migrated database: the benchmark always starts from the same state."""
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrate(engine)


def copy_rows(engine: Engine, table: str, rows: Iterable[tuple]) -> None:
    """COPY in one transaction; ids are given, so the id sequence is moved past them."""
    columns = ", ".join(f'"{name}"' for name in COLUMNS[table])
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        raw.commit()
    finally:
        raw.close()


def world_facts(*, subscriptions: int, articles: int, actors: int, seed: int) -> dict:
    return {
        "world": WORLD_VERSION,
        "subscriptions": subscriptions,
        "articles": articles,
        "actors": actors,
        "seed": seed,
    }


def built_world(engine: Engine) -> dict | None:
    """What the last complete load put in this database (kept as the database's comment, which
    a load clears first and writes last), or None."""
    with engine.connect() as connection:
        comment = connection.execute(
            text(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = current_database()"
            )
        ).scalar_one()
    try:
        return json.loads(comment) if comment else None
    except ValueError:
        return None


def _mark(engine: Engine, facts: dict | None) -> None:
    name = engine.url.database
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if facts is None:
            connection.exec_driver_sql(f'COMMENT ON DATABASE "{name}" IS NULL')
        else:
            comment = json.dumps(facts).replace("'", "''")
            connection.exec_driver_sql(f"COMMENT ON DATABASE \"{name}\" IS '{comment}'")


def load(
    engine: Engine, *, subscriptions: int, articles: int, actors: int, seed: int
) -> LoadReport:
    """Generate and COPY everything, then refresh the statistics; returns the timings."""
    report = LoadReport()
    rng = random.Random(seed)
    started = time.perf_counter()
    _mark(engine, None)  # a load that stops half-way is never taken for a complete one
    reset_schema(engine)
    report.timed("schema (drop, migrate)", started)
    started = time.perf_counter()
    corpus = world.corpus(articles, actors, rng)
    actor_rows, alias_rows = world.actor_rows(corpus)
    report.timed("generate articles, actors, statements, mentions", started)
    started = time.perf_counter()
    chats, subs, follows = world.chats_and_subscriptions(subscriptions, corpus, rng)
    report.timed("generate chats, subscriptions, follows", started)
    loads = {
        "source": corpus.sources,
        "story": [tuple(story) for story in corpus.stories],
        "article": corpus.articles,
        "actor": actor_rows,
        "actoralias": alias_rows,
        "statement": corpus.statements,
        "mention": corpus.mentions,
        "chat": chats,
        "subscription": subs,
        "actorfollow": follows,
    }
    for table, _ in TABLES:
        started = time.perf_counter()
        copy_rows(engine, table, loads[table])
        report.timed(f"COPY {table} ({len(loads[table]):,} rows)", started)
    started = time.perf_counter()
    analyze(engine)
    report.timed("VACUUM ANALYZE", started)
    sizes = {"subscriptions": subscriptions, "articles": articles, "actors": actors}
    _mark(engine, world_facts(**sizes, seed=seed))
    return report


def analyze(engine: Engine) -> None:
    """Fresh statistics and a visibility map, as autovacuum would leave a live database."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def row_counts(engine: Engine) -> dict[str, int]:
    tables = [table for table, _ in TABLES] + ["summary"]
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in tables
        }
