"""One scheduler leader among several instances: a PostgreSQL advisory lock held on a connection.

The lock lives as long as the leader's connection, so a leader that dies (even by SIGKILL) frees
it when the server notices the closed socket, and the next instance to ask takes over. SQLite
means one process, which always leads.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)

LOCK_KEY = 0x6469_6765_7374  # "digest" in hex: one lock per database


class Leadership:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._connection: Connection | None = None

    @property
    def shared(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def is_leader(self) -> bool:
        """True while this process holds the lock; tries to take it when it does not."""
        if not self.shared:
            return True
        if self._connection is not None and self._still_connected():
            return True
        self._connection = None
        connection = self.engine.connect()
        try:
            won = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY})
            taken = bool(won.scalar())
            connection.commit()
        except Exception:
            connection.close()
            raise
        if not taken:
            connection.close()
            return False
        log.info("this instance is now the scheduler leader")
        self._connection = connection
        return True

    def _still_connected(self) -> bool:
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
            return True
        except Exception:
            log.warning("lost the leader connection; leadership is up for grabs")
            self._connection.invalidate()
            return False

    def release(self) -> None:
        """Step down: end the session itself, since a pooled connection would keep the lock."""
        if self._connection is not None:
            self._connection.invalidate()
            self._connection = None
