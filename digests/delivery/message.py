"""Messages as data: HTML built only from escaped pieces, buttons, and splitting at a length limit.

The core composes digests into messages before they enter the outbox, so the message shape lives
here; transports (Telegram, the console) only turn it into their own form.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

from digests.delivery.callbacks import Callback, decode, encode

MESSAGE_LIMIT = 4096


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
class Message:
    """One outgoing message: Telegram-style HTML and rows of buttons."""

    html: str
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)


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


def shorten(text: str, limit: int) -> str:
    """Fit a label into `limit` characters, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def visible_length(markup: str) -> int:
    """Length as Telegram counts it after entity parsing: UTF-16 code units of the visible text."""
    return len(to_plain_text(markup).encode("utf-16-le")) // 2


def to_plain_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def pack_blocks(
    blocks: list[str], *, limit: int = MESSAGE_LIMIT, separator: str = "\n\n"
) -> list[str]:
    """Join well-formed HTML blocks into as few messages as fit the limit, never splitting a block.

    A single block longer than the limit is cut into plain-text chunks at white space, so no tag is
    ever broken in half.
    """
    messages: list[str] = []
    current = ""
    for block in blocks:
        pieces = [block] if visible_length(block) <= limit else _cut_oversized(block, limit)
        for piece in pieces:
            candidate = f"{current}{separator}{piece}" if current else piece
            if visible_length(candidate) <= limit:
                current = candidate
                continue
            if current:
                messages.append(current)
            current = piece
    if current:
        messages.append(current)
    return messages


def pack_messages(
    blocks: list[tuple[str, tuple[Button, ...]]], *, limit: int = MESSAGE_LIMIT
) -> list[Message]:
    """Like pack_blocks, but each block brings its buttons into the message it lands in."""
    messages: list[Message] = []
    texts: list[str] = []
    rows: list[tuple[Button, ...]] = []
    for block, buttons in blocks:
        for piece in pack_blocks([block], limit=limit):
            candidate = "\n\n".join([*texts, piece])
            if texts and visible_length(candidate) > limit:
                messages.append(Message("\n\n".join(texts), tuple(rows)))
                texts, rows = [], []
            texts.append(piece)
        rows.extend((button,) for button in buttons)
    if texts:
        messages.append(Message("\n\n".join(texts), tuple(rows)))
    return messages


def _cut_oversized(block: str, limit: int) -> list[str]:
    text = to_plain_text(block)
    chunks: list[str] = []
    while len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        cut = cut if cut > limit // 2 else limit
        chunks.append(esc(text[:cut].rstrip()))
        text = text[cut:].lstrip()
    if text:
        chunks.append(esc(text))
    return chunks
