"""Text folded for comparing words, by one rule in Python and in SQL on both databases.

Folding composes letters alike (NFC) and folds their case ("Straße" reads "strasse"). SQLite
runs this very function (db.py registers it on every connection). PostgreSQL has lower() but no
case folding, so the letters whose folding writes other ASCII letters than lower() does (ß,
the long s, ligatures) are replaced as folding would: a word of ASCII letters and digits is in
the folded text in SQL wherever it is in Python.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

ASCII_FOLDS = {
    "ß": "ss",
    "ẞ": "ss",
    "ſ": "s",
    "\u212a": "k",  # the Kelvin sign; lower() leaves it in a database whose locale is C
    "ﬀ": "ff",
    "ﬁ": "fi",
    "ﬂ": "fl",
    "ﬃ": "ffi",
    "ﬄ": "ffl",
    "ﬅ": "st",
    "ﬆ": "st",
    # Letters that fold into an ASCII letter and a mark.
    "ŉ": "\u02bcn",
    "ǰ": "j\u030c",
    "ẖ": "h\u0331",
    "ẗ": "t\u0308",
    "ẘ": "w\u030a",
    "ẙ": "y\u030a",
    "ẚ": "a\u02be",
}


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


class folded(GenericFunction):
    """SQL: the text folded (see the module); `fold(…)` on SQLite."""

    type = Text()
    name = "fold"
    inherit_cache = True


@compiles(folded, "postgresql")
def _folded_on_postgresql(element, compiler, **kw) -> str:
    sql = f"lower({compiler.process(element.clauses, **kw)})"
    for letter, letters in ASCII_FOLDS.items():
        sql = f"replace({sql}, '{letter}', '{letters}')"
    return sql
