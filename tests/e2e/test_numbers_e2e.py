"""One numbering, the one the reader sees: /latest shows each story as "#N", and /story N,
/summary N and the button beside it all open that same story. A page a reader sent or a chat's
own feed takes no number, so the numbers everyone reads have no gaps, and a number or a button
forged in another chat finds nothing, exactly like a number never given."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest
from sqlmodel import func, select

from digests.ingest.sources.raw import RawArticle
from digests.store.tables import Article, Story
from tests.e2e.test_bot_e2e import USER, button, eventually, say
from tests.e2e.test_feeds_e2e import become_instant_subscriber, message_containing, publish
from tests.e2e.test_own_sources_e2e import own_feeds_bot
from tests.e2e.test_stories_e2e import feeds_publish
from tests.ingest import private_pages
from tests.ingest.private_pages import MEMO_TITLE, put_memo
from tests.ingest.test_polling import story_title
from tests.stories.reports import GRAIN_DEAL, GRAIN_DEAL_ELSEWHERE

site = private_pages.site
loopback_only = private_pages.loopback_only

ALICE, BOB = 2301, 2302
LISTED = re.compile(r"^#(\d+) (.+)$", re.M)
GONE = ("That article is no longer available.", "That story is no longer available.")
NEWS = RawArticle(
    title="Harbour reopens after the storm",
    text="The harbour reopened on Tuesday after two days of storms closed it to ships. " * 4,
    url="https://news.example/harbour-reopens",
)


@pytest.fixture
async def open_bot(engine, database_url, clock, emulator) -> AsyncIterator:
    """Readers may send links to the test site (127.0.0.1) and add feeds of their own."""
    async for running in own_feeds_bot(
        engine, database_url, clock, emulator, allow_private_urls=True
    ):
        yield running


def newest_story(runtime) -> int:
    with runtime.session() as session:
        return session.exec(select(func.max(Story.id))).one()


async def press(emulator, chat_id: int, message, data: str, *, forged: bool = False):
    """Press a button (or forge one); the new message it sends, or its notice."""
    before = len(emulator.sent(chat_id))
    pressed = emulator.user_presses(chat_id, message.message_id, data, forged=forged)
    await eventually(
        lambda: (
            len(emulator.sent(chat_id)) > before
            or any(a.callback_query_id == pressed and a.text for a in emulator.callback_answers)
        )
    )
    if len(emulator.sent(chat_id)) > before:
        return emulator.sent(chat_id)[before].plain_text
    return next(a.text for a in emulator.callback_answers if a.callback_query_id == pressed)


async def test_latest_story_summary_and_buttons_share_one_numbering(live_bot, emulator):
    [latest] = await say(emulator, "/latest")
    listed = LISTED.findall(latest.plain_text)
    numbers = sorted(int(number) for number, _ in listed)
    assert len(listed) == 5 and numbers == list(range(numbers[0], numbers[0] + 5))  # no gaps
    first, _ = listed[0]
    assert f"/summary {first} sums up story #{first}, /story {first} its timeline." in (
        latest.plain_text
    )
    opens = [b["callback_data"] for b in latest.buttons if "summary" in b["text"].lower()]
    for (number, title), data in zip(listed, opens, strict=True):
        heading = f"#{number} {title}"
        [summary] = await say(emulator, f"/summary {number}")
        [timeline] = await say(emulator, f"/story #{number}")
        by_button = await press(emulator, USER, latest, data)
        for shown in (summary.plain_text, timeline.plain_text, by_button):
            assert shown.startswith(heading + "\n"), (heading, shown[:80])
        assert summary.plain_text == by_button  # the button beside #N is /summary N


async def test_summary_of_a_story_of_several_reports_draws_on_all_of_them(live_bot, emulator):
    await asyncio.to_thread(
        feeds_publish, live_bot, ("Harbour", [GRAIN_DEAL]), ("Valley", [GRAIN_DEAL_ELSEWHERE])
    )
    number = newest_story(live_bot)
    [latest] = await say(emulator, "/latest")
    assert f"#{number} {GRAIN_DEAL.title}\n2 sources: Harbour News, Valley News" in (
        latest.plain_text
    )
    [summary] = await say(emulator, f"/summary {number}")
    heading, reported, _, *bullets = summary.plain_text.split("\n")
    assert heading == f"#{number} {GRAIN_DEAL.title}"
    assert reported.startswith("2 sources: Harbour News, Valley News · ")
    assert len(bullets) == 2 and all(line.startswith("• ") for line in bullets)
    quoted = [line.removeprefix("• ") for line in bullets]
    assert all(s in GRAIN_DEAL.text or s in GRAIN_DEAL_ELSEWHERE.text for s in quoted)
    assert [b["text"] for b in summary.buttons] == ["✓ Short", "Medium", "Long", "Timeline"]

    emulator.user_presses(USER, summary.message_id, button(summary, "Long")["callback_data"])
    longer = await emulator.wait_for_edit(USER, summary.message_id)
    assert longer.plain_text.startswith(f"#{number} {GRAIN_DEAL.title}\n")
    assert longer.plain_text.count("• ") > 2 and "✓ Long" in [b["text"] for b in longer.buttons]
    timeline = await press(emulator, USER, summary, button(summary, "Timeline")["callback_data"])
    assert timeline.startswith(f"#{number} {GRAIN_DEAL.title}\n")
    assert GRAIN_DEAL_ELSEWHERE.title in timeline


async def test_pages_and_own_feeds_take_no_number_and_forged_numbers_find_nothing(
    open_bot, emulator, site
):
    before = newest_story(open_bot)
    [memo] = await say(emulator, f"/summary {put_memo(site, [])}", chat_id=ALICE)
    assert memo.plain_text.startswith(f"{MEMO_TITLE}\n")  # hers alone: no story, no number
    await become_instant_subscriber(emulator, ALICE)
    publish(site, 1)
    [added] = await say(emulator, f"/addfeed {site.url('/feed.xml')}", chat_id=ALICE)
    assert "Feed added for this chat only" in added.plain_text and "#" not in added.plain_text
    own = await message_containing(emulator, ALICE, story_title(1))
    assert not re.search(r"#\d", own.plain_text)
    [own_summary] = await say(emulator, f"/summary {story_title(1)}", chat_id=ALICE)
    assert own_summary.plain_text.startswith(f"{story_title(1)}\n")
    assert newest_story(open_bot) == before  # neither took a number

    await asyncio.to_thread(feeds_publish, open_bot, ("Harbour", [NEWS]))
    [latest] = await say(emulator, "/latest", chat_id=BOB)
    assert f"#{before + 1} {NEWS.title}" in latest.plain_text  # the next number: no gap

    with open_bot.session() as session:
        private = session.exec(
            select(Article.id).where(Article.owner_chat_id == ALICE).order_by(Article.id)
        ).all()
    assert len(private) == 2  # the memo and the article of her own feed
    unknown = before + 2
    for chat in (BOB, ALICE):  # a number no story has is no one's, not even hers
        for line in (f"/summary {unknown}", f"/story {unknown}"):
            [reply] = await say(emulator, line, chat_id=chat)
            assert reply.plain_text == f"There is no story #{unknown}. See /latest for the list."
    forged = [f"sum:{article}" for article in private] + [f"read:{private[0]}"]
    forged += [f"ssum:{unknown}", f"ssum:{unknown}:long", f"story:{unknown}"]
    [bobs] = await say(emulator, "/help", chat_id=BOB)
    for data in forged:
        assert await press(emulator, BOB, bobs, data, forged=True) in GONE, data
    assert not any(MEMO_TITLE in m.plain_text for m in emulator.sent(BOB))
    assert not any(story_title(1) in m.plain_text for m in emulator.sent(BOB))
