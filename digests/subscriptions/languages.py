"""Which language a chat is spoken to in: its own choice, else its people's Telegram's."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from digests.errors import DigestsError
from digests.i18n import LANGUAGES, _, negotiate
from digests.store.spoken import chat_language
from digests.store.tables import Chat


class LanguageError(DigestsError):
    """A language the bot does not speak."""


def reply_language(session: Session, chat_id: int, language_code: str | None) -> str:
    """The language to answer someone writing in this chat: the chat's choice, else the
    `language_code` Telegram sent with the update (remembered for digests, written only when
    it changed), else English."""
    row = session.exec(
        select(col(Chat.language), col(Chat.seen_language)).where(col(Chat.id) == chat_id)
    ).first()
    if row is None:
        return negotiate(language_code)
    chosen, seen = row
    spoken = negotiate(language_code) if language_code else None
    if spoken is not None and spoken != seen:
        session.execute(update(Chat).where(col(Chat.id) == chat_id).values(seen_language=spoken))
    return negotiate(chosen, spoken, seen)


def choose_language(session: Session, chat: Chat, typed: str) -> str:
    """The chat's own choice ("de", "Deutsch", "german"…); "auto" follows its people again."""
    wanted = typed.strip().lower()
    if wanted in ("auto", "off", "none"):
        chat.language = None
        session.flush()
        return chat_language(chat)
    names = {code: code for code in LANGUAGES}
    names |= {name.lower(): code for code, name in NATIVE_NAMES.items()}
    names |= {name.lower(): code for code, name in ENGLISH_NAMES.items()}
    code = names.get(wanted) or names.get(wanted.split("-")[0])
    if code is None:
        raise LanguageError(
            _("I speak {languages}. Choose one of them, or auto.").format(
                languages=", ".join(f"{NATIVE_NAMES[c]} ({c})" for c in LANGUAGES)
            )
        )
    chat.language = code
    session.flush()
    return code


NATIVE_NAMES = {"en": "English", "de": "Deutsch", "ru": "Русский", "uk": "Українська"}
ENGLISH_NAMES = {"en": "English", "de": "German", "ru": "Russian", "uk": "Ukrainian"}
