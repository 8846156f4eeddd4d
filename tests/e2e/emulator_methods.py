"""Bot API methods of the emulator: request dispatch and one handler per supported method."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from .emulator_files import DOWNLOAD_LIMIT, StoredFile, image_size, photo_refusal
from .emulator_inline import InlineMode
from .emulator_limits import RateLimits
from .emulator_objects import (
    ApiError,
    CallbackAnswer,
    Params,
    SentMessage,
    bad_request,
    check_link_preview_options,
    check_reply_markup,
    render_text,
)
from .emulator_topics import ForumTopics
from .html_entities import utf16_len

Handler = Callable[[Params], Awaitable[Any]]

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
MAX_CAPTION_UTF16 = 1024


class BotApiMethods(InlineMode, ForumTopics):
    """Answers Bot API calls the way Telegram does, including its validation errors."""

    def __init__(self, token: str, *, bot_username: str, limits: RateLimits | None) -> None:
        super().__init__(token, bot_username=bot_username, limits=limits)
        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "getFile": self._get_file,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "sendChatAction": self._send_chat_action,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "close": self._acknowledge,
            "logOut": self._acknowledge,
        }
        # Telegram matches method names case-insensitively; the log keeps the canonical name.
        self._methods = {name.lower(): (name, handler) for name, handler in handlers.items()}
        self._scoped_commands: dict[tuple[str, str], list[dict[str, Any]]] = {}

    async def dispatch(self, token: str, method: str, raw: dict[str, Any]) -> tuple[int, Any]:
        """Answer one API call: (HTTP status, Telegram envelope)."""
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            entry = self._methods.get(method.lower())
            if entry is None:
                raise ApiError(404, "Not Found")
            name, handler = entry
            self.stats.requests += 1
            self.requests.append((name, raw))
            if self._latency:
                await asyncio.sleep(self._latency)
            params = Params(raw)
            self._raise_injected(name.lower(), params)
            result = await handler(params)
        except ApiError as exc:
            self.stats.errors[exc.status] += 1
            if exc.status == 429:
                self.stats.rate_limited += 1
            return exc.status, exc.envelope()
        return 200, {"ok": True, "result": result}

    def _raise_injected(self, method: str, params: Params) -> None:
        for failure in self._failures:
            if failure.matches(method, params):
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
                error = failure.error
                raise ApiError(error.status, error.description, error.parameters)

    # --- bot identity, updates and webhooks ---------------------------------------------

    async def _get_me(self, params: Params) -> dict[str, Any]:
        return self.bot_user

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(409, _WEBHOOK_ACTIVE)
        allowed = params.json("allowed_updates")
        if allowed is not None:
            self.allowed_updates = allowed
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = max(0.0, params.number("timeout", 0.0))
        return await self._updates.fetch(params.integer("offset"), limit, timeout)

    async def _set_webhook(self, params: Params) -> bool:
        url = params.text("url") or ""
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if params.flag("drop_pending_updates"):
            self._updates.drop_pending()
        self.webhook_url = url
        return True

    async def _delete_webhook(self, params: Params) -> bool:
        if params.flag("drop_pending_updates"):
            self._updates.drop_pending()
        self.webhook_url = ""
        return True

    async def _get_webhook_info(self, params: Params) -> dict[str, Any]:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _acknowledge(self, params: Params) -> bool:
        return True

    # --- messages -----------------------------------------------------------------------

    async def _send_message(self, params: Params) -> dict[str, Any]:
        chat = self._chats.writable(params.chat_id())
        thread = params.integer("message_thread_id")
        chat.check_thread(thread)
        text, parse_mode = params.text("text"), params.text("parse_mode")
        plain, entities = render_text(text, parse_mode, params.json("entities"))
        markup = check_reply_markup(params.json("reply_markup"))
        preview = check_link_preview_options(params.json("link_preview_options"))
        reply_to = self._reply_target(chat.id, params)
        self._admit(chat.id, paid=params.flag("allow_paid_broadcast"))
        now = time.time()
        record = SentMessage(
            chat_id=chat.id,
            message_id=chat.next_message_id(),
            text=text or "",
            parse_mode=parse_mode,
            plain_text=plain,
            entities=entities,
            reply_markup=markup,
            link_preview_options=preview,
            disable_web_page_preview=(
                params.flag("disable_web_page_preview")
                if "disable_web_page_preview" in params.raw
                else None
            ),
            sent_at=now,
            date=int(now),
            reply_to_message_id=reply_to,
            message_thread_id=thread,
        )
        self._deliver(record)
        return self._message_dict(record)

    async def _send_document(self, params: Params) -> dict[str, Any]:
        return self._send_file(params, "document")

    async def _send_photo(self, params: Params) -> dict[str, Any]:
        return self._send_file(params, "photo")

    def _send_file(self, params: Params, kind: str) -> dict[str, Any]:
        """sendDocument or sendPhoto: the file (its field is named as its kind) under an HTML
        caption, as Telegram keeps them; a photo also carries its pixel size."""
        chat = self._chats.writable(params.chat_id())
        thread = params.integer("message_thread_id")
        chat.check_thread(thread)
        stored = self._uploaded(params, kind, kind=kind)
        caption, parse_mode = params.text("caption") or "", params.text("parse_mode")
        plain, entities = _render_caption(caption, parse_mode, params.json("caption_entities"))
        markup = check_reply_markup(params.json("reply_markup"))
        reply_to = self._reply_target(chat.id, params)
        self._admit(chat.id, paid=params.flag("allow_paid_broadcast"))
        attached: dict[str, Any]
        if kind == "photo":
            size = image_size(stored.data)
            assert size is not None  # checked at upload
            attached = {"photo": stored.as_photo(*size)}
        else:
            attached = {"document": stored.as_document()}
        now = time.time()
        record = SentMessage(
            chat_id=chat.id,
            message_id=chat.next_message_id(),
            text=caption,
            parse_mode=parse_mode,
            plain_text=plain,
            entities=entities,
            reply_markup=markup,
            link_preview_options=None,
            disable_web_page_preview=None,
            sent_at=now,
            date=int(now),
            reply_to_message_id=reply_to,
            message_thread_id=thread,
            **attached,
        )
        self._deliver(record)
        return self._message_dict(record)

    def _uploaded(self, params: Params, name: str, *, kind: str = "document") -> StoredFile:
        """A multipart upload (directly or as attach://<field>) or the file_id of a known file
        of the same kind; a photo must be an image Telegram takes (photo_refusal)."""
        value = params.raw.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.raw.get(value.removeprefix("attach://"))
        if isinstance(value, str):
            stored = self.files.get(value)
            if stored is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            if stored.kind != kind:
                raise bad_request("type of file mismatch")
            return stored
        if value is None or not hasattr(value, "file"):
            raise bad_request(f"there is no {name} in the request")
        data = value.file.read()
        if not data:
            raise bad_request("file must be non-empty")
        if kind == "photo" and (refusal := photo_refusal(data)):
            raise bad_request(refusal)
        return self.files.add(
            data, file_name=value.filename, mime_type=value.content_type, kind=kind
        )

    async def _get_file(self, params: Params) -> dict[str, Any]:
        stored = self.files.get(params.text("file_id"))
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.data) > DOWNLOAD_LIMIT:
            raise bad_request("file is too big")
        return stored.as_file()

    def _reply_target(self, chat_id: int, params: Params) -> int | None:
        reply = params.json("reply_parameters") or {}
        message_id = reply.get("message_id") or params.integer("reply_to_message_id")
        if message_id is None or self._find_message(chat_id, int(message_id)) is not None:
            return message_id
        if reply.get("allow_sending_without_reply") or params.flag("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")

    def _admit(self, chat_id: int, *, paid: bool) -> None:
        if self._flood is None:
            return
        retry_after = self._flood.admit(chat_id, paid=paid)
        if retry_after:
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )

    async def _edit_message_text(self, params: Params) -> dict[str, Any]:
        record = self._editable(params)
        if record.document is not None or record.photo is not None:  # a caption, not a text
            raise bad_request("there is no text in the message to edit")
        text, parse_mode = params.text("text"), params.text("parse_mode")
        rendered = render_text(text, parse_mode, params.json("entities"))
        markup = check_reply_markup(params.json("reply_markup"))
        if (*rendered, markup) == (record.plain_text, record.entities, record.reply_markup):
            raise bad_request(_NOT_MODIFIED)
        preview = check_link_preview_options(params.json("link_preview_options"))
        if "link_preview_options" in params.raw:
            record.link_preview_options = preview
        self._record_edit(record, text or "", parse_mode, rendered, markup)
        return self._message_dict(record)

    async def _edit_message_reply_markup(self, params: Params) -> dict[str, Any]:
        record = self._editable(params)
        markup = check_reply_markup(params.json("reply_markup"))
        if markup == record.reply_markup:
            raise bad_request(_NOT_MODIFIED)
        rendered = (record.plain_text, record.entities)
        self._record_edit(record, record.text, record.parse_mode, rendered, markup)
        return self._message_dict(record)

    def _editable(self, params: Params) -> SentMessage:
        chat = self._chats.writable(params.chat_id())
        key = (chat.id, params.integer("message_id", missing="message identifier is not specified"))
        record = self._sent_by_id.get(key)
        if record is not None and not record.deleted:
            return record
        if key in self._user_messages:
            raise bad_request("message can't be edited")
        raise bad_request("message to edit not found")

    async def _delete_message(self, params: Params) -> bool:
        chat = self._chats.writable(params.chat_id())
        key = (chat.id, params.integer("message_id", missing="message identifier is not specified"))
        record = self._sent_by_id.get(key)
        if record is not None and not record.deleted:
            record.deleted = True
            self._changed.fire()
            return True
        if self._user_messages.pop(key, None) is None:
            raise bad_request("message to delete not found")
        return True

    async def _answer_callback_query(self, params: Params) -> bool:
        query_id = params.text("callback_query_id")
        if query_id not in self._open_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self._open_queries.discard(query_id)
        answer = CallbackAnswer(
            query_id, params.text("text"), params.flag("show_alert"), params.text("url")
        )
        self.callback_answers.append(answer)
        return True

    async def _send_chat_action(self, params: Params) -> bool:
        self._chats.writable(params.chat_id())
        if params.text("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    # --- commands -----------------------------------------------------------------------

    async def _set_my_commands(self, params: Params) -> bool:
        commands = params.json("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not _COMMAND_NAME.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self._scoped_commands[self._command_scope(params)] = commands
        self.commands = commands
        return True

    async def _get_my_commands(self, params: Params) -> list[dict[str, Any]]:
        return self._scoped_commands.get(self._command_scope(params), [])

    async def _delete_my_commands(self, params: Params) -> bool:
        self._scoped_commands.pop(self._command_scope(params), None)
        return True

    @staticmethod
    def _command_scope(params: Params) -> tuple[str, str]:
        scope = params.json("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.text("language_code") or ""

    # --- chats --------------------------------------------------------------------------

    async def _get_chat(self, params: Params) -> dict[str, Any]:
        return self._chats.get(params.chat_id()).as_full_info()

    async def _get_chat_member(self, params: Params) -> dict[str, Any]:
        user_id = params.integer("user_id", missing="user not found")
        user = self.bot_from if user_id == self.bot_from["id"] else self._chats.user(user_id)
        return self._chats.member(params.chat_id(), user)

    async def _get_chat_administrators(self, params: Params) -> list[dict[str, Any]]:
        return self._chats.administrators(params.chat_id(), self.bot_from)


def _render_caption(
    caption: str, parse_mode: str | None, entities: Any
) -> tuple[str, list[dict[str, Any]]]:
    """Captions are optional, but follow the text's parse rules and have a shorter limit."""
    if not caption:
        return "", []
    plain, parsed = render_text(caption, parse_mode, entities)
    if utf16_len(plain) > MAX_CAPTION_UTF16:
        raise bad_request("message caption is too long")
    return plain, parsed
