"""Extractive digests: which sentences of an article are worth a reader's time, quoted verbatim."""

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import islice

from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.nlp.stemmers import Stemmer, null_stemmer
from sumy.summarizers.luhn import LuhnSummarizer

from digests.text.language import detect_language, language_name, stop_words
from digests.text.sentences import SentenceTokenizer, sentence_spans

logger = logging.getLogger(__name__)

LENGTHS: dict[str, int] = {"short": 2, "medium": 3, "long": 5}

# Scoring every pair of sentences is quadratic; an article's substance is in its opening
# stretch, so a huge text is judged on this many candidates.
MAX_CANDIDATES = 120
# Those candidates lie in the opening tens of thousands of characters of any article, so only
# this much of a text is split into sentences at all: a 10 MB page costs what 200 KB does.
MAX_TEXT_CHARS = 200_000
# And of those, only the first so many sentences: an article has a few dozen, and a text of
# a hundred thousand one-word lines must not cost a hundred thousand sentences' judging.
MAX_SENTENCES = 1000
WEIGHTS_RESOURCE = "sentence-weights.json"

_TERMINAL_END = re.compile(r"[.!?…][\"'”’»)\]]*+$")
_HEADING_MAX_WORDS = 10
# Patterns here see sentences a user or a feed wrote, so none may backtrack without bound: each
# word is taken whole (possessive `*+`), and only the few choices left (how many words a name
# has) are retried. A word stops early only before a glued stamp ("By Jane DoeUpdated 10:00").
_STAMP = r"(?:Updated|Published|Posted)\b"
_NAME_WORD = rf"[A-Z](?:(?!{_STAMP})[\w.'’-])*+"
_NAME = rf"{_NAME_WORD}(?:\s++{_NAME_WORD}){{0,3}}"
_BYLINE = re.compile(
    rf"^(?:By|BY|by)\s++{_NAME}(?:\s*+(?:,|and|&)\s*+{_NAME})*\s*+[,|/–—-]?\s*+"
    rf"(?:[A-Z@](?:(?!{_STAMP})[\w.'’@-])*+\s*+){{0,4}}(?:$|{_STAMP})"
)
# A dateline with nothing after it: "WASHINGTON (CNN) --".
_DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]*+(?:\([\w .]++\))?\s*+(?:--|—|–|-|:)?$")
# A dateline before the story's first words: "March 13, 2025 - ", "KYIV, March 13 (Reuters) -",
# "WASHINGTON —". A place in capitals (a few words), a date, or both, an agency, then a dash;
# anchored and taken part by part, so it is tried once, at the start, whatever follows.
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*+\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?+"
_DATE = rf"(?:{_MONTH}\s++{_DAY}|{_DAY}\s++{_MONTH})(?:,?\s++\d{{4}}(?!\d))?"
_PLACE = r"[A-Z][A-Z'’.-]++(?:,?\s++[A-Z][A-Z'’.-]++){0,3}"
_LEADING_DATELINE = re.compile(
    rf"(?:{_PLACE}(?:,\s*+{_DATE})?|{_DATE})\s*+(?:\([A-Za-z][\w .&-]{{0,30}}\)\s*+)?"
    r"(?:--|[-–—])\s++(?=\S)"
)
_BOILERPLATE = re.compile(
    "|".join(
        (
            r"\((?:AP|AFP|EPA|Reuters|CNN)\s+Photo",
            r"^(?:photo|photograph|picture|image|video|credit|caption|source)s?\s*(?::|by\b)",
            r"^(?:image|photo)\s+(?:copyright|caption|source|credit)",
            r"\bgetty\s+images\b",
            r"^(?:read|see|watch)\s+(?:more|next|also|the\s+full)\b",
            r"^(?:read|watch|see\s+also)\s*:",
            r"^(?:click|tap)\s+here\b",
            r"^continue\s+reading\b",
            r"^share\s+(?:this|on|via)\b",
            r"^(?:share|tweet|email|print|comments?|advertisement|loading)\W*$",
            r"^follow\s+(?:us|@|[\w.@]+\s+on)\b",
            r"^(?:like|join|find)\s+us\s+on\b",
            r"^(?:sign\s+up|subscribe)\b.{0,60}$",
            r"^no\s+time\s+to\s+read\b",
            r"^get\s+a\s+summary\b",
            r"^(?:previous|next)\s+(?:article|story|post|page)\b",
            r"^related(?:\s+(?:links|articles|stories|content|topics))?\s*:",
            r"^go\s+to\s+(?:the\s+)?main\s+page\b",
            r"^(?:story\s+highlights|most\s+(?:read|popular)|skip\s+to\s+(?:main\s+)?content)\b",
            r"^(?:copyright\b|©)|all\s+rights\s+reserved",
        )
    ),
    re.IGNORECASE,
)


def _is_boilerplate(sentence: str) -> bool:
    return bool(
        _BYLINE.match(sentence) or _DATELINE.match(sentence) or _BOILERPLATE.search(sentence)
    )


def _is_heading(sentence: str) -> bool:
    return not _TERMINAL_END.search(sentence) and len(sentence.split()) <= _HEADING_MAX_WORDS


def is_furniture(sentence: str) -> bool:
    """True for page furniture a digest must never quote: bylines, credits, prompts, headings."""
    stripped = sentence.strip()
    return _is_boilerplate(stripped) or _is_heading(stripped)


@dataclass(frozen=True)
class _Toolkit:
    """What judging text in one language needs: a stemmer and the words too common to count."""

    stem: Callable[[str], str]
    stop_words: frozenset[str]


@cache
def _toolkit(language: str) -> _Toolkit:
    try:
        stemmer = Stemmer(language)
        stemmer("probe")  # some sumy stemmers need an optional package and fail only when used
    except (LookupError, ValueError, ImportError):
        logger.warning("No stemmer for %r: summarizing it without stemming", language)
        stemmer = null_stemmer
    words_to_ignore = stop_words(language)
    if not words_to_ignore:
        logger.warning("No stop words for %r: every word counts as content", language)
    # Stemming dominates the cost of scoring and articles repeat their words, so remember stems.
    return _Toolkit(stem=lru_cache(maxsize=65536)(stemmer), stop_words=words_to_ignore)


FEATURES = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth_to_tenth",
    "position",
    "relative_position",
    "log_words",
    "log_words_squared",
    "short",
    "long",
    "centroid",
    "centroid_early",
    "degree",
    "luhn",
    "luhn_early",
    "lead_similarity",
    "capitalized",
    "content_share",
    "title",
    "quoted",
    "opens_quote",
    "numerals",
    "question",
)
_QUOTES = frozenset('"“”«»„')
_WORDS = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_SHORT_WORDS = 8
_LONG_WORDS = 40


def without_dateline(sentence: str) -> str:
    """The sentence without the dateline a report opens with: where and when is no news."""
    found = _LEADING_DATELINE.match(sentence)
    return sentence[found.end() :] if found else sentence


def _candidates(text: str, language: str) -> list[str]:
    """Sentences fit to quote; if an article is nothing but headings, its headings will do.
    The first one loses its dateline."""
    spans = islice(sentence_spans(text[:MAX_TEXT_CHARS], language), MAX_SENTENCES)
    sentences = [text[start:end] for start, end in spans]
    fit = [sentence for sentence in sentences if not is_furniture(sentence)]
    if not fit:
        fit = [sentence for sentence in sentences if not _is_boilerplate(sentence)]
    if fit:
        fit[0] = without_dateline(fit[0])
    return fit[:MAX_CANDIDATES]


def lead_sentence(text: str, language: str = "english") -> str | None:
    """The text's first sentence fit to quote, without its dateline (what a headline is made
    of when there is none); split only as far as it is found."""
    spans = islice(sentence_spans(text[:MAX_TEXT_CHARS], language), MAX_SENTENCES)
    heading = None
    for start, end in spans:
        sentence = text[start:end]
        if not is_furniture(sentence):
            return without_dateline(sentence)
        if heading is None and not _is_boilerplate(sentence):
            heading = sentence
    return heading


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.casefold())


def repeats_headline(sentence: str, title: str) -> bool:
    """True for the sentence the headline already says: the same words, or, for a headline cut
    with "…", the words it opens with. A summary that repeated it would tell nothing new."""
    cut = title.rstrip().endswith("…")
    headline = _words(title)
    if not headline:
        return False
    words = _words(sentence)
    return (words[: len(headline)] if cut else words) == headline


def _content_terms(words: tuple[str, ...], toolkit: _Toolkit) -> list[str]:
    lowered = (word.lower() for word in words)
    return [
        toolkit.stem(word)
        for word in lowered
        if word not in toolkit.stop_words and not word.isdigit()
    ]


def _unit_vector(terms: list[str], idf: dict[str, float]) -> dict[str, float]:
    weighted = {term: count * idf[term] for term, count in Counter(terms).items()}
    norm = math.sqrt(sum(value * value for value in weighted.values())) or 1.0
    return {term: value / norm for term, value in weighted.items()}


def _cosine(left: dict[str, float], right: dict[str, float]) -> float:
    if len(left) > len(right):
        left, right = right, left
    return sum(value * right.get(term, 0.0) for term, value in left.items())


def _degrees(vectors: list[dict[str, float]]) -> list[float]:
    """Mean similarity of each sentence to the others: LexRank's signal without its iterations."""
    postings: dict[str, list[tuple[int, float]]] = {}
    for index, vector in enumerate(vectors):
        for term, value in vector.items():
            postings.setdefault(term, []).append((index, value))
    totals = [0.0] * len(vectors)
    for entries in postings.values():
        for position, (left, left_value) in enumerate(entries):
            for right, right_value in entries[position + 1 :]:
                shared = left_value * right_value
                totals[left] += shared
                totals[right] += shared
    others = max(len(vectors) - 1, 1)
    return [total / others for total in totals]


def _luhn_ratings(document: ObjectDocumentModel, toolkit: _Toolkit) -> list[float]:
    luhn = LuhnSummarizer(toolkit.stem)
    luhn.stop_words = toolkit.stop_words
    frequencies = Counter(
        toolkit.stem(word.lower())
        for word in document.words
        if word.lower() not in toolkit.stop_words
    )
    significant = frozenset(term for term, count in frequencies.items() if count > 1)
    ratings = [luhn.rate_sentence(sentence, significant) for sentence in document.sentences]
    top = max(ratings, default=0.0) or 1.0
    return [rating / top for rating in ratings]


def _capitalized_share(words: tuple[str, ...]) -> float:
    """Share of words after the first that are capitalized: names, places, organisations."""
    rest = words[1:]
    return sum(word[0].isupper() for word in rest) / (len(rest) or 1)


@dataclass(frozen=True)
class _Evidence:
    """What the whole document says about each of its sentences."""

    terms: list[list[str]]
    vectors: list[dict[str, float]]
    centroid: dict[str, float]
    degrees: list[float]
    luhn: list[float]
    title_terms: frozenset[str]


def _weigh_document(
    document: ObjectDocumentModel, toolkit: _Toolkit, title_words: tuple[str, ...]
) -> _Evidence:
    terms = [_content_terms(sentence.words, toolkit) for sentence in document.sentences]
    document_frequency = Counter(term for sentence_terms in terms for term in set(sentence_terms))
    idf = {term: math.log(1 + len(terms) / df) for term, df in document_frequency.items()}
    vectors = [_unit_vector(sentence_terms, idf) for sentence_terms in terms]
    return _Evidence(
        terms=terms,
        vectors=vectors,
        centroid=_unit_vector([term for sentence_terms in terms for term in sentence_terms], idf),
        degrees=_degrees(vectors),
        luhn=_luhn_ratings(document, toolkit),
        title_terms=frozenset(_content_terms(title_words, toolkit)),
    )


def _feature_row(index: int, sentence: Sentence, evidence: _Evidence) -> list[float]:
    word_count = len(sentence.words)
    text = str(sentence)
    log_words = math.log1p(word_count)
    early = 1.0 / (index + 1)
    centrality = _cosine(evidence.vectors[index], evidence.centroid)
    title_terms = evidence.title_terms
    values = {
        "first": float(index == 0),
        "second": float(index == 1),
        "third": float(index == 2),
        "fourth": float(index == 3),
        "fifth": float(index == 4),
        "sixth_to_tenth": float(5 <= index < 10),
        "position": early,
        "relative_position": index / len(evidence.vectors),
        "log_words": log_words,
        "log_words_squared": log_words * log_words,
        "short": float(word_count < _SHORT_WORDS),
        "long": float(word_count > _LONG_WORDS),
        "centroid": centrality,
        "centroid_early": centrality * early,
        "degree": evidence.degrees[index],
        "luhn": evidence.luhn[index],
        "luhn_early": evidence.luhn[index] * early,
        "lead_similarity": _cosine(evidence.vectors[index], evidence.vectors[0]),
        "capitalized": _capitalized_share(sentence.words),
        "content_share": len(evidence.terms[index]) / (word_count or 1),
        "title": len(title_terms.intersection(evidence.terms[index])) / (len(title_terms) or 1),
        "quoted": float(not _QUOTES.isdisjoint(text)),
        "opens_quote": float(text[0] in _QUOTES),
        "numerals": float(_DIGIT.search(text) is not None),
        "question": float(text.rstrip("\"'”’»)").endswith("?")),
    }
    return [values[name] for name in FEATURES]


def sentence_features(
    text: str, *, language: str = "english", title: str | None = None
) -> tuple[list[str], list[list[float]]]:
    """The candidate sentences of a text and, for each, the evidence the scorer weighs; with a
    title, not the sentence that title repeats (unless it is all there is)."""
    candidates = _candidates(text, language)
    if not candidates:
        return [], []
    tokenizer = SentenceTokenizer(language)
    document = ObjectDocumentModel(
        [Paragraph([Sentence(candidate, tokenizer) for candidate in candidates])]
    )
    title_words = tokenizer.to_words(title) if title else ()
    evidence = _weigh_document(document, _toolkit(language), title_words)
    rows = [
        _feature_row(index, sentence, evidence) for index, sentence in enumerate(document.sentences)
    ]
    if title:  # judged with the others, but never quoted under the headline it already is
        kept = [i for i, sentence in enumerate(candidates) if not repeats_headline(sentence, title)]
        if kept:
            candidates, rows = [candidates[i] for i in kept], [rows[i] for i in kept]
    return candidates, rows


@dataclass(frozen=True)
class SentenceScorer:
    """A linear model over FEATURES, learned offline from news articles and their highlights."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]

    @classmethod
    def from_dict(cls, model: dict) -> "SentenceScorer":
        if tuple(model["features"]) != FEATURES:
            raise ValueError("the weights were learned for other features than this code computes")
        return cls(tuple(model["mean"]), tuple(model["scale"]), tuple(model["weights"]))

    def to_dict(self) -> dict:
        return {
            "features": list(FEATURES),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
        }

    def score(self, row: list[float]) -> float:
        return sum(
            weight * (value - mean) / scale
            for value, mean, scale, weight in zip(
                row, self.mean, self.scale, self.weights, strict=True
            )
        )


@cache
def default_scorer() -> SentenceScorer:
    shipped = resources.files("digests.text") / "data" / WEIGHTS_RESOURCE
    return SentenceScorer.from_dict(json.loads(shipped.read_text(encoding="utf-8")))


def _pick(
    ranked: list[int], lengths: list[int], sentences: int | None, words: int | None
) -> list[int]:
    """Take the best sentences that fit both budgets; the best one at least, so none is empty."""
    chosen: list[int] = []
    used_words = 0
    for index in ranked:
        if sentences is not None and len(chosen) >= sentences:
            break
        if words is not None and used_words + lengths[index] > words:
            continue
        chosen.append(index)
        used_words += lengths[index]
    return sorted(chosen or ranked[:1])


def summarize(
    text: str,
    *,
    sentences: int | None = 3,
    words: int | None = None,
    language: str | None = "english",
    title: str | None = None,
    scorer: SentenceScorer | None = None,
) -> list[str]:
    """The article's most telling sentences, verbatim and in its order, within the budgets given.

    `language=None` detects it from the text; `words` caps the total length in words.
    """
    if (sentences is not None and sentences <= 0) or (words is not None and words <= 0):
        return []
    ranking = _Ranking.of(
        text, language=language or detect_language(text), title=title, scorer=scorer
    )
    return ranking.best(sentences, words)


def summarize_lengths(
    text: str, counts: dict[str, int], *, language: str, title: str | None = None
) -> dict[str, list[str]]:
    """`summarize` at several sentence counts for the price of one: the text is split and its
    sentences scored once (ingest stores every length, and the scoring is most of the cost)."""
    ranking = _Ranking.of(text, language=language, title=title)
    return {name: ranking.best(count, None) if count > 0 else [] for name, count in counts.items()}


@dataclass(frozen=True, slots=True)
class _Ranking:
    """A text's candidate sentences, best first by the scorer."""

    candidates: list[str]
    ranked: list[int]
    lengths: list[int]  # in words

    @classmethod
    def of(
        cls, text: str, *, language: str, title: str | None, scorer: SentenceScorer | None = None
    ) -> "_Ranking":
        resolved = language_name(language) or language.lower()
        candidates, rows = sentence_features(text, language=resolved, title=title)
        model = scorer or default_scorer()
        scores = [model.score(row) for row in rows]
        ranked = sorted(range(len(candidates)), key=lambda index: (-scores[index], index))
        return cls(candidates, ranked, [len(candidate.split()) for candidate in candidates])

    def best(self, sentences: int | None, words: int | None) -> list[str]:
        if not self.candidates:
            return []
        return [self.candidates[i] for i in _pick(self.ranked, self.lengths, sentences, words)]
