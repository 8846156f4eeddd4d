"""Every message a reader can see has a translation in every language the bot speaks."""

from __future__ import annotations

import ast
from pathlib import Path

from babel.messages.catalog import Catalog

from digests.i18n import LANGUAGES, _, catalog, negotiate, ngettext, speaking
from digests.i18n.catalogs import KEYWORDS, extract, gaps, read

ROOT = Path(__file__).resolve().parents[1]
MARKERS = set(KEYWORDS)


def test_every_marked_message_is_translated_in_every_language():
    template = extract()
    assert len(template) > 20  # the extraction found the code's messages
    missing = [f"{g.language}: {g.problem}: {g.msgid!r}" for g in gaps(template)]
    assert not missing, "run `python -m digests.i18n update` and translate:\n" + "\n".join(missing)


def test_no_message_hides_inside_an_f_string_where_extraction_cannot_see_it():
    hidden = []
    for folder in ("digests", "bot"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.JoinedStr):
                    continue
                for inner in ast.walk(node):
                    if (
                        isinstance(inner, ast.Call)
                        and isinstance(inner.func, ast.Name)
                        and inner.func.id in MARKERS
                        and any(isinstance(arg, ast.Constant) for arg in inner.args)
                    ):
                        hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert not hidden, "take these out of their f-strings: " + ", ".join(hidden)


def test_a_message_without_translation_is_caught():
    template = extract()
    template.add("A sentence nobody translated yet")
    assert {g.language for g in gaps(template) if g.msgid.startswith("A sentence nobody")} == {
        "de",
        "ru",
        "uk",
    }


def test_plural_forms_come_from_each_catalog():
    assert read("ru").num_plurals == 3 and read("uk").num_plurals == 3
    assert read("de").num_plurals == 2
    assert isinstance(read("de"), Catalog)


def test_languages_are_negotiated_by_their_primary_subtag():
    assert negotiate("de-AT") == "de"
    assert negotiate("pt-BR", "uk") == "uk"
    assert negotiate(None, "") == "en"
    assert negotiate("RU") == "ru"


def test_the_context_decides_the_language_and_english_is_the_fallback():
    assert _("What I can do") == "What I can do"
    with speaking("de"):
        assert _("What I can do") == "Was ich kann"
        assert _("A sentence no catalog has") == "A sentence no catalog has"
    assert _("What I can do") == "What I can do"
    assert catalog("en").gettext("Subscribe") == "Subscribe"
    assert set(LANGUAGES) == {"en", "de", "ru", "uk"}
    assert ngettext("{count} day", "{count} days", 2) == "{count} days"
