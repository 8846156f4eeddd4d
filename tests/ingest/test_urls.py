"""Canonical URLs and content hashes: the same article under two spellings must dedupe."""

import pytest

from digests.ingest.urls import canonical_url, content_hash, without_credentials


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("HTTP://Example.COM/News/Story", "http://example.com/News/Story"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a#comments", "https://example.com/a"),
        (
            "https://example.com/a?utm_source=rss&utm_medium=feed&id=7&fbclid=x&gclid=y",
            "https://example.com/a?id=7",
        ),
        (
            "https://example.com/a?mc_cid=1&mc_eid=2&ref=tw&cmpid=3&ocid=4&igshid=5&b=2&a=1",
            "https://example.com/a?a=1&b=2",
        ),
        ("https://example.com/a?UTM_Campaign=x", "https://example.com/a"),
        ("https://example.com/a?", "https://example.com/a"),
        ("https://example.com/%7euser/a%2fb", "https://example.com/~user/a%2Fb"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"),
    ],
)
def test_canonical_url_normalises_safely(given, expected):
    assert canonical_url(given) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a/",  # a trailing slash can be a different page
        "https://example.com/A",  # paths are case-sensitive
        "https://example.com/section/index.html",  # not every server maps / to index.html
        "https://example.com/search?q=a+b",  # '+' stays as the server wrote it
        "https://example.com/#!/timeline",  # hash-bang routes address content
    ],
)
def test_canonical_url_keeps_what_can_change_the_page(url):
    assert canonical_url(url) == url


def test_repeated_parameters_keep_their_order():
    assert canonical_url("https://e.com/?tag=b&x=1&tag=a") == "https://e.com/?tag=b&tag=a&x=1"


def test_two_spellings_of_one_article_match():
    first = "https://www.example.com/2024/story?utm_source=twitter&page=2#top"
    second = "HTTPS://WWW.EXAMPLE.COM:443/2024/story?page=2&fbclid=abc"
    assert canonical_url(first) == canonical_url(second)


@pytest.mark.parametrize("odd", ["mailto:news@example.com", "not a url", "http://host:99999/"])
def test_non_web_or_broken_urls_come_back_unchanged(odd):
    assert canonical_url(odd) == odd


def test_content_hash_ignores_case_spacing_and_unicode_spelling():
    one = "Breaking  News:\n\nThe ﬁrst   line."
    two = "breaking news: the first line."
    assert content_hash(one) == content_hash(two)


def test_content_hash_tells_different_texts_apart():
    assert content_hash("Prices rose.") != content_hash("Prices fell.")
    assert len(content_hash("x")) == 64


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("http://alice:hunter2@host.example/memo?access_token=SECRET", "http://host.example/memo"),
        ("https://bob@e.org:8443/a?id=7", "https://e.org:8443/a?id=7"),
        (
            "https://e.org/a?page=2&api_key=k&apikey=k&key=k&token=t&password=p&secret=s&sig=x",
            "https://e.org/a?page=2",
        ),
        (
            "https://cdn.e.org/f?X-Amz-Credential=c&X-Amz-Signature=s&X-Amz-Security-Token=t&v=1",
            "https://cdn.e.org/f?v=1",
        ),
        ("https://e.org/a?accessToken=t&client_secret=s&auth=a&PASSWD=p", "https://e.org/a"),
        (
            "https://e.org/a?%74oken=t&keyword=peace&monkey=1",
            "https://e.org/a?keyword=peace&monkey=1",
        ),
        ("https://e.org/cb#access_token=t&state=ok", "https://e.org/cb#state=ok"),
        ("https://e.org/a#section-2", "https://e.org/a#section-2"),
        ("https://e.org/a?q=token", "https://e.org/a?q=token"),  # a value, not a name
        ("http://[::1/x?token=t", ""),  # unreadable: nothing of it is kept
    ],
)
def test_links_lose_their_credentials(sent, kept):
    assert without_credentials(sent) == kept


def test_a_link_without_credentials_is_kept_as_it_was_written():
    url = "https://Example.com/News/a?b=2&a=1"
    assert without_credentials(url) == url
