"""Who appears in an article: people and institutions, one per identity, and where each occurs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from digests.actors.names import NameIndex, identity_key
from digests.actors.roles import role_after, role_before
from digests.actors.runs import Run, runs, surface
from digests.actors.text import Document, Sentence, tokenize
from digests.actors.vocab import AUXILIARIES, SPEAKING_ONLY_HEADS, SPEECH_VERBS

_AMBIGUOUS = -1
# An article names a few dozen people at most; past this many, a text is a list or an attack,
# and later names only join the people already found. Each name is compared with every person
# found (spellings vary), so this bound is what keeps the cast linear in the text.
MAX_PEOPLE = 150
# Longest family name matched when it comes first ("Wang", "Zhang", "Mao", "Kim").
_FAMILY_NAME_FIRST_LENGTH = 5


@dataclass(slots=True)
class Actor:
    kind: str  # "person" | "organization"
    first_offset: int
    names: list[str] = field(default_factory=list)  # bare names, as spelled
    aliases: list[str] = field(default_factory=list)  # every surface form, titles included
    roles: list[str] = field(default_factory=list)
    # Named like an event as much as an institution ("Champions League", "Arab League"): an
    # actor only where it speaks or stands in someone's title.
    speaking_only: bool = False
    # Known only by a role the article gives nobody it names ("the Russian president").
    unnamed: bool = False

    @property
    def name(self) -> str:
        """The fullest bare name: most words, then longest, then first seen."""
        return max(self.names, key=lambda name: (len(name.split()), len(name)))

    def add(self, name: str, alias: str, role: str | None = None) -> None:
        for value, bucket in ((name, self.names), (name, self.aliases), (alias, self.aliases)):
            if value not in bucket:
                bucket.append(value)
        if role and role not in self.roles:
            self.roles.append(role)


@dataclass(slots=True)
class Occurrence:
    """An actor named in a sentence; token indices are inclusive."""

    actor: Actor
    sentence: Sentence
    first: int
    last: int

    @property
    def possessive(self) -> bool:
        return self.sentence.tokens[self.last].possessive


@dataclass(slots=True)
class Cast:
    actors: list[Actor]
    occurrences: list[Occurrence]


@dataclass(slots=True)
class _Candidate:
    run: Run
    name: str
    alias: str
    roles: list[str]
    first: int  # token index where the person's reference starts (role phrase included)
    evidence: bool
    titled: bool


def _speaks(run: Run) -> bool:
    """Is the run the subject ("X said", "X, the envoy, said") or object ("said X") of speech?"""
    tokens = run.sentence.tokens
    index = run.last + 1
    appositive = role_after(run.sentence, run.last)
    if appositive and appositive[1] + 1 < len(tokens) and tokens[appositive[1] + 1].text == ",":
        index = appositive[1] + 2
    while index < len(tokens) and tokens[index].lower in AUXILIARIES:
        index += 1
    after = index < len(tokens) and tokens[index].lower in SPEECH_VERBS
    before = run.first > 0 and tokens[run.first - 1].lower in SPEECH_VERBS
    return after or before


def _role_text(sentence: Sentence, span: tuple[int, int] | None, text: str) -> str | None:
    if span is None:
        return None
    return surface(sentence.tokens[span[0] : span[1] + 1], text)


def _candidate(run: Run, text: str, recurring: Counter[str], speaking: set[str]) -> _Candidate:
    """A run read as a person's name, with the evidence that it is one.

    `speaking` holds the surnames that speak somewhere, said of one full name only: "Day said"
    shows Jason Day is someone, but not which of him and "Independence Day" it is.
    """
    sentence = run.sentence
    name_tokens = run.name_tokens
    before = role_before(sentence, run.first)
    after = role_after(sentence, run.last)
    roles = [
        role
        for role in (
            run.title_role,
            _role_text(sentence, before, text),
            _role_text(sentence, after, text),
        )
        if role
    ]
    contiguous = before is not None and sentence.tokens[before[1] + 1].text != ","
    first = before[0] if before is not None and contiguous else run.first
    strong = run.titled or before is not None or after is not None
    surname = identity_key(name_tokens[-1].base)
    if name_tokens[-1].lower in SPEAKING_ONLY_HEADS:
        # "Independence Day" recurs as much as "Jason Day" does; only speech tells them apart.
        voiced = _speaks(run) or surname in speaking
    else:
        voiced = recurring[surname] >= 2 or _speaks(run)
    weak = len(name_tokens) > 1 and not sentence.heading and voiced
    return _Candidate(
        run=run,
        name=surface(name_tokens, text),
        alias=surface(sentence.tokens[first : run.last + 1], text),
        roles=roles,
        first=first,
        evidence=strong or weak,
        titled=strong,
    )


class _Roster:
    """The article's people, indexed by their names' forms for the comparisons that attach."""

    def __init__(self) -> None:
        self.people: list[Actor] = []
        self._names = NameIndex()

    def found(self, actor: Actor) -> None:
        self.people.append(actor)
        self._names.add(actor.names)

    def add(self, index: int, name: str, alias: str, role: str | None) -> None:
        actor = self.people[index]
        actor.add(name, alias, role)
        self._names.update(index, actor.names)

    def attach(self, name: str, *, founding: bool = False) -> int | None:
        """Index of the person this bare name belongs to, or None if it is someone new.

        A bare surname two people share ("Trump" beside Donald and Melania Trump) goes to the
        one introduced first, the article's main bearer of the name, as news style has it;
        while the cast is being founded it is _AMBIGUOUS instead, so it founds nobody.
        """
        scores = self._names.scores(name)
        if not scores:
            return None if founding else _family_name_first(name, self.people)
        best = max(score for score, _ in scores)
        tied = [index for score, index in scores if score == best]
        if len(tied) > 1 and founding:
            return _AMBIGUOUS
        return min(tied, key=lambda index: self.people[index].first_offset)


def _family_name_first(name: str, actors: list[Actor]) -> int | None:
    """ "Mao" for "Mao Ning", "Kim" for "Kim Jong Un": names written family name first, matched
    only when the bare word fits no surname and begins exactly one name of two or three words.
    Such family names are short; a longer first word ("Israel Katz") is a given name."""
    if " " in name or len(name) > _FAMILY_NAME_FIRST_LENGTH:
        return None
    key = identity_key(name)
    matches = [
        index
        for index, actor in enumerate(actors)
        if any(_begins(full, key) for full in actor.names)
    ]
    return matches[0] if len(matches) == 1 else None


def _begins(full_name: str, key: str) -> bool:
    words = full_name.split()
    return 2 <= len(words) <= 3 and identity_key(words[0]) == key


def _people(candidates: list[_Candidate]) -> tuple[list[Actor], list[Occurrence]]:
    roster = _Roster()
    # Full names first, then titled surnames, so "President Trump" joins "Donald Trump".
    founders = [c for c in candidates if c.evidence and len(c.name.split()) > 1]
    founders += [c for c in candidates if c.titled and len(c.name.split()) == 1]
    for candidate in founders:
        if len(roster.people) >= MAX_PEOPLE:
            break
        if roster.attach(candidate.name, founding=True) is None:
            offset = candidate.run.sentence.tokens[candidate.first].start
            roster.found(Actor("person", offset, names=[candidate.name]))
    occurrences = []
    for candidate in candidates:
        index = roster.attach(candidate.name)
        if index is None:
            continue
        roles: list[str | None] = [*candidate.roles] or [None]
        for role in roles:
            roster.add(index, candidate.name, candidate.alias, role)
        run = candidate.run
        actor = roster.people[index]
        occurrences.append(Occurrence(actor, run.sentence, candidate.first, run.last))
    return roster.people, occurrences


def _org_spans(run: Run) -> list[tuple[int, int]]:
    spans = [run.org] if run.org else []
    spans += [(index, index) for index in run.acronyms]
    if run.after_the:
        spans.append((run.first, run.first))
    return spans


def _organizations(all_runs: list[Run], doc: Document) -> tuple[list[Actor], list[Occurrence]]:
    orgs: dict[str, Actor] = {}
    spans = [(run, span) for run in all_runs for span in _org_spans(run)]
    for run, (first, last) in spans:
        name = surface(run.sentence.tokens[first : last + 1], doc.text)
        key = identity_key(name)
        if key and key not in orgs:
            speaking_only = run.sentence.tokens[last].lower in SPEAKING_ONLY_HEADS
            orgs[key] = Actor(
                "organization", run.sentence.tokens[first].start, speaking_only=speaking_only
            )
    actors = list(orgs.values())
    single_words = {key: actor for key, actor in orgs.items() if " " not in key}
    occurrences = []
    for run in all_runs:
        tokens = run.sentence.tokens
        seen: set[int] = set()
        for first, last in _org_spans(run):
            actor = orgs.get(identity_key(surface(tokens[first : last + 1], doc.text)))
            if actor:
                seen.update(range(first, last + 1))
                occurrences.append(Occurrence(actor, run.sentence, first, last))
                name = surface(tokens[first : last + 1], doc.text)
                actor.add(name, name)
        for index in range(run.first, run.last + 1):
            actor = single_words.get(identity_key(tokens[index].base))
            if actor and index not in seen and tokens[index].capitalised:
                occurrences.append(Occurrence(actor, run.sentence, index, index))
                actor.add(tokens[index].base, tokens[index].base)
    return actors, occurrences


def _recurring_words(doc: Document, title: str | None) -> Counter[str]:
    words = [token for sentence in doc.sentences for token in sentence.tokens]
    words += tokenize(title or "", 0)
    return Counter(identity_key(token.base) for token in words if token.capitalised)


def find_cast(doc: Document, title: str | None) -> Cast:
    all_runs = [run for sentence in doc.sentences for run in runs(sentence, doc)]
    recurring = _recurring_words(doc, title)
    named = [run for run in all_runs if run.name_first is not None]
    full_names = {
        (identity_key(run.name_tokens[-1].base), identity_key(run.name_tokens[0].base))
        for run in named
        if len(run.name_tokens) > 1
    }
    bearers = Counter(surname for surname, _ in full_names)
    speaking = {
        surname
        for run in named
        if _speaks(run) and bearers[surname := identity_key(run.name_tokens[-1].base)] == 1
    }
    candidates = [_candidate(run, doc.text, recurring, speaking) for run in named]
    people, person_occurrences = _people(candidates)
    orgs, org_occurrences = _organizations(all_runs, doc)
    occurrences = sorted(
        person_occurrences + org_occurrences,
        key=lambda occurrence: (
            occurrence.sentence.tokens[occurrence.first].start,
            -occurrence.last,
        ),
    )
    return Cast(people + orgs, occurrences)
