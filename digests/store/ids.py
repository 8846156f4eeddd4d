"""Numbers people type or forge (row ids, pages, offsets), read as the database can hold them.

`str.isdigit` is true for '²' and other digits `int` rejects, and PostgreSQL's INTEGER columns
stop at 2**31 - 1 while Python's int never does: a number that reaches a query unchecked raises
ValueError, OverflowError or NumericValueOutOfRange. Commands and buttons read numbers only here.
"""

from __future__ import annotations

MAX_ID = 2**31 - 1  # the largest INTEGER on PostgreSQL (SQLite's is larger)


def is_number(text: str) -> bool:
    """Only ASCII digits: what a person means by "a number" here."""
    return text.isascii() and text.isdigit()


def parse_number(text: str, *, maximum: int = MAX_ID) -> int | None:
    """The number written in `text`, or None when it is not one or exceeds `maximum`."""
    if not is_number(text) or len(text) > len(str(maximum)):
        return None
    value = int(text)
    return value if value <= maximum else None
