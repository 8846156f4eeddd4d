"""Generated articles for the speed figures: words drawn with the frequencies of real news."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import datetime, timedelta
from itertools import accumulate

from digests.stories.terms import LEAD_WORDS, TITLE_WEIGHT, article_terms

_WORD = re.compile(r"[A-Za-z]+")


class ArticleMaker:
    """Random articles in the vocabulary of a corpus, each dated along a steady stream."""

    def __init__(self, texts: list[str], *, per_day: int, start: datetime, seed: int = 15):
        counts = Counter(word for text in texts for word in _WORD.findall(text))
        self.words, weights = zip(*counts.items(), strict=True)
        self.cumulated = list(accumulate(weights))  # what choices() would add up at every call
        self.rng = random.Random(seed)
        self.step = timedelta(days=1) / per_day
        self.start = start
        self.made = 0
        self._term_of: dict[str, str | None] = {}

    def terms(self, title: str, text: str) -> Counter[str]:
        """What terms.article_terms finds in a generated article, each word stemmed only once
        for the whole run (filling 100,000 articles would otherwise be mostly stemming)."""
        counts: Counter[str] = Counter()
        for weight, words in ((TITLE_WEIGHT, title.split()), (1, text.split()[:LEAD_WORDS])):
            for word in words:
                if word not in self._term_of:
                    found = article_terms("", word)
                    self._term_of[word] = next(iter(found), None)
                term = self._term_of[word]
                if term is not None:
                    counts[term] += weight
        return counts

    def next(self) -> tuple[str, str, datetime]:
        """A title, a text of about 350 words, and the time it is listed at."""
        words = self.rng.choices(self.words, cum_weights=self.cumulated, k=360)
        sentences = [" ".join(words[i : i + 18]).capitalize() + "." for i in range(10, 360, 18)]
        when = self.start + self.step * self.made
        self.made += 1
        return " ".join(words[:10]).capitalize(), " ".join(sentences), when

    def state(self) -> list:
        """Where the stream is (as JSON can keep it), for a kept world to carry on from."""
        version, internal, gauss = self.rng.getstate()
        return [version, list(internal), gauss, self.made]

    def restore(self, state: list) -> None:
        version, internal, gauss, self.made = state
        self.rng.setstate((version, tuple(internal), gauss))
