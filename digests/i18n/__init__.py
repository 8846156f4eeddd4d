"""The reader's language: gettext catalogs (Babel) that translators edit as `.po` files.

Every sentence a reader sees is written in English inside `_()` (or `ngettext()` when it counts
something, so each language's catalog decides its own plural forms: Russian and Ukrainian have
three). Which language `_()` speaks is a context variable set for the chat being answered or
written to (`speaking`), so use cases deep in the core translate without being handed a locale,
and concurrent chats never see each other's language (each update runs in its own context).

Catalogs are read from the `.po` files at first use and compiled in memory: there is no build
step to forget, and a translator's edit shows at the next start.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
ENGLISH = "en"
# The languages the bot speaks, English (the source text) first; each has a catalog in LOCALES.
LANGUAGES: tuple[str, ...] = (ENGLISH, "de", "ru", "uk")


_speaking: ContextVar[str] = ContextVar("speaking", default=ENGLISH)


def negotiate(*codes: str | None) -> str:
    """The first of these IETF codes (a chat's choice, a user's `language_code`…) the bot
    speaks, by its primary subtag ("de-AT" is German); English when none is."""
    for code in codes:
        primary = (code or "").strip().replace("_", "-").split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return ENGLISH


@cache
def catalog(language: str) -> NullTranslations:
    """The compiled catalog of one language (English is the source text: no catalog)."""
    if language == ENGLISH:
        return NullTranslations()
    path = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po:
        messages = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, messages, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def current_language() -> str:
    return _speaking.get()


@contextlib.contextmanager
def speaking(language: str) -> Iterator[None]:
    """Translate into `language` inside this block (and in what it calls in this context)."""
    token = _speaking.set(negotiate(language))
    try:
        yield
    finally:
        _speaking.reset(token)


def _(message: str) -> str:
    """The message in the current language; the English text when it has no translation."""
    return catalog(_speaking.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The message for `count` in the current language's plural form (`{count}` in it is
    left for the caller's `.format`)."""
    return catalog(_speaking.get()).ngettext(singular, plural, count)


def number(value: float) -> str:
    """A number as the reader writes it: 1,024.5 in English, 1.024,5 in German (up to six
    decimals, as many as it has)."""
    return format_decimal(value, format="#,##0.######", locale=_speaking.get())


def N_(message: str) -> str:
    """Marks a constant for the catalogs without translating it yet: it is translated where
    it is shown, in the reader's language (`_(CONSTANT)`)."""
    return message


@dataclass(frozen=True, slots=True)
class Phrase:
    """A message to be said later, in the language spoken where it is shown: what crosses into
    a worker process (which speaks no one's language) and back, or is kept for whoever reads it.
    Its parameters are filled in after translating; a parameter that is a Phrase is said too."""

    message: str
    params: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        values = {name: str(v) if isinstance(v, Phrase) else v for name, v in self.params}
        return _(self.message).format(**values)

    def said_in(self, language: str) -> str:
        with speaking(language):
            return str(self)


def later(message: str, **params: object) -> Phrase:
    """Marks a message for the catalogs, to be translated when it is shown (`str()`)."""
    return Phrase(message, tuple(params.items()))


def in_english(text: str | Phrase) -> str:
    """What is stored and logged: the source text, whoever the request came from."""
    return text.said_in(ENGLISH) if isinstance(text, Phrase) else text
