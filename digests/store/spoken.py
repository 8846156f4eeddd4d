"""Which language a chat hears when nobody is being answered (a digest, a notice, a card): its
own choice in /settings, else what its people's Telegram last said, else English. One rule for
every stage that writes to chats unasked, delivery and ingest included, which come before
subscriptions in the flow."""

from __future__ import annotations

from digests.i18n import negotiate
from digests.store.tables import Chat


def chat_language(chat: Chat | None) -> str:
    if chat is None:
        return negotiate(None)
    return negotiate(chat.language, chat.seen_language)
