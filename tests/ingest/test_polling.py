"""Feed polling against servers on 127.0.0.1: state, backoff, admin notices, dedupe, bad input."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import json
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from aiohttp import web
from sqlmodel import col, select

from digests.ingest import fetch as fetch_module
from digests.ingest import polling
from digests.ingest.fetch import UNKNOWN_HOST, FetchError
from digests.ingest.polling import Poller
from digests.runtime import Runtime
from digests.store.tables import Article, OutboxMessage, Source
from tests.conftest import make_settings

FEEDS_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "ingest" / "feeds_dev"
ADMINS = [900, 901]
RSS = "application/rss+xml"
TOWNS = ("Arden", "Belmont", "Carrow", "Dunmore", "Elstow", "Fenwick", "Garrow", "Holt")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


# --- a web site the tests change as they go -------------------------------------------------


class Site:
    """An HTTP server on 127.0.0.1 serving whatever the test puts at a path; it counts requests."""

    def __init__(self) -> None:
        self.pages: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        self.headers: dict[str, list[dict[str, str]]] = {}
        self._runner: web.AppRunner | None = None
        self.base = ""

    async def start(self) -> Site:
        app = web.Application()
        app.router.add_route("GET", "/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def stop(self) -> None:
        await self._runner.cleanup()

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def put(self, path: str, body: bytes | str, content_type: str = RSS, **headers: str) -> str:
        data = body.encode() if isinstance(body, str) else body

        async def handler(request: web.Request) -> web.Response:
            return web.Response(body=data, headers={"Content-Type": content_type, **headers})

        return self.route(path, handler)

    def route(self, path: str, handler: Handler) -> str:
        self.pages[path] = handler
        return self.url(path)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] += 1
        self.headers.setdefault(path, []).append(dict(request.headers))
        handler = self.pages.get(path)
        if handler is None:
            return web.Response(status=404, text="no such page")
        return await handler(request)


@pytest.fixture
async def site():
    running = await Site().start()
    yield running
    await running.stop()


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """The tests' world has one host: links to anywhere else fail as unknown names, offline."""

    async def resolve(host: str, port: int):
        if host != "127.0.0.1":
            raise FetchError(UNKNOWN_HOST)
        return [ipaddress.ip_address(host)]

    monkeypatch.setattr(fetch_module, "resolve_host", resolve)


@pytest.fixture
def feed_runtime(engine, database_url, clock) -> Runtime:
    settings = make_settings(
        database_url,
        admin_user_ids=ADMINS,
        fetch_timeout_seconds=1.0,
        fetch_max_bytes=256 * 1024,
    )
    return Runtime(settings=settings, engine=engine, clock=clock)


# --- feeds and pages ----------------------------------------------------------------------------


def story_text(n: int, *, extra: str = "") -> str:
    town = TOWNS[n % len(TOWNS)]
    return "\n\n".join(
        [
            f"The harbour authority of {town} (story {n}) announced on Monday that ferry "
            "services would resume after a two-week strike by dock workers.",
            "Union leaders said the agreement included a pay rise of four percent and new "
            "safety rules for night shifts on the piers.",
            f"Shop owners in {town} welcomed the news, saying the strike had cut the number "
            "of visitors to the old town by almost half during the holidays.",
            f"The first ferry is expected to leave {town} at seven in the morning, and extra "
            "sailings are planned for the weekend to clear the backlog of passengers.",
            f"Officials in {town} said they would review the port's contingency plans. {extra}",
        ]
    )


def story_title(n: int) -> str:
    return f"Ferries to {TOWNS[n % len(TOWNS)]} resume, story {n}"


def item(
    n: int,
    *,
    link: str | None = "default",
    guid: str | None = "default",
    text: str | None = None,
    date: bool = True,
) -> str:
    """One RSS item; by default it carries its whole story (not a teaser)."""
    parts = [f"<title>{escape(story_title(n))}</title>"]
    link = f"https://news.example/story/{n}" if link == "default" else link
    guid = f"story-{n}" if guid == "default" else guid
    if link is not None:
        parts.append(f"<link>{escape(link)}</link>")
    if guid is not None:
        parts.append(f"<guid isPermaLink='false'>{escape(guid)}</guid>")
    if date:
        parts.append(f"<pubDate>Sun, 22 Nov 2026 0{n % 10}:00:00 +0000</pubDate>")
    body = story_text(n) if text is None else text
    parts.append(f"<description>{escape(body)}</description>")
    return f"<item>{''.join(parts)}</item>"


def rss(*items: str, title: str = "Harbour News") -> str:
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>{escape(title)}</title><link>https://news.example/</link>"
        f"{''.join(items)}</channel></rss>"
    )


def article_page(n: int, *, feeds: str = "") -> str:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in story_text(n).split("\n\n"))
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(story_title(n))}</title>{feeds}</head><body>"
        f"<nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav>"
        f"<main><article><h1>{escape(story_title(n))}</h1>{paragraphs}</article></main>"
        "<footer>© Harbour News</footer></body></html>"
    )


def teaser_item(n: int, site: Site) -> str:
    """A feed item with one line of text, pointing at the full story on the site."""
    teaser = f"Ferries to {TOWNS[n % len(TOWNS)]} resume after the strike… Read more"
    return item(n, link=site.url(f"/story/{n}"), text=teaser)


# --- database helpers ---------------------------------------------------------------------------


def add_source(runtime: Runtime, url: str, **fields) -> int:
    with runtime.session() as session:
        source = Source(kind="feed", url=url, trusted=True, **fields)
        session.add(source)
        session.flush()
        return source.id


def source_row(runtime: Runtime, source_id: int) -> Source:
    with runtime.session() as session:
        return session.get(Source, source_id)


def stored_articles(runtime: Runtime, source_id: int | None = None) -> list[Article]:
    query = select(Article).order_by(Article.id)
    if source_id is not None:
        query = query.where(Article.source_id == source_id)
    with runtime.session() as session:
        return list(session.exec(query).all())


def notices(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.session() as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


async def poll(runtime: Runtime) -> list[polling.PollOutcome]:
    return await Poller(runtime).poll_due()


# --- polling state ------------------------------------------------------------------------------


async def test_a_due_feed_is_polled_and_scheduled_again(feed_runtime, site, clock):
    url = site.put(
        "/feed",
        rss(item(1), item(2)),
        ETag='"v1"',
        **{"Last-Modified": "Sun, 22 Nov 2026 10:00:00 GMT"},
    )
    source_id = add_source(feed_runtime, url)
    [outcome] = await poll(feed_runtime)
    assert len(outcome.added) == 2 and outcome.error is None
    assert [a.title for a in stored_articles(feed_runtime)] == [story_title(2), story_title(1)]
    source = source_row(feed_runtime, source_id)
    assert source.title == "Harbour News"
    assert (source.etag, source.last_modified) == ('"v1"', "Sun, 22 Nov 2026 10:00:00 GMT")
    assert source.last_fetched_at == clock.now
    assert source.next_poll_at == clock.now + timedelta(seconds=900)
    assert source.error_count == 0 and source.last_error is None


async def test_a_feed_is_not_polled_before_its_time(feed_runtime, site, clock):
    url = site.put("/feed", rss(item(1)))
    add_source(feed_runtime, url, poll_seconds=600)
    await poll(feed_runtime)
    clock.advance(seconds=599)
    assert await poll(feed_runtime) == []
    clock.advance(seconds=1)
    assert len(await poll(feed_runtime)) == 1
    assert site.hits["/feed"] == 2


async def test_not_modified_keeps_the_validators_and_adds_nothing(feed_runtime, site, clock):
    async def conditional(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304)
        return web.Response(body=rss(item(1)).encode(), headers={"ETag": '"v1"'})

    source_id = add_source(feed_runtime, site.route("/feed", conditional))
    await poll(feed_runtime)
    clock.advance(seconds=900)
    [outcome] = await poll(feed_runtime)
    assert outcome.not_modified and outcome.added == []
    assert site.headers["/feed"][-1]["If-None-Match"] == '"v1"'
    source = source_row(feed_runtime, source_id)
    assert source.etag == '"v1"'
    assert source.last_fetched_at == clock.now
    assert source.next_poll_at == clock.now + timedelta(seconds=900)
    assert len(stored_articles(feed_runtime)) == 1


async def test_a_failing_feed_backs_off_exponentially_up_to_six_hours(feed_runtime, site, clock):
    source_id = add_source(feed_runtime, site.url("/missing"))
    waits = []
    for _ in range(6):
        await poll(feed_runtime)
        source = source_row(feed_runtime, source_id)
        waits.append(source.next_poll_at - clock.now)
        clock.now = source.next_poll_at
    assert [w.total_seconds() / 60 for w in waits] == [30, 60, 120, 240, 360, 360]
    assert source.error_count == 6
    assert source.last_error == "The server answered 404 Not Found."


async def test_admins_are_told_once_when_a_feed_keeps_failing(feed_runtime, site, clock):
    source_id = add_source(feed_runtime, site.url("/broken"), title="Harbour News")
    for attempt in range(1, 6):
        await poll(feed_runtime)
        told = notices(feed_runtime)
        assert len(told) == (0 if attempt < 3 else 2)
        clock.now = source_row(feed_runtime, source_id).next_poll_at
    assert sorted(n.chat_id for n in told) == ADMINS
    assert "Harbour News" in told[0].text and "404 Not Found" in told[0].text
    assert source_row(feed_runtime, source_id).admins_told


async def test_a_recovered_feed_resets_and_admins_hear_it_works_again(feed_runtime, site, clock):
    source_id = add_source(feed_runtime, site.url("/feed"), title="Harbour News")
    for _ in range(3):
        await poll(feed_runtime)
        clock.now = source_row(feed_runtime, source_id).next_poll_at
    site.put("/feed", rss(item(1)))
    [outcome] = await poll(feed_runtime)
    assert len(outcome.added) == 1
    source = source_row(feed_runtime, source_id)
    assert (source.error_count, source.last_error, source.admins_told) == (0, None, False)
    recovered = notices(feed_runtime)[2:]
    assert sorted(n.chat_id for n in recovered) == ADMINS
    assert all("works again" in n.text for n in recovered)
    # A second bad spell is news again.
    site.pages.pop("/feed")
    for _ in range(3):
        clock.now = source_row(feed_runtime, source_id).next_poll_at
        await poll(feed_runtime)
    assert len(notices(feed_runtime)) == 6


async def test_one_failing_feed_costs_no_other_feed_its_articles(feed_runtime, site):
    broken = add_source(feed_runtime, site.url("/down"))
    working = add_source(feed_runtime, site.put("/feed", rss(item(1), item(2))))
    outcomes = {o.source_id: o for o in await poll(feed_runtime)}
    assert outcomes[broken].error and len(outcomes[working].added) == 2
    assert len(stored_articles(feed_runtime, working)) == 2


async def test_an_internal_error_is_recorded_and_never_escapes(feed_runtime, site, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(polling, "parse_feed", explode)
    source_id = add_source(feed_runtime, site.put("/feed", rss(item(1))))
    [outcome] = await poll(feed_runtime)
    assert outcome.error == polling.INTERNAL_ERROR
    assert source_row(feed_runtime, source_id).error_count == 1


async def test_configured_feeds_become_trusted_sources_once(engine, database_url, clock, site):
    url = site.put("/feed", rss(item(1)))
    settings = make_settings(database_url, feeds=[url, url + "?utm_source=config"])
    runtime = Runtime(settings=settings, engine=engine, clock=clock)
    await Poller(runtime).poll_due()
    await Poller(runtime).poll_due()
    with runtime.session() as session:
        sources = session.exec(select(Source)).all()
    assert [(s.url, s.kind, s.trusted, s.active) for s in sources] == [(url, "feed", True, True)]
    assert len(stored_articles(runtime)) == 1


async def test_many_feeds_are_all_polled_in_one_pass(feed_runtime, site):
    for n in range(12):
        add_source(feed_runtime, site.put(f"/feed{n}", rss(item(n, guid=f"g{n}", link=None))))
    outcomes = await poll(feed_runtime)
    assert len(outcomes) == 12 and all(len(o.added) == 1 for o in outcomes)


# --- teasers and their pages --------------------------------------------------------------------


async def test_a_teaser_is_replaced_by_its_page(feed_runtime, site):
    site.put("/story/1", article_page(1), "text/html; charset=utf-8")
    add_source(feed_runtime, site.put("/feed", rss(teaser_item(1, site))))
    await poll(feed_runtime)
    [article] = stored_articles(feed_runtime)
    assert "pay rise of four percent" in article.text
    assert article.title == story_title(1)
    assert article.url == site.url("/story/1")


async def test_a_teaser_whose_page_fails_keeps_the_feed_text(feed_runtime, site):
    teaser = story_text(3)[:400] + "… Read more"
    add_source(feed_runtime, site.put("/feed", rss(item(3, link=site.url("/gone"), text=teaser))))
    await poll(feed_runtime)
    [article] = stored_articles(feed_runtime)
    assert article.text.endswith("Read more")
    assert site.hits["/gone"] == 1


@pytest.fixture
def second_internal_host(monkeypatch) -> str:
    """`intranet.test`: another server inside, at the same loopback address as the site."""

    async def resolve(host: str, port: int):
        if host not in ("127.0.0.1", "intranet.test"):
            raise FetchError(UNKNOWN_HOST)
        return [ipaddress.ip_address("127.0.0.1")]

    monkeypatch.setattr(fetch_module, "resolve_host", resolve)
    return "intranet.test"


def admin_page_behind(site: Site, host: str) -> tuple[str, str]:
    """An internal admin page on `host`, and a trusted feed's teaser entry pointing at it."""
    site.put("/admin", article_page(5).replace("Ferries", "Root passwords"), "text/html")
    link = site.url("/admin").replace("127.0.0.1", host)
    teaser = "Internal notes… Read more"
    return link, rss(item(5, link=link, text=story_text(5)[:300] + teaser))


async def test_a_trusted_feed_cannot_lead_to_another_internal_host(
    feed_runtime, site, second_internal_host
):
    """Admin trust covers the feed's own host: its entries' pages elsewhere get the guard."""
    _, feed = admin_page_behind(site, second_internal_host)
    add_source(feed_runtime, site.put("/feed", feed))
    [outcome] = await poll(feed_runtime)
    assert outcome.error is None  # the feed itself, on its trusted host, is polled
    assert site.hits["/admin"] == 0
    [article] = stored_articles(feed_runtime)
    assert "Root passwords" not in article.text and article.text.endswith("Read more")


async def test_allow_private_urls_lets_feed_pages_reach_other_internal_hosts(
    engine, database_url, clock, site, second_internal_host
):
    settings = make_settings(database_url, fetch_timeout_seconds=1.0, allow_private_urls=True)
    runtime = Runtime(settings=settings, engine=engine, clock=clock)
    _, feed = admin_page_behind(site, second_internal_host)
    add_source(runtime, site.put("/feed", feed))
    await poll(runtime)
    assert site.hits["/admin"] == 1
    [article] = stored_articles(runtime)
    assert "pay rise of four percent" in article.text


async def test_a_page_a_reader_sent_first_does_not_keep_the_story_from_the_feed(feed_runtime, site):
    """Sending a story's link before its feed is polled must not hide it from everyone."""
    from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
    from digests.ingest.sources.raw import RawArticle

    story = RawArticle(text=story_text(1), title=story_title(1), url="https://news.example/story/1")
    with feed_runtime.session() as session:
        page = ensure_source(session, kind="page", url="https://news.example")
        ingest_batch(session, prepare_batch([story]), source=page, owner_chat_id=42)
    add_source(feed_runtime, site.put("/feed", rss(item(1, guid=None))))
    [outcome] = await poll(feed_runtime)
    assert (len(outcome.added), outcome.duplicates) == (1, 0)
    owners = sorted((a.owner_chat_id or 0) for a in stored_articles(feed_runtime))
    assert owners == [0, 42]


async def test_known_stories_are_not_downloaded_again(feed_runtime, site, clock):
    site.put("/story/1", article_page(1), "text/html")
    add_source(feed_runtime, site.put("/feed", rss(teaser_item(1, site))))
    await poll(feed_runtime)
    clock.advance(seconds=900)
    await poll(feed_runtime)
    assert site.hits == Counter({"/feed": 2, "/story/1": 1})


async def test_pages_beyond_the_per_poll_cap_come_with_the_next_poll(
    feed_runtime, site, clock, monkeypatch
):
    monkeypatch.setattr(polling, "MAX_PAGES_PER_POLL", 2)
    for n in range(1, 4):
        site.put(f"/story/{n}", article_page(n), "text/html")
    newest_first = rss(*(teaser_item(n, site) for n in (3, 2, 1)))
    source_id = add_source(feed_runtime, site.put("/feed", newest_first, ETag='"v1"'))
    await poll(feed_runtime)
    assert [a.title for a in stored_articles(feed_runtime)] == [story_title(2), story_title(3)]
    assert source_row(feed_runtime, source_id).etag is None  # so the next poll is no 304
    clock.advance(seconds=900)
    await poll(feed_runtime)
    assert [a.title for a in stored_articles(feed_runtime)][-1] == story_title(1)
    assert source_row(feed_runtime, source_id).etag == '"v1"'
    assert site.hits["/story/2"] == site.hits["/story/3"] == 1


# --- the same story from two sources ------------------------------------------------------------


async def test_the_same_story_from_two_feeds_is_stored_once(feed_runtime, site):
    first = item(1, link="https://news.example/story/1?utm_source=rss&utm_medium=feed", guid="a-1")
    second = item(
        1,
        link="https://NEWS.example:443/story/1?fbclid=xyz#comments",
        guid="b-77",
        text=story_text(1, extra="Updated."),
    )
    add_source(feed_runtime, site.put("/a", rss(first)))
    add_source(feed_runtime, site.put("/b", rss(second)))
    outcomes = await poll(feed_runtime)
    assert sorted((len(o.added), o.duplicates) for o in outcomes) == [(0, 1), (1, 0)]
    [article] = stored_articles(feed_runtime)
    assert article.canonical_url == "https://news.example/story/1"


async def test_a_story_another_feed_brought_earlier_counts_as_a_duplicate(feed_runtime, site):
    story = item(1, link="https://news.example/story/1", guid="a-1")
    add_source(feed_runtime, site.put("/a", rss(story)))
    [first] = await poll(feed_runtime)
    assert (len(first.added), first.duplicates) == (1, 0)
    later = item(1, link="https://news.example/story/1?utm_source=x", guid="b-9")
    add_source(feed_runtime, site.put("/b", rss(later)))
    [second] = await poll(feed_runtime)
    assert (len(second.added), second.duplicates) == (0, 1)
    assert len(stored_articles(feed_runtime)) == 1


async def test_the_same_text_under_another_address_is_stored_once(feed_runtime, site):
    add_source(feed_runtime, site.put("/a", rss(item(1, link="https://one.example/x", guid="x"))))
    add_source(feed_runtime, site.put("/b", rss(item(1, link="https://two.example/y", guid="y"))))
    await poll(feed_runtime)
    assert len(stored_articles(feed_runtime)) == 1


async def test_short_guids_of_different_feeds_do_not_collide(feed_runtime, site):
    add_source(feed_runtime, site.put("/a", rss(item(1, guid="1", link=None))))
    add_source(feed_runtime, site.put("/b", rss(item(2, guid="1", link=None))))
    await poll(feed_runtime)
    assert len(stored_articles(feed_runtime)) == 2


# --- bad input ----------------------------------------------------------------------------------


async def endless(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": RSS})
    await response.prepare(request)
    try:
        while True:
            await response.write(b"<item>" + b"x" * 8192 + b"</item>")
    except (ConnectionError, asyncio.CancelledError):
        return response


async def trickle(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": RSS})
    await response.prepare(request)
    try:
        for byte in rss(item(1)).encode():
            await response.write(bytes([byte]))
            await asyncio.sleep(0.05)
    except (ConnectionError, asyncio.CancelledError):
        pass
    return response


async def redirect_loop(request: web.Request) -> web.Response:
    raise web.HTTPFound("/bad")


def not_well_formed() -> bytes:
    """Two whole items, then the download breaks off inside a third."""
    return rss(item(1), item(2)).replace("</channel></rss>", "<item><title>cut <b>off").encode()


def declared_utf8_but_windows_1251() -> bytes:
    text = "Паромное сообщение возобновлено после двухнедельной забастовки докеров. " * 6
    feed = rss(item(1, text=text), title="Новости гавани")
    return feed.encode("cp1251")


GOOD_FEEDS = {
    "not well-formed": (not_well_formed(), RSS, 2),
    "wrong encoding": (declared_utf8_but_windows_1251(), f"{RSS}; charset=utf-8", 1),
    "duplicate guids": (rss(item(1), item(2, guid="story-1"), item(3)).encode(), RSS, 2),
    "no links or dates": (rss(item(1, link=None, guid=None, date=False)).encode(), RSS, 1),
}
BAD_FEEDS = {
    "html as a feed": (article_page(1).encode(), RSS, "This is a web page, not a feed."),
    "binary": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, RSS, "This is binary data"),
    "empty body": (b"", RSS, "The feed is empty."),
    "json but no feed": (b'{"hello": "world"}', "application/json", "not a JSON Feed"),
    "gzip bomb": (gzip.compress(b"<rss>" + b" " * (21 * 1024 * 1024)), RSS, "too large"),
}
BAD_SERVERS = {
    "endless stream": (endless, "larger than 256 KB"),
    "slow trickle": (trickle, "took too long"),
    "redirect loop": (redirect_loop, "Too many redirects."),
}


async def poll_beside_a_good_feed(runtime: Runtime, site: Site, url: str) -> Source:
    """Poll the feed under test next to a healthy one, which must not suffer for it."""
    source_id = add_source(runtime, url)
    healthy = add_source(runtime, site.put("/healthy", rss(item(7, guid="healthy"))))
    outcomes = await poll(runtime)
    assert len(outcomes) == 2
    assert [a.title for a in stored_articles(runtime, healthy)] == [story_title(7)]
    return source_row(runtime, source_id)


@pytest.mark.parametrize(("body", "content_type", "count"), GOOD_FEEDS.values(), ids=GOOD_FEEDS)
async def test_damaged_feeds_still_give_their_articles(
    feed_runtime, site, body, content_type, count
):
    source = await poll_beside_a_good_feed(feed_runtime, site, site.put("/bad", body, content_type))
    articles = stored_articles(feed_runtime, source.id)
    assert len(articles) == count
    assert source.error_count == 0
    assert all("\ufffd" not in a.text and "Ð" not in a.text for a in articles)


@pytest.mark.parametrize(("body", "content_type", "reason"), BAD_FEEDS.values(), ids=BAD_FEEDS)
async def test_things_that_are_not_feeds_are_failures(
    feed_runtime, site, body, content_type, reason
):
    source = await poll_beside_a_good_feed(feed_runtime, site, site.put("/bad", body, content_type))
    assert stored_articles(feed_runtime, source.id) == []
    assert source.error_count == 1 and reason in source.last_error


@pytest.mark.parametrize(("handler", "reason"), BAD_SERVERS.values(), ids=BAD_SERVERS)
async def test_hostile_servers_are_failures(feed_runtime, site, handler, reason):
    source = await poll_beside_a_good_feed(feed_runtime, site, site.route("/bad", handler))
    assert source.error_count == 1 and reason in source.last_error


def hard_sample_rows() -> list:
    """Real captured feeds and every broken, mis-encoded or compressed sample (the parser's own
    tests cover the rest of the well-formed hand-written cases)."""
    if not FEEDS_DEV.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason="no shared/ingest samples"))]
    rows = [json.loads(line) for line in (FEEDS_DEV / "INDEX.jsonl").read_text().splitlines()]
    return [
        pytest.param(row, id=row["file"])
        for row in rows
        if row["origin"] == "app-fixture"
        or not row["wellformed"]
        or row.get("compression")
        or "encoding" in row["file"]
    ]


@pytest.mark.parametrize("row", hard_sample_rows())
async def test_sample_feeds_through_the_poller(feed_runtime, site, row):
    headers = {k.lower(): v for k, v in (row.get("http_headers") or {}).items()}
    body = (FEEDS_DEV / row["file"]).read_bytes()
    url = site.put("/sample", body, headers.get("content-type", "application/xml"))
    source = await poll_beside_a_good_feed(feed_runtime, site, url)
    assert (source.error_count == 0) == (source.last_error is None)
    articles = stored_articles(feed_runtime, source.id)
    assert all(len(a.text) >= 200 and a.title for a in articles)
    guids = [a.guid for a in articles if a.guid]
    assert len(guids) == len(set(guids))
