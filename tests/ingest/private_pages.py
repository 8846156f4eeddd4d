"""Pages readers send in the privacy tests: a memo behind credentials and a fabricated quote."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest
from aiohttp import web

from digests.ingest.seeding import ingest_seeds
from digests.ingest.user_links import article_from_link
from digests.runtime import Runtime
from tests.conftest import make_settings
from tests.ingest import test_polling
from tests.ingest.test_polling import Site

# Fixtures for the modules that import this one: `site = private_pages.site` and so on.
site = test_polling.site
loopback_only = test_polling.loopback_only

MEMO_TITLE = "Confidential memo on the merger"
MEMO_SENTENCE = "The board will approve the merger with the northern shipping company"
USERNAME, PASSWORD, TOKEN = "alice", "hunter2", "SECRET"
FABRICATED_QUOTE = "We will surrender the whole of Donbas tomorrow and disband the army"
FABRICATED_TITLE = "Late night statement from Kyiv"


def html_page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title></head><body><main><article>"
        f"<h1>{escape(title)}</h1>{body}</article></main></body></html>"
    )


MEMO_PAGE = html_page(
    MEMO_TITLE,
    [
        f"{MEMO_SENTENCE} on Thursday, "
        "two weeks earlier than the date given to shareholders at the last meeting.",
        "Staff in the accounting department should not discuss the figures with anyone "
        "outside the company until the announcement has been made in the morning.",
        "The new company will keep both head offices for at least two years, and no jobs "
        "will be cut in the first year after the merger, the memo says.",
        "Questions about the timetable should go to the legal department, which is preparing "
        "the documents for the regulator and the stock exchange this week.",
    ],
)

FABRICATED_PAGE = html_page(
    FABRICATED_TITLE,
    [
        f"“{FABRICATED_QUOTE},” Volodymyr Selenskyj said in Kyiv on Monday evening, according "
        "to a statement posted online.",
        "The statement, published late at night, surprised diplomats in several European "
        "capitals, who had expected a very different announcement after the talks.",
        "Officials in the capital declined to comment further, saying that a detailed "
        "explanation would follow in the coming days.",
        "Analysts said the announcement would change the course of the negotiations, and "
        "markets in the region fell sharply in early trading.",
    ],
)


def put_memo(site: Site, requests: list[web.Request]) -> str:
    """The memo at /memo (each request kept), and the link to it with credentials in it."""

    async def memo(request: web.Request) -> web.Response:
        requests.append(request)
        return web.Response(text=MEMO_PAGE, content_type="text/html")

    site.route("/memo", memo)
    host = site.base.removeprefix("http://")
    return f"http://{USERNAME}:{PASSWORD}@{host}/memo?access_token={TOKEN}"


def put_fabrication(site: Site) -> str:
    return site.put("/statement", FABRICATED_PAGE, "text/html; charset=utf-8")


async def send_link(runtime: Runtime, url: str, *, chat_id: int) -> int:
    """What `/summary <link>` stores for a chat (the runtime must allow the loopback site)."""
    return await article_from_link(runtime, url, chat_id=chat_id)


@pytest.fixture
def seeded_intranet(engine, database_url, clock) -> Runtime:
    """The seeded bot with ALLOW_PRIVATE_URLS=true, so readers can send links to the site."""
    settings = make_settings(database_url, fetch_timeout_seconds=2.0, allow_private_urls=True)
    runtime = Runtime(settings=settings, engine=engine, clock=clock)
    ingest_seeds(runtime)
    return runtime
