"""Messages -> Telegram: HTML parse mode, inline keyboards, photos, and no link preview but the
one a message names (an article's image, large, above the text)."""

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


def link_preview(message: Message) -> LinkPreviewOptions:
    """Telegram would preview the first link of the text (a story's Read link, a source): only
    the preview the message asks for is shown."""
    if message.preview is None:
        return NO_PREVIEW
    return LinkPreviewOptions(url=message.preview, prefer_large_media=True, show_above_text=True)


def send_kwargs(message: Message) -> dict:
    return {
        "text": message.html,
        "parse_mode": ParseMode.HTML,
        "reply_markup": keyboard(message),
        "link_preview_options": link_preview(message),
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
