"""The router answers everything: numbers past the database's, forged buttons, strangers at admin
commands and over-long input each get a clear sentence, never an exception (both databases)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from bot import router
from bot.conversation import Answer, Asker
from digests.actors.store import lookup_actors
from digests.delivery.message import to_plain_text
from digests.runtime import Runtime
from digests.store.tables import Broadcast, OutboxMessage, Source
from digests.subscriptions.subscribers import ChatInfo
from tests.actors.dated_news import putin_in_the_news

ADMIN_ID = 900
READER = Asker(user_id=2001, chat=ChatInfo(id=2001))
ADMIN = Asker(user_id=ADMIN_ID, chat=ChatInfo(id=ADMIN_ID))
HUGE = "99999999999999999999"  # past PostgreSQL's INTEGER and BIGINT, and SQLite's too
JUST_PAST = str(2**31)  # past PostgreSQL's INTEGER only


@pytest.fixture
def bot(seeded: Runtime) -> Runtime:
    settings = seeded.settings.model_copy(update={"admin_user_ids": [ADMIN_ID]})
    return replace(seeded, settings=settings)


def say(runtime: Runtime, asker: Asker, line: str) -> str:
    name, _, args = line.removeprefix("/").partition(" ")
    messages = router.run_command(runtime, asker, name, args)
    return "\n\n".join(to_plain_text(message.html) for message in messages)


def press(runtime: Runtime, asker: Asker, data: str) -> Answer:
    return router.press_button(runtime, asker, data)


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [HUGE, JUST_PAST, "0"])
def test_summary_of_a_number_no_story_has(bot, number):
    assert say(bot, READER, f"/summary {number}") == (
        f"There is no story #{number}. See /latest for the list."
    )


@pytest.mark.parametrize("word", ["²", "٣", "#²"])
def test_summary_of_digits_int_cannot_read_searches_titles(bot, word):
    reply = say(bot, READER, f"/summary {word}")
    assert reply == f"No article title matches “{word.lstrip('#')}”. See /latest for the list."


@pytest.mark.parametrize("reference", [HUGE, JUST_PAST, "²", f"#{HUGE}"])
def test_removefeed_of_a_number_no_feed_has(bot, reference):
    reply = say(bot, ADMIN, f"/removefeed {reference}")
    assert reply == f"I have no feed “{reference}”. /feeds lists them with numbers."


def test_removefeed_of_a_number_in_feeds_still_works(bot):
    with bot.session() as session:
        for name in ("Harbour", "Valley"):
            url = f"https://{name.lower()}.example/feed"
            session.add(Source(kind="feed", url=url, title=f"{name} News"))
    assert say(bot, ADMIN, "/removefeed 2") == "I stopped polling “Valley News”. Its articles stay."
    assert say(bot, ADMIN, "/removefeed 2") == "I have no feed “2”. /feeds lists them with numbers."


# --- forged buttons -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "sum:²",
        f"sum:{HUGE}",
        f"latest:{HUGE}",
        f"latest:{JUST_PAST}",
        f"read:{HUGE}",
        f"read:{JUST_PAST}",
        f"actor:1:{HUGE}",
        f"actor:{HUGE}:new",
        "follow:on:²",
        f"follow:off:{HUGE}",
        "set:weekday:²",
        f"set:unfollow:{HUGE}",
        "brk:send:²",
        "sum:1:enormous",
        f"chart:{HUGE}",
        "chart:1:new",
        "nonsense",
        "",
    ],
)
def test_a_forged_button_is_answered_politely(bot, data):
    assert press(bot, READER, data) == Answer(notice=router.OUT_OF_DATE)


def test_a_well_formed_button_for_something_gone_says_so(bot):
    missing = 2**31 - 1
    assert press(bot, READER, f"read:{missing}").notice == "That article is no longer available."
    assert press(bot, READER, f"sum:{missing}").notice == "That article is no longer available."
    assert press(bot, READER, f"actor:{missing}:0").notice == "That person is no longer tracked."


def test_a_domain_refusal_behind_a_button_is_shown_as_an_alert(bot):
    say(bot, READER, "/subscribe")
    answer = press(bot, READER, "set:digest_time:25:00")
    assert answer == Answer(notice="Please give the time as HH:MM, for example 07:30.", alert=True)
    answer = press(bot, READER, f"follow:on:{2**31 - 1}")
    assert answer == Answer(notice="That person is no longer tracked.", alert=True)


def test_a_chart_waits_for_the_readers_link_in_flight(bot):
    putin_in_the_news(bot, 1, 2)
    [(putin, _, _)] = lookup_actors_in(bot, "Putin")
    with bot.heavy.try_claim(READER.user_id):  # a link of theirs is being summarized
        waiting = press(bot, READER, f"chart:{putin}")
    assert waiting.notice.startswith("I'm still working on your last request") and not waiting.send
    [chart] = press(bot, READER, f"chart:{putin}").send
    assert chart.photo is not None and chart.html.startswith("<b>Vladimir Putin</b>")
    assert "per day (UTC)" in chart.html
    say(bot, READER, "/subscribe")
    say(bot, READER, "/settings timezone Asia/Tokyo")
    [chart] = press(bot, READER, f"chart:{putin}").send
    assert "per day (Asia/Tokyo)" in chart.html  # the days are on the reader's clock


def lookup_actors_in(runtime: Runtime, name: str):
    with runtime.session() as session:
        return lookup_actors(session, name, limit=1)


def test_a_readers_first_follow_without_subscribing_explains(bot):
    answer = press(bot, READER, "follow:on:1")
    assert answer.alert and answer.notice.startswith("Subscribe first")


# --- admin-only routes ----------------------------------------------------------------------


def test_every_admin_command_refuses_a_stranger(bot):
    for command in router.COMMANDS:
        if command.admin_only:
            assert say(bot, READER, f"/{command.name} x") == router.REFUSAL, command.name


def test_a_stranger_cannot_press_an_admins_send_button(bot):
    say(bot, READER, "/subscribe")
    preview = router.run_command(bot, ADMIN, "breaking", "Ceasefire signed")[0]
    send = next(b for row in preview.buttons for b in row if b.text.startswith("Send"))
    assert press(bot, READER, send.data) == Answer(notice=router.REFUSAL, alert=True)
    with bot.session() as session:
        assert session.exec(select(OutboxMessage)).all() == []
        assert session.exec(select(Broadcast)).one().status == "draft"
    assert press(bot, ADMIN, send.data).notice == "Queued."


def test_an_admin_removed_from_the_settings_is_refused_at_once(bot):
    assert say(bot, ADMIN, "/stats").startswith("Bot statistics")
    demoted = replace(bot, settings=bot.settings.model_copy(update={"admin_user_ids": []}))
    assert say(demoted, ADMIN, "/stats") == router.REFUSAL


def test_strangers_cannot_upload_or_export_opml(bot):
    assert router.refusal(bot, READER, "importopml") is not None
    assert router.refusal(bot, ADMIN, "importopml") is None
    [refusal] = router.import_opml(bot, READER, b"<opml/>")
    assert to_plain_text(refusal.html) == router.REFUSAL
    [refusal] = router.export_opml(bot, READER)
    assert to_plain_text(refusal.html) == router.REFUSAL


# --- long and odd input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "/summary {long}",
        "/actor {long}",
        "/removefeed {long}",
        "/settings {long} x",
        "/settings timezone {long}",
        "/{long}",
    ],
)
def test_a_long_query_is_not_echoed_back_whole(bot, line):
    say(bot, READER, "/subscribe")
    asker = ADMIN if "removefeed" in line else READER
    typed = "ceasefire" + "x" * 4000
    reply = say(bot, asker, line.format(long=typed))
    assert "ceasefire" in reply
    assert len(reply) < 300


@pytest.mark.parametrize("zone", ["America", "Etc", "Europe/" + "x" * 300, "../../etc/passwd"])
def test_a_time_zone_that_is_a_folder_or_too_long_is_refused(bot, zone):
    say(bot, READER, "/subscribe")
    reply = say(bot, READER, f"/settings timezone {zone}")
    assert "is not a time zone I know" in reply
