"""Messages -> Telegram: HTML parse mode, inline keyboards, no link previews."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode

from digests.delivery.message import Message

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def keyboard(message: Message) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.text, callback_data=b.data)
                if b.data
                else InlineKeyboardButton(b.text, url=b.url)
                for b in row
            ]
            for row in message.buttons
        ]
    )


def send_kwargs(message: Message) -> dict:
    return {
        "text": message.html,
        "parse_mode": ParseMode.HTML,
        "reply_markup": keyboard(message),
        "link_preview_options": NO_PREVIEW,
    }
