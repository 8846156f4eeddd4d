"""Chats and users known to the Bot API emulator: their API shapes, admins, and write bans."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .emulator_objects import ApiError, bad_request

# Telegram encodes the chat kind in the id: supergroups and channels are "-100" + 10 digits.
SUPERGROUP_ID_LIMIT = -1_000_000_000_000
DEFAULT_GROUP_USER_ID = 424242

_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}
_NO_GIFTS = dict.fromkeys(
    (
        "unlimited_gifts",
        "limited_gifts",
        "unique_gifts",
        "premium_subscription",
        "gifts_from_channels",
    ),
    False,
)


def infer_chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= SUPERGROUP_ID_LIMIT else "group"


@dataclass(frozen=True)
class Refusal:
    """Why the bot may not write to a chat; turned into a fresh ApiError on every attempt."""

    status: int
    description: str
    parameters: dict[str, Any] | None = None

    def error(self) -> ApiError:
        return ApiError(self.status, self.description, self.parameters)


@dataclass
class Chat:
    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    username: str | None = None
    admin_ids: set[int] = field(default_factory=set)
    creator_id: int | None = None
    refusal: Refusal | None = None
    last_message_id: int = 0
    is_forum: bool = False  # a supergroup with topics turned on
    # Its topics, kept while topics are off: thread id -> the service message that opened it.
    topics: dict[int, dict[str, Any]] = field(default_factory=dict)

    def next_message_id(self) -> int:
        """Message ids are per chat and shared by the user's and the bot's messages."""
        self.last_message_id += 1
        return self.last_message_id

    def as_chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            chat["first_name"] = self.first_name or "Test"
        else:
            chat["title"] = self.title or f"Test {self.type} {abs(self.id)}"
        if self.username:
            chat["username"] = self.username
        if self.is_forum:
            chat["is_forum"] = True
        return chat

    def check_thread(self, message_thread_id: int | None) -> None:
        """Telegram's answer to a send into a topic that is not there: deleted, never made, in
        a group whose topics are off or that never had any (the general chat is no thread)."""
        if message_thread_id is None:
            return
        if not self.is_forum or message_thread_id not in self.topics:
            raise bad_request("message thread not found")

    def thread_of(
        self, message_thread_id: int | None, reply_to: dict[str, Any] | None
    ) -> dict[str, Any]:
        """The thread fields of a user's new message, as Telegram fills them.

        In a topic (named, or the one of the message it replies to): the topic, and, unless it
        replies to something else, the topic's opening message as its reply_to_message. A reply
        anywhere else in a supergroup belongs to its reply chain, whose first message's id is
        its message_thread_id, without is_topic_message: no topic to send to.
        """
        if message_thread_id is None and reply_to is not None and reply_to.get("is_topic_message"):
            message_thread_id = reply_to["message_thread_id"]
        if message_thread_id is not None:
            if not self.is_forum or message_thread_id not in self.topics:
                raise LookupError(f"chat {self.id} has no open topic {message_thread_id}")
            return {
                "message_thread_id": message_thread_id,
                "is_topic_message": True,
                "reply_to_message": reply_to or self.topics[message_thread_id],
            }
        if reply_to is not None and self.type == "supergroup":
            root = reply_to.get("message_thread_id", reply_to["message_id"])
            return {"message_thread_id": root, "reply_to_message": reply_to}
        return {} if reply_to is None else {"reply_to_message": reply_to}

    def as_full_info(self) -> dict[str, Any]:
        return self.as_chat() | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": _NO_GIFTS,
        }


class ChatBook:
    """Chats spring into existence on first mention, so broadcast benchmarks need no set-up."""

    def __init__(self) -> None:
        self._chats: dict[int, Chat] = {}
        self._users: dict[int, dict[str, Any]] = {}

    def get(self, chat_id: int) -> Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = Chat(chat_id, infer_chat_type(chat_id))
        return chat

    def writable(self, chat_id: int) -> Chat:
        chat = self.get(chat_id)
        if chat.refusal is not None:
            raise chat.refusal.error()
        return chat

    def refuse(self, chat_id: int, refusal: Refusal | None) -> None:
        self.get(chat_id).refusal = refusal

    def kick(self, chat_id: int) -> None:
        kind = "supergroup" if self.get(chat_id).type == "supergroup" else "group"
        self.refuse(chat_id, Refusal(403, f"Forbidden: bot was kicked from the {kind} chat"))

    def migrate(self, old_id: int, new_id: int) -> Chat:
        old = self.get(old_id)
        old.refusal = Refusal(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            {"migrate_to_chat_id": new_id},
        )
        new = self.get(new_id)
        new.type, new.title = "supergroup", old.title
        new.admin_ids, new.creator_id = set(old.admin_ids), old.creator_id
        return new

    def user(self, user_id: int) -> dict[str, Any]:
        return self._users.get(user_id) or {
            "id": user_id,
            "is_bot": False,
            "first_name": f"User {user_id}",
        }

    def remember_user(
        self, user_id: int, first_name: str, username: str | None, language_code: str | None = None
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        language_code = language_code or self._users.get(user_id, {}).get("language_code")
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return user

    def member(self, chat_id: int, user: dict[str, Any]) -> dict[str, Any]:
        chat = self.get(chat_id)
        if user["id"] == chat.creator_id:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user["id"] in chat.admin_ids:
            return {"status": "administrator", "user": user, **_ADMIN_RIGHTS}
        return {"status": "member", "user": user}

    def administrators(self, chat_id: int, bot_user: dict[str, Any]) -> list[dict[str, Any]]:
        chat = self.get(chat_id)
        if chat.type == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        ids = ([chat.creator_id] if chat.creator_id is not None else []) + sorted(chat.admin_ids)
        users = (bot_user if i == bot_user["id"] else self.user(i) for i in dict.fromkeys(ids))
        return [self.member(chat_id, user) for user in users]
