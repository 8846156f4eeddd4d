"""Feed documents (RSS, RDF, Atom, JSON Feed) turned into articles, whatever shape they come in."""

from __future__ import annotations

import json
import logging
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.sax import SAXException

import feedparser
import lxml.html
from lxml import etree

from digests.i18n import Phrase, later
from digests.ingest.sources.raw import RawArticle
from digests.ingest.urls import image_address
from digests.redaction import redact

log = logging.getLogger(__name__)

MAX_DECOMPRESSED_BYTES = 20 * 1024 * 1024
# Below this many characters an entry is a teaser: the page itself is worth fetching.
TEASER_CHARS = 600

# Parsing runs in a worker process, which speaks no reader's language: its complaints are
# translated where they are shown.
EMPTY = later("The feed is empty.")
BINARY = later("This is binary data, not a feed.")
WEB_PAGE = later("This is a web page, not a feed.")
NOT_A_FEED = later("This document is not a feed.")
NOT_JSON_FEED = later("This JSON document is not a JSON Feed.")
TOO_LARGE = later("The feed is too large once decompressed.")

_GZIP_MAGIC = b"\x1f\x8b"
_BINARY_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"\x00\x00\x01\x00")
# UTF-16 and UTF-32 text is full of NUL bytes; its byte-order mark or a wide "<" gives it away.
_WIDE_TEXT_STARTS = (
    b"\xff\xfe",
    b"\xfe\xff",
    b"\x00\x00\xfe\xff",
    b"<\x00",
    b"\x00<",
    b"\x00\x00\x00<",
)
# Each comment ends at its first "-->", taken once (atomic): a lazy ".*?" free to run on into
# later comments made "<!---->" * 24 take seconds.
_HTML_START = re.compile(
    rb"^\s*+(?:(?><!--.*?-->)\s*+)*+<(?:!doctype\s+html|html|head|body|title|meta|p|div)[\s>/]",
    re.I | re.S,
)
_TRUNCATED = re.compile(
    r"(?:…|\.\.\.|\[…]|\[\.\.\.]|\(more…?\)|read more|continue reading|keep reading"
    r"|read the (?:full|rest|whole)[\w ]*)\W*$",
    re.I,
)
_WORDPRESS_FOOTER = re.compile(r"^The post .+ appeared first on .+$", re.S)
_BLOCK_TAGS = frozenset(
    re.findall(
        r"\w+",
        "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
        "header hr li main nav ol p pre section table tbody td th thead tr ul",
    )
)
_DROPPED_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "object",
    "embed",
    "form",
    "button",
    "svg",
)
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*+\n\s*+")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # lxml refuses them
# A tag ends before the next "<": "<<<<…" with no ">" must not be rescanned from every "<".
_TAG = re.compile(r"<[^<>]*>")
_LANGUAGE = re.compile(r"^([A-Za-z]{2})(?:[-_].*)?$")
# An entry's first <img> is looked for in this much of its HTML, and only when its media name none.
IMAGE_SEARCH_CHARS = 100_000


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One feed item; ``is_teaser`` asks the caller to fetch ``article.url`` for the full text."""

    article: RawArticle
    is_teaser: bool


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """Whatever a feed document yielded; ``error`` keeps the parser's complaint even when
    entries were recovered, and ``is_feed`` is False for pages, JSON or junk that are no feed."""

    title: str | None
    site_url: str | None
    entries: list[FeedEntry]
    is_feed: bool
    error: Phrase | None


def parse_feed(
    body: bytes, *, url: str | None = None, content_type: str | None = None
) -> ParsedFeed:
    """Parse a downloaded feed; never raises, since one broken feed must not stop a poll."""
    try:
        return _parse(body, url, content_type)
    except Exception as exc:  # a last resort: parsers of hostile input have surprising bugs
        log.exception("feed parser failed on %s", redact(url or "a feed"))
        return _not_a_feed(later("The feed could not be read ({error}).", error=type(exc).__name__))


def _not_a_feed(reason: Phrase) -> ParsedFeed:
    return ParsedFeed(title=None, site_url=None, entries=[], is_feed=False, error=reason)


def _parse(body: bytes, url: str | None, content_type: str | None) -> ParsedFeed:
    if isinstance(body, str):
        body = body.encode("utf-8")
    if body.startswith(_GZIP_MAGIC):
        unpacked = _gunzip(body)
        if unpacked is None:
            return _not_a_feed(TOO_LARGE)
        body = unpacked
    if not body.strip():
        return _not_a_feed(EMPTY)
    if _looks_binary(body):
        return _not_a_feed(BINARY)
    if _looks_like_json(body, content_type):
        return _parse_json_feed(body, url)
    return _parse_xml_feed(body, url, content_type)


def _gunzip(body: bytes) -> bytes | None:
    """Some servers store feeds gzipped and serve them without saying so."""
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)
    try:
        data = inflater.decompress(body, MAX_DECOMPRESSED_BYTES)
    except zlib.error:
        return body
    return None if inflater.unconsumed_tail else data


def _looks_binary(body: bytes) -> bool:
    head = body[:512]
    if head.startswith(_BINARY_MAGIC):
        return True
    if head.startswith(_WIDE_TEXT_STARTS):
        return False
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return controls > len(head) // 10


def _looks_like_json(body: bytes, content_type: str | None) -> bool:
    if content_type and "json" in content_type.lower():
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"["))


# --- RSS, RDF and Atom (feedparser) -----------------------------------------------------------


def _parse_xml_feed(body: bytes, url: str | None, content_type: str | None) -> ParsedFeed:
    # Without a declared type feedparser complains; XML's own declaration then decides the charset.
    headers = {"content-type": content_type or "application/xml"}
    if url:
        headers["content-location"] = url
    parsed = feedparser.parse(body, response_headers=headers)
    error = _bozo_error(parsed)
    if not parsed.get("version") and not parsed.entries:
        return _not_a_feed(_why_not_a_feed(parsed, body, content_type))
    channel = parsed.feed
    title = _clean(_text_of(channel.get("title"), channel.get("title_detail")))
    feed_language = _language(channel.get("language"))
    base = url or _self_link(channel)
    site_url = _absolute(channel.get("link"), base)
    entries = _unique(_xml_entry(raw, base, title, feed_language) for raw in parsed.entries)
    return ParsedFeed(title=title, site_url=site_url, entries=entries, is_feed=True, error=error)


def _self_link(channel: Any) -> str | None:
    """Where the feed says it lives, to resolve relative links when the caller gave no URL."""
    for link in channel.get("links", []):
        if link.get("rel") == "self" and _absolute(link.get("href"), None):
            return link["href"]
    return None


def _why_not_a_feed(parsed: Any, body: bytes, content_type: str | None) -> Phrase:
    if _HTML_START.match(body[:4096]) or "html" in (content_type or "").lower():
        return WEB_PAGE
    if isinstance(parsed.get("bozo_exception"), SAXException):
        return _not_well_formed(parsed.bozo_exception)
    return NOT_A_FEED


def _bozo_error(parsed: Any) -> Phrase | None:
    if not parsed.get("bozo"):
        return None
    return _not_well_formed(parsed.get("bozo_exception"))


def _not_well_formed(error: object) -> Phrase:
    """The parser's own words (English, from the library) follow the reader's sentence."""
    if not str(error or ""):
        return later("The feed is not well-formed.")
    return later("The feed is not well-formed XML: {error}", error=str(error))


def _xml_entry(
    raw: Any, base: str | None, source: str | None, feed_language: str | None
) -> FeedEntry | None:
    content = [c for c in raw.get("content", []) if c.get("value")]
    summary = raw.get("summary_detail") or {}
    texts = [_text_of(c["value"], c) for c in content]
    text = max((t for t in texts if t), key=len, default=None) or _text_of(
        raw.get("summary"), summary
    )
    details = [*content, summary, raw.get("title_detail") or {}]
    language = next((_language(d.get("language")) for d in details if d.get("language")), None)
    markup = [c["value"] for c in content] + [raw.get("summary") or ""]
    return _entry(
        text=text or "",
        title=_clean(_text_of(raw.get("title"), raw.get("title_detail"))),
        link=_absolute(raw.get("link"), base),
        guid=_clean(raw.get("id")),
        source=source,
        author=_clean((raw.get("author_detail") or {}).get("name") or raw.get("author")),
        published=_entry_time(raw),
        language=language or feed_language,
        image=_media_image(raw, base) or _first_image(markup, base),
    )


def _media_image(raw: Any, base: str | None) -> str | None:
    """The picture the feed attaches: Media RSS content that says it is an image, a Media RSS
    thumbnail, or an image enclosure; the first one that is a link we may pass on."""
    candidates = [
        media.get("url")
        for media in _listed(raw.get("media_content"))
        if media.get("medium") == "image" or _is_image_type(media.get("type"))
    ]
    candidates += [media.get("url") for media in _listed(raw.get("media_thumbnail"))]
    candidates += [
        enclosure.get("href")
        for enclosure in _listed(raw.get("enclosures"))
        if _is_image_type(enclosure.get("type"))
    ]
    return next(filter(None, (image_address(url, base) for url in candidates)), None)


def _listed(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _is_image_type(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower().startswith("image/")


def _first_image(markup: list[str], base: str | None) -> str | None:
    """The first <img> of the entry's HTML that is no 1-pixel tracker, read in its first
    IMAGE_SEARCH_CHARS characters (lxml: no pattern of ours scans hostile markup)."""
    for value in markup:
        if "<img" not in value[:IMAGE_SEARCH_CHARS].lower():
            continue
        try:
            root = lxml.html.fragment_fromstring(
                _CONTROL_CHARS.sub("", value[:IMAGE_SEARCH_CHARS]), create_parent="div"
            )
        except (etree.ParserError, ValueError):
            continue
        for image in root.iter("img"):
            if "1" in (image.get("width"), image.get("height")):
                continue
            if found := image_address(image.get("src"), base):
                return found
    return None


def _entry_time(raw: Any) -> datetime | None:
    """Keep the feed's own UTC offset; feedparser's parsed tuples have already lost it.

    ``dict.get`` skips feedparser's deprecated updated-to-published key aliasing.
    """
    for key in ("published", "updated", "created"):
        found = _aware_datetime(dict.get(raw, key)) or _from_struct(dict.get(raw, f"{key}_parsed"))
        if found is not None:
            return found
    return None


def _from_struct(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        year, month, day, hour, minute, second = value[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _aware_datetime(value: Any) -> datetime | None:
    """An RFC 822 or ISO 8601 time that names its offset; anything vaguer is left to feedparser."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for parse in (parsedate_to_datetime, datetime.fromisoformat):
        try:
            parsed = parse(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            continue
        if parsed.tzinfo is not None and parsed.utcoffset() is not None:
            return parsed
    return None


# --- JSON Feed --------------------------------------------------------------------------------


def _parse_json_feed(body: bytes, url: str | None) -> ParsedFeed:
    try:
        data = json.loads(body.decode("utf-8-sig"), strict=False)
    except (UnicodeDecodeError, ValueError) as exc:
        return _not_a_feed(later("The JSON is not valid: {error}", error=str(exc)))
    if not _is_json_feed(data):
        return _not_a_feed(NOT_JSON_FEED)
    title = _clean(_string(data.get("title")))
    feed_language = _language(_string(data.get("language")))
    items = data.get("items") if isinstance(data.get("items"), list) else []
    entries = _unique(
        _json_entry(item, url, title, feed_language, data)
        for item in items
        if isinstance(item, dict)
    )
    site_url = _absolute(_string(data.get("home_page_url")), url)
    return ParsedFeed(title=title, site_url=site_url, entries=entries, is_feed=True, error=None)


def _is_json_feed(data: Any) -> bool:
    """The spec wants a jsonfeed.org version URL; some publishers write a bare "1.0" instead."""
    if not isinstance(data, dict):
        return False
    return "jsonfeed.org/version/" in str(data.get("version", "")) or isinstance(
        data.get("items"), list
    )


def _json_entry(
    item: dict[str, Any], base: str | None, source: str | None, language: str | None, feed: dict
) -> FeedEntry | None:
    html = _string(item.get("content_html"))
    text = _html_to_text(html) if html else _plain(_string(item.get("content_text")))
    if not text:
        text = _plain(_string(item.get("summary")))
    guid = item.get("id")
    return _entry(
        text=text,
        title=_clean(_string(item.get("title"))),
        link=_absolute(_string(item.get("url")) or _string(item.get("external_url")), base),
        guid=_clean(str(guid)) if isinstance(guid, str | int | float) else None,
        source=source,
        author=_json_author(item) or _json_author(feed),
        published=_aware_datetime(item.get("date_published"))
        or _aware_datetime(item.get("date_modified")),
        language=_language(_string(item.get("language"))) or language,
        image=image_address(item.get("image"), base)
        or image_address(item.get("banner_image"), base)
        or _first_image([html or ""], base),
    )


def _json_author(holder: dict[str, Any]) -> str | None:
    """JSON Feed 1.1 has ``authors``; 1.0 had a single ``author``."""
    authors = holder.get("authors")
    candidates = authors if isinstance(authors, list) else [holder.get("author")]
    names = [_clean(_string(a.get("name"))) for a in candidates if isinstance(a, dict)]
    return next((name for name in names if name), None)


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# --- shared -----------------------------------------------------------------------------------


def _entry(
    *,
    text: str,
    title: str | None,
    link: str | None,
    guid: str | None,
    source: str | None,
    author: str | None,
    published: datetime | None,
    language: str | None,
    image: str | None = None,
) -> FeedEntry | None:
    if not (text or title or link):
        return None
    article = RawArticle(
        text=text,
        title=title,
        url=link,
        guid=guid,
        source_name=source,
        author=author,
        published_at=published,
        language=language,
        image_url=image,
    )
    return FeedEntry(article=article, is_teaser=_is_teaser(text, link))


def _is_teaser(text: str, link: str | None) -> bool:
    """Short or visibly cut-off text means the feed only teases; without a link there is no more."""
    if link is None:
        return False
    return len(text) < TEASER_CHARS or bool(_TRUNCATED.search(text[-80:]))


def _unique(entries: Iterable[FeedEntry | None]) -> list[FeedEntry]:
    """Drop empty entries and repeated GUIDs, keeping the first, as feeds sometimes repeat items."""
    seen: set[str] = set()
    kept = []
    for entry in entries:
        if entry is None:
            continue
        guid = entry.article.guid
        if guid is not None and guid in seen:
            continue
        if guid is not None:
            seen.add(guid)
        kept.append(entry)
    return kept


def _absolute(link: str | None, base: str | None) -> str | None:
    if not link or not link.strip():
        return None
    absolute = urljoin(base, link.strip()) if base else link.strip()
    return absolute if urlsplit(absolute).scheme.lower() in ("http", "https") else None


def _language(tag: str | None) -> str | None:
    match = _LANGUAGE.match(tag.strip()) if tag else None
    return match.group(1).lower() if match else None


def _clean(value: str | None) -> str | None:
    text = _SPACES.sub(" ", value).strip() if value else ""
    return text or None


def _text_of(value: str | None, detail: Any) -> str | None:
    """Feed text is declared as HTML or plain; markup is only stripped where it is markup."""
    if not value:
        return None
    is_html = "html" in str((detail or {}).get("type", "text/html"))
    text = _html_to_text(value) if is_html else _plain(value)
    return text or None


def _plain(text: str | None) -> str:
    if not text:
        return ""
    paragraphs = (_SPACES.sub(" ", p).strip() for p in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def _html_to_text(markup: str) -> str:
    """Plain text with one blank line between paragraphs, as the summariser expects."""
    markup = _CONTROL_CHARS.sub("", markup)
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return _plain(_TAG.sub(" ", markup))
    for element in list(root.iter(*_DROPPED_TAGS)):
        element.drop_tree()
    _mark_breaks(root)
    paragraphs = (_tidy_lines(p) for p in _PARAGRAPH_BREAK.split(root.text_content()))
    return "\n\n".join(p for p in paragraphs if p and not _WORDPRESS_FOOTER.match(p))


def _tidy_lines(paragraph: str) -> str:
    return "\n".join(line.strip() for line in paragraph.split("\n") if line.strip())


def _mark_breaks(root: lxml.html.HtmlElement) -> None:
    """Collapse source whitespace, then turn blocks into blank lines and ``<br>`` into newlines."""
    for element in root.iter():
        if element.text and isinstance(element.tag, str):
            element.text = _SPACES.sub(" ", element.text)
        if element.tail:
            element.tail = _SPACES.sub(" ", element.tail)
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif tag in _BLOCK_TAGS:
            element.text = "\n\n" + (element.text or "")
            element.tail = "\n\n" + (element.tail or "")
