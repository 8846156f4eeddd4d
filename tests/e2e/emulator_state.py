"""Emulated Telegram state plus its test-facing side: acting as users, observing, faults."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .emulator_chats import DEFAULT_GROUP_USER_ID, ChatBook, Refusal
from .emulator_files import FileStore
from .emulator_limits import FloodControl, RateLimits
from .emulator_objects import (
    ApiError,
    CallbackAnswer,
    EditRecord,
    EmulatorStats,
    InjectedFailure,
    SentMessage,
    Signal,
    inline_markup,
)
from .emulator_updates import UpdateQueue
from .html_entities import utf16_len

# Bounded so that a long benchmark cannot exhaust memory through the log alone.
REQUEST_LOG_SIZE = 200_000
BLOCKED = "Forbidden: bot was blocked by the user"
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_T = TypeVar("_T")


def _command_entities(text: str) -> list[dict[str, Any]]:
    """Telegram marks every /command in a user's text; PTB's CommandHandler relies on it."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in _COMMAND.finditer(text)
    ]


class BotApiState:
    """Everything Telegram knows about one bot and its chats, kept in memory."""

    def __init__(self, token: str, *, bot_username: str, limits: RateLimits | None) -> None:
        self.token = token
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": "Digest Test Bot",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        # Messages and member lists carry the short User form, not getMe's.
        self.bot_from = {
            key: self.bot_user[key] for key in ("id", "is_bot", "first_name", "username")
        }
        self.stats = EmulatorStats()
        self.requests: deque[tuple[str, dict[str, Any]]] = deque(maxlen=REQUEST_LOG_SIZE)
        self.callback_answers: list[CallbackAnswer] = []
        self.commands: list[dict[str, Any]] = []
        self.webhook_url = ""
        self.allowed_updates: list[str] | None = None
        self._chats = ChatBook()
        self.files = FileStore()
        self._updates = UpdateQueue()
        self._flood = FloodControl(limits) if limits else None
        self._sent: list[SentMessage] = []
        self._sent_by_chat: dict[int, list[SentMessage]] = {}
        self._sent_by_id: dict[tuple[int, int], SentMessage] = {}
        self._user_messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._update_ids: dict[tuple[int, int], int] = {}  # a user message's update
        self._open_queries: set[str] = set()
        self._query_ids = itertools.count(4_000_000_000_000_000_001)
        self._failures: list[InjectedFailure] = []
        self._latency = 0.0
        self._changed = Signal()

    # --- acting as a Telegram user -------------------------------------------------------

    def user_sends(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        first_name: str = "Test",
        username: str | None = None,
        chat_title: str | None = None,
        reply_to_message_id: int | None = None,
        forward_origin: dict[str, Any] | None = None,
        message_thread_id: int | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """Queue a message update and return the Message dict the bot will receive.

        A negative chat_id left at chat_type="private" becomes a group (or supergroup for
        -100… ids), since Telegram's ids say which kind of chat they are. A user writing to
        the bot also lifts block_chat(), as pressing "Restart" does in Telegram.
        `forward_origin` (a MessageOrigin dict) makes it a forwarded message;
        `message_thread_id` writes in that topic of a forum (see create_topic); `language_code`
        is the sender's Telegram language, remembered for their later updates.
        """
        content: dict[str, Any] = {"text": text}
        if entities := _command_entities(text):
            content["entities"] = entities
        if forward_origin is not None:
            content["forward_origin"] = forward_origin
        return self._user_message(
            chat_id,
            content,
            user_id=user_id,
            chat_type=chat_type,
            first_name=first_name,
            username=username,
            chat_title=chat_title,
            reply_to_message_id=reply_to_message_id,
            message_thread_id=message_thread_id,
            language_code=language_code,
        )

    def user_sends_document(
        self,
        chat_id: int,
        data: bytes,
        *,
        file_name: str,
        mime_type: str | None = None,
        caption: str | None = None,
        user_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue a message carrying a file, which the bot can then fetch with getFile."""
        stored = self.files.add(data, file_name=file_name, mime_type=mime_type)
        content: dict[str, Any] = {"document": stored.as_document()}
        if caption:
            content["caption"] = caption
            if entities := _command_entities(caption):
                content["caption_entities"] = entities
        return self._user_message(
            chat_id, content, user_id=user_id, reply_to_message_id=reply_to_message_id
        )

    def _user_message(
        self,
        chat_id: int,
        content: dict[str, Any],
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        first_name: str = "Test",
        username: str | None = None,
        chat_title: str | None = None,
        reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        reply_to = (
            None
            if reply_to_message_id is None
            else self._existing_message(chat_id, reply_to_message_id)
        )
        chat = self._chats.get(chat_id)
        if chat_type != "private" or chat_id > 0:
            chat.type = chat_type
        if chat.type == "private":
            chat.first_name, chat.username = first_name, username
        elif chat_title:
            chat.title = chat_title
        if chat.refusal is not None and chat.refusal.description == BLOCKED:
            chat.refusal = None
        sender = user_id if user_id is not None else self._default_user(chat_id)
        thread = chat.thread_of(message_thread_id, reply_to)
        message: dict[str, Any] = {
            "message_id": chat.next_message_id(),
            "date": int(time.time()),
            "chat": chat.as_chat(),
            "from": self._chats.remember_user(sender, first_name, username, language_code),
            **content,
            **thread,
        }
        self._user_messages[(chat_id, message["message_id"])] = message
        update = self._updates.push("message", message)
        self._update_ids[(chat_id, message["message_id"])] = update["update_id"]
        return message

    def user_presses(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        user_id: int | None = None,
        forged: bool = False,
    ) -> str:
        """Queue a button press and return the callback query id the bot must answer.

        Raises LookupError when the bot never showed that button, which is a test bug, unless
        the press is `forged`: a modified client can send any callback data with any message
        of the bot's, and Telegram passes it on as it came.
        """
        record = self._sent_by_id.get((chat_id, message_id))
        if record is None or record.deleted:
            raise LookupError(f"the bot has no message {message_id} in chat {chat_id}")
        offered = [button.get("callback_data") for button in record.buttons]
        if callback_data not in offered and not forged:
            raise LookupError(
                f"message {message_id} in chat {chat_id} has no button with callback_data "
                f"{callback_data!r}; its buttons carry {offered}"
            )
        query_id = str(next(self._query_ids))
        sender = user_id if user_id is not None else self._default_user(chat_id)
        self._open_queries.add(query_id)
        self._updates.push(
            "callback_query",
            {
                "id": query_id,
                "from": self._chats.user(sender),
                "message": self._message_dict(record),
                "chat_instance": str(chat_id * 7919),
                "data": callback_data,
            },
        )
        return query_id

    def add_channel_post(
        self, chat_id: int, text: str, *, chat_title: str | None = None
    ) -> dict[str, Any]:
        chat = self._chats.get(chat_id)
        chat.type, chat.title = "channel", chat_title or chat.title
        post = {
            "message_id": chat.next_message_id(),
            "date": int(time.time()),
            "chat": chat.as_chat(),
            "sender_chat": chat.as_chat(),
            "text": text,
        }
        if entities := _command_entities(text):
            post["entities"] = entities
        self._updates.push("channel_post", post)
        return post

    # --- observing the bot ------------------------------------------------------------------

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """Delivered messages in delivery order (deleted ones included, flagged)."""
        return list(self._sent if chat_id is None else self._sent_by_chat.get(chat_id, ()))

    async def wait_for_messages(
        self, chat_id: int, count: int = 1, timeout: float = 10.0
    ) -> list[SentMessage]:
        """Every message sent to chat_id, once there are at least `count` of them."""

        def ready() -> list[SentMessage] | None:
            messages = self._sent_by_chat.get(chat_id, [])
            return list(messages) if len(messages) >= count else None

        def failure() -> str:
            texts = [m.text for m in self._sent_by_chat.get(chat_id, [])]
            return f"expected {count} message(s) in chat {chat_id}, got {len(texts)}: {texts}"

        return await self._wait_until(ready, timeout, failure)

    async def wait_for_edit(
        self, chat_id: int, message_id: int, timeout: float = 10.0, *, count: int = 1
    ) -> SentMessage:
        """The message once it has been edited `count` times in total (earlier edits count)."""

        def ready() -> SentMessage | None:
            record = self._sent_by_id.get((chat_id, message_id))
            return record if record is not None and len(record.edits) >= count else None

        def failure() -> str:
            return f"message {message_id} in chat {chat_id} was not edited {count} time(s)"

        return await self._wait_until(ready, timeout, failure)

    def handed_out_at(self, chat_id: int, message_id: int) -> float | None:
        """When getUpdates first gave the bot this user message (time.time(), as `sent_at` of a
        reply), so a benchmark can time the bot's handling alone; None while it has not."""
        update_id = self._update_ids.get((chat_id, message_id))
        return None if update_id is None else self._updates.handed_out.get(update_id)

    def stats_snapshot(self) -> dict[str, Any]:
        """JSON-ready counters plus every delivered text per chat, for lost/duplicate checks."""
        stats = self.stats
        return {
            "requests": stats.requests,
            "delivered": stats.delivered,
            "edited": stats.edited,
            "rate_limited": stats.rate_limited,
            "errors": {str(status): n for status, n in stats.errors.items()},
            "chats": {
                str(chat_id): [m.text for m in messages]
                for chat_id, messages in self._sent_by_chat.items()
            },
        }

    # --- shaping the world and injecting faults ------------------------------------------

    def set_chat_admins(
        self, chat_id: int, user_ids: Iterable[int], *, creator_id: int | None = None
    ) -> None:
        chat = self._chats.get(chat_id)
        chat.admin_ids, chat.creator_id = set(user_ids), creator_id

    def block_chat(self, chat_id: int) -> None:
        self._chats.refuse(chat_id, Refusal(403, BLOCKED))

    def deactivate_user(self, user_id: int) -> None:
        self._chats.refuse(user_id, Refusal(403, "Forbidden: user is deactivated"))

    def kick_from_chat(self, chat_id: int) -> None:
        self._chats.kick(chat_id)

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """Upgrade a group; also queues the two service messages Telegram sends about it."""
        new = self._chats.migrate(old_id, new_id)
        old = self._chats.get(old_id)
        now = int(time.time())
        self._updates.push(
            "message",
            {
                "message_id": old.next_message_id(),
                "date": now,
                "chat": old.as_chat(),
                "from": self._chats.user(DEFAULT_GROUP_USER_ID),
                "migrate_to_chat_id": new_id,
            },
        )
        self._updates.push(
            "message",
            {
                "message_id": new.next_message_id(),
                "date": now,
                "chat": new.as_chat(),
                "sender_chat": old.as_chat(),
                "migrate_from_chat_id": old_id,
            },
        )

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` (optionally only for chat_id) with an error.

        A 429 without retry_after gets retry_after=1, since PTB only raises RetryAfter with one.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if status == 429
                else _DEFAULT_DESCRIPTIONS.get(status, "Error")
            )
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        error = ApiError(status, description, parameters)
        self._failures.append(InjectedFailure(method.lower(), error, times, chat_id))

    def set_latency(self, seconds: float) -> None:
        """Delay every API answer, to expose code that assumes Telegram answers instantly."""
        self._latency = seconds

    # --- shared by the method handlers --------------------------------------------------

    def _default_user(self, chat_id: int) -> int:
        return chat_id if chat_id > 0 else DEFAULT_GROUP_USER_ID

    def _deliver(self, record: SentMessage) -> None:
        self._sent.append(record)
        self._sent_by_chat.setdefault(record.chat_id, []).append(record)
        self._sent_by_id[(record.chat_id, record.message_id)] = record
        self.stats.delivered += 1
        self._changed.fire()

    def _record_edit(
        self,
        record: SentMessage,
        text: str,
        parse_mode: str | None,
        rendered: tuple[str, list[dict[str, Any]]],
        markup: dict[str, Any] | None,
    ) -> None:
        record.text, record.parse_mode = text, parse_mode
        record.plain_text, record.entities = rendered
        record.reply_markup = markup
        record.edits.append(EditRecord(text, parse_mode, markup, time.time()))
        self.stats.edited += 1
        self._changed.fire()

    def _message_dict(self, record: SentMessage, *, with_reply: bool = True) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": record.message_id,
            "date": record.date,
            "chat": self._chats.get(record.chat_id).as_chat(),
            "from": self.bot_from,
        }
        if record.document is None and record.photo is None:
            message["text"] = record.plain_text
            if record.entities:
                message["entities"] = record.entities
        else:  # a file's text is its caption
            if record.document is not None:
                message["document"] = record.document
            if record.photo is not None:
                message["photo"] = record.photo
            if record.plain_text:
                message["caption"] = record.plain_text
            if record.entities:
                message["caption_entities"] = record.entities
        if markup := inline_markup(record.reply_markup):
            message["reply_markup"] = markup
        if record.edits:
            message["edit_date"] = int(record.edits[-1].edited_at)
        if record.message_thread_id is not None:
            message["message_thread_id"] = record.message_thread_id
            message["is_topic_message"] = True
        if with_reply:
            reply = self._replied_by(record)
            if reply is not None:
                message["reply_to_message"] = reply
        return message

    def _replied_by(self, record: SentMessage) -> dict[str, Any] | None:
        """What a bot's message replies to: its reply target, or in a topic the topic's
        opening message, as in users' messages."""
        if record.reply_to_message_id is not None:
            return self._find_message(record.chat_id, record.reply_to_message_id)
        if record.message_thread_id is None:
            return None
        return self._chats.get(record.chat_id).topics.get(record.message_thread_id)

    def _find_message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Replies nest only one level deep, as in Telegram."""
        record = self._sent_by_id.get((chat_id, message_id))
        if record is not None and not record.deleted:
            return self._message_dict(record, with_reply=False)
        message = self._user_messages.get((chat_id, message_id))
        if message is None:
            return None
        return {key: value for key, value in message.items() if key != "reply_to_message"}

    def _existing_message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        message = self._find_message(chat_id, message_id)
        if message is None:
            raise LookupError(f"no message {message_id} in chat {chat_id} to reply to")
        return message

    async def _wait_until(
        self, probe: Callable[[], _T | None], timeout: float, failure: Callable[[], str]
    ) -> _T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (result := probe()) is None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(failure())
            await self._changed.wait(remaining)
        return result
