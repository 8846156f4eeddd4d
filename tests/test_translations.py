"""Every message a reader can see has a translation in every language the bot speaks."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
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


# --- text a reader sees that nobody marked -------------------------------------------------------

# Where answers, buttons, notices and errors are written: every sentence there goes through a
# marker. Each entry is a folder or a module; add yours.
READER_TEXT = (
    "bot/handlers",
    "bot/router.py",
    "bot/app.py",
    "bot/console.py",
    "bot/inline.py",
    "bot/jobs.py",
    "bot/conversation.py",
    "digests/delivery",
    "digests/ops",
    "digests/reading",
    "digests/stories",
    "digests/actors",
    "digests/subscriptions",
    "digests/ingest",
    "digests/text",
    "digests/timezones.py",
    "digests/errors.py",
)
# Calls whose arguments a reader reads: messages, buttons, notices, HTML helpers, the console's
# screen; and a raised …Error, whose sentence the router shows.
SINKS = {"Message", "Button", "calling", "Answer", "Document", "BotCommand"}
SINKS |= {"esc", "bold", "italic", "link", "write", "_say", "say"}
PASS_THROUGH = {"shorten", "str", "tuple", "list", "echo", "capitalize", "strip", "join"}
# A bug's exception is for a developer's traceback, not a reader.
BUG_ERRORS = {"ValueError", "TypeError", "RuntimeError", "KeyError", "AssertionError"}
# Literals that look like words in those places but are no sentence to translate.
NOT_PROSE = {
    # the console's own letters and tags: a terminal's prompt and markup, not the bot's words
    ("bot/console.py", "you> "),
    # an assertion's message is for a developer reading a traceback
    ("bot/handlers/admin.py", "the router lets in only admins, and admins have ids"),
    # what the bot tells the servers it downloads from, in their User-Agent header
    (
        "digests/ingest/fetch.py",
        "ArticleDigestsBot/0.1 (news digests; polite, cached, rate-limited)",
    ),
    # the seed source's stored name, shown as a feed's title is: a name, not a sentence
    ("digests/ingest/sources/seeds.py", "Sample articles"),
}
_MARKUP = re.compile(r"<[^>]*>|\{[^{}]*\}|/\w+|https?://\S*|&\w+;")
_WORD = re.compile(r"[^\W\d_]{3,}")


def _prose(text: str) -> bool:
    """Has a word in it once markup, placeholders, commands and addresses are taken out."""
    return bool(_WORD.search(_MARKUP.sub(" ", text)))


def _sentence(value: object) -> bool:
    """A constant that reads as a sentence (vocabularies and patterns are lower-case lists)."""
    if not isinstance(value, str) or " " not in value.strip():
        return False
    return value.strip()[0].isupper() or value.strip()[-1] in ".!?:)"


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _unmarked(node: ast.AST) -> Iterator[ast.Constant]:
    """String literals in `node` a reader would read unmarked: outside any marker call, and
    not what is compared, looked up, or handed to a call that makes something else of it
    (`.decode("utf-8")`, `row("rhythm", …)`), except the calls that pass text through."""
    if isinstance(node, ast.Call):
        if _name(node) in MARKERS:
            return
        yield from _unmarked(node.func)
        if _name(node) in SINKS | PASS_THROUGH:
            for argument in _said(node):
                yield from _unmarked(argument)
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
        return
    if isinstance(node, ast.Compare | ast.Subscript | ast.Dict):
        return
    for child in ast.iter_child_nodes(node):
        yield from _unmarked(child)


def _said(call: ast.Call) -> list[ast.AST]:
    return [*call.args, *(k.value for k in call.keywords)]


def _reader_text_literals(path: Path) -> Iterator[ast.Constant]:
    """What a reader would read unmarked: literals given to a sink or raised in an error, the
    values of names and functions a sink is given (one step back, within the module), and
    module constants that read as sentences."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = {
        f.name: f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    shown: list[ast.AST] = []  # what reaches a reader
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node) in SINKS:
            shown += _said(node)
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            if _name(node.exc).endswith("Error") and _name(node.exc) not in BUG_ERRORS:
                shown += _said(node.exc)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Constant):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            constant = all(isinstance(t, ast.Name) and t.id.isupper() for t in targets)
            if constant and _sentence(node.value.value):
                shown.append(node.value)
    names = {n.id for s in shown for n in ast.walk(s) if isinstance(n, ast.Name)}
    called = {_name(c) for s in shown for c in ast.walk(s) if isinstance(c, ast.Call)}
    for function in functions.values():
        for node in ast.walk(function):
            assigned = isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in names for t in node.targets
            )
            returned = isinstance(node, ast.Return) and function.name in called
            if (assigned or returned) and node.value is not None:
                shown.append(node.value)
    for value in shown:
        for literal in _unmarked(value):
            if _prose(literal.value):
                yield literal


def _unmarked_reader_text(root: Path) -> list[str]:
    found = set()
    for entry in READER_TEXT:
        paths = [root / entry] if entry.endswith(".py") else sorted((root / entry).rglob("*.py"))
        for path in filter(Path.exists, paths):
            where = path.relative_to(root).as_posix()
            for literal in _reader_text_literals(path):
                if (where, literal.value) not in NOT_PROSE:
                    found.add(f"{where}:{literal.lineno}: {literal.value!r}")
    return sorted(found)


def test_every_sentence_a_reader_sees_is_marked_for_translation():
    unmarked = _unmarked_reader_text(ROOT)
    assert not unmarked, "mark these with _(), ngettext() or N_():\n" + "\n".join(unmarked)


def test_an_unmarked_sentence_is_caught(tmp_path):
    handlers = tmp_path / "bot" / "handlers"
    handlers.mkdir(parents=True)
    (handlers / "sample.py").write_text(
        "NOT_YET = 'Nobody marked this constant.'\n"
        "def hint():\n"
        "    return 'Try /latest.'\n"
        "def answer(name):\n"
        "    note = f'Hello {name}, welcome.'\n"
        "    raise SampleError('Nothing found.')\n"
        "    return [Message(html=esc(note) + hint()), Button.calling('Read more', None),\n"
        "            Message(html=_('Marked, so fine')), Answer(notice='#3 {x} ✓')]\n",
        encoding="utf-8",
    )
    caught = {line.split(": ", 1)[1] for line in _unmarked_reader_text(tmp_path)}
    assert caught == {
        "'Nobody marked this constant.'",
        "'Try /latest.'",
        "'Hello '",
        "', welcome.'",
        "'Nothing found.'",
        "'Read more'",
    }
