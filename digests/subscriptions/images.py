"""Whether a chat sees articles' pictures: a large link preview above its digests and summaries.

A chat's choice, not its subscription's: /summary shows pictures to chats that never subscribed.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from digests.i18n import _
from digests.store.tables import Chat
from digests.subscriptions.subscribers import SettingError

CHOICES = {"on": True, "off": False}


def shows_images(session: Session, chat_id: int) -> bool:
    """On unless the chat turned them off (a chat the bot has no row for sees them too)."""
    images = session.exec(select(col(Chat.images)).where(col(Chat.id) == chat_id)).first()
    return images is None or images


def choose_images(session: Session, chat: Chat, typed: str) -> bool:
    """/settings images on|off (and the card's buttons)."""
    wanted = CHOICES.get(typed.strip().casefold())
    if wanted is None:
        raise SettingError(_("Images are on or off, for example /settings images off."))
    chat.images = wanted
    session.flush()
    return wanted
