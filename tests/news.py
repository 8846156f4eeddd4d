"""News that arrives after a reader subscribed: a feed's new articles, each a distinct event.

Readers start from now, so a test that wants a digest brings news after subscribing. The words
of each invented event are its own (made of syllables, never shared with another event), so
every article is a story of its own however many there are.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.ingest.sources.raw import RawArticle
from digests.ingest.sources.seeds import read_seed_files
from digests.runtime import Runtime
from digests.store.enums import SourceKind

WIRE = "https://wire.example/feed"
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "bu", "da", "fi", "go", "pe")


def _word(n: int, i: int) -> str:
    """The i-th invented word of event n: no two (n, i) spell the same word."""
    value, letters = n * 64 + i, []
    for _ in range(4):
        value, digit = divmod(value, len(SYLLABLES))
        letters.append(SYLLABLES[digit])
    return "".join(letters).capitalize()


def event_title(n: int) -> str:
    return f"{_word(n, 0)} and {_word(n, 1)} agree in {_word(n, 2)}"


def event(n: int, *, published: datetime | None = None) -> RawArticle:
    """Article n: five sentences about people and places found in no other article."""
    words = [_word(n, i) for i in range(3, 33)]
    sentences = ["{} {} of {} and {} of {} {}.".format(*words[6 * s : 6 * s + 6]) for s in range(5)]
    return RawArticle(
        title=event_title(n),
        text=" ".join(sentences),
        url=f"https://wire.example/{n}",
        published_at=published,
        language="en",
    )


def events(first: int, count: int, *, start: datetime | None = None) -> list[RawArticle]:
    """Articles first … first + count - 1, a minute apart from `start` (oldest first)."""
    start = start or datetime(2026, 11, 22, 11, 0, tzinfo=UTC)
    return [
        event(n, published=start + timedelta(minutes=n - first))
        for n in range(first, first + count)
    ]


def arrive(runtime: Runtime, raws: list[RawArticle], *, url: str = WIRE) -> list[int]:
    """The articles come in as a shared feed's news, as a poll of a feed read before brings them."""
    with runtime.session() as session:
        source = ensure_source(session, kind=SourceKind.FEED, url=url, title="Wire")
        return ingest_batch(session, prepare_batch(raws), source=source).added


def seeds_arrive(runtime: Runtime) -> list[int]:
    """The five sample articles, as news from a feed (in a database not seeded yet)."""
    return arrive(runtime, list(read_seed_files()))


def event_item(n: int, published: datetime | None = None) -> str:
    """Event n as an RSS item that carries its whole text (no page to fetch); undated without
    `published`."""
    raw = event(n)
    date = f"<pubDate>{format_datetime(published)}</pubDate>" if published else ""
    return (
        f"<item><title>{escape(raw.title)}</title><link>{raw.url}</link>"
        f"<guid isPermaLink='false'>event-{n}</guid>{date}"
        f"<description>{escape(raw.text)}</description></item>"
    )
