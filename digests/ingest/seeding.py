"""The embedded seed articles: loaded the first time a database is used, never again."""

from __future__ import annotations

import logging

from digests.ingest.pipeline import (
    IngestReport,
    ensure_source,
    find_source,
    first_read,
    ingest_batch,
    prepare_batch,
)
from digests.ingest.sources.seeds import SEED_SOURCE_NAME, SEED_SOURCE_URL, read_seed_files
from digests.runtime import Runtime
from digests.store.enums import SourceKind

log = logging.getLogger(__name__)


def ingest_seeds(runtime: Runtime) -> IngestReport | None:
    """Give a new installation something to read before any feed is added."""
    with runtime.session() as session:
        if find_source(session, SEED_SOURCE_URL):
            return None
    # Turned on in an installation that has subscribers, the samples are no news but the newest.
    prepared = first_read(prepare_batch(list(read_seed_files())))
    with runtime.session() as session:
        if find_source(session, SEED_SOURCE_URL) is not None:
            return None  # another instance seeded meanwhile
        source = ensure_source(
            session, kind=SourceKind.SEED, url=SEED_SOURCE_URL, title=SEED_SOURCE_NAME
        )
        report = ingest_batch(session, prepared, source=source)
    log.info(
        "seed articles ingested: %d added, %d duplicates", len(report.added), report.duplicates
    )
    return report
