"""The embedded seed articles: plain-text files shipped with the package, page furniture removed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from digests.ingest.sources.raw import RawArticle

SEED_SOURCE_URL = "seed://samples"
SEED_SOURCE_NAME = "Sample articles"

# Lines a web page put around the story; never part of it.
FURNITURE_LINES = frozenset(
    {"no time to read?", "get a summary", "go to main page", "read more", "share this article"}
)
# Navigation markers whose next line is a neighbouring article's title.
NEIGHBOUR_MARKERS = frozenset({"previous article", "next article"})
# Markers after which the rest of the page is a list of links.
TRAILING_LINK_LISTS = frozenset(
    {"related links:", "related links", "related articles", "read next"}
)

DATELINE = re.compile(
    r"^(?P<month>January|February|March|April|May|June|July|August|September|October|November|"
    r"December) (?P<day>\d{1,2}), (?P<year>\d{4})\s*[-–—]\s*"
)
MAX_HEADLINE_WORDS = 20


def strip_furniture(lines: list[str]) -> list[str]:
    """Drop navigation, prompts and neighbouring-article titles, keeping the story's own lines."""
    kept: list[str] = []
    skip_next_title = False
    for line in lines:
        marker = " ".join(line.split()).lower()
        if not marker:
            continue
        if marker in TRAILING_LINK_LISTS:
            break
        if marker in NEIGHBOUR_MARKERS:
            skip_next_title = True
            continue
        if skip_next_title:
            skip_next_title = False
            continue
        if marker in FURNITURE_LINES:
            continue
        kept.append(line.strip())
    return kept


def looks_like_headline(line: str) -> bool:
    """A headline is a short first line that does not end like a sentence."""
    words = line.split()
    return 2 <= len(words) <= MAX_HEADLINE_WORDS and not re.search(r"[.!?\"”’:]$", line)


def parse_seed(content: str, *, name: str) -> RawArticle:
    """Turn one seed file into a RawArticle: own headline if it has one, dateline as the date."""
    lines = strip_furniture(content.splitlines())
    title = None
    if lines and looks_like_headline(lines[0]) and len(lines) > 1:
        title = lines.pop(0)
    published_at = None
    if lines and (match := DATELINE.match(lines[0])):
        published_at = datetime.strptime(
            f"{match['month']} {match['day']} {match['year']}", "%B %d %Y"
        ).replace(tzinfo=UTC)
    return RawArticle(
        text="\n\n".join(lines),
        title=title,
        guid=f"{SEED_SOURCE_URL}/{name}",
        source_name=SEED_SOURCE_NAME,
        published_at=published_at,
        language="en",
    )


def read_seed_files(folder: Path | None = None) -> Iterator[RawArticle]:
    """Yield the seeds in file order, so article ids follow the files' numbering."""
    root = folder if folder is not None else resources.files("digests.ingest") / "samples"
    for entry in sorted(root.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".txt"):
            yield parse_seed(
                entry.read_text(encoding="utf-8"), name=entry.name.removesuffix(".txt")
            )
