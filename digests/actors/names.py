"""Name normalisation and identity: when two spellings mean the same person or institution."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from functools import lru_cache

from digests.actors.vocab import PERSON_TITLES, ROLE_NOUNS, TITLE_MODIFIERS

# Letters NFKD does not split into a base letter plus an accent.
_UNDECOMPOSABLE = {"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i"}
# Russian and Ukrainian letters in the English transliteration the folds below expect, so
# "Зеленский" and "Зеленський" meet "Zelensky" and "Selenskyj"; the soft and hard signs vanish.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ye",
    "ё": "yo", "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
    "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
_TO_LATIN = str.maketrans({**_UNDECOMPOSABLE, **_CYRILLIC})
_POSSESSIVE = re.compile(r"[’']s\b")
_NOT_WORD = re.compile(r"[^\w\s]")

# Spelling families of names transliterated from Cyrillic (and similar) into English and German,
# folded to one skeleton. Order matters: longer clusters before the letters inside them.
# schtsch/shch (Chruschtschow, Khrushchev), tsch/tch/ch (Tschaikowski, Tchaikovsky),
# sch/sh and zh (Schoigu, Shoigu; Schukow, Zhukov), kh/ch (Kharkiv, Charkiw), ph/f, ck/k, x/ks,
# w/v (Peskow, Peskov), tz/ts/z/s (Selenskyj, Zelensky; Scholtz, Scholz), j/y/i (Dmitrij, Dmitry,
# Dmitri), then doubled letters collapse (Zelenskyy, Zelensky; Gerassimow, Gerasimov), so the
# adjective endings -sky/-skyy/-skyi/-skiy/-skij/-skyj/-ski all become -ski.
_FOLDS = (
    ("schtsch", "shch"),
    ("tsch", "ch"),
    ("tch", "ch"),
    ("sch", "sh"),
    ("zh", "sh"),
    ("kh", "ch"),
    ("ph", "f"),
    ("ck", "k"),
    ("x", "ks"),
    ("w", "v"),
    ("tz", "s"),
    ("ts", "s"),
    ("z", "s"),
    ("j", "i"),
    ("y", "i"),
)
_DOUBLED = re.compile(r"(.)\1+")
# -ev/-ov (Gorbachev, Gorbatschow) and a final -f/-v (Smirnoff, Smirnov; Olaf, Olav).
_ENDINGS = ((re.compile(r"(?<=\w\w\w)ev$"), "ov"), (re.compile(r"f$"), "v"))
_TITLE_HEADS = PERSON_TITLES | ROLE_NOUNS | {"the"}
_TITLE_TAILS = TITLE_MODIFIERS | {"of", "the"}
_CONNECTORS = frozenset({"of", "the", "for", "and", "de", "la"})

# A surname this close (difflib ratio on folded spellings) is taken as a typo or variant.
SURNAME_MATCH = 0.85
# Given names this far apart mean two different people sharing a surname (Donald/Melania Trump).
GIVEN_NAME_MATCH = 0.75
# rank_actors drops candidates scoring below this.
RANK_FLOOR = 0.6


def plain(text: str) -> str:
    """Casefolded Latin text without accents, so "Zelenskýj" and "Зеленский" meet "Zelenskyj"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_TO_LATIN))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _raw_tokens(name: str) -> list[str]:
    text = _POSSESSIVE.sub("", name.replace("’", "'"))
    text = plain(text).replace("-", " ")
    return _NOT_WORD.sub("", text).split()


def _strip_titles(tokens: list[str]) -> list[str]:
    """Drop everything up to the last title word (and its "of State"), if a name is left after.

    Modifiers alone are kept, so "Foreign Ministry" and "Defense Ministry" stay distinct.
    """
    cut = 0
    for index, token in enumerate(tokens[:-1]):
        if token in _TITLE_HEADS:
            cut = index + 1
    if cut:
        while cut < len(tokens) - 1 and tokens[cut] in _TITLE_TAILS:
            cut += 1
    return tokens[cut:]


def normalize_name(name: str) -> str:
    """Lowercase, unaccented, unpunctuated name with leading titles and roles removed.

    "U.S. Secretary of State Marco Rubio" and "marco rubio" normalise alike, so a stored name
    compares equal however an article dressed it up.
    """
    return " ".join(_strip_titles(_raw_tokens(name)))


def _fold(token: str) -> str:
    for source, target in _FOLDS:
        token = token.replace(source, target)
    token = _DOUBLED.sub(r"\1", token)
    for pattern, target in _ENDINGS:
        token = pattern.sub(target, token)
    return token


@lru_cache(maxsize=8192)
def _folded(name: str) -> tuple[str, ...]:
    return tuple(_fold(token) for token in normalize_name(name).split())


def identity_key(name: str) -> str:
    """A key that one person's transliterations share (Zelensky, Zelenskyy, Selenskyj, Zelenskiy).

    It folds the spelling families in ``_FOLDS``; it does not guess typos, which is what
    ``name_similarity`` is for.
    """
    return " ".join(_folded(name))


@lru_cache(maxsize=8192)
def _token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if min(len(a), len(b)) < 4:
        return 0.0
    return SequenceMatcher(None, a, b).ratio()


def name_similarity(a: str, b: str) -> float:
    """How alike two names are, from 0 to 1, after folding transliteration families.

    The best of a whole-string comparison and a token-by-token one, so both a typo
    ("Zelenksy") and a missing given name ("Zelensky" against "Volodymyr Zelensky") score high.
    """
    tokens_a, tokens_b = _folded(a), _folded(b)
    if not tokens_a or not tokens_b:
        return 0.0
    if tokens_a == tokens_b:
        return 1.0
    whole = SequenceMatcher(None, " ".join(tokens_a), " ".join(tokens_b)).ratio()
    short, long = sorted((tokens_a, tokens_b), key=len)
    if len(short) == 1:
        by_token = _token_similarity(short[0], long[-1])
    else:
        by_token = sum(max(_token_similarity(t, u) for u in long) for t in short) / len(short)
    return max(whole, by_token)


class NameForms:
    """The folded spellings of one actor's aliases, split into what identity rules compare."""

    def __init__(self, forms: Iterable[tuple[str, ...]]) -> None:
        self.full = {form for form in forms if form}
        self.surnames = {form[-1] for form in self.full}
        self.given = {form[0] for form in self.full if len(form) > 1}
        self.bare_surnames = {form[0] for form in self.full if len(form) == 1}
        self.acronyms = {_initials(form) for form in self.full if len(form) > 1}


@lru_cache(maxsize=8192)
def _forms_of(form: tuple[str, ...]) -> NameForms:
    """One folded spelling's NameForms: an /actor lookup compares the same ones again and again."""
    return NameForms([form])


def _initials(form: tuple[str, ...]) -> str:
    return "".join(token[0] for token in form if token not in _CONNECTORS)


def _given_names_agree(a: set[str], b: set[str]) -> bool:
    for x in a:
        for y in b:
            if x[0] == y[0] and (len(x) == 1 or len(y) == 1):
                return True
            if _token_similarity(x, y) >= GIVEN_NAME_MATCH:
                return True
    return False


def forms_score(a: NameForms, b: NameForms) -> float:
    """1.0 for a shared spelling, less for surname-only or fuzzy agreement, 0.0 for different."""
    if a.full & b.full:
        return 1.0
    if a.bare_surnames & b.acronyms or b.bare_surnames & a.acronyms:
        return 0.95
    surname = max((_surname_similarity(x, y) for x in a.surnames for y in b.surnames), default=0.0)
    if surname < SURNAME_MATCH:
        return 0.0
    if a.given and b.given:
        return surname if _given_names_agree(a.given, b.given) else 0.0
    return surname * 0.9


def _surname_similarity(a: str, b: str) -> float:
    """_token_similarity where it can reach SURNAME_MATCH, else 0.0 at once.

    A ratio counts matched letters, so it is at most 2·(letters the two share)/(both lengths):
    surnames of unlike length or letters need no comparison, which keeps an article with many
    people from costing a full comparison for every pair.
    """
    if a == b:
        return 1.0
    needed = SURNAME_MATCH * (len(a) + len(b)) / 2
    if min(len(a), len(b)) < needed or _shared_letters(a, b) < needed:
        return 0.0
    return _token_similarity(a, b)


@lru_cache(maxsize=8192)
def _letter_counts(word: str) -> Counter[str]:
    return Counter(word)


def _shared_letters(a: str, b: str) -> int:
    counts_b = _letter_counts(b)
    return sum(min(count, counts_b[letter]) for letter, count in _letter_counts(a).items())


def name_forms(aliases: Iterable[str]) -> NameForms:
    return NameForms(_folded(alias) for alias in aliases)


class NameIndex:
    """Many actors' name forms, found by what can make a name match one: a shared spelling, a
    surname alike enough, an acronym. Scoring a name then compares it with those actors only,
    not with every actor of the article."""

    def __init__(self) -> None:
        self._forms: list[NameForms] = []
        self._by_form: dict[tuple[str, ...], set[int]] = {}
        self._by_surname: dict[str, set[int]] = {}
        self._by_acronym: dict[str, set[int]] = {}
        self._by_bare_surname: dict[str, set[int]] = {}
        # Names only ever grow, so each surname asked about is compared with each known one once.
        self._surnames: list[str] = []
        self._alike: dict[str, tuple[int, list[str]]] = {}

    def add(self, names: Sequence[str]) -> int:
        self._forms.append(NameForms(()))
        index = len(self._forms) - 1
        self.update(index, names)
        return index

    def update(self, index: int, names: Sequence[str]) -> None:
        """The actor at `index` now goes by these names (its old ones included)."""
        forms = self._forms[index] = name_forms(names)
        self._surnames.extend(sorted(forms.surnames - self._by_surname.keys()))
        for form in forms.full:
            self._by_form.setdefault(form, set()).add(index)
        for table, keys in (
            (self._by_surname, forms.surnames),
            (self._by_acronym, forms.acronyms),
            (self._by_bare_surname, forms.bare_surnames),
        ):
            for key in keys:
                table.setdefault(key, set()).add(index)

    def scores(self, name: str) -> list[tuple[float, int]]:
        """(score, index) of every actor the name may denote, best match rules as in
        same_actor_score; actors it cannot match are never compared."""
        forms = name_forms([name])
        if not forms.full:
            return []
        [form] = forms.full
        related = set(self._by_form.get(form, ()))
        if len(form) == 1:
            related |= self._by_acronym.get(form[0], set())
        else:
            related |= self._by_bare_surname.get(_initials(form), set())
        for surname in self._alike_surnames(form[-1]):
            related |= self._by_surname[surname]
        scored = ((forms_score(forms, self._forms[index]), index) for index in sorted(related))
        return [(score, index) for score, index in scored if score > 0]

    def _alike_surnames(self, surname: str) -> list[str]:
        compared, alike = self._alike.get(surname, (0, []))
        alike += [
            known
            for known in self._surnames[compared:]
            if _surname_similarity(surname, known) >= SURNAME_MATCH
        ]
        self._alike[surname] = (len(self._surnames), alike)
        return alike


def same_actor_score(names_a: Sequence[str], names_b: Sequence[str]) -> float:
    """Score that two alias lists denote one actor; 0.0 means they are known to differ."""
    return forms_score(name_forms(names_a), name_forms(names_b))


def resolve_actor(
    names: Sequence[str], existing: Sequence[tuple[int, Sequence[str]]]
) -> int | None:
    """The stored actor these aliases belong to, or None if none does or the match is ambiguous.

    A bare surname that fits two stored people equally well (two Trumps) is left unresolved
    rather than guessed; one whose aliases already include that bare surname wins.
    """
    forms = name_forms(names)
    if not forms.full:
        return None
    scored = [(forms_score(forms, name_forms(aliases)), actor_id) for actor_id, aliases in existing]
    scored = sorted((pair for pair in scored if pair[0] > 0), reverse=True)
    if not scored:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0] and scored[1][1] != scored[0][1]:
        return None
    return scored[0][1]


def _ratio_upper_bound(a: str, b: str) -> float:
    """What SequenceMatcher(None, a, b).ratio() can reach at most: its matched letters are
    letters the two share. Cheap, so the full comparison runs only where it can matter."""
    return 2 * _shared_letters(a, b) / (len(a) + len(b)) if a or b else 1.0


def _query_score(query: tuple[str, ...], alias: tuple[str, ...], floor: float = 0.0) -> float:
    """How well a typed name fits one alias; any score below `floor` may come out as 0.0."""
    if not alias:
        return 0.0
    if query == alias:
        return 1.0
    if len(query) == 1:
        word = query[0]
        if word == alias[-1]:
            return 1.0
        if word in alias:
            return 0.9
        if len(word) >= 3 and any(token.startswith(word) for token in alias):
            return 0.8
        alike = [token for token in alias if _ratio_upper_bound(word, token) * 0.95 >= floor]
        return max((_token_similarity(word, token) for token in alike), default=0.0) * 0.95
    score = forms_score(_forms_of(query), _forms_of(alias))
    if score:
        return score
    typed, known = " ".join(query), " ".join(alias)
    if _ratio_upper_bound(typed, known) * 0.9 < floor:
        return 0.0
    return SequenceMatcher(None, typed, known).ratio() * 0.9


def rank_actors(
    query: str, candidates: Sequence[tuple[int, Sequence[str]]], limit: int = 5
) -> list[tuple[int, float]]:
    """Candidates for an /actor lookup, best first, tolerant of case, spelling and titles.

    A spelling that folds to one of the actor's names, or to its surname, scores 1.0; of equal
    scores, an actor already stored under exactly that spelling (the Trump known as plain
    "Trump") comes first.
    """
    folded = _folded(query)
    if not folded:
        return []
    ranked = []
    for actor_id, aliases in candidates:
        forms = [_folded(alias) for alias in aliases]
        score = max((_query_score(folded, form, RANK_FLOOR) for form in forms), default=0.0)
        if score >= RANK_FLOOR:
            ranked.append((-round(score, 3), folded not in forms, actor_id))
    ranked.sort()
    return [(actor_id, -score) for score, _, actor_id in ranked[:limit]]
