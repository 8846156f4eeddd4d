"""News about Vladimir Putin on chosen days: enough days in the news for a timeline chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.ingest.sources.raw import RawArticle
from digests.runtime import Runtime


def dated_article(days_ago: int) -> RawArticle:
    """Dated by the real clock, as ingest lists articles (a future date would list as now)."""
    return RawArticle(
        title=f"Kremlin talks, {days_ago} days ago",
        text=(
            f"Russian President Vladimir Putin spoke to reporters in Moscow about the talks, "
            f"{days_ago} days ago. “We are ready to continue the negotiations,” Putin said. "
            "Observers in Kyiv said the remarks changed little on the ground."
        ),
        url=f"https://news.example/kremlin-{days_ago}",
        published_at=datetime.now(UTC) - timedelta(days=days_ago),
    )


def putin_in_the_news(runtime: Runtime, *days_ago: int) -> None:
    with runtime.session() as session:
        feed = ensure_source(session, kind="feed", url="https://news.example/feed")
        report = ingest_batch(
            session, prepare_batch([dated_article(n) for n in days_ago]), source=feed
        )
    assert len(report.added) == len(days_ago), report.rejected
