"""The embedded SQLite database under concurrent writers: every transaction waits its turn."""

import threading

from sqlmodel import func, select

from digests.store.db import make_engine, migrate, session_scope
from digests.store.tables import Source


def test_concurrent_read_then_write_transactions_all_succeed(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    migrate(engine)
    failures: list[str] = []

    def writer(worker: int) -> None:
        for n in range(100):
            try:
                with session_scope(engine) as session:
                    session.exec(select(Source)).all()  # read first, then write
                    session.add(Source(kind="feed", url=f"https://example.org/{worker}/{n}"))
            except Exception as error:
                failures.append(type(error).__name__)

    threads = [threading.Thread(target=writer, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with session_scope(engine) as session:
        assert session.exec(select(func.count(Source.id))).one() == 600
    assert failures == []
