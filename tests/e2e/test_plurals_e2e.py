"""Counts read right, with 1 as with 2: "1 statement, mentioned 1 time", "this goes to
1 subscriber", "2 new articles in 1 story", "1 new article", "1 article"."""

from __future__ import annotations

import asyncio
import re

from digests.ingest.sources.raw import RawArticle
from tests.e2e.test_bot_e2e import say
from tests.e2e.test_feeds_e2e import ADMIN, become_instant_subscriber, message_containing
from tests.e2e.test_stories_e2e import feeds_publish
from tests.ingest import test_polling
from tests.ingest.test_polling import item, rss
from tests.stories.reports import GRAIN_DEAL, GRAIN_DEAL_ELSEWHERE

site = test_polling.site
loopback_only = test_polling.loopback_only

READER, OTHER = 2501, 2502
QUAY = RawArticle(
    title="Harbour quay to reopen by Friday",
    url="https://news.example/quay",
    text=(
        "The harbour will reopen by Friday after two days of storms closed it, Mayor Anna "
        "Kowalska said on Tuesday. Ferries to the islands will run on the summer timetable from "
        "Monday next week, officials said. Fishing boats keep their moorings until the autumn."
    ),
)
LIGHTS = RawArticle(
    title="New lights for the harbour quay",
    url="https://news.example/lights",
    text=(
        "The quay will get new lights before the winter, Mayor Anna Kowalska said on Thursday. "
        "The council approved the money for the work at its meeting on Wednesday evening, and "
        "the harbour office will choose a contractor next month, Kowalska added."
    ),
)
COUNTED = re.compile(r"(\d+) (statements?|times?|subscribers?|new articles?|stor(?:y|ies))\b")


def agree(text: str) -> list[str]:
    """Every count in the text, checked to take the form its number needs."""
    found = COUNTED.findall(text)
    for number, noun in found:
        singular = noun in {"statement", "time", "subscriber", "new article", "story"}
        assert singular == (number == "1"), f"{number} {noun} in {text!r}"
    return [f"{number} {noun}" for number, noun in found]


async def test_counts_of_one_and_of_two_read_right(live_bot, emulator):
    await become_instant_subscriber(emulator, READER)
    await asyncio.to_thread(feeds_publish, live_bot, ("Harbour", [QUAY]))
    digest = await message_containing(emulator, READER, QUAY.title)
    assert agree(digest.plain_text)[:1] == ["1 new article"]

    [profile] = await say(emulator, "/actor Kowalska", chat_id=READER)
    assert "1 statement, mentioned 1 time" in profile.plain_text
    [ranked] = await say(emulator, "/actors", chat_id=READER)
    assert "Anna Kowalska (1 mention)" in [b["text"] for b in ranked.buttons]
    [preview] = await say(emulator, "/breaking Storm warning", chat_id=ADMIN)
    assert "this goes to 1 subscriber:" in preview.plain_text
    assert "Send to 1 subscriber" in [b["text"] for b in preview.buttons]

    await asyncio.to_thread(feeds_publish, live_bot, ("Harbour", [LIGHTS]))
    await message_containing(emulator, READER, LIGHTS.title)
    [profile] = await say(emulator, "/actor Kowalska", chat_id=READER)
    counts = agree(profile.plain_text)
    assert counts[0].endswith("statements") and counts[1].endswith("times")
    [ranked] = await say(emulator, "/actors", chat_id=READER)
    assert any(re.fullmatch(r"Anna Kowalska \(\d+ mentions\)", b["text"]) for b in ranked.buttons)

    [subscribed] = await say(emulator, "/subscribe", chat_id=OTHER)
    assert "Subscribed" in subscribed.plain_text
    [preview] = await say(emulator, "/breaking Storm warning", chat_id=ADMIN)
    assert "this goes to 2 subscribers:" in preview.plain_text
    await asyncio.to_thread(
        feeds_publish, live_bot, ("Harbour", [GRAIN_DEAL]), ("Valley", [GRAIN_DEAL_ELSEWHERE])
    )
    digest = await message_containing(emulator, READER, GRAIN_DEAL.title)
    assert agree(digest.plain_text)[:2] == ["2 new articles", "1 story"]
    [stats] = await say(emulator, "/stats", chat_id=ADMIN)
    assert "Feeds of their own: 0 in 0 chats" in stats.plain_text


async def test_feed_counts_read_right(live_bot, emulator, site):
    [one] = await say(emulator, f"/addfeed {site.put('/one.xml', rss(item(1)))}", chat_id=ADMIN)
    assert "First poll: 1 new article." in one.plain_text
    [two] = await say(
        emulator, f"/addfeed {site.put('/two.xml', rss(item(2), item(3)))}", chat_id=ADMIN
    )
    assert "First poll: 2 articles (1 older one for /latest" in two.plain_text  # a backlog of 1
    [listing] = await say(emulator, "/feeds", chat_id=ADMIN)
    first, second = listing.plain_text.split("\n\n")[1:]
    assert "· 1 article" in first and "· 2 articles" in second
