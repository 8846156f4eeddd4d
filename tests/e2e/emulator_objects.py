"""Value types of the Bot API emulator: errors, request parameters, recorded messages, checks."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .html_entities import EntityParseError, parse_html, utf16_len

MAX_TEXT_UTF16 = 4096
MAX_CALLBACK_DATA_BYTES = 64


class ApiError(Exception):
    """A Bot API failure; raising it anywhere in a method handler becomes the error envelope."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


class Params:
    """Request parameters as sent; form values are strings, so each reader coerces on demand."""

    __slots__ = ("raw",)

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def text(self, name: str) -> str | None:
        value = self.raw.get(name)
        return None if value is None else str(value)

    def integer(self, name: str, *, missing: str | None = None) -> int | None:
        """`missing` is the Bad Request detail to answer when the parameter is required."""
        value = self.raw.get(name)
        if value is None or value == "":
            if missing:
                raise bad_request(missing)
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str, default: float) -> float:
        value = self.raw.get(name)
        try:
            return default if value in (None, "") else float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.raw.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def json(self, name: str) -> Any:
        """Nested objects arrive JSON-encoded inside forms but already decoded in JSON bodies."""
        value = self.raw.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def chat_id(self) -> int:
        value = self.raw.get("chat_id")
        if value in (None, ""):
            raise bad_request("chat_id is empty")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None  # e.g. an unknown "@username"


@dataclass(frozen=True)
class EditRecord:
    """One successful edit: the content the message had right after it."""

    text: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    edited_at: float


@dataclass
class SentMessage:
    """A message the bot delivered; mutated in place by later edits so tests see the latest."""

    chat_id: int
    message_id: int
    text: str  # as the bot sent it, markup included
    parse_mode: str | None
    plain_text: str  # as the user sees it
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    link_preview_options: dict[str, Any] | None
    disable_web_page_preview: bool | None
    sent_at: float
    date: int
    reply_to_message_id: int | None = None
    edits: list[EditRecord] = field(default_factory=list)
    deleted: bool = False
    document: dict[str, Any] | None = None  # sendDocument: the Document object; text = caption
    message_thread_id: int | None = None  # the forum topic it was sent to
    photo: list[dict[str, Any]] | None = None  # sendPhoto: its PhotoSizes; text = caption

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline buttons in reading order, so tests can look one up by text or data."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]


@dataclass(frozen=True)
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass
class EmulatorStats:
    """Counters a benchmark reads to judge the bot: what got through and what was refused."""

    requests: int = 0
    delivered: int = 0
    edited: int = 0
    rate_limited: int = 0  # every 429 served, flood control and injected alike
    errors: Counter[int] = field(default_factory=Counter)


@dataclass
class InjectedFailure:
    method: str  # lower-case, as Telegram matches method names case-insensitively
    error: ApiError
    remaining: int
    chat_id: int | None = None

    def matches(self, method: str, params: Params) -> bool:
        if self.remaining <= 0 or method != self.method:
            return False
        return self.chat_id is None or str(params.raw.get("chat_id")) == str(self.chat_id)


class Signal:
    """Wakes every current waiter; a fresh Event per firing means no wake-up is ever lost."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)


def render_text(
    text: str | None, parse_mode: str | None, entities: Any
) -> tuple[str, list[dict[str, Any]]]:
    """Apply the parse mode and Telegram's length rules; returns what the user would see."""
    if text is None:
        raise bad_request("message text is empty")
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            plain, parsed = parse_html(text)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    elif mode in ("", "markdown", "markdownv2"):  # Markdown is passed through unvalidated
        plain, parsed = text, list(entities or [])
    else:
        raise bad_request("unsupported parse_mode")
    if not plain.strip():
        raise bad_request("message text is empty")
    if utf16_len(plain) > MAX_TEXT_UTF16:
        raise bad_request("message is too long")
    return plain, parsed


def check_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Reject inline keyboards Telegram would reject; other keyboards pass through untouched."""
    if markup is None:
        return None
    if not isinstance(markup, Mapping):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return dict(markup)
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard: rows must be arrays of buttons")
    for row in rows:
        for button in row:
            _check_button(button)
    return dict(markup)


def _check_button(button: Any) -> None:
    if not isinstance(button, Mapping) or not button.get("text"):
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    if "callback_data" in button:
        size = len(str(button["callback_data"]).encode())
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    elif len(button) == 1:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )


# LinkPreviewOptions: the Bot API reads these fields and ignores any other.
_PREVIEW_FLAGS = ("is_disabled", "prefer_small_media", "prefer_large_media", "show_above_text")


def check_link_preview_options(options: Any) -> dict[str, Any] | None:
    """Refuse what the Bot API refuses in `link_preview_options`: no object, a flag that is no
    JSON boolean, a url that is no string; and, stricter than Telegram (which then quietly shows
    no preview), a url that is not an http(s) link, so a bot passing on junk is caught."""
    if options is None:
        return None
    if not isinstance(options, Mapping):
        raise bad_request("object expected as link preview options")
    for flag in _PREVIEW_FLAGS:
        if flag in options and not isinstance(options[flag], bool):
            raise bad_request(f'field "{flag}" must be of type Boolean')
    url = options.get("url")
    if url is not None:
        if not isinstance(url, str):
            raise bad_request('field "url" must be of type String')
        if url and not _is_web_link(url):
            raise bad_request("link preview URL is invalid")
    return dict(options)


def _is_web_link(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # a port that is no number raises here
    except ValueError:
        return False
    spaced = any(char.isspace() or ord(char) < 32 for char in url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and not spaced


def inline_markup(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """Only inline keyboards are echoed back in a Message, as Telegram does."""
    return markup if markup and "inline_keyboard" in markup else None
