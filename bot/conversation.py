"""Transport-neutral conversation types: who asks, and what the bot answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from digests.delivery.message import Message
from digests.i18n import N_
from digests.subscriptions.subscribers import ChatInfo

# What a person reads when answering them failed on our side: never what failed (no internals).
SOMETHING_WENT_WRONG = N_("Sorry, something went wrong on my side. Please try again in a moment.")


@dataclass(frozen=True, slots=True)
class Asker:
    """The sender of an update and where they wrote it."""

    user_id: int | None
    chat: ChatInfo
    can_manage_chat: bool = True  # private chats: always; groups: only the chat's admins
    message_id: int | None = None  # for button presses: the message the button is on
    # The forum topic the command or button came from (None: the chat, or its general chat).
    message_thread_id: int | None = None
    language_code: str | None = None  # the sender's Telegram language (IETF), if it said


@dataclass(frozen=True, slots=True)
class Answer:
    """The bot's answer to a button press: edit the pressed message, send more, or just a notice."""

    edit: Message | None = None
    send: list[Message] = field(default_factory=list)
    notice: str | None = None
    alert: bool = False
