"""Counts as a reader reads them: "1 statement", "2 statements".

Shaped like gettext's `ngettext` (both forms written out, the count choosing), so when messages
move to Babel catalogs each call becomes one catalog entry and each language picks its own form:
no caller builds a plural by adding an "s".
"""

from __future__ import annotations


def plural(count: int, singular: str, plural: str) -> str:
    """The count and its noun in the form that count takes: plural(1, "time", "times")."""
    return f"{count} {singular if count == 1 else plural}"
