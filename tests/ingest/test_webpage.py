"""Article extraction from web pages and feed discovery, on made-up and real news pages."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digests.ingest.sources.webpage import discover_feeds, extract_page

INGEST = Path(__file__).resolve().parents[2].parent / "shared" / "ingest"
PAGES = INGEST / "pages_dev"
needs_samples = pytest.mark.skipif(
    not PAGES.is_dir(), reason=f"sample pages not found at {PAGES} (shared/ingest next to the repo)"
)

PARAGRAPHS = [
    "The city council voted on Tuesday to expand the tram network by twelve kilometres, "
    "ending a debate that had divided the town for more than a decade.",
    "Supporters said the new lines would cut commuting times in the northern districts, "
    "where buses are often overcrowded and slow during the morning rush.",
    "Opponents argued that the money would be better spent on repairing existing roads, "
    "and warned that construction would disrupt local shops for years.",
    "Construction is expected to begin next spring, and the first trams should run on the "
    "new tracks within four years, according to the transport department.",
]

NEWS_PAGE = f"""<!DOCTYPE html>
<html lang="de-DE"><head>
<meta charset="utf-8">
<title>Council approves tram expansion | Town Gazette</title>
<meta property="og:title" content="Council approves tram expansion">
<meta property="og:site_name" content="Town Gazette">
<meta name="author" content="Anna Schmidt">
<meta property="article:published_time" content="2024-03-05T10:30:00+01:00">
<link rel="alternate" type="application/rss+xml" title="News" href="/feeds/news.rss">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/sport">Sport</a></li>
<li><a href="/weather">Weather forecast for the week</a></li></ul></nav>
<main><article>
<h1>Council approves tram expansion</h1>
<p class="byline">By Anna Schmidt</p>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2])}
<p><strong>READ MORE:</strong> <a href="/c">Mayor defends budget after angry town hall</a></p>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:])}
<p>Sign up for our free morning newsletter to get the news first.</p>
</article>
<aside class="related"><h2>Related articles</h2><ul>
<li><a href="/a">Bus drivers plan strike over pay and working conditions next month</a></li>
<li><a href="/b">New bicycle lanes open along the riverside promenade this weekend</a></li>
</ul></aside>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment">
<p>Reader42: Finally! This town has waited far too long for better trams.</p></div>
<div class="comment">
<p>Skeptic: What a waste of taxpayer money, the roads are falling apart.</p></div>
</section></main>
<footer><p>© 2024 Town Gazette. All rights reserved. Privacy policy. Cookie settings.</p></footer>
</body></html>"""


def test_article_text_without_navigation_related_links_or_comments():
    article = extract_page(NEWS_PAGE.encode(), url="https://gazette.example/tram")
    assert article is not None
    assert article.text.split("\n\n") == PARAGRAPHS
    noises = ("Weather forecast", "Bus drivers", "Mayor defends", "newsletter", "Reader42", "©")
    for noise in noises:
        assert noise not in article.text


def test_page_metadata():
    article = extract_page(NEWS_PAGE, url="https://gazette.example/tram")
    assert article.title == "Council approves tram expansion"
    assert article.author == "Anna Schmidt"
    assert article.url == "https://gazette.example/tram"
    assert article.source_name == "Town Gazette"
    assert article.language == "de"
    assert article.published_at == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    assert article.published_at.utcoffset() == timedelta(hours=1)


def test_publication_time_from_json_ld_and_placeholder_dates_ignored():
    page = NEWS_PAGE.replace("2024-03-05T10:30:00+01:00", "0001-01-01T00:00:00Z").replace(
        "</head>",
        '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", '
        '"datePublished": "2024-03-06T08:00:00-05:00"}]}</script></head>',
    )
    article = extract_page(page)
    assert article.published_at == datetime(2024, 3, 6, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "page",
    [
        b"",
        "<html><body></body></html>",
        "<html><body><nav><a href='/'>Home</a></nav><p>Log in to continue.</p></body></html>",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "just some words, not a page",
    ],
)
def test_pages_without_an_article_give_none(page):
    assert extract_page(page, url="https://x.example/") is None


def test_feed_discovery_finds_advertised_feeds_as_absolute_urls():
    page = """<html><head>
    <link rel="stylesheet" href="/style.css">
    <link rel="alternate" type="application/rss+xml" href="/feed.xml">
    <link rel="Alternate" type="application/atom+xml; charset=utf-8" href="atom.xml">
    <link rel="alternate" type="application/feed+json" href="https://cdn.example/feed.json">
    <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
    <link rel="alternate" type="application/rss+xml" href="/feed.xml">
    <link rel="alternate" type="application/rss+xml" href="javascript:void(0)">
    </head><body></body></html>"""
    assert discover_feeds(page, "https://blog.example/posts/1") == [
        "https://blog.example/feed.xml",
        "https://blog.example/posts/atom.xml",
        "https://cdn.example/feed.json",
    ]


def test_feed_discovery_honours_the_base_element():
    page = (
        b'<html><head><base href="https://static.example/site/">'
        b'<link rel="alternate" type="application/atom+xml" href="atom"></head></html>'
    )
    assert discover_feeds(page, "https://www.example/") == ["https://static.example/site/atom"]


@pytest.mark.parametrize("page", ["", b"<html></html>", b"\x00\x01\x02"])
def test_feed_discovery_on_pages_without_feeds(page):
    assert discover_feeds(page, "https://x.example/") == []


# --- the real pages ---------------------------------------------------------------------------


def shingles(text: str) -> Counter:
    words = re.findall(r"\w+", text)
    return Counter(tuple(words[i : i + 4]) for i in range(max(1, len(words) - 3)))


def real_pages() -> list[tuple[dict, bytes]]:
    rows = [json.loads(line) for line in (PAGES / "ground_truth.jsonl").read_text().splitlines()]
    return [(row, (PAGES / f"{row['id']}.html").read_bytes()) for row in rows]


@needs_samples
def test_real_news_pages_are_extracted_close_to_the_human_annotation():
    precisions, recalls = [], []
    for row, html in real_pages():
        article = extract_page(html, url=row["url"])
        assert article is not None, row["url"]
        truth, found = shingles(row["body"]), shingles(article.text)
        overlap = sum((truth & found).values())
        precisions.append(overlap / sum(found.values()))
        recalls.append(overlap / sum(truth.values()))
    assert sum(precisions) / len(precisions) > 0.95
    assert sum(recalls) / len(recalls) > 0.95


@needs_samples
def test_real_page_metadata_and_its_feeds():
    pages = {row["id"][:8]: (row, html) for row, html in real_pages()}
    row, html = pages["1ace8c85"]
    article = extract_page(html, url=row["url"])
    assert article.title.startswith("New York State Attorney General reportedly invest")
    assert article.author == "Catherine Shu"
    assert article.language == "en"
    assert article.published_at.date().isoformat() == "2019-11-18"
    assert discover_feeds(html, row["url"])[0] == "https://techcrunch.com/feed/"
