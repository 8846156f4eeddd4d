"""The bot speaks the reader's language: Telegram's language_code of whoever writes."""

from __future__ import annotations

import json

from tests.e2e.test_bot_e2e import say

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
