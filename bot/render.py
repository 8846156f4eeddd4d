"""Messages -> Telegram: HTML parse mode, inline keyboards, no link previews, split at 4096."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode

from digests.delivery.message import MESSAGE_LIMIT, Message, pack_blocks, visible_length

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


def fit(message: Message) -> list[Message]:
    """Split an over-long message at paragraph boundaries; the buttons go with the last part."""
    if visible_length(message.html) <= MESSAGE_LIMIT:
        return [message]
    parts = pack_blocks(message.html.split("\n\n"))
    return [Message(html=part) for part in parts[:-1]] + [Message(parts[-1], message.buttons)]


def send_kwargs(message: Message) -> dict:
    return {
        "text": message.html,
        "parse_mode": ParseMode.HTML,
        "reply_markup": keyboard(message),
        "link_preview_options": NO_PREVIEW,
    }
