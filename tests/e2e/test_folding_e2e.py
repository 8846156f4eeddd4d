"""Long summaries fold: past a few lines, a digest's and /summary's summary is an expandable
blockquote (Telegram shows its first lines, the rest at a tap); a short one stays as it is."""

from __future__ import annotations

import asyncio

from tests.e2e.test_bot_e2e import say
from tests.e2e.test_feeds_e2e import become_instant_subscriber, message_containing
from tests.e2e.test_images_e2e import story_number
from tests.news import arrive, event, event_title

READER = 5101


def quotes(message) -> list[str]:
    """The text of each expandable blockquote in a message, as the reader's app sees it."""
    text = message.plain_text.encode("utf-16-le")
    return [
        text[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in message.entities
        if e["type"] == "expandable_blockquote"
    ]


async def test_long_summaries_fold_in_the_digest_and_in_summary(live_bot, emulator):
    await become_instant_subscriber(emulator, READER)
    [saved] = await say(emulator, "/settings length long", chat_id=READER)
    assert "Summary length: long" in saved.plain_text
    await asyncio.to_thread(arrive, live_bot, [event(7)])

    digest = await message_containing(emulator, READER, event_title(7))
    [folded] = quotes(digest)
    assert len(folded) > 200 and folded in digest.plain_text
    assert digest.plain_text.index(event_title(7)) < digest.plain_text.index(folded)
    number = await asyncio.to_thread(story_number, live_bot, event_title(7))
    [summary] = await say(emulator, f"/summary {number}", chat_id=READER)
    [bullets] = quotes(summary)
    assert bullets.startswith("• ") and bullets.count("\n• ") >= 3

    [saved] = await say(emulator, "/settings length short", chat_id=READER)
    [short] = await say(emulator, f"/summary {number}", chat_id=READER)
    assert quotes(short) == [] and "• " in short.plain_text  # two sentences: no fold
