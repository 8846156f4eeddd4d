"""Tests of the Bot API emulator itself, driven over HTTP by a real python-telegram-bot Bot."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import struct
import sys
import time
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)

from tests.e2e.emulator import DEFAULT_TOKEN, BotApiEmulator, RateLimits
from tests.e2e.emulator_files import PNG_SIGNATURE
from tests.e2e.emulator_process import free_port

# PTB's own RetryAfter constructor reads the deprecated int form of retry_after.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

REPO_ROOT = Path(__file__).resolve().parents[2]
USER = 4242
GROUP = -4001


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(DEFAULT_TOKEN, base_url=emulator.base_url) as bot:
        yield bot


def keyboard(*callback_data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d)] for d in callback_data])


def seconds(retry_after: int | dtm.timedelta) -> float:
    """PTB reports retry_after as int or timedelta depending on its PTB_TIMEDELTA setting."""
    if isinstance(retry_after, dtm.timedelta):
        return retry_after.total_seconds()
    return retry_after


async def send_counting_429s(bot: Bot, chat_ids: list[int], **kwargs: object) -> int:
    refused = 0
    for n, chat_id in enumerate(chat_ids):
        try:
            await bot.send_message(chat_id, f"message {n}", **kwargs)
        except RetryAfter:
            refused += 1
    return refused


# --- identity, updates, transport -----------------------------------------------------------


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()

    assert me.is_bot
    assert me.id == 123456789
    assert me.username == "digest_test_bot"
    assert me.can_join_groups is True


async def test_user_command_arrives_through_get_updates_with_command_entity(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.user_sends(USER, "/digest tech", username="alice")

    [update] = await bot.get_updates(timeout=0)

    assert update.message.text == "/digest tech"
    assert update.message.chat.type == "private"
    assert update.message.from_user.username == "alice"
    assert [(e.type, e.offset, e.length) for e in update.message.entities] == [
        ("bot_command", 0, 7)
    ]


async def test_offset_confirms_earlier_updates(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.user_sends(USER, "first")
    emulator.user_sends(USER, "second")
    [first, second] = await bot.get_updates(timeout=0)

    remaining = await bot.get_updates(offset=second.update_id, timeout=0)
    after_all = await bot.get_updates(offset=second.update_id + 1, timeout=0)

    assert first.message.text == "first"
    assert [u.message.text for u in remaining] == ["second"]
    assert after_all == ()


async def test_the_first_hand_out_of_a_user_message_is_timed(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    message = emulator.user_sends(USER, "/latest")
    key = (USER, message["message_id"])
    assert emulator.handed_out_at(*key) is None
    before = time.time()
    [update] = await bot.get_updates(timeout=0)
    first = emulator.handed_out_at(*key)
    await bot.get_updates(timeout=0)  # not confirmed yet: handed out again, still timed once

    assert before <= first <= time.time()
    assert emulator.handed_out_at(*key) == first
    assert update.message.message_id == message["message_id"]
    assert emulator.handed_out_at(USER, message["message_id"] + 1) is None


async def test_an_exchange_from_another_process_times_the_bots_handling(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    async def the_bot_answers() -> None:
        [update] = await bot.get_updates(timeout=10, read_timeout=15)
        await bot.send_message(USER, f"you said {update.message.text}")

    answering = asyncio.create_task(the_bot_answers())
    url = emulator.base_url.removesuffix("/bot") + "/_emulator/exchange"
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json={"chat_id": USER, "text": "/latest", "timeout": 10}) as response,
    ):
        exchange = await response.json()
    await answering

    assert exchange["reply"]["plain_text"] == "you said /latest"
    assert exchange["queued_at"] <= exchange["handed_out_at"] <= exchange["reply"]["sent_at"]


async def test_long_poll_returns_the_update_that_arrives_while_waiting(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=35))
    await asyncio.sleep(0.1)
    emulator.user_sends(USER, "hello")

    updates = await asyncio.wait_for(poll, 10)

    assert [u.message.text for u in updates] == ["hello"]


async def test_group_messages_carry_group_chat_and_sender(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.user_sends(GROUP, "/digest@digest_test_bot", user_id=77, chat_title="Readers")

    [update] = await bot.get_updates(timeout=0)

    assert update.message.chat.type == "group"
    assert update.message.chat.title == "Readers"
    assert update.message.from_user.id == 77
    assert update.message.entities[0].length == len("/digest@digest_test_bot")


async def test_get_updates_conflicts_with_an_active_webhook(bot: Bot) -> None:
    await bot.set_webhook("https://example.org/hook")

    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_wrong_token_is_rejected_as_invalid(emulator: BotApiEmulator) -> None:
    bot = Bot("123456789:AAHwrongTOKENwrongTOKENwrongTOKEN1", base_url=emulator.base_url)

    with pytest.raises(InvalidToken):
        async with bot:  # initialize() calls getMe, as Application does at start-up
            pass


async def test_unknown_method_is_not_found(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy")


async def test_json_bodies_and_query_strings_are_accepted(emulator: BotApiEmulator) -> None:
    url = f"{emulator.base_url}{DEFAULT_TOKEN}"
    markup = {"inline_keyboard": [[{"text": "Open", "callback_data": "open"}]]}
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{url}/sendMessage", json={"chat_id": USER, "text": "json", "reply_markup": markup}
        ) as response:
            sent = await response.json()
        async with http.get(f"{url}/sendMessage", params={"chat_id": USER, "text": "query"}) as r:
            queried = await r.json()
        async with http.get(f"{emulator.base_url}bad:token/getMe") as response:
            unauthorized = (response.status, await response.json())

    assert sent["result"]["reply_markup"] == markup
    assert queried["ok"] is True
    assert [m.text for m in emulator.sent(USER)] == ["json", "query"]
    assert unauthorized == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})


async def test_request_log_names_methods_without_the_token(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    await bot.send_message(USER, "logged")

    assert ("sendMessage", {"chat_id": str(USER), "text": "logged"}) in emulator.requests
    assert DEFAULT_TOKEN not in repr(list(emulator.requests))


# --- sendMessage validation -------------------------------------------------------------------


async def test_html_message_is_delivered_with_entities(emulator: BotApiEmulator, bot: Bot) -> None:
    text = '<b>Title</b> &amp; <a href="https://example.org/a?b=1&amp;c=2">source</a> 😀<i>x</i>'

    message = await bot.send_message(
        USER,
        text,
        parse_mode="HTML",
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )

    assert message.text == "Title & source 😀x"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, 5),
        ("text_link", 8, 6),
        ("italic", 17, 1),  # the emoji is two UTF-16 code units
    ]
    assert message.entities[1].url == "https://example.org/a?b=1&c=2"
    [sent] = emulator.sent(USER)
    assert (sent.text, sent.parse_mode, sent.plain_text) == (text, "HTML", message.text)
    assert sent.link_preview_options == {"is_disabled": True}


async def test_link_preview_options_are_checked_as_the_bot_api_reads_them(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    """Known fields are typed (an unknown one is ignored, as Telegram ignores it); the url must
    be an http(s) link, stricter than Telegram, which would quietly show no preview."""
    url = f"{emulator.base_url}{DEFAULT_TOKEN}/sendMessage"
    large = {"url": "https://img.example/a.jpg", "prefer_large_media": True}
    refused = {
        "[]": "object expected as link preview options",
        json.dumps({"is_disabled": "1"}): 'field "is_disabled" must be of type Boolean',
        json.dumps({"show_above_text": 1}): 'field "show_above_text" must be of type Boolean',
        json.dumps({"url": 5}): 'field "url" must be of type String',
        json.dumps({"url": "javascript:alert(1)"}): "link preview URL is invalid",
        json.dumps({"url": "data:image/png;base64,AAAA"}): "link preview URL is invalid",
        json.dumps({"url": "https://img.example/a b.jpg"}): "link preview URL is invalid",
    }
    async with aiohttp.ClientSession() as http:
        answers = {}
        for options in refused:
            form = {"chat_id": USER, "text": "hi", "link_preview_options": options}
            async with http.post(url, data=form) as response:
                answers[options] = (await response.json())["description"]
        form = {"chat_id": USER, "text": "ok", "link_preview_options": json.dumps(large | {"x": 1})}
        async with http.post(url, data=form) as response:
            accepted = await response.json()

    assert answers == {options: f"Bad Request: {why}" for options, why in refused.items()}
    assert accepted["ok"] is True
    [sent] = emulator.sent(USER)
    assert sent.link_preview_options == large | {"x": 1}
    options = LinkPreviewOptions(url=large["url"], prefer_large_media=True, show_above_text=True)
    await bot.send_message(USER, "typed", link_preview_options=options)
    assert emulator.sent(USER)[-1].link_preview_options == large | {"show_above_text": True}


@pytest.mark.parametrize(
    "text",
    [
        "<b>never closed",
        "<b><i>mis-nested</b></i>",
        "stray </b> end",
        "1 < 2",
        "AT&T",
        "&nbsp;",
        "<div>block</div>",
        "<span>plain span</span>",
        '<a href="https://example.org>unterminated</a>',
    ],
)
async def test_broken_html_is_refused(emulator: BotApiEmulator, bot: Bot, text: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER, text, parse_mode="HTML")
    assert emulator.sent() == []


async def test_html_entities_and_telegram_tags_are_accepted(bot: Bot) -> None:
    text = (
        "&lt;tag&gt; &quot;q&quot; &#9731; &#x1F600; <s>s</s> <tg-spoiler>x</tg-spoiler> "
        '<span class="tg-spoiler">y</span> <pre><code class="language-python">1</code></pre> '
        "<blockquote expandable>quote</blockquote>"
    )

    message = await bot.send_message(USER, text, parse_mode="HTML")

    assert message.text.startswith('<tag> "q" ☃ 😀')
    types = {e.type: e for e in message.entities}
    assert types["pre"].language == "python"
    assert {"strikethrough", "spoiler", "expandable_blockquote"} <= set(types)


async def test_length_is_counted_in_utf16_after_entity_parsing(bot: Bot) -> None:
    await bot.send_message(USER, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")

    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "a" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "😀" * 2049)  # 2049 code points, 4098 code units


async def test_text_that_is_empty_after_parsing_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(USER, "<b> </b>", parse_mode="HTML")


async def test_callback_data_longer_than_64_bytes_is_refused(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    await bot.send_message(USER, "fits", reply_markup=keyboard("é" * 32))

    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "too long", reply_markup=keyboard("x" * 65))
    assert [m.text for m in emulator.sent(USER)] == ["fits"]


async def test_reply_to_a_user_message_is_echoed(emulator: BotApiEmulator, bot: Bot) -> None:
    question = emulator.user_sends(USER, "what's new?")

    answer = await bot.send_message(USER, "this", reply_to_message_id=question["message_id"])

    assert answer.reply_to_message.text == "what's new?"
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(USER, "to nothing", reply_to_message_id=999)


# --- sendPhoto ------------------------------------------------------------------------------


def png(width: int, height: int) -> bytes:
    """A valid grayscale PNG of that size, all black."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress((b"\x00" + b"\x00" * width) * height)
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def jpeg_header(width: int, height: int) -> bytes:
    """The start of a baseline JPEG, as far as its frame header: all a size is read from."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + frame + b"\xff\xd9"


async def test_an_uploaded_photo_is_delivered_with_its_size_and_html_caption(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    picture = png(800, 400)

    message = await bot.send_photo(
        USER,
        InputFile(picture, filename="chart.png"),
        caption="<b>Chart</b> of 😀 days",
        parse_mode="HTML",
        reply_markup=keyboard("again"),
    )

    largest = message.photo[-1]
    assert (largest.width, largest.height, largest.file_size) == (800, 400, len(picture))
    assert message.caption == "Chart of 😀 days" and message.caption_entities[0].type == "bold"
    assert message.text is None and message.reply_markup.inline_keyboard[0][0].text == "again"
    [sent] = emulator.sent(USER)
    assert emulator.files.get(sent.photo[-1]["file_id"]).data == picture
    assert sent.plain_text == message.caption and sent.buttons[0]["callback_data"] == "again"
    again = await bot.send_photo(USER, largest.file_id)  # a photo's file_id sends it again
    assert again.photo[-1].file_unique_id == largest.file_unique_id
    files = f"{emulator.base_url.removesuffix('/bot')}/file/bot"
    async with Bot(DEFAULT_TOKEN, base_url=emulator.base_url, base_file_url=files) as user:
        file = await user.get_file(largest.file_id)
        assert bytes(await file.download_as_bytearray()) == picture


async def test_photo_uploads_telegram_would_not_take_are_refused(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
        await bot.send_photo(USER, InputFile(b"%PDF-1.4 not an image", filename="x.png"))
    for width, height in ((9000, 1001), (2100, 100)):  # sides over 10,000; over 20 to 1
        with pytest.raises(BadRequest, match=r"(?i)PHOTO_INVALID_DIMENSIONS"):
            await bot.send_photo(USER, InputFile(png(width, height), filename="x.png"))
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await bot.send_photo(USER, InputFile(png(10, 10)), caption="😀" * 513)
    document = await bot.send_document(USER, b"<opml/>", filename="feeds.opml")
    with pytest.raises(BadRequest, match=r"(?i)type of file mismatch"):
        await bot.send_photo(USER, document.document.file_id)
    assert [m.document is not None for m in emulator.sent(USER)] == [True]


async def test_a_jpeg_is_taken_at_the_size_its_frame_header_gives(bot: Bot) -> None:
    message = await bot.send_photo(USER, InputFile(jpeg_header(1280, 720), filename="a.jpg"))
    assert (message.photo[-1].width, message.photo[-1].height) == (1280, 720)


async def test_a_photo_has_a_caption_to_edit_not_a_text(bot: Bot) -> None:
    message = await bot.send_photo(USER, InputFile(png(10, 10)), caption="first")
    with pytest.raises(BadRequest, match=r"(?i)there is no text in the message to edit"):
        await bot.edit_message_text("second", USER, message.message_id)


# --- edits, buttons, callbacks ---------------------------------------------------------------


async def test_edit_history_and_not_modified(emulator: BotApiEmulator, bot: Bot) -> None:
    message = await bot.send_message(
        USER, "<b>v1</b>", parse_mode="HTML", reply_markup=keyboard("a")
    )

    edited = await bot.edit_message_text("v2", USER, message.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("v2", USER, message.message_id)
    await bot.edit_message_reply_markup(USER, message.message_id, reply_markup=keyboard("b"))

    record = await emulator.wait_for_edit(USER, message.message_id, count=2)
    assert edited.text == "v2"
    assert edited.reply_markup is None  # editing text without markup drops the keyboard
    assert [(e.text, e.reply_markup is None) for e in record.edits] == [("v2", True), ("v2", False)]
    assert [b["callback_data"] for b in record.buttons] == ["b"]


async def test_editing_unknown_or_user_messages_is_refused(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    user_message = emulator.user_sends(USER, "mine")

    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", USER, 999)
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("x", USER, user_message["message_id"])


async def test_deleted_message_can_no_longer_be_edited(emulator: BotApiEmulator, bot: Bot) -> None:
    message = await bot.send_message(USER, "short-lived")

    assert await bot.delete_message(USER, message.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", USER, message.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(USER, message.message_id)
    assert emulator.sent(USER)[0].deleted


async def test_button_press_reaches_the_bot_and_is_answered_once(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    message = await bot.send_message(USER, "pick", reply_markup=keyboard("more:1", "less:1"))

    query_id = emulator.user_presses(USER, message.message_id, "less:1")
    [update] = await bot.get_updates(timeout=0)
    await update.callback_query.answer("Noted", show_alert=True)

    assert update.callback_query.id == query_id
    assert update.callback_query.data == "less:1"
    assert update.callback_query.message.message_id == message.message_id
    assert [(a.callback_query_id, a.text, a.show_alert) for a in emulator.callback_answers] == [
        (query_id, "Noted", True)
    ]
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await update.callback_query.answer()


async def test_pressing_a_button_the_bot_never_showed_is_a_test_error(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    message = await bot.send_message(USER, "pick", reply_markup=keyboard("more:1"))

    with pytest.raises(LookupError, match="no button"):
        emulator.user_presses(USER, message.message_id, "more:2")
    with pytest.raises(LookupError, match="no message"):
        emulator.user_presses(USER, message.message_id + 1, "more:1")


# --- commands and chats ----------------------------------------------------------------------


async def test_commands_are_recorded_per_scope(emulator: BotApiEmulator, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("digest", "Get today's digest")])

    assert emulator.commands == [{"command": "digest", "description": "Get today's digest"}]
    assert [c.command for c in await bot.get_my_commands()] == ["digest"]
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_declared_admins_are_reported(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.set_chat_admins(GROUP, [77], creator_id=1)

    admins = await bot.get_chat_administrators(GROUP)
    member = await bot.get_chat_member(GROUP, 78)

    assert [(a.status, a.user.id) for a in admins] == [("creator", 1), ("administrator", 77)]
    assert member.status == "member"
    with pytest.raises(BadRequest, match=r"(?i)no administrators in the private chat"):
        await bot.get_chat_administrators(USER)


async def test_get_chat_and_chat_action(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.user_sends(GROUP, "hi", chat_title="Readers")

    chat = await bot.get_chat(GROUP)

    assert (chat.type, chat.title) == ("group", "Readers")
    assert await bot.send_chat_action(GROUP, "typing")
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await bot.send_chat_action(GROUP, "dancing")


# --- injected faults -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inject", "chat_id", "description"),
    [
        (BotApiEmulator.block_chat, USER, "bot was blocked by the user"),
        (BotApiEmulator.deactivate_user, USER, "user is deactivated"),
        (BotApiEmulator.kick_from_chat, GROUP, "bot was kicked from the group chat"),
    ],
)
async def test_write_bans_raise_forbidden(
    emulator: BotApiEmulator, bot: Bot, inject, chat_id: int, description: str
) -> None:
    message = await bot.send_message(chat_id, "before")
    inject(emulator, chat_id)

    with pytest.raises(Forbidden, match=description):
        await bot.send_message(chat_id, "after")
    with pytest.raises(Forbidden, match=description):
        await bot.edit_message_text("edited", chat_id, message.message_id)
    assert [m.text for m in emulator.sent(chat_id)] == ["before"]


async def test_user_writing_again_lifts_a_block(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.block_chat(USER)
    emulator.user_sends(USER, "/start")

    assert (await bot.send_message(USER, "welcome back")).text == "welcome back"


async def test_migrated_group_raises_chat_migrated(emulator: BotApiEmulator, bot: Bot) -> None:
    supergroup = -1001234567890
    emulator.migrate_chat(GROUP, supergroup)

    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(GROUP, "hello")
    moved = await bot.send_message(raised.value.new_chat_id, "hello again")
    updates = await bot.get_updates(timeout=0)

    assert raised.value.new_chat_id == supergroup
    assert moved.chat.type == "supergroup"
    assert [u.message.migrate_to_chat_id for u in updates] == [supergroup, None]


async def test_injected_429_raises_retry_after_once(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.fail_next("sendMessage", status=429, retry_after=7)

    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(USER, "first try")
    await bot.send_message(USER, "second try")

    assert seconds(raised.value.retry_after) == 7
    assert emulator.stats.rate_limited == 1
    assert [m.text for m in emulator.sent(USER)] == ["second try"]


async def test_injected_server_errors_target_one_chat(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.fail_next("sendMessage", status=502, times=2, chat_id=USER)

    await bot.send_message(USER + 1, "other chat")
    for _ in range(2):
        with pytest.raises(NetworkError, match=r"(?i)Bad Gateway"):
            await bot.send_message(USER, "unlucky")
    await bot.send_message(USER, "lucky")

    assert [m.text for m in emulator.sent()] == ["other chat", "lucky"]
    assert emulator.stats.errors[502] == 2


async def test_wait_for_messages_times_out_with_what_arrived(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    await bot.send_message(USER, "only one")

    with pytest.raises(TimeoutError, match="only one"):
        await emulator.wait_for_messages(USER, 2, timeout=0.05)


# --- flood limits ----------------------------------------------------------------------------


@pytest.fixture
async def limited_bot() -> AsyncIterator[tuple[BotApiEmulator, Bot]]:
    limits = RateLimits(global_per_second=5, private_burst=3, group_per_minute=4)
    async with (
        BotApiEmulator(limits=limits) as emulator,
        Bot(DEFAULT_TOKEN, base_url=emulator.base_url) as bot,
    ):
        yield emulator, bot


async def test_private_chat_burst_then_429(limited_bot: tuple[BotApiEmulator, Bot]) -> None:
    emulator, bot = limited_bot

    refused = await send_counting_429s(bot, [USER] * 10)

    # A burst of 3, plus at most a couple refilled if this machine is very slow.
    assert 3 <= emulator.stats.delivered <= 5
    assert refused == 10 - emulator.stats.delivered == emulator.stats.rate_limited


async def test_group_limit_refuses_with_retry_after(
    limited_bot: tuple[BotApiEmulator, Bot],
) -> None:
    emulator, bot = limited_bot
    for n in range(4):
        await bot.send_message(GROUP, f"group {n}")

    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(GROUP, "one too many")

    assert 1 <= seconds(raised.value.retry_after) <= 60
    assert len(emulator.sent(GROUP)) == 4


async def test_global_limit_spans_chats_unless_paid(
    limited_bot: tuple[BotApiEmulator, Bot],
) -> None:
    emulator, bot = limited_bot

    refused = await send_counting_429s(bot, list(range(1, 21)))
    paid_refused = await send_counting_429s(bot, list(range(101, 121)), allow_paid_broadcast=True)

    assert refused >= 10  # 5/s allowed; sending 20 takes far less than 3 s
    assert paid_refused == 0
    assert emulator.stats.delivered == 40 - refused


async def test_paced_sending_gets_no_429() -> None:
    limits = RateLimits(private_per_second=50, private_burst=1)
    async with (
        BotApiEmulator(limits=limits) as emulator,
        Bot(DEFAULT_TOKEN, base_url=emulator.base_url) as bot,
    ):
        for n in range(10):
            await bot.send_message(USER, f"paced {n}")
            await asyncio.sleep(0.06)  # three times the 20 ms the limit asks for

    assert emulator.stats.rate_limited == 0
    assert len(emulator.sent(USER)) == 10


# --- standalone process ----------------------------------------------------------------------


async def test_standalone_process_serves_api_and_stats() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.e2e.emulator",
        "--port",
        str(port),
        "--rate-limits",
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        banner = await asyncio.wait_for(process.stdout.readline(), 30)
        base_url = f"http://127.0.0.1:{port}/bot"
        async with Bot(DEFAULT_TOKEN, base_url=base_url) as bot:
            await bot.send_message(USER, "marker-1")
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/_emulator/stats") as response,
        ):
            stats = json.loads(await response.text())
    finally:
        process.kill()
        await process.wait()

    assert base_url in banner.decode()
    assert stats["delivered"] == 1
    assert stats["rate_limited"] == 0
    assert stats["chats"] == {str(USER): ["marker-1"]}
