"""Messages -> Telegram: HTML parse mode, inline keyboards, no link previews, photos."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, LinkPreviewOptions
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


def photo_kwargs(message: Message) -> dict:
    """sendPhoto's arguments: the bytes as an upload, or the address Telegram fetches; the
    message's HTML as the caption (fit_message keeps it within CAPTION_LIMIT)."""
    photo = message.photo
    assert photo is not None  # the others go by sendMessage
    upload = photo.url if photo.data is None else InputFile(photo.data, filename=photo.filename)
    return {
        "photo": upload,
        "caption": message.html or None,
        "parse_mode": ParseMode.HTML,
        "reply_markup": keyboard(message),
    }
