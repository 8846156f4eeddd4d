"""The one table the benchmark prints: each figure beside its goal."""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass

from sqlalchemy import Engine, text


@dataclass(frozen=True)
class Row:
    step: str
    what: str
    result: str
    goal: str = ""
    met: bool | None = None  # None: no goal


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def spread(values: list[float], unit: str = "ms") -> str:
    return (
        f"p50 {statistics.median(values):.1f} {unit}, p99 {percentile(values, 0.99):.1f} {unit}, "
        f"max {max(values):.1f} {unit}"
    )


def environment(engine: Engine, counts: dict[str, int]) -> list[str]:
    with engine.connect() as connection:
        version = connection.execute(text("SHOW server_version")).scalar_one()
        buffers = connection.execute(text("SHOW shared_buffers")).scalar_one()
        size = connection.execute(
            text("SELECT pg_size_pretty(pg_database_size(current_database()))")
        ).scalar_one()
    rows = " · ".join(f"{table} {count:,}" for table, count in counts.items())
    return [
        f"PostgreSQL {version} (shared_buffers {buffers}), database {engine.url.database} "
        f"({size}); {os.cpu_count()} CPUs",
        f"rows: {rows}",
    ]


def print_table(title: str, facts: list[str], rows: list[Row]) -> None:
    header = Row("step", "measurement", "result", "goal")
    columns = ("step", "what", "result", "goal")
    widths = [max(len(getattr(row, name)) for row in [header, *rows]) for name in columns]
    print()
    print(title)
    for fact in facts:
        print(f"  {fact}")
    print()
    for number, row in enumerate([header, *rows]):
        cells = [
            getattr(row, name).ljust(width) for name, width in zip(columns, widths, strict=True)
        ]
        met = "met" if number == 0 else {None: "", True: "yes", False: "NO"}[row.met]
        print("  ".join([*cells, met]).rstrip())
        if number == 0:
            print("-" * (sum(widths) + 2 * len(widths) + 3))
