"""Articles' pictures: found in real feeds' media, enclosures and content and in pages' og:image,
kept only as http(s) links we may pass on (never downloaded by us), and stored with the article."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from digests.ingest.sources.feed import parse_feed
from digests.ingest.sources.webpage import extract_page
from digests.ingest.urls import IMAGE_URL_LIMIT, image_address
from tests.ingest import test_polling
from tests.ingest.test_polling import (
    add_source,
    article_page,
    item,
    poll,
    rss,
    stored_articles,
    story_text,
    story_title,
    teaser_item,
)

site = test_polling.site
feed_runtime = test_polling.feed_runtime
loopback_only = test_polling.loopback_only

INGEST = Path(__file__).resolve().parents[2].parent / "shared" / "ingest"
FEEDS, PAGES = INGEST / "feeds_dev", INGEST / "pages_dev"
needs_samples = pytest.mark.skipif(
    not FEEDS.is_dir() or not PAGES.is_dir(), reason=f"samples not found at {INGEST}"
)


# --- the link rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "candidate",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "ftp://files.example/a.jpg",
        "https://",
        "https://exa mple.org/a.jpg",
        "https://example.org/a b.jpg",
        "https://example.org/a\n.jpg",
        'https://example.org/a.jpg"onerror="x',
        "https://example.org/<script>.jpg",
        "https://user:secret@example.org/a.jpg",
        "https://example.org/a.jpg?access_token=abc",
        "https://example.org/a.jpg?X-Amz-Signature=abc",
        "https://nohost/a.jpg",
        "https://example.org:port/a.jpg",
        "https://[::1/a.jpg",
        "https://example.org/" + "a" * IMAGE_URL_LIMIT,
        "",
        None,
        42,
    ],
)
def test_only_http_links_that_are_safe_to_pass_on_are_kept(candidate):
    assert image_address(candidate, "https://news.example/story/1") is None


def test_relative_pictures_are_resolved_against_where_they_came_from():
    base = "https://news.example/story/1"
    assert image_address("/img/a.jpg", base) == "https://news.example/img/a.jpg"
    assert image_address("b.png", base) == "https://news.example/story/b.png"
    assert image_address("//cdn.example/c.webp", base) == "https://cdn.example/c.webp"
    assert image_address("  https://cdn.example/d.jpg?w=600  ") == "https://cdn.example/d.jpg?w=600"
    assert image_address("/img/a.jpg") is None  # nothing to resolve it against


def test_a_huge_or_hostile_candidate_is_refused_at_once():
    assert image_address("https://example.org/" + "a" * 10_000_000) is None
    assert image_address("javascript:" + "a" * 1_000_000) is None


# --- feeds ------------------------------------------------------------------------------------


def images_of(name: str, count: int = 2) -> list[str | None]:
    parsed = parse_feed((FEEDS / name).read_bytes(), url="https://example.org/feed")
    return [entry.article.image_url for entry in parsed.entries[:count]]


@needs_samples
@pytest.mark.parametrize(
    ("name", "first"),
    [
        # Media RSS content that says it is an image (medium, or type)
        (
            "feedjira__HuffPostCanada.xml",
            "http://o.aolcdn.com/hss/storage/midas/b1726dd5e5cde1fb967d92d963537957/205775479/"
            "Untitled+design+%2857%29.png",
        ),
        (
            "feedrs__rss2__rss_2.0_cloudflare.xml",
            "https://blog.cloudflare.com/content/images/2021/10/image6-15.png",
        ),
        (
            "feedrs__atom__atom_mediarss_newscred_1.xml",
            "https://www.example.com/Zz1hNjRiMWFjMzdhYWIzNTEwNjk2YjIzYjc5NWQxNWFlMA==/.jpeg",
        ),
        # Media RSS thumbnails: the New Yorker, BBC Urdu, YouTube (whose media:content is Flash)
        (
            "feedrs__rss2__rss_2.0_example_3.xml",
            "https://media.newyorker.com/photos/5d4211a4ba8a9c0009a57cfd/master/pass/"
            "Chotiner-ReaganRacismNaftali-3.jpg",
        ),
        (
            "miniflux__parser__urdu_UTF8.xml",
            "http://c.files.bbci.co.uk/A787/production/_99478824_gettyimages-856735580.jpg",
        ),
        ("rssparser__atom-customfields.atom", "https://i1.ytimg.com/vi/lR-w1h5ONOY/hqdefault.jpg"),
        # an image enclosure; the first <img> of the content; a JSON Feed item's image
        ("gofeed__rss__issue_217_enclosure_children.xml", "http://example.org/enclosure.jpg"),
        (
            "feedrs__rss2__rss_2.0_wirecutter.xml",
            "https://cdn.thewirecutter.com/wp-content/media/2022/09/"
            "howtoteachboardgames-2048px-9549-3x2-1.jpg?auto=webp&quality=60&width=630",
        ),
        ("gofeed__json__version_json_10.json", "https://sample-json-feed.com/image.png"),
    ],
)
def test_real_feeds_pictures_are_found(name, first):
    assert images_of(name)[0] == first


@needs_samples
def test_a_podcasts_audio_and_a_text_only_feed_bring_no_picture():
    assert images_of("feedjira__itunes_feedburner.xml") == [None, None]  # audio enclosures
    assert images_of("feedrs__atom__atom_mediarss_reddit_1.xml") == [None, None]


@needs_samples
def test_every_picture_found_in_the_sample_feeds_is_a_link_we_may_pass_on():
    found = 0
    for path in sorted(FEEDS.iterdir()):
        if path.suffix not in (".xml", ".json", ".atom", ".rss", ".rdf"):
            continue
        for entry in parse_feed(path.read_bytes(), url="https://example.org/feed").entries:
            image = entry.article.image_url
            if image is not None:
                found += 1
                assert image_address(image) == image
    assert found >= 30


def entry_with(n: int, markup: str) -> str:
    return item(n).replace("<item>", f"<item>{markup}", 1)


MEDIA = "xmlns:media='http://search.yahoo.com/mrss/'"


def parsed_images(*items: str) -> list[str | None]:
    body = rss(*items).replace("<rss version='2.0'>", f"<rss version='2.0' {MEDIA}>")
    parsed = parse_feed(body.encode(), url="https://news.example/feed.xml")
    return [entry.article.image_url for entry in parsed.entries]


def test_feed_media_are_checked_and_what_is_no_image_is_skipped():
    assert parsed_images(
        entry_with(1, "<media:content url='/a.jpg' medium='image'/>"),
        entry_with(2, "<media:content url='javascript:alert(1)' medium='image'/>"),
        entry_with(3, "<enclosure url='https://cdn.example/a.mp3' type='audio/mpeg' length='1'/>"),
        entry_with(4, "<enclosure url='https://cdn.example/e.png' type='image/png' length='1'/>"),
        entry_with(
            5,
            "<media:content url='https://v.example/v.mp4' medium='video'/>"
            "<media:thumbnail url='https://v.example/v.jpg'/>",
        ),
    ) == [
        "https://news.example/a.jpg",
        None,
        None,
        "https://cdn.example/e.png",
        "https://v.example/v.jpg",
    ]


def test_a_contents_first_picture_skips_trackers_and_data_links():
    markup = (
        "<p><img src='data:image/gif;base64,R0lGODlhAQABAAAAACw=' alt=''>"
        "<img src='https://t.example/pixel.gif' width='1' height='1'>"
        "<img src='/photos/harbour.jpg' alt='The harbour'></p>"
    )
    described = item(1, text=f"{markup}<p>{'The harbour reopened. ' * 40}</p>")
    assert parsed_images(described) == ["https://news.example/photos/harbour.jpg"]


def test_a_picture_deep_in_a_huge_entry_is_not_looked_for():
    filler = "<p>" + "Words of the story. " * 6_000 + "</p>"
    described = item(1, text=f"{filler}<img src='https://cdn.example/late.jpg'>")
    assert parsed_images(described) == [None]


# --- pages ------------------------------------------------------------------------------------


def page_with(head: str) -> str:
    paragraph = escape("The harbour reopened after the storm. " * 6)
    body = f"<p>{paragraph}</p>" * 4
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>Harbour reopens</title>{head}</head>"
        f"<body><article><h1>Harbour reopens</h1>{body}</article></body></html>"
    )


def test_a_pages_og_image_is_its_picture_resolved_against_the_page():
    url = "https://news.example/2026/harbour"
    og = page_with("<meta property='og:image' content='/img/harbour.jpg'>")
    assert extract_page(og, url=url).image_url == "https://news.example/img/harbour.jpg"
    hostile = page_with("<meta property='og:image' content='javascript:alert(1)'>")
    assert extract_page(hostile, url=url).image_url is None
    assert extract_page(page_with(""), url=url).image_url is None


@needs_samples
def test_real_pages_og_images_are_found():
    rows = [json.loads(line) for line in (PAGES / "ground_truth.jsonl").read_text().splitlines()]
    images = {}
    for row in rows:
        body = (PAGES / f"{row['id']}.html").read_bytes()
        html = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
        article = extract_page(html, url=row["url"])
        images[row["id"]] = article.image_url if article else None
    assert sum(image is not None for image in images.values()) >= len(rows) * 3 // 4
    assert all(image_address(image) == image for image in images.values() if image)
    nyt = "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34"
    assert images[nyt] == (
        "https://static01.nyt.com/images/2019/11/19/opinion/19bouieWeb/19bouieWeb-facebookJumbo.jpg"
    )


# --- stored -----------------------------------------------------------------------------------


async def test_a_polled_feeds_pictures_are_stored_with_its_articles(feed_runtime, site):
    """The feed's own picture first (resolved against the feed), else its teaser's page's."""
    og = "<meta property='og:image' content='/photos/page-{n}.jpg'>"
    for n in (2, 3):
        site.put(f"/story/{n}", article_page(n, feeds=og.format(n=n)), content_type="text/html")
    body = rss(
        entry_with(1, "<enclosure url='/photos/one.jpg' type='image/jpeg' length='1'/>"),
        teaser_item(2, site),
        entry_with(3, "<enclosure url='/photos/feed-3.jpg' type='image/jpeg' length='1'/>")
        .replace(escape(story_text(3)), "Ferries resume after the strike… Read more")
        .replace("https://news.example/story/3", site.url("/story/3")),
    )
    source = add_source(feed_runtime, site.put("/feed.xml", body))
    await poll(feed_runtime)
    stored = {article.title: article.image_url for article in stored_articles(feed_runtime, source)}
    assert stored == {
        story_title(1): site.url("/photos/one.jpg"),
        story_title(2): site.url("/photos/page-2.jpg"),
        story_title(3): site.url("/photos/feed-3.jpg"),
    }
    assert site.hits["/story/3"] == 1 and not site.hits["/photos/page-2.jpg"]  # never downloaded
