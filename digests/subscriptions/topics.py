"""Topics a digest keeps to (include) or keeps away from (exclude): whole words, in any case.

A topic matches an article that has its words in a row, so "off" is no match for "offer" and
"kursk region" none for "Kursk, a region". Article and topics are cut into words the same way,
once per article, by a pattern that takes each run of letters and digits whole: its cost grows
with the text's length only, whatever a feed puts in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digests.errors import DigestsError, echo
from digests.i18n import _, ngettext
from digests.store.folding import fold

MAX_TOPICS = 20
MAX_TOPIC_CHARS = 40
# As much of an article as its summary reads: a topic first named past it does not count.
MATCH_CHARS = 200_000
# What `/settings include off` means: no topics, as for quiet hours.
CLEARING = frozenset(("", "off", "none"))
_WORD = re.compile(r"[^\W_]+")


class TopicError(DigestsError):
    """Topics a reader typed that cannot be kept; the sentence says which and why."""


# Case folded and composed alike (a decomposed "é" is the same letter as a composed one), by
# the rule SQL folds with too.
_fold = fold


def words(text: str) -> list[str]:
    """The words of `text` as topics compare them: runs of letters and digits of any script."""
    return _WORD.findall(_fold(text))


def parse_topics(typed: str) -> str:
    """The topics as stored: comma-separated, each its words joined by single spaces.

    Raises TopicError past MAX_TOPICS, for a topic longer than MAX_TOPIC_CHARS, or for one
    with no word in it.
    """
    if typed.strip().casefold() in CLEARING:
        return ""
    parts = [part.strip() for part in typed.split(",") if part.strip()]
    if len(parts) > MAX_TOPICS:
        raise TopicError(
            ngettext(
                "That is {count} topic; {limit} at most. Keep the ones that matter most.",
                "That is {count} topics; {limit} at most. Keep the ones that matter most.",
                len(parts),
            ).format(count=len(parts), limit=MAX_TOPICS)
        )
    topics = []
    for part in parts:
        if len(part) > MAX_TOPIC_CHARS:
            raise TopicError(
                _("A topic is {limit} characters at most; “{topic}” is longer.").format(
                    limit=MAX_TOPIC_CHARS, topic=echo(part)
                )
            )
        found = words(part)
        if not found:
            raise TopicError(_("“{topic}” has no word in it to look for.").format(topic=echo(part)))
        topics.append(" ".join(found))
    return ",".join(dict.fromkeys(topics))


def stored_topics(stored: str) -> list[str]:
    return [topic for topic in stored.split(",") if topic]


@dataclass(frozen=True, slots=True)
class TopicFilter:
    """A subscriber's topics, each as its words, ready to try on article after article."""

    include: tuple[tuple[str, ...], ...] = ()
    exclude: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def of(cls, include: str, exclude: str) -> TopicFilter:
        # Cut into words again here: rows saved before words were compared as words may
        # hold punctuation ("don't").
        return cls(_phrases(include), _phrases(exclude))

    def passes(self, title: str, text: str) -> bool:
        """No excluded topic in the article, and an included one if there are any."""
        if not (self.include or self.exclude):
            return True
        article = _Article(_fold(f"{title}\n{text[:MATCH_CHARS]}"))
        if any(article.has(phrase) for phrase in self.exclude):
            return False
        return not self.include or any(article.has(phrase) for phrase in self.include)


class _Article:
    """An article's text, cut into words only once a topic might be in it."""

    def __init__(self, folded: str) -> None:
        self.folded = folded
        self.spaced: str | None = None

    def has(self, phrase: tuple[str, ...]) -> bool:
        # A word missing from the text even inside longer words cannot be there as a word:
        # most articles are ruled out so, without the cost of cutting them into words.
        if not all(word in self.folded for word in phrase):
            return False
        if self.spaced is None:  # words between single spaces: " w1 w2 " is never in a word
            self.spaced = f" {' '.join(_WORD.findall(self.folded))} "
        return f" {' '.join(phrase)} " in self.spaced


def _phrases(stored: str) -> tuple[tuple[str, ...], ...]:
    found = (tuple(words(topic)) for topic in stored_topics(stored))
    return tuple(phrase for phrase in found if phrase)
