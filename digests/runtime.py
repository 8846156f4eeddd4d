"""The running core: settings, database and clock, prepared once and shared by transports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine

from digests.config import Settings
from digests.store.connect import open_database
from digests.store.db import session_scope
from digests.store.tables import utcnow
from digests.work import CpuPool, InFlight, shared_cpu_pool


@dataclass
class Runtime:
    """What every use case needs from outside: a database, the settings, the time, and the
    worker processes for heavy steps (with each user's share of them)."""

    settings: Settings
    engine: Engine
    clock: Callable[[], datetime] = field(default=utcnow)
    cpu: CpuPool = field(default_factory=shared_cpu_pool)
    heavy: InFlight = field(default_factory=InFlight)

    def session(self):
        return session_scope(self.engine)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_user_ids


def start_runtime(settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> Runtime:
    """Connect and upgrade the schema: all a transport needs before it runs (a StartupError
    says in one line why the database cannot be used)."""
    engine = open_database(settings.database_url)
    return Runtime(settings=settings, engine=engine, clock=clock)
