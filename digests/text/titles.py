"""Headlines for articles that arrive without one: their first sentence, as a reader can trust it.

A headline made from a sentence is that whole sentence when it is short enough; otherwise it is
cut between words and says so with "…". Never a clause picked out of it, which reads like a
sentence that stops halfway.
"""

from __future__ import annotations

HEADLINE_CHARS = 120
# Marks that would dangle before the "…" of a cut.
_DANGLING = " ,;:–—-"
_CLAUSE_ENDS = (", ", "; ", " – ", " — ")


def cut_at_word(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: whole when it fits, else cut with "…"."""
    return text if len(text) <= limit else cut_before(text, max(limit - 1, 0))


def cut_before(text: str, end: int) -> str:
    """`text` cut at `end` or before, with "…": between words (at the end of a clause when one
    ends late enough), never inside one, unless that would drop more than half of it."""
    kept = text[:end]
    clause = max(kept.rfind(mark) for mark in _CLAUSE_ENDS)
    if clause > end * 0.6:
        kept = kept[:clause]
    elif end < len(text) and not text[end].isspace():  # inside a word: leave that word out
        space = kept.rfind(" ")
        if space > end // 2:
            kept = kept[:space]
    return kept.rstrip(_DANGLING) + "…"


def headline_from_sentence(sentence: str) -> str:
    """A headline of at most HEADLINE_CHARS: the whole sentence, without its full stop, or its
    opening words and "…"."""
    text = " ".join(sentence.split())
    if len(text) > 1 and text.endswith(".") and (text[-2].islower() or text[-2].isdigit()):
        text = text[:-1]  # a full stop, not the end of an abbreviation ("the U.S.")
    text = cut_at_word(text, HEADLINE_CHARS)
    return text[:1].upper() + text[1:]
