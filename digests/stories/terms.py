"""What an article is about, as counted terms: its title and lead, stemmed, stop words left out.

Pure text work, bounded: only the opening stretch of a text is read, with a regex that cannot
backtrack, so a huge or hostile article costs no more than a normal one.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from functools import cache, lru_cache

from sumy.nlp.stemmers import Stemmer, null_stemmer

from digests.text.language import stop_words

# Reports of one event share their opening: the title and the first few hundred words carry
# the who, what and where; later paragraphs drift into background that other stories share.
LEAD_WORDS = 500
LEAD_CHARS = 4000  # read no more of a text than a lead of normal words can take
TITLE_WEIGHT = 1
MIN_LETTERS = 3
_WORD = re.compile(r"[^\W_]+")


@cache
def stemmer_for(language: str):
    """The language's stemmer (cached per word), or none when sumy has none for it."""
    try:
        stemmer = Stemmer(language)
        stemmer("probe")
    except (LookupError, ValueError, ImportError):
        stemmer = null_stemmer
    return lru_cache(maxsize=65536)(stemmer)


def _terms(text: str, language: str, limit: int) -> list[str]:
    stem, ignore = stemmer_for(language), stop_words(language)
    terms = []
    for match in _WORD.finditer(text[:LEAD_CHARS]):
        word = match.group().lower()
        if word in ignore or (len(word) < MIN_LETTERS and not word.isdigit()):
            continue
        terms.append(stem(word))
        if len(terms) >= limit:
            break
    return terms


def article_terms(title: str, text: str, *, language: str = "english") -> Counter[str]:
    """The stemmed content words of an article's title (counted once more) and lead."""
    counts = Counter(_terms(text, language, LEAD_WORDS))
    for term in _terms(title, language, LEAD_WORDS):
        counts[term] += TITLE_WEIGHT
    return counts


def term_key(term: str) -> int:
    """A term as a signed 64-bit integer: compact to store and index on every database."""
    digest = hashlib.blake2b(term.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
