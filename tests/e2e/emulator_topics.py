"""Forum supergroups of the Bot API emulator: what a test does there as the group's users.

A forum is a supergroup with topics turned on (`is_forum` on its Chat). A topic is opened by a
service message (`forum_topic_created`) whose id is the topic's message_thread_id; messages in
the topic carry it with `is_topic_message`. Deleting a topic deletes its messages; turning
topics off keeps them for when topics come back, but no send may name one meanwhile.
"""

from __future__ import annotations

import time
from typing import Any

from .emulator_chats import DEFAULT_GROUP_USER_ID
from .emulator_state import BotApiState

# One of the six colours Telegram allows for a topic's icon (0x6FB9F0, blue).
TOPIC_ICON_COLOR = 7322096


class ForumTopics(BotApiState):
    """Forums, their topics, and the admins' switches; the sends' checks live on the Chat."""

    def make_forum(self, chat_id: int, *, title: str | None = None) -> None:
        """A supergroup (a -100… id) with topics on; its general chat is the chat itself."""
        chat = self._chats.get(chat_id)
        if chat.type != "supergroup":
            raise ValueError(f"only supergroups have topics; chat {chat_id} is a {chat.type}")
        chat.is_forum, chat.title = True, title or chat.title

    def set_topics(self, chat_id: int, *, enabled: bool) -> None:
        """An admin turns the group's topics off (or on again: its topics come back)."""
        self._chats.get(chat_id).is_forum = enabled

    def create_topic(self, chat_id: int, name: str, *, user_id: int | None = None) -> int:
        """A user opens a topic; the service message reaches the bot as an update. Returns
        the topic's message_thread_id."""
        chat = self._chats.get(chat_id)
        if not chat.is_forum:
            raise LookupError(f"chat {chat_id} has no topics: make_forum first")
        message_id = chat.next_message_id()
        opening: dict[str, Any] = {
            "message_id": message_id,
            "message_thread_id": message_id,
            "date": int(time.time()),
            "chat": chat.as_chat(),
            "from": self._chats.user(user_id if user_id is not None else DEFAULT_GROUP_USER_ID),
            "is_topic_message": True,
            "forum_topic_created": {"name": name, "icon_color": TOPIC_ICON_COLOR},
        }
        chat.topics[message_id] = opening
        self._user_messages[(chat_id, message_id)] = opening
        self._updates.push("message", opening)
        return message_id

    def delete_topic(self, chat_id: int, message_thread_id: int) -> None:
        """An admin deletes a topic with every message in it (bots are not told)."""
        chat = self._chats.get(chat_id)
        if chat.topics.pop(message_thread_id, None) is None:
            raise LookupError(f"chat {chat_id} has no topic {message_thread_id}")
        for record in self._sent_by_chat.get(chat_id, ()):
            if record.message_thread_id == message_thread_id:
                record.deleted = True
        in_topic = [
            key
            for key, message in self._user_messages.items()
            if key[0] == chat_id
            and message.get("is_topic_message")
            and message["message_thread_id"] == message_thread_id
        ]
        for key in in_topic:
            del self._user_messages[key]
        self._changed.fire()
