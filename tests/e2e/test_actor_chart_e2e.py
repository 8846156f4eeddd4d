"""/actor's timeline chart end to end: offered once a person was in the news on three days,
sent as a photo through sendPhoto, and never drawn from what only one reader may see."""

from __future__ import annotations

import asyncio
import struct
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from digests.actors.store import activity_by_day
from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.store.tables import Actor, Article, Mention, Statement
from digests.timezones import UTC_ZONE
from tests.actors.dated_news import dated_article, putin_in_the_news
from tests.e2e.test_bot_e2e import answer_to, button, say
from tests.e2e.test_topics_e2e import FORUM, forum, in_topic

READER, ALICE, BOB = 3101, 3102, 3103
CHART = "Timeline chart"
NO_CHART = "There is no timeline to draw for that person."
DRAWING = 60.0  # seconds allowed for the first chart: a worker starts and imports matplotlib


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk, the first after the signature."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def offers_chart(message) -> bool:
    return any(b["text"] == CHART for b in message.buttons)


async def test_a_person_in_the_news_on_three_days_gets_a_timeline_photo(live_bot, emulator):
    # The seeds report Putin today (and once more over a year earlier): one day, no chart.
    [profile] = await say(emulator, "/actor Putin", chat_id=READER)
    assert profile.plain_text.startswith("Vladimir Putin") and not offers_chart(profile)

    await asyncio.to_thread(putin_in_the_news, live_bot, 1, 3)
    [profile] = await say(emulator, "/actor Putin", chat_id=READER)
    pressed = button(profile, CHART)["callback_data"]
    assert len(pressed.encode()) <= 64
    emulator.user_presses(READER, profile.message_id, button(profile, "Next")["callback_data"])
    assert offers_chart(await emulator.wait_for_edit(READER, profile.message_id))  # every page

    before = len(emulator.sent(READER))
    emulator.user_presses(READER, profile.message_id, pressed)
    [chart] = (await emulator.wait_for_messages(READER, before + 1, timeout=DRAWING))[before:]
    assert chart.photo is not None and chart.parse_mode == "HTML"
    assert png_size(emulator.files.get(chart.photo[-1]["file_id"]).data) == (800, 400)
    assert chart.photo[-1]["file_size"] < 200_000  # small beside Telegram's 10 MB
    assert chart.plain_text.startswith("Vladimir Putin\nStatements and other mentions per day")
    first = datetime.now(UTC) - timedelta(days=3)  # the chat has no zone: the default, UTC
    assert f"per day (UTC), {first:%d %b %Y} – " in chart.plain_text
    putin = await asyncio.to_thread(actor_id, live_bot, "Vladimir Putin")
    days = await asyncio.to_thread(activity, live_bot, putin)
    assert len(days) == 3  # the seeds today, yesterday, three days ago
    said, named = sum(d.statements for d in days), sum(d.mentions for d in days)
    assert chart.plain_text.endswith(f"Statements: {said} · other mentions: {named}")
    assert [name for name, _ in emulator.requests].count("sendPhoto") == 1


async def test_a_german_reader_gets_the_chart_in_german(live_bot, emulator):
    await asyncio.to_thread(putin_in_the_news, live_bot, 1, 3)
    [profile] = await say(emulator, "/actor Putin", chat_id=READER, language_code="de")
    before = len(emulator.sent(READER))
    emulator.user_presses(
        READER, profile.message_id, button(profile, "Verlauf als Diagramm")["callback_data"]
    )
    [chart] = (await emulator.wait_for_messages(READER, before + 1, timeout=DRAWING))[before:]
    assert "Aussagen und andere Erwähnungen pro Tag (UTC)" in chart.plain_text
    assert "Statements" not in chart.plain_text


async def test_a_chart_pressed_in_a_forum_topic_comes_to_that_topic(live_bot, emulator):
    [talks] = forum(emulator, "Talks")
    await asyncio.to_thread(putin_in_the_news, live_bot, 1, 3)
    [profile] = await in_topic(emulator, "/actor Putin", talks)
    before = len(emulator.sent(FORUM))
    emulator.user_presses(FORUM, profile.message_id, button(profile, CHART)["callback_data"])
    [chart] = (await emulator.wait_for_messages(FORUM, before + 1, timeout=DRAWING))[before:]
    assert chart.photo is not None and chart.message_thread_id == talks


async def test_a_forged_chart_button_draws_nothing_only_one_reader_may_see(live_bot, emulator):
    secret = await asyncio.to_thread(someone_only_in_alices_pages, live_bot)
    [latest] = await say(emulator, "/latest", chat_id=BOB)
    starmer = await asyncio.to_thread(actor_id, live_bot, "Keir Starmer")  # in one seed only
    for forged in (secret, starmer, 999_999):
        query = emulator.user_presses(BOB, latest.message_id, f"chart:{forged}", forged=True)
        answer = await answer_to(emulator, query)
        assert answer.text == NO_CHART and answer.show_alert, forged
    assert len(emulator.sent(BOB)) == 1  # /latest's answer, nothing since
    assert "sendPhoto" not in [name for name, _ in emulator.requests]


def someone_only_in_alices_pages(runtime) -> int:
    """A person whose every statement is in pages Alice sent: recorded there as if an older
    version had kept actors of readers' pages, so only the chart's own check keeps them out."""
    with runtime.session() as session:
        site = ensure_source(session, kind="page", url="https://intranet.example")
        pages = prepare_batch([dated_article(n) for n in (0, 1, 2)])
        report = ingest_batch(session, pages, source=site, owner_chat_id=ALICE)
        assert len(report.added) == 3, report.rejected
        person = Actor(name="Ivan Secretov", mention_count=3)
        session.add(person)
        session.flush()
        for article_id in report.added:
            sentence = "“The plan is ready,” Secretov said."
            listed_at = session.get_one(Article, article_id).listed_at
            session.add(
                Statement(
                    actor_id=person.id,
                    article_id=article_id,
                    kind="quote",
                    text="The plan is ready",
                    sentence=sentence,
                    listed_at=listed_at,
                )
            )
            session.add(
                Mention(
                    actor_id=person.id,
                    article_id=article_id,
                    sentence=sentence,
                    listed_at=listed_at,
                )
            )
        return person.id


def actor_id(runtime, name: str) -> int:
    with runtime.session() as session:
        return session.exec(select(Actor.id).where(Actor.name == name)).one()


def activity(runtime, actor: int):
    with runtime.session() as session:
        return activity_by_day(session, actor, zone=UTC_ZONE)
