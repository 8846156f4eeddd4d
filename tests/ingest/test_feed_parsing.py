"""Feed parsing on hand-made cases and on the real-world sample feeds in shared/ingest."""

from __future__ import annotations

import gzip
import json
import logging
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from digests.ingest.sources.feed import BINARY, EMPTY, WEB_PAGE, parse_feed

INGEST = Path(__file__).resolve().parents[2].parent / "shared" / "ingest"
FEEDS = INGEST / "feeds_dev"
MISSING = f"sample feeds not found at {FEEDS} (shared/ingest next to the repository)"
needs_samples = pytest.mark.skipif(not FEEDS.is_dir(), reason=MISSING)
FIVE_HOURS = timedelta(hours=5)
FEED_KINDS = {"rss", "atom", "atom03", "rdf", "json"}


def sample_rows() -> list:
    if not FEEDS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=MISSING), id="no-samples")]
    rows = [json.loads(line) for line in (FEEDS / "INDEX.jsonl").read_text().splitlines()]
    return [pytest.param(row, id=row["file"]) for row in rows]


def served_content_type(row: dict) -> str | None:
    headers = {k.lower(): v for k, v in (row.get("http_headers") or {}).items()}
    return headers.get("content-type")


def sample(name: str, url: str | None = None):
    return parse_feed((FEEDS / name).read_bytes(), url=url)


# --- every sample -----------------------------------------------------------------------------


@pytest.mark.parametrize("row", sample_rows())
def test_every_sample_feed_parses_into_well_formed_articles(row, caplog):
    body = (FEEDS / row["file"]).read_bytes()
    with caplog.at_level(logging.ERROR):
        parsed = parse_feed(
            body, url="https://example.org/feed", content_type=served_content_type(row)
        )
    assert not caplog.records, "the parser's last-resort handler caught an exception"
    if row["kind"] in FEED_KINDS:
        assert parsed.is_feed
    if row["kind"] == "xml-other":
        assert not parsed.is_feed
    if not parsed.is_feed:
        assert parsed.error and not parsed.entries
    guids = [e.article.guid for e in parsed.entries if e.article.guid]
    assert len(guids) == len(set(guids))
    for entry in parsed.entries:
        article = entry.article
        assert isinstance(article.text, str)
        assert "<p>" not in article.text and "<br" not in article.text
        assert article.url is None or article.url.startswith(("http://", "https://"))
        assert article.published_at is None or article.published_at.utcoffset() is not None
        assert article.language is None or (
            len(article.language) == 2 and article.language.isalpha()
        )


# --- golden checks on well-known feeds --------------------------------------------------------


@needs_samples
def test_atom_feed_keeps_the_publishers_utc_offset():
    parsed = sample("rssparser__heise.atom")
    assert parsed.title == "heise developer neueste Meldungen"
    assert parsed.site_url == "http://www.heise.de/developer/"
    assert len(parsed.entries) == 15
    first = parsed.entries[0].article
    assert first.title == "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei"
    assert first.url.startswith("http://www.heise.de/developer/meldung/Java-Anwendungsserver-Red-")
    assert first.guid == "http://heise.de/-3088438"
    assert first.published_at == datetime(2016, 2, 1, 17, 22, tzinfo=timezone(timedelta(hours=1)))
    assert first.published_at.utcoffset() == timedelta(hours=1)
    assert first.source_name == "heise developer neueste Meldungen"
    assert parsed.entries[0].is_teaser  # a two-sentence summary only


@needs_samples
def test_windows_1251_feed_is_decoded():
    parsed = sample("miniflux__parser__encoding_WINDOWS-1251.xml")
    assert parsed.title == "iBash.Org.Ru"
    assert len(parsed.entries) == 50
    first = parsed.entries[0].article
    assert first.title == "Цитата #17703"
    assert first.url == "http://ibash.org.ru/quote.php?id=17703"
    assert first.published_at == datetime(2018, 3, 21, 7, 27, 32, tzinfo=UTC)
    assert first.language == "ru"
    assert first.text.startswith("xxx: есть у кого жаба программер\nxxx:")


@needs_samples
def test_rss_feed_with_language_and_author():
    parsed = sample("feedrs__rss2__rss_2.0_spiegel.xml")
    assert parsed.title == "SPIEGEL Update – Die Nachrichten"
    assert len(parsed.entries) == 1
    first = parsed.entries[0].article
    assert first.url.startswith("https://omny.fm/shows/spiegel-update-die-nachrichten/07-02-")
    assert first.published_at == datetime(2021, 2, 6, 23, 1, tzinfo=UTC)
    assert (first.language, first.author) == ("de", "DER SPIEGEL")


@needs_samples
def test_full_content_entry_is_not_a_teaser_and_is_plain_text():
    parsed = sample("feedrs__rss2__rss_2.0_cloudflare.xml")
    assert parsed.title == "The Cloudflare Blog"
    entry = parsed.entries[0]
    assert not entry.is_teaser
    article = entry.article
    assert article.author == "Luke Valenta"
    assert article.url == (
        "https://blog.cloudflare.com/privacy-preserving-compromised-credential-checking/"
    )
    assert article.text.startswith("Today we’re announcing a public demo")
    assert "\n\n" in article.text and "<" not in article.text[:2000]


@needs_samples
def test_gzipped_feed_served_without_saying_so():
    parsed = sample("nodefeedparser__compressed.xml")
    assert parsed.is_feed
    assert parsed.title == "Новости Оренбурга и области / Раздел Новости"
    assert len(parsed.entries) == 10
    assert parsed.entries[0].article.url == "http://www.oren.ru/news/2743422/"


@needs_samples
def test_rdf_feed():
    parsed = sample("feedrs__rss1__rss_1.0_spec_1.xml")
    assert (parsed.title, len(parsed.entries)) == ("XML.com", 2)
    assert parsed.entries[0].article.url == "http://xml.com/pub/2000/08/09/xslt/xslt.html"
    assert parsed.entries[0].article.published_at is None


@needs_samples
def test_relative_links_are_resolved_against_the_feed():
    parsed = sample(
        "nodefeedparser__intertwingly.atom", url="http://intertwingly.net/blog/index.atom"
    )
    assert len(parsed.entries) == 20
    first = parsed.entries[0].article
    assert first.url == "http://intertwingly.net/blog/2012/07/16/Inhibiting-Suspend"
    assert first.published_at.utcoffset() == timedelta(hours=-7)


@needs_samples
def test_malformed_xml_keeps_what_was_recovered_and_says_why():
    parsed = sample("nodefeedparser__saxerror.xml")
    assert parsed.is_feed
    assert "not well-formed" in str(parsed.error)
    assert parsed.entries[0].article.title == "Good Item"
    assert len(parsed.entries) == 3


@needs_samples
def test_json_feed_sample():
    parsed = sample("gofeed__json__version_json_10.json")
    assert (parsed.title, parsed.site_url) == ("title", "https://sample-json-feed.com")
    first = parsed.entries[0].article
    assert first.url == "https://sample-json-feed.com/id"
    assert first.author == "author_name"
    assert first.published_at == datetime(2019, 10, 12, 7, 20, 50, 520000, tzinfo=UTC)


@needs_samples
def test_html_page_served_as_a_feed_is_recognised():
    parsed = sample("feedjira__PaulDixExplainsNothingFirstEntryContent.xml")
    assert not parsed.is_feed
    assert parsed.error == WEB_PAGE


# --- hand-made cases --------------------------------------------------------------------------


def rss(items: str, channel: str = "<title>T</title><link>https://site.example/</link>") -> bytes:
    prolog = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0">'
    return f"{prolog}<channel>{channel}{items}</channel></rss>".encode()


LONG = " ".join(["Ordinary sentence about the news of the day."] * 20)


def test_duplicate_guids_keep_the_first_entry():
    items = (
        "<item><guid>a</guid><title>First</title><link>https://s.example/1</link></item>"
        "<item><guid>a</guid><title>Repeat</title><link>https://s.example/2</link></item>"
        "<item><guid>b</guid><title>Other</title><link>https://s.example/3</link></item>"
    )
    parsed = parse_feed(rss(items))
    assert [e.article.title for e in parsed.entries] == ["First", "Other"]


def test_entries_without_link_or_date_are_kept_without_them():
    parsed = parse_feed(
        rss(f"<item><title>No link</title><description>{LONG}</description></item>")
    )
    entry = parsed.entries[0]
    assert entry.article.url is None
    assert entry.article.published_at is None
    assert not entry.is_teaser  # nothing more to fetch


def test_a_short_description_is_a_teaser():
    item = "<item><title>A</title><link>https://s.example/a</link><description>Short.</description></item>"
    assert parse_feed(rss(item)).entries[0].is_teaser


@pytest.mark.parametrize("ending", ["…", "[…]", "Continue reading →", "Read more", "(more…)"])
def test_a_long_but_cut_off_description_is_a_teaser(ending):
    item = (
        f"<item><link>https://s.example/a</link><description>{LONG} {ending}</description></item>"
    )
    assert parse_feed(rss(item)).entries[0].is_teaser


def test_full_content_is_preferred_over_the_description():
    item = (
        '<item xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<link>https://s.example/a</link><description>Teaser.</description>"
        f"<content:encoded><![CDATA[<p>{LONG}</p><p>Second paragraph.</p>]]></content:encoded>"
        "</item>"
    )
    entry = parse_feed(rss(item)).entries[0]
    assert not entry.is_teaser
    assert entry.article.text.endswith("\n\nSecond paragraph.")


def test_html_becomes_plain_text_with_paragraphs():
    html = (
        "<p>One <b>bold</b>\n  word.</p><script>alert(1)</script><p>Two<br/>lines</p>"
        "<ul><li>first</li><li>second</li></ul>"
        "<p>The post <a href='#'>X</a> appeared first on <a href='#'>Blog</a>.</p>"
    )
    item = f"<item><description><![CDATA[{html}]]></description></item>"
    text = parse_feed(rss(item)).entries[0].article.text
    assert text == "One bold word.\n\nTwo\nlines\n\nfirst\n\nsecond"


def test_html_entities_and_markup_in_titles_are_cleaned():
    item = (
        "<item><title>Tom &amp; Jerry&#8217;s   day</title><link>https://s.example/</link></item>"
    )
    assert parse_feed(rss(item)).entries[0].article.title == "Tom & Jerry’s day"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "Tue, 10 Jun 2003 04:00:00 +0200",
            datetime(2003, 6, 10, 4, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("Tue, 10 Jun 2003 04:00:00 GMT", datetime(2003, 6, 10, 4, tzinfo=UTC)),
        ("Tue, 10 Jun 2003 04:00:00 EST", datetime(2003, 6, 10, 4, tzinfo=timezone(-FIVE_HOURS))),
        ("not a date", None),
    ],
)
def test_publication_times_keep_their_zone(written, expected):
    item = f"<item><link>https://s.example/</link><pubDate>{written}</pubDate></item>"
    published = parse_feed(rss(item)).entries[0].article.published_at
    assert published == expected
    if expected is not None:
        assert published.utcoffset() == expected.utcoffset()


def test_atom_entry_language_overrides_the_feeds():
    body = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">
      <title>Multi</title><id>urn:x</id><updated>2024-05-01T10:00:00Z</updated>
      <entry xml:lang="fr"><title>Bonjour</title><id>urn:1</id>
        <link href="https://s.example/fr"/><updated>2024-05-01T10:00:00+02:00</updated>
        <summary>Salut.</summary></entry>
      <entry><title>Hello</title><id>urn:2</id><link href="/en"/>
        <updated>2024-05-01T10:00:00Z</updated><summary>Hi.</summary></entry>
    </feed>"""
    parsed = parse_feed(body, url="https://s.example/atom.xml")
    french, english = (e.article for e in parsed.entries)
    assert (french.language, english.language) == ("fr", "en")
    assert french.published_at.utcoffset() == timedelta(hours=2)
    assert english.url == "https://s.example/en"


def test_rss_language_tag_becomes_an_iso_639_1_code():
    parsed = parse_feed(
        rss("<item><title>x</title></item>", "<title>T</title><language>pt-BR</language>")
    )
    assert parsed.entries[0].article.language == "pt"


def test_charset_from_the_http_header_wins_over_a_missing_declaration():
    body = '<rss version="2.0"><channel><title>Café</title></channel></rss>'.encode("cp1252")
    assert (
        parse_feed(body, content_type="application/rss+xml; charset=windows-1252").title == "Café"
    )


def test_wrongly_declared_encoding_does_not_raise():
    channel = "<title>Caf\xe9</title><item><title>\xe9t\xe9</title></item>"
    body = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{channel}'
    parsed = parse_feed(f"{body}</channel></rss>".encode("latin-1"))
    assert parsed.is_feed
    assert len(parsed.entries) == 1


def test_json_feed_1_1():
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "JF",
            "home_page_url": "https://jf.example/",
            "language": "en-US",
            "authors": [{"name": "Feed Author"}],
            "items": [
                {
                    "id": 1,
                    "url": "/posts/1",
                    "title": "One",
                    "content_html": f"<p>{LONG}</p>",
                    "date_published": "2024-02-03T04:05:06-05:00",
                },
                {"id": "2", "external_url": "https://elsewhere.example/x", "content_text": "Link."},
                {"id": 1, "title": "Duplicate id"},
            ],
        }
    ).encode()
    parsed = parse_feed(
        body, url="https://jf.example/feed.json", content_type="application/feed+json"
    )
    assert parsed.is_feed and parsed.title == "JF"
    one, two = (e.article for e in parsed.entries)
    assert (one.url, one.guid, one.author, one.language) == (
        "https://jf.example/posts/1",
        "1",
        "Feed Author",
        "en",
    )
    assert one.published_at.utcoffset() == timedelta(hours=-5)
    assert (two.url, two.text) == ("https://elsewhere.example/x", "Link.")
    assert parsed.entries[1].is_teaser


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", EMPTY),
        (b"  \n\t ", EMPTY),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, BINARY),
        (bytes(range(32)) * 40, BINARY),
        (b"<!DOCTYPE html><html><head><title>Home</title></head><body>Hi</body></html>", WEB_PAGE),
    ],
)
def test_things_that_are_not_feeds(body, reason):
    parsed = parse_feed(body)
    assert (parsed.is_feed, parsed.error, parsed.entries) == (False, reason, [])


@pytest.mark.parametrize(
    "body", [b"{not json", b'{"hello": "world"}', b"[1, 2, 3]", b"<root><child/></root>"]
)
def test_json_and_xml_that_are_not_feeds_are_reported(body):
    parsed = parse_feed(body)
    assert not parsed.is_feed
    assert parsed.error


def test_a_gzip_bomb_in_a_feed_body_is_refused():
    parsed = parse_feed(gzip.compress(b"<rss>" + b" " * (30 * 1024 * 1024)))
    assert not parsed.is_feed
    assert "too large" in str(parsed.error)
