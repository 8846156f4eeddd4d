"""Worlds of generated articles for the speed figures, kept between runs on SQLite.

Filling 100,000 articles takes minutes; the rows it writes depend only on the generator, the
filler, the term and profile code and the schema, so a world filled once is copied for every
later run until one of those changes (the key below is a digest of their sources). A world of
more articles starts from the largest kept world of fewer: the generator carries on where it
stopped. PostgreSQL worlds are filled every run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from benchmarks.story_set.fill import BulkFiller
from benchmarks.story_set.generated import ArticleMaker
from digests.ingest.pipeline import ensure_source
from digests.store.db import make_engine, session_scope

REPO = Path(__file__).resolve().parent.parent.parent
KEPT = Path(tempfile.gettempdir()) / "stories-bench-worlds"
# What the stored rows of a world are made by.
INPUTS = (
    "benchmarks/story_set/fill.py",
    "benchmarks/story_set/generated.py",
    "digests/stories/terms.py",
    "digests/stories/match.py",
    "digests/stories/index.py",
    "digests/store/tables.py",
)


@dataclass
class World:
    engine: Engine
    maker: ArticleMaker
    source_id: int
    folder: Path | None = None  # SQLite: the copy's folder, removed when done

    def close(self) -> None:
        self.engine.dispose()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


class Worlds:
    """The worlds of one run: its generator's corpus, its database, its kept worlds."""

    def __init__(self, fresh, url: str | None, data: Path, texts: list[str], *, per_day, start):
        """`fresh(url)` gives a migrated empty database (url None: a new SQLite file)."""
        self.fresh, self.url, self.texts = fresh, url, texts
        self.per_day, self.start = per_day, start
        self.key = _world_key(data, per_day)

    def world(self, size: int) -> tuple[World, str]:
        """A world of `size` generated articles, and how it was made."""
        maker = ArticleMaker(self.texts, per_day=self.per_day, start=self.start)
        if self.url is not None:
            filler = _new_filler(self.fresh(self.url), maker)
            filler.fill(size)
            return World(filler.engine, maker, filler.source_id), "filled"
        return _sqlite_world(self.fresh, maker, self.key, size)


def _world_key(data: Path, per_day: int) -> str:
    digest = hashlib.blake2b(digest_size=8)
    for name in INPUTS:
        digest.update((REPO / name).read_bytes())
    for migration in sorted((REPO / "migrations" / "versions").glob("*.py")):
        digest.update(migration.name.encode())
    stat = data.stat()
    digest.update(f"{data.resolve()} {stat.st_size} {stat.st_mtime_ns} {per_day}".encode())
    return digest.hexdigest()


def _kept(key: str, size: int) -> tuple[Path, Path]:
    return KEPT / f"{key}-{size}.db", KEPT / f"{key}-{size}.state"


def _largest_kept(key: str, size: int) -> int:
    sizes = [0]
    for state in KEPT.glob(f"{key}-*.state"):
        kept = int(state.stem.rsplit("-", 1)[1])
        if kept <= size and _kept(key, kept)[0].exists():
            sizes.append(kept)
    return max(sizes)


def _sqlite_world(fresh, maker: ArticleMaker, key: str, size: int) -> tuple[World, str]:
    """In a new SQLite file; `maker` is moved on to where the kept world it starts from ended."""
    folder = Path(tempfile.mkdtemp(prefix="stories-bench-"))
    path = folder / "bench.db"
    start = _largest_kept(key, size)
    if start:
        kept_db, kept_state = _kept(key, start)
        shutil.copyfile(kept_db, path)
        state = json.loads(kept_state.read_text())
        engine = make_engine(f"sqlite:///{path}")
        maker.restore(state["maker"])
        filler = BulkFiller(engine, maker, state["source_id"])
        filler.frequencies.update({int(term): n for term, n in state["frequencies"].items()})
        filler.stored = state["stored"]
    else:
        engine = fresh(f"sqlite:///{path}")
        filler = _new_filler(engine, maker)
    filler.fill(size - start)
    if start < size:
        engine.dispose()  # the last connection closing checkpoints the WAL into the file
        KEPT.mkdir(exist_ok=True)
        kept_db, kept_state = _kept(key, size)
        _replace(kept_db, lambda part: shutil.copyfile(path, part))
        state = {
            "maker": maker.state(),
            "source_id": filler.source_id,
            "frequencies": filler.frequencies,
            "stored": filler.stored,
        }
        _replace(kept_state, lambda part: part.write_text(json.dumps(state)))
    how = f"kept world of {start:,}" + (f" + {size - start:,} filled" if start < size else "")
    return World(engine, maker, filler.source_id, folder), how


def _replace(path: Path, write) -> None:
    """Write a kept file whole or not at all: another run may be reading the kept worlds."""
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    write(part)
    part.replace(path)


def _new_filler(engine: Engine, maker: ArticleMaker) -> BulkFiller:
    with session_scope(engine) as session:
        source = ensure_source(session, kind="feed", url="https://generated.example/feed")
        source_id = source.id
    return BulkFiller(engine, maker, source_id)
