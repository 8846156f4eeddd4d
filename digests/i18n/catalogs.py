"""Keeping the catalogs in step with the code: extract every marked message, merge the new
ones into each language's `.po` file, and list what is still untranslated.

`python -m digests.i18n update` is the one command a developer runs after changing a message;
`python -m digests.i18n check` (and the test suite) fails while any message lacks a translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from digests.i18n import DOMAIN, ENGLISH, LANGUAGES, LOCALES

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("digests", "bot")
KEYWORDS = {"_": None, "N_": None, "later": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}")


@dataclass(frozen=True, slots=True)
class Gap:
    """One message a language cannot say yet, or says with the wrong placeholders."""

    language: str
    msgid: str
    problem: str


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract(root: Path = PACKAGE_ROOT) -> Catalog:
    """Every message marked in the code, with where it is used."""
    template = Catalog(domain=DOMAIN, project="article-digests-bot")
    for folder in SOURCES:
        found = extract_from_dir(
            root / folder,
            method_map=[("**/migrations/**", "ignore"), ("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
        )
        for filename, line, message, comments, context in found:
            template.add(
                message,
                locations=[(f"{folder}/{filename}", line)],
                auto_comments=comments,
                context=context,
            )
    return template


def read(language: str) -> Catalog:
    with po_path(language).open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


def update(languages: tuple[str, ...] = LANGUAGES[1:]) -> None:
    """Merge the code's messages into each catalog: new ones arrive untranslated, changed ones
    fuzzy (so they count as missing until a translator looks), gone ones are dropped."""
    template = extract()
    for language in languages:
        path = po_path(language)
        if path.exists():
            messages = read(language)
        else:
            messages = Catalog(locale=language, domain=DOMAIN, project="article-digests-bot")
        messages.update(template, no_fuzzy_matching=False)
        messages.obsolete.clear()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as po:
            write_po(po, messages, width=100, no_location=True, sort_output=False)


def gaps(template: Catalog | None = None) -> list[Gap]:
    """What each language still lacks: a message missing, untranslated, fuzzy, short of a
    plural form, or with placeholders other than the English text's."""
    template = template or extract()
    found: list[Gap] = []
    for language in LANGUAGES:
        if language == ENGLISH:
            continue
        messages = read(language)
        for wanted in template:
            if not wanted.id:
                continue
            msgid = wanted.id if isinstance(wanted.id, str) else wanted.id[0]
            entry = messages.get(wanted.id, context=wanted.context)
            problem = _problem(entry, wanted, messages.num_plurals)
            if problem:
                found.append(Gap(language, msgid, problem))
    return found


def _problem(entry, wanted, plurals: int) -> str | None:
    if entry is None:
        return "missing"
    if entry.fuzzy:
        return "fuzzy"
    english = wanted.id if isinstance(wanted.id, tuple) else (wanted.id,)
    strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
    if isinstance(wanted.id, tuple) and len(strings) < plurals:
        return f"{len(strings)} of {plurals} plural forms"
    if not all(strings):
        return "untranslated"
    expected = {p for text in english for p in PLACEHOLDER.findall(text)}
    for text in strings:
        if set(PLACEHOLDER.findall(text)) - expected or (
            not isinstance(wanted.id, tuple) and set(PLACEHOLDER.findall(text)) != expected
        ):
            return "placeholders differ from the English text"
    return None
