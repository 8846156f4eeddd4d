"""The bot speaks the reader's language: Telegram's language_code of whoever writes."""

from __future__ import annotations

import asyncio
import json
import re

import pytest

from tests.e2e.test_bot_e2e import answer_to, button, say
from tests.e2e.test_feeds_e2e import message_containing
from tests.e2e.test_stories_e2e import feeds_publish
from tests.stories.reports import GRAIN_DEAL, GRAIN_DEAL_ELSEWHERE

GERMAN, RUSSIAN, UKRAINIAN, BRAZILIAN = 3001, 3002, 3003, 3004


async def test_start_and_help_in_the_senders_language(live_bot, emulator):
    [start] = await say(emulator, "/start", chat_id=GERMAN, language_code="de")
    assert start.plain_text.startswith("Keine Zeit zum Lesen? Hol dir die Zusammenfassung.")
    assert [b["text"] for b in start.buttons] == ["Neueste Artikel", "Abonnieren"]
    [help_text] = await say(emulator, "/help", chat_id=GERMAN)  # remembered from the last one
    assert "Was ich kann" in help_text.plain_text
    assert "/summary <Nummer, Titel oder Link> — Zusammenfassung einer Meldung" in (
        help_text.plain_text
    )
    [russian] = await say(emulator, "/start", chat_id=RUSSIAN, language_code="ru")
    assert russian.plain_text.startswith("Нет времени читать?")
    [ukrainian] = await say(emulator, "/nonsense", chat_id=UKRAINIAN, language_code="uk-UA")
    assert ukrainian.plain_text == (
        "Я не знаю команди /nonsense. Надішліть /help, щоб дізнатися, що я вмію."
    )
    [english] = await say(emulator, "/start", chat_id=BRAZILIAN, language_code="pt-BR")
    assert english.plain_text.startswith("No time to read? Get a summary.")


async def test_the_command_menu_is_registered_in_every_language(live_bot, emulator):
    menus = {
        params.get("language_code"): json.loads(params["commands"])
        if isinstance(params["commands"], str)
        else params["commands"]
        for method, params in emulator.requests
        if method == "setMyCommands" and "scope" not in params
    }
    assert set(menus) == {None, "de", "ru", "uk"}
    described = {
        language: {c["command"]: c["description"] for c in menu} for language, menu in menus.items()
    }
    assert described[None]["latest"] == "The newest stories"
    assert described["de"]["latest"] == "Die neuesten Meldungen"
    assert described["ru"]["subscribe"] == "Получать дайджесты новых статей"
    assert described["uk"]["help"] == "Усі команди"


# --- a whole conversation, in German and in Russian ----------------------------------------------

# Words of the bot's own English that no translated answer may carry (the articles' own words are
# English, so only the bot's phrasing is looked for, in the text and on every button).
ENGLISH = (
    "What I can do",
    "No time to read",
    "Latest articles",
    "Get a summary",
    "Timeline",
    "Read the article",
    "Subscribe",
    "Subscribed",
    "Digest settings",
    "Summary length",
    "Next digest",
    "Quiet hours",
    "Follow in my digests",
    "sources:",
    "Older »",
    "Short",
    "Medium",
    "Saved.",
    "I don't know",
    "no longer",
    "Send /",
    "sums up story",
    "statements",
    "mentioned",
)
SPEAKS = {
    "de": {
        "start": "Keine Zeit zum Lesen?",
        "help": "Was ich kann",
        "latest": "Neueste Artikel",
        "summary_button": "Zusammenfassung: ",
        "length": "Kurz",
        "actor": "In meinen Übersichten folgen",
        "subscribed": "Abonniert.",
        "settings": "Einstellungen der Übersicht",
        "instant": "Sofort",
        "saved": "Gespeichert.",
        "unknown": "/nonsense kenne ich nicht.",
        "forged": "Diese Schaltfläche funktioniert nicht mehr. Sende /help.",
        "reported": "2 Quellen: Harbour News, Valley News",
    },
    "ru": {
        "start": "Нет времени читать?",
        "help": "Что я умею",
        "latest": "Последние статьи",
        "summary_button": "Краткое содержание: ",
        "length": "Кратко",
        "actor": "Следить в моих дайджестах",
        "subscribed": "Вы подписались.",
        "settings": "Настройки дайджеста",
        "instant": "Сразу",
        "saved": "Сохранено.",
        "unknown": "Я не знаю команды /nonsense.",
        "forged": "Эта кнопка больше не работает. Отправьте /help.",
        "reported": "2 источника: Harbour News, Valley News",
    },
}
READERS = {"de": 3101, "ru": 3102}


def english_in(message) -> list[str]:
    """The bot's English phrases in a message's text or on its buttons."""
    shown = "\n".join([message.plain_text, *(b["text"] for b in message.buttons)])
    return [phrase for phrase in ENGLISH if phrase in shown]


async def press(emulator, chat_id: int, message, text_part: str):
    """Press the button whose label has `text_part`; the bot's notice (its answer) comes back."""
    data = button(message, text_part)["callback_data"]
    query = emulator.user_presses(chat_id, message.message_id, data)
    return await answer_to(emulator, query)


@pytest.mark.parametrize("language", ["de", "ru"])
async def test_a_reader_gets_nothing_in_english(live_bot, emulator, language):
    chat, says = READERS[language], SPEAKS[language]
    got = []

    [start] = await say(emulator, "/start", chat_id=chat, language_code=language)
    assert start.plain_text.startswith(says["start"])
    [help_text] = await say(emulator, "/help", chat_id=chat)
    assert says["help"] in help_text.plain_text
    [latest] = await say(emulator, "/latest", chat_id=chat)
    assert says["latest"] in latest.plain_text
    assert button(latest, says["summary_button"])
    number = re.search(r"#(\d+)", latest.plain_text)[1]
    [summary] = await say(emulator, f"/summary {number}", chat_id=chat)
    assert button(summary, says["length"])
    [actor] = await say(emulator, "/actor Putin", chat_id=chat)
    assert button(actor, says["actor"])
    got += [start, help_text, latest, summary, actor]

    [subscribed] = await say(emulator, "/subscribe", chat_id=chat)
    assert subscribed.plain_text.startswith(says["subscribed"])
    [card] = await say(emulator, "/settings", chat_id=chat)
    assert says["settings"] in card.plain_text
    notice = await press(emulator, chat, card, says["instant"])
    assert notice.text == says["saved"]
    card = await emulator.wait_for_edit(chat, card.message_id)
    assert f"✓ {says['instant']}" in [b["text"] for b in card.buttons]
    got += [subscribed, card]

    [unknown] = await say(emulator, "/nonsense", chat_id=chat)
    assert unknown.plain_text.startswith(says["unknown"])
    forged = emulator.user_presses(chat, card.message_id, "not a button", forged=True)
    assert (await answer_to(emulator, forged)).text == says["forged"]
    got.append(unknown)

    # A digest nobody asked for just now is written in the chat's language too.
    before = len(emulator.sent(chat))
    await asyncio.to_thread(
        feeds_publish, live_bot, ("Harbour", [GRAIN_DEAL]), ("Valley", [GRAIN_DEAL_ELSEWHERE])
    )
    digest = await message_containing(emulator, chat, GRAIN_DEAL.title)
    assert says["reported"] in digest.plain_text
    assert len(emulator.sent(chat)) > before

    assert {m.plain_text[:40]: english_in(m) for m in got if english_in(m)} == {}


async def test_a_digest_has_nothing_in_english(live_bot, emulator):
    chat = READERS["de"]
    await say(emulator, "/subscribe", chat_id=chat, language_code="de")
    [card] = await say(emulator, "/settings", chat_id=chat)
    await press(emulator, chat, card, "Sofort")
    await asyncio.to_thread(
        feeds_publish, live_bot, ("Harbour", [GRAIN_DEAL]), ("Valley", [GRAIN_DEAL_ELSEWHERE])
    )
    digest = await message_containing(emulator, chat, GRAIN_DEAL.title)
    shown = "\n".join([digest.plain_text, *(b["text"] for b in digest.buttons)])
    assert english_in(digest) + [w for w in ("Your digest", "Read: ") if w in shown] == []


CHOOSER = 3005


async def test_a_chats_choice_wins_over_its_users_telegram_language(live_bot, emulator):
    [unknown] = await say(
        emulator, "/settings language klingon", chat_id=CHOOSER, language_code="de"
    )
    assert unknown.plain_text == (
        "Ich spreche English (en), Deutsch (de), Русский (ru), Українська (uk). "
        "Wähle eine davon oder auto."
    )
    [chosen] = await say(emulator, "/settings language ru", chat_id=CHOOSER, language_code="de")
    assert chosen.plain_text.startswith("Теперь мой язык здесь — Русский.")
    assert chosen.plain_text.endswith("Вы ещё не подписаны: /subscribe включит дайджесты.")
    [start] = await say(emulator, "/start", chat_id=CHOOSER, language_code="de")
    assert start.plain_text.startswith("Нет времени читать?")

    await say(emulator, "/subscribe", chat_id=CHOOSER, language_code="de")
    [card] = await say(emulator, "/settings", chat_id=CHOOSER, language_code="de")
    assert "Язык: Русский" in card.plain_text
    labels = [b["text"] for b in card.buttons]
    assert {"Автоматически", "English", "Deutsch", "✓ Русский", "Українська"} <= set(labels)
    automatic = next(b for b in card.buttons if b["text"] == "Автоматически")
    emulator.user_presses(CHOOSER, card.message_id, automatic["callback_data"])
    edited = await emulator.wait_for_edit(CHOOSER, card.message_id)
    assert "Sprache: automatisch, die Telegram-Sprache jeder Person" in edited.plain_text
    assert "✓ Automatisch" in [b["text"] for b in edited.buttons]
    [german] = await say(emulator, "/start", chat_id=CHOOSER, language_code="de")
    assert german.plain_text.startswith("Keine Zeit zum Lesen?")
