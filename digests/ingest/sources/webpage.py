"""Article text and metadata from a news web page, and the feeds a page advertises."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from lxml import etree

from digests.ingest.sources.raw import RawArticle
from digests.ingest.urls import image_address
from digests.redaction import redact

log = logging.getLogger(__name__)

# Fewer words than this is a stub, a gallery caption or a paywall notice, not an article.
MIN_ARTICLE_WORDS = 30

_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
    }
)
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "date",
)
# Lines that introduce links to other articles or ask the reader to do something.
_PROMO_PREFIX = re.compile(
    r"^(?:read more|read also|also read|see also|related(?: articles?| stories| coverage)?"
    r"|more from [^:]{1,40}|don'?t miss|recommended|most read|trending now)\s*(?:[:|»]|[–—-]\s)",
    re.I,
)
_PROMO_LINE = re.compile(
    r"^(?:advertisement|don'?t miss|related(?: articles?| stories)?|read more|most read"
    r"|share this(?: article| story)?|tags|comments?|tell us what you think|sign up"
    r"|subscribe)\W*$",
    re.I,
)
_NEWSLETTER = re.compile(r"\bsign up\b.{0,60}\bnewsletter\b|\bnewsletter\b.{0,60}\bsign up\b", re.I)
_WORD = re.compile(r"\w+")
_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
_HEADLINE_END = re.compile(r"[.!?:;\"”’)]$")


def extract_page(html: bytes | str, *, url: str | None = None) -> RawArticle | None:
    """The article on a page, or None when the page has no article text worth summarising."""
    try:
        return _extract(html, url)
    except Exception:  # a last resort: one hostile page must not stop a poll
        log.exception("article extraction failed on %s", redact(url or "a page"))
        return None


def _extract(html: bytes | str, url: str | None) -> RawArticle | None:
    tree = trafilatura.load_html(html)
    if tree is None:
        return None
    # Read our metadata first: trafilatura prunes the tree while extracting.
    published = _published_time(tree)
    language = _page_language(tree)
    document: Any = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=True,
        include_comments=False,
        with_metadata=True,
    )
    if document is None or not document.text:
        return None
    text = _clean_text(document.text, document.title)
    if len(_WORD.findall(text)) < MIN_ARTICLE_WORDS:
        return None
    return RawArticle(
        text=text,
        title=document.title or None,
        url=url or document.url or None,
        source_name=document.sitename or None,
        author=document.author or None,
        published_at=published or _date_only(document.date),
        language=language,
        image_url=image_address(document.image, url),  # og:image, twitter:image
    )


# --- text --------------------------------------------------------------------------------------


def _clean_text(text: str, title: str | None) -> str:
    """Paragraphs separated by blank lines, without the repeated headline and promo lines."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if lines and title and _same_words(lines[0], title):
        lines = lines[1:]
    return "\n\n".join(_without_promotions(lines))


def _same_words(a: str, b: str) -> bool:
    return _WORD.findall(a.casefold()) == _WORD.findall(b.casefold())


def _without_promotions(lines: list[str]) -> Iterator[str]:
    """Drop "Read more: …" lines, promo headers and the link lists that follow them."""
    after_header = after_promo = False
    for line in lines:
        if _PROMO_LINE.match(line):
            after_header = after_promo = True
            continue
        if _PROMO_PREFIX.match(line) or _is_newsletter_plug(line):
            after_header, after_promo = False, True
            continue
        if after_promo and (line.startswith("- ") or (after_header and _looks_like_headline(line))):
            continue
        after_header = after_promo = False
        yield line


def _is_newsletter_plug(line: str) -> bool:
    return len(line) < 300 and bool(_NEWSLETTER.search(line))


def _looks_like_headline(line: str) -> bool:
    return len(line) < 150 and not _HEADLINE_END.search(line)


# --- metadata ----------------------------------------------------------------------------------


def _published_time(tree: lxml.html.HtmlElement) -> datetime | None:
    """The page's own publication time, keeping its UTC offset (trafilatura keeps only the day)."""
    for candidate in _published_candidates(tree):
        parsed = _parse_time(candidate)
        if parsed is not None and _plausible(parsed):
            return parsed
    return None


def _plausible(moment: datetime) -> bool:
    """CMS templates emit placeholders such as 0001-01-01; news is neither that old nor future."""
    return _EARLIEST <= moment <= datetime.now(UTC) + timedelta(days=1)


def _published_candidates(tree: lxml.html.HtmlElement) -> Iterator[str]:
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _PUBLISHED_META and meta.get("content"):
            yield meta.get("content")
    for data in _json_ld(tree):
        value = data.get("datePublished")
        if isinstance(value, str):
            yield value
    for element in tree.xpath('//time[@datetime][@itemprop="datePublished" or @pubdate]'):
        yield element.get("datetime")


def _json_ld(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        yield from _json_objects(data)


def _json_objects(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _json_objects(item)
    elif isinstance(data, dict):
        yield data
        yield from _json_objects(data.get("@graph"))


def _parse_time(value: str) -> datetime | None:
    """ISO 8601 or RFC 822 as pages write them; a time without an offset is taken as UTC."""
    text = value.strip() if value else ""
    try:
        parsed = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _date_only(value: str | None) -> datetime | None:
    try:
        moment = datetime.combine(date.fromisoformat(value or ""), time(), tzinfo=UTC)
    except ValueError:
        return None
    return moment if _plausible(moment) else None


def _page_language(tree: lxml.html.HtmlElement) -> str | None:
    root = tree.getroottree().getroot()
    candidates = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iter("meta"):
        key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").lower()
        if key in ("content-language", "og:locale", "language", "dc.language"):
            candidates.append(meta.get("content"))
    for candidate in candidates:
        code = _language_code(candidate)
        if code:
            return code
    return None


def _language_code(tag: str | None) -> str | None:
    match = re.match(r"\s*([A-Za-z]{2})(?:[-_,\s]|$)", tag or "")
    return match.group(1).lower() if match else None


# --- feed discovery ----------------------------------------------------------------------------


def discover_feeds(html: bytes | str, base_url: str) -> list[str]:
    """Feed URLs a page advertises with ``<link rel="alternate">``, absolute, in page order."""
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    base = urljoin(base_url, (tree.xpath("string(//base/@href)") or "").strip())
    feeds: list[str] = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if href and kind in _FEED_TYPES and ("alternate" in rel or "feed" in rel):
            absolute = urljoin(base, href)
            if urlsplit(absolute).scheme in ("http", "https") and absolute not in feeds:
                feeds.append(absolute)
    return feeds
