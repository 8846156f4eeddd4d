"""Digests, settings and the errors of links and feeds in the reader's language, as Telegram's
language_code of whoever writes asks: German, and the three plural forms of Russian."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace

from tests.e2e.test_bot_e2e import button, say
from tests.news import arrive, events

GERMAN, RUSSIAN, ADMIN = 3101, 3102, 900


async def test_a_german_readers_settings_card_and_its_buttons(live_bot, emulator):
    [subscribed] = await say(emulator, "/subscribe", chat_id=GERMAN, language_code="de")
    assert subscribed.plain_text.startswith("Abonniert. Du bekommst eine Übersicht täglich um")
    [card] = await say(emulator, "/settings rhythm weekly", chat_id=GERMAN)
    text = card.plain_text
    assert text.startswith(
        "Gespeichert.\n\nEinstellungen der Übersicht\nÜbersicht: an, jeden Montag"
    )
    # The next digest on the reader's clock, CLDR's German weekday and month abbreviations.
    assert re.search(r"Nächste Übersicht: Mo\., \d{1,2}\. \w+\.?, 08:00 UTC", text), text
    assert "Wöchentlich am: Montag" in text and "Ruhezeiten: keine" in text
    assert "Tippe eine Einstellung, um sie zu ändern:" in text
    labels = [b["text"] for b in card.buttons]
    assert "✓ Wöchentlich" in labels and "Täglich" in labels and "✓ Kurz" in labels
    assert "✓ Mo." in labels and "Fr." in labels
    emulator.user_presses(GERMAN, card.message_id, button(card, "Fr.")["callback_data"])
    edited = await emulator.wait_for_edit(GERMAN, card.message_id)
    assert "Wöchentlich am: Freitag" in edited.plain_text
    [typed] = await say(emulator, "/settings weekday mittwoch", chat_id=GERMAN)
    assert "Wöchentlich am: Mittwoch" in typed.plain_text


async def test_a_slip_in_a_time_zone_is_answered_in_german(live_bot, emulator):
    await say(emulator, "/subscribe", chat_id=GERMAN, language_code="de")
    [reply] = await say(emulator, "/settings timezone Europe/Berln", chat_id=GERMAN)
    assert reply.plain_text == (
        "„Europe/Berln“ ist keine Zeitzone, die ich kenne. "
        "Meintest du Europe/Berlin, Europe/Dublin oder Europe/Belfast?"
    )


async def test_digests_count_in_each_readers_language(live_bot, emulator, clock):
    for chat_id, language in ((GERMAN, "de"), (RUSSIAN, "ru")):
        [reply] = await say(emulator, "/subscribe", chat_id=chat_id, language_code=language)
        assert reply.plain_text.startswith(("Abonniert.", "Вы подписались."))
    before = {chat_id: len(emulator.sent(chat_id)) for chat_id in (GERMAN, RUSSIAN)}
    await asyncio.to_thread(arrive, live_bot, [replace(raw, url=None) for raw in events(0, 5)])
    clock.advance(days=1)
    [german] = (await emulator.wait_for_messages(GERMAN, before[GERMAN] + 1))[before[GERMAN] :]
    [russian] = (await emulator.wait_for_messages(RUSSIAN, before[RUSSIAN] + 1))[before[RUSSIAN] :]
    assert german.plain_text.startswith("Deine Übersicht: 5 neue Artikel")
    assert russian.plain_text.startswith("Ваш дайджест: 5 новых статей")
    assert len([b for b in german.buttons if b["text"].startswith("Lesen: ")]) == 5
    assert len([b for b in russian.buttons if b["text"].startswith("Читать: ")]) == 5


async def test_a_bad_link_and_a_feed_that_is_no_address_are_refused_in_german(live_bot, emulator):
    [private] = await say(
        emulator, "/summary http://127.0.0.1/story", chat_id=GERMAN, language_code="de"
    )
    assert private.plain_text == "Diese Adresse zeigt in ein privates Netz und ist nicht erlaubt."
    [refused] = await say(emulator, "/addfeed not a url", chat_id=ADMIN, language_code="de")
    assert refused.plain_text == (
        "„not a url“ ist keine Webadresse. Sende eine wie https://example.com/feed.xml."
    )
