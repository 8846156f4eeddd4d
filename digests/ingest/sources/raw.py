"""The one plain type every source adapter produces before anything is stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class RawArticle:
    """An article as a source delivered it: cleaned text, not yet deduplicated or stored.

    Adapters (seed files, feeds, web pages) differ in what they know; whatever they do not
    know stays ``None`` and ingest derives it (a title from the text, a language by detection).
    """

    text: str
    title: str | None = None
    url: str | None = None
    guid: str | None = None
    source_name: str | None = None
    author: str | None = None
    published_at: datetime | None = None  # time-zone aware when known
    language: str | None = None  # ISO 639-1 code when known
    image_url: str | None = None  # its picture (feed media, og:image), checked by `image_address`
