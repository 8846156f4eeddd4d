"""Stories end to end: two feeds report the same events; the reader gets each story once, with
its sources, then only what is new, and /latest and the timeline show the story."""

from __future__ import annotations

import asyncio

from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from tests.e2e.test_bot_e2e import button, say
from tests.e2e.test_feeds_e2e import become_instant_subscriber, message_containing
from tests.stories.reports import CONVOY_SAILS, GRAIN_DEAL, GRAIN_DEAL_ELSEWHERE, TANK_FACTORY

READER = 3001


def feeds_publish(runtime, *published: tuple[str, list]) -> None:
    """Each (outlet, articles) stored in one transaction, so one digest tick sees them all."""
    with runtime.session() as session:
        for outlet, raws in published:
            url = f"https://{outlet.lower()}.example/feed"
            source = ensure_source(session, kind="feed", url=url, title=f"{outlet} News")
            ingest_batch(session, prepare_batch(raws), source=source)


async def test_two_feeds_on_the_same_events_reach_the_reader_as_stories(live_bot, emulator):
    await become_instant_subscriber(emulator, READER)
    await asyncio.to_thread(
        feeds_publish,
        live_bot,
        ("Harbour", [GRAIN_DEAL]),
        ("Valley", [GRAIN_DEAL_ELSEWHERE, TANK_FACTORY]),
    )

    digest = await message_containing(emulator, READER, "3 new articles in 2 stories")
    assert digest.plain_text.count(GRAIN_DEAL.title) == 1
    assert GRAIN_DEAL_ELSEWHERE.title not in digest.plain_text
    assert "2 sources: Harbour News, Valley News" in digest.plain_text
    assert TANK_FACTORY.title in digest.plain_text

    await asyncio.to_thread(feeds_publish, live_bot, ("Harbour", [CONVOY_SAILS]))
    update = await message_containing(emulator, READER, f"Update: {GRAIN_DEAL.title}")
    assert "Chicago" not in update.plain_text  # the reader had that already

    [latest] = await say(emulator, "/latest", chat_id=READER)
    assert "3 sources: Harbour News, Valley News" not in latest.plain_text  # two outlets
    assert "2 sources: Harbour News, Valley News" in latest.plain_text
    assert latest.plain_text.count(GRAIN_DEAL.title) == 1
    timeline_button = button(latest, "Timeline: ")
    before = len(emulator.sent(READER))
    emulator.user_presses(READER, latest.message_id, timeline_button["callback_data"])
    [timeline, *_] = (await emulator.wait_for_messages(READER, before + 1))[before:]
    text = timeline.plain_text
    assert "Timeline" in text and "Summary" in text
    for title in (GRAIN_DEAL.title, GRAIN_DEAL_ELSEWHERE.title, CONVOY_SAILS.title):
        assert title in text
    assert text.index(GRAIN_DEAL.title) < text.index(CONVOY_SAILS.title)  # by time
    assert "Harbour News" in text and "Valley News" in text
