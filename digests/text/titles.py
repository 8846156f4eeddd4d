"""Headlines for articles that arrive without one, derived from their most central sentence."""

from __future__ import annotations

import re

MAX_WORDS = 14
MIN_WORDS = 6
LEADING_CLAUSE = re.compile(
    r"^(?:As|While|Although|Though|Following|Amid|After|With|When|Since|Despite|In|On)\b[^,]{3,160},\s+"
)
CLAUSE_BREAK = re.compile(r"\s*(?:,|;|:|\s[–—-]\s)\s*")
SOFT_BREAK_WORDS = frozenset(
    {"as", "that", "which", "while", "because", "after", "amid", "and", "but", "to", "who", "with"}
)


def headline_from_sentence(sentence: str) -> str:
    """Compress a sentence into a headline: main clause first, at most MAX_WORDS words."""
    text = " ".join(sentence.split()).rstrip(".!?\"”' ")
    rest = LEADING_CLAUSE.sub("", text, count=1)
    if len(rest.split()) >= MIN_WORDS:
        text = rest
    first_clause = CLAUSE_BREAK.split(text, maxsplit=1)[0]
    if len(first_clause.split()) >= MIN_WORDS:
        text = first_clause
    words = text.split()
    if len(words) > MAX_WORDS:
        cut = next(
            (
                i
                for i in range(MAX_WORDS, MIN_WORDS - 1, -1)
                if words[i].lower() in SOFT_BREAK_WORDS
            ),
            None,
        )
        words = words[:cut] if cut else [*words[: MAX_WORDS - 2], "…"]
    headline = " ".join(words).rstrip(",;: ")
    return headline[:1].upper() + headline[1:]
