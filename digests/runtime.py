"""The running core: settings, database and clock, prepared once and shared by transports."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import select

from digests.config import Settings
from digests.db import make_engine, migrate, session_scope
from digests.ingest import IngestReport, ensure_source, ingest_batch
from digests.models import Source, utcnow
from digests.sources.seeds import SEED_SOURCE_NAME, SEED_SOURCE_URL, read_seed_files

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What every use case needs from outside: a database, the settings and the time."""

    settings: Settings
    engine: Engine
    clock: Callable[[], datetime] = field(default=utcnow)

    def session(self):
        return session_scope(self.engine)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_user_ids


def ingest_seeds(runtime: Runtime) -> IngestReport | None:
    """Load the embedded seed articles the first time the database is used, never again."""
    with runtime.session() as session:
        if session.exec(select(Source).where(Source.url == SEED_SOURCE_URL)).first():
            return None
        source = ensure_source(session, kind="seed", url=SEED_SOURCE_URL, title=SEED_SOURCE_NAME)
        report = ingest_batch(session, list(read_seed_files()), source=source)
    log.info(
        "seed articles ingested: %d added, %d duplicates", len(report.added), report.duplicates
    )
    return report


def start_runtime(settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> Runtime:
    """Connect, upgrade the schema and load the seeds: all a transport needs before it runs."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    runtime = Runtime(settings=settings, engine=engine, clock=clock)
    if settings.seed_articles:
        ingest_seeds(runtime)
    return runtime
