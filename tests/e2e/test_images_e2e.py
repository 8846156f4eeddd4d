"""Articles' pictures end to end: a feed's image tops the digest and /summary as a large link
preview above the text; with /settings images off, and for an article without one, no preview."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from sqlmodel import select

from digests.store.tables import Article
from tests.e2e.test_bot_e2e import button, say
from tests.e2e.test_feeds_e2e import ADMIN, become_instant_subscriber, message_containing
from tests.ingest import test_polling
from tests.ingest.test_polling import rss
from tests.news import arrive, event, event_item, event_title

site = test_polling.site
loopback_only = test_polling.loopback_only

READER = 5001
NO_PREVIEW = {"is_disabled": True}


def large_above(url: str) -> dict:
    return {"url": url, "prefer_large_media": True, "show_above_text": True}


def story_number(runtime, title: str) -> int:
    with runtime.session() as session:
        return session.exec(select(Article.story_id).where(Article.title == title)).one()


async def test_a_feeds_picture_tops_the_digest_and_the_summary(live_bot, emulator, site):
    await become_instant_subscriber(emulator, READER)
    enclosure = "<enclosure url='/photos/harbour.jpg' type='image/jpeg' length='1'/>"
    feed = rss(event_item(1).replace("<item>", f"<item>{enclosure}", 1))
    [added] = await say(emulator, f"/addfeed {site.put('/feed.xml', feed)}", chat_id=ADMIN)
    assert added.plain_text.startswith("Feed added")
    picture = site.url("/photos/harbour.jpg")

    digest = await message_containing(emulator, READER, "Your digest")
    assert event_title(1) in digest.plain_text
    assert digest.link_preview_options == large_above(picture)
    number = await asyncio.to_thread(story_number, live_bot, event_title(1))
    [summary] = await say(emulator, f"/summary {number}", chat_id=READER)
    assert summary.plain_text.startswith(f"#{number} {event_title(1)}")
    assert summary.link_preview_options == large_above(picture)
    assert not site.hits["/photos/harbour.jpg"]  # Telegram loads it, never the bot

    # Another length keeps the picture: the summary is edited in place, preview and all.
    emulator.user_presses(READER, summary.message_id, button(summary, "Medium")["callback_data"])
    medium = await emulator.wait_for_edit(READER, summary.message_id)
    assert medium.link_preview_options == large_above(picture)

    # The seed stories have no picture: no preview at all (not the first link of the text).
    [seed] = await say(emulator, "/summary 1", chat_id=READER)
    assert seed.link_preview_options == NO_PREVIEW


async def test_with_images_off_no_preview_shows(live_bot, emulator):
    await become_instant_subscriber(emulator, READER)
    [card] = await say(emulator, "/settings", chat_id=READER)
    assert "✓ Images on" in [b["text"] for b in card.buttons]
    emulator.user_presses(READER, card.message_id, button(card, "Images off")["callback_data"])
    edited = await emulator.wait_for_edit(READER, card.message_id)
    assert "✓ Images off" in [b["text"] for b in edited.buttons]
    assert "Images: off" in edited.plain_text

    pictured = replace(event(2), image_url="https://img.example/two.jpg")
    await asyncio.to_thread(arrive, live_bot, [pictured])
    digest = await message_containing(emulator, READER, event_title(2))
    assert digest.link_preview_options == NO_PREVIEW
    number = await asyncio.to_thread(story_number, live_bot, event_title(2))
    [summary] = await say(emulator, f"/summary {number}", chat_id=READER)
    assert summary.link_preview_options == NO_PREVIEW

    [saved] = await say(emulator, "/settings images on", chat_id=READER)
    assert "Saved." in saved.plain_text and "Images: shown" in saved.plain_text
    [again] = await say(emulator, f"/summary {number}", chat_id=READER)
    assert again.link_preview_options == large_above("https://img.example/two.jpg")
    [wrong] = await say(emulator, "/settings images maybe", chat_id=READER)
    assert wrong.plain_text == "Images are on or off, for example /settings images off."


async def test_a_chat_without_a_subscription_turns_images_off_too(live_bot, emulator):
    pictured = replace(event(3), image_url="https://img.example/three.jpg")
    await asyncio.to_thread(arrive, live_bot, [pictured])
    number = await asyncio.to_thread(story_number, live_bot, event_title(3))
    [shown] = await say(emulator, f"/summary {number}", chat_id=READER)
    assert shown.link_preview_options == large_above("https://img.example/three.jpg")
    [saved] = await say(emulator, "/settings images off", chat_id=READER)
    assert saved.plain_text.startswith("Saved.")
    [hidden] = await say(emulator, f"/summary {number}", chat_id=READER)
    assert hidden.link_preview_options == NO_PREVIEW
