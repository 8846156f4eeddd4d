"""Messages as data: HTML built only from escaped pieces, buttons, photos, and splitting at a
length limit.

The core composes digests into messages before they enter the outbox, so the message shape lives
here; transports (Telegram, the console) only turn it into their own form.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field, replace

from digests.delivery.callbacks import Callback, decode, encode
from digests.text.titles import cut_before

# Telegram's limits, counted the way Telegram counts them: UTF-16 code units of the text a
# reader sees once the HTML entities are parsed (so an emoji or a flag counts 2 or 4, a tag 0).
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
PHOTO_LIMIT_BYTES = 10 * 1024 * 1024  # the largest photo Telegram takes as an upload
# A summary longer than this many visible units (some three to four lines on a phone) is folded.
FOLD_AFTER = 200
# Our markup is built from escaped pieces, so "<" only ever opens a tag; stopping a tag at the
# next "<" keeps a stray "<<<<…" from being rescanned to the end from every "<".
_TAG = re.compile(r"<[^<>]+>")


@dataclass(frozen=True, slots=True)
class Button:
    """A button that either calls back with `data` or opens `url`.

    The data is always what the callback codec writes (see `Button.calling`), so every button
    a message carries, queued digests' included, is one the router can read back.
    """

    text: str
    data: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.data is None) == (self.url is None):
            raise ValueError("a button has either callback data or a URL")
        if self.data is not None and decode(self.data) is None:
            raise ValueError(f"callback data the codec does not write: {self.data!r}")

    @classmethod
    def calling(cls, text: str, callback: Callback) -> Button:
        return cls(text, data=encode(callback))


@dataclass(frozen=True, slots=True)
class Photo:
    """A picture a message shows: bytes drawn here (a chart), uploaded with it, or the web
    address of one Telegram fetches itself (an article's image)."""

    data: bytes | None = None
    url: str | None = None
    filename: str = "photo.png"  # the upload's name; a transport that saves it keeps the suffix

    def __post_init__(self) -> None:
        if (self.data is None) == (self.url is None):
            raise ValueError("a photo is either bytes or a URL")
        if self.data is not None and not 0 < len(self.data) <= PHOTO_LIMIT_BYTES:
            raise ValueError(f"a photo upload is 1 byte to {PHOTO_LIMIT_BYTES} bytes")


@dataclass(frozen=True, slots=True)
class Message:
    """One outgoing message: Telegram-style HTML and rows of buttons; with a photo, the HTML
    is its caption; with a preview, that link (an article's image) is shown large above the
    text, and without one no link preview at all."""

    html: str
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)
    photo: Photo | None = None
    preview: str | None = None


def buttons_to_json(buttons: tuple[tuple[Button, ...], ...]) -> str | None:
    """Rows of buttons as the outbox stores them (None: no buttons)."""
    if not buttons:
        return None
    return json.dumps(
        [[{"text": b.text, "data": b.data, "url": b.url} for b in row] for row in buttons]
    )


def buttons_from_json(raw: str | None) -> tuple[tuple[Button, ...], ...]:
    if not raw:
        return ()
    return tuple(tuple(Button(**button) for button in row) for row in json.loads(raw))


def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def bold(text: object) -> str:
    return f"<b>{esc(text)}</b>"


def italic(text: object) -> str:
    return f"<i>{esc(text)}</i>"


def link(text: object, url: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{esc(text)}</a>'


def fold_long(markup: str) -> str:
    """A summary past a few lines (FOLD_AFTER), whole, in an expandable blockquote: Telegram
    shows a folded quote's first lines and the rest at a tap, so a digest of ten stories stays
    one screen and each still shows how it begins. Its lines are joined without blank lines,
    where fit_message may split a message, so no split ever leaves a quote open."""
    if visible_length(markup) <= FOLD_AFTER:
        return markup
    lines = [line for line in markup.split("\n") if line.strip()]
    return "<blockquote expandable>" + "\n".join(lines) + "</blockquote>"


def utf16_length(text: str) -> int:
    """Telegram's measure of text: UTF-16 code units (a lone surrogate counts as one)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def visible_length(markup: str) -> int:
    """Length as Telegram counts it after entity parsing: UTF-16 code units of the visible text."""
    return utf16_length(to_plain_text(markup))


def to_plain_text(markup: str) -> str:
    return html.unescape(_TAG.sub("", markup))


def fit_message(message: Message, limit: int = MESSAGE_LIMIT) -> list[Message]:
    """Split an over-long message at paragraph boundaries; the preview goes above the first
    part, the buttons with the last.

    Every message the bot sends passes here (replies and outbox rows alike), so none exceeds
    Telegram's limit, however its producer measured it. A photo's caption holds CAPTION_LIMIT:
    the photo takes the caption's first paragraphs, and the rest follows as text.
    """
    if message.photo is not None:
        return _fit_caption(message, limit)
    if visible_length(message.html) <= limit:
        return [message]
    parts = [Message(html=part) for part in pack_blocks(message.html.split("\n\n"), limit=limit)]
    parts[0] = replace(parts[0], preview=message.preview)
    parts[-1] = replace(parts[-1], buttons=message.buttons)
    return parts


def _fit_caption(message: Message, limit: int) -> list[Message]:
    if visible_length(message.html) <= CAPTION_LIMIT:
        return [message]
    caption, *rest = pack_blocks(message.html.split("\n\n"), limit=CAPTION_LIMIT)
    following = fit_message(Message("\n\n".join(rest), message.buttons), limit)
    return [Message(caption, photo=message.photo), *following]


def shorten(text: str, limit: int) -> str:
    """Fit plain text (a label, a caption) into `limit` UTF-16 units, cut between words and
    marked with "…"."""
    if utf16_length(text) <= limit:
        return text
    return cut_before(text, _utf16_prefix(text, 0, limit - 1))


def pack_blocks(
    blocks: list[str], *, limit: int = MESSAGE_LIMIT, separator: str = "\n\n"
) -> list[str]:
    """Join well-formed HTML blocks into as few messages as fit the limit, never splitting a block.

    A single block longer than the limit is cut into plain-text chunks at white space, so no tag is
    ever broken in half. Visible lengths add up across well-formed blocks, so each block is
    measured once rather than the growing message again for every block.
    """
    gap = visible_length(separator)
    messages: list[str] = []
    current: list[str] = []
    current_length = 0
    for block in filter(None, blocks):
        length = visible_length(block)
        pieces = [(block, length)] if length <= limit else _cut_oversized(block, limit)
        for piece, size in pieces:
            if current and current_length + gap + size > limit:
                messages.append(separator.join(current))
                current, current_length = [], 0
            current_length += size + (gap if current else 0)
            current.append(piece)
    if current:
        messages.append(separator.join(current))
    return messages


def pack_messages(
    blocks: list[tuple[str, tuple[Button, ...]]], *, limit: int = MESSAGE_LIMIT
) -> list[Message]:
    """Like pack_blocks, but each block brings its buttons into the message it lands in."""
    gap = visible_length("\n\n")
    messages: list[Message] = []
    texts: list[str] = []
    length = 0
    rows: list[tuple[Button, ...]] = []
    for block, buttons in blocks:
        for piece in pack_blocks([block], limit=limit):
            size = visible_length(piece)
            if texts and length + gap + size > limit:
                messages.append(Message("\n\n".join(texts), tuple(rows)))
                texts, rows, length = [], [], 0
            length += size + (gap if texts else 0)
            texts.append(piece)
        rows.extend((button,) for button in buttons)
    if texts:
        messages.append(Message("\n\n".join(texts), tuple(rows)))
    return messages


def _utf16_prefix(text: str, start: int, limit: int) -> int:
    """The end of the longest stretch of `text` from `start` that fits `limit` UTF-16 units."""
    end = min(len(text), start + limit)  # every character is at least one unit
    units = utf16_length(text[start:end])
    while units > limit:
        end -= 1
        units -= 2 if ord(text[end]) > 0xFFFF else 1
    return end


def _cut_oversized(block: str, limit: int) -> list[tuple[str, int]]:
    """Plain-text chunks of at most `limit` units, cut at a space in their second half if any."""
    text = to_plain_text(block)
    chunks: list[tuple[str, int]] = []
    start = 0
    while utf16_length(text[start : start + limit + 1]) > limit:
        end = _utf16_prefix(text, start, limit)
        space = text.rfind(" ", start, end)
        cut = space if space > start + (end - start) // 2 else end
        chunk = text[start:cut].rstrip()
        chunks.append((esc(chunk), utf16_length(chunk)))
        start = cut
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        rest = text[start:]
        chunks.append((esc(rest), utf16_length(rest)))
    return chunks
