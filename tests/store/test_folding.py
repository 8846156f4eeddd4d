"""Folded text in SQL and in Python: a word of ASCII letters Python finds, SQL finds too (so
SQL may choose which articles Python looks at)."""

from __future__ import annotations

import pytest
from sqlalchemy import literal, select

from digests.store.folding import ASCII_FOLDS, fold, folded

TEXTS = [
    "Die Straße nach Kursk",
    "STRASSE",
    "The ﬁrst oﬃcial ﬂight",
    "Kurſk and the ſtate",
    "273 \u212aelvin",
    "ПУТИН в Пекине",
    "Cafe\u0301 au lait",
]
WORDS = ["strasse", "kursk", "first", "official", "flight", "state", "kelvin", "cafe", "lait"]


@pytest.mark.parametrize("text", TEXTS)
def test_sql_folds_as_python_does_for_ascii_words(engine, text):
    with engine.connect() as connection:
        in_sql = connection.execute(select(folded(literal(text)))).scalar_one()
    assert [word for word in WORDS if word in fold(text) and word not in in_sql] == []


def test_every_letter_folding_writes_ascii_that_lowering_does_not_is_replaced():
    """Python's own tables, in full: a letter missing here would hide articles on PostgreSQL."""
    import unicodedata

    writes_ascii = {
        letter
        for letter in map(chr, range(0x80, 0x110000))
        if (folding := unicodedata.normalize("NFC", letter).casefold()) != letter.lower()
        and any(c.isascii() and c.isalnum() for c in folding)
    }
    assert writes_ascii <= set(ASCII_FOLDS)
