"""EXPLAIN ANALYZE of the very SQL a use case sends, captured as it runs."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import Engine, event


@contextmanager
def captured_selects(engine: Engine):
    """Collect (statement, parameters) of every SELECT sent while the block runs."""
    seen: list[tuple[str, object]] = []

    def remember(_connection, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def explain(engine: Engine, statement: str, parameters: object) -> list[str]:
    with engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        lines = [line for (line,) in cursor.fetchall()]
        connection.rollback()
    return lines


def execution_ms(plan: list[str]) -> float:
    line = next(line for line in plan if line.startswith("Execution Time:"))
    return float(line.split()[2])


def index_names(plan: list[str]) -> list[str]:
    """Indexes the plan reads, in order of appearance."""
    names = []
    for line in plan:
        if " using " in line and ("Index" in line or "Bitmap" in line):
            names.append(line.split(" using ")[1].split()[0])
        elif "Bitmap Index Scan on " in line:
            names.append(line.split("Bitmap Index Scan on ")[1].split()[0])
    return list(dict.fromkeys(names))
