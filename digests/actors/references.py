"""What a phrase that may be a speaker refers to: a name, "he", "the Russian president"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from digests.actors.cast import Actor, Cast
from digests.actors.names import plain
from digests.actors.roles import role_head, role_qualifiers_start
from digests.actors.runs import surface
from digests.actors.text import Document, Sentence
from digests.actors.vocab import (
    FEMALE_SURNAME_ENDINGS,
    FEMALE_TITLES,
    GROUP_PRONOUNS,
    INDEFINITES,
    MALE_NAME_ENDINGS,
    MALE_TITLES,
    PERSONAL_PRONOUNS,
    ROLE_SYNONYMS,
)

# Qualifiers that do not narrow down who holds a role.
_VAGUE_QUALIFIERS = frozenset({"top", "senior", "current", "same"})
_DEMONSTRATIVES = frozenset({"that", "this"})
# A source the writer keeps anonymous must not be matched to anyone by role or pronoun.
_ANONYMITY = re.compile(
    r"anonymity|not to be (?:named|identified)|declined to be (?:named|identified)"
    r"|not authori[sz]ed to (?:speak|comment)|on background|name (?:be )?withheld",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Ref:
    """A phrase that may name a speaker; ``actor`` stays None when it names nobody we know."""

    first: int
    last: int
    kind: str  # "name" | "pronoun" | "relative" | "role" | "anonymous"
    actor: Actor | None
    possessive: bool
    quoted: bool


@dataclass(slots=True)
class SentenceRefs:
    sentence: Sentence
    refs: list[Ref] = field(default_factory=list)
    by_first: dict[int, Ref] = field(default_factory=dict)
    by_last: dict[int, Ref] = field(default_factory=dict)

    def index(self) -> None:
        """Sort refs and keep, per boundary token, the longest phrase (a person over their title's
        institution: "NATO Secretary-General Rutte" over "NATO")."""
        self.refs.sort(key=lambda ref: (ref.first, -ref.last))
        for ref in self.refs:
            self.by_first.setdefault(ref.first, ref)
        for ref in sorted(self.refs, key=lambda ref: (ref.last, ref.first)):
            self.by_last.setdefault(ref.last, ref)

    def people_outside_quotes(self) -> list[Actor]:
        found: list[Actor] = []
        for ref in self.refs:
            actor = ref.actor
            if actor and actor.kind == "person" and not ref.quoted and actor not in found:
                found.append(actor)
        return found


def _covered(sentence_refs: SentenceRefs, index: int) -> bool:
    return any(ref.first <= index <= ref.last for ref in sentence_refs.refs)


def _role_ref(sentence_refs: SentenceRefs, index: int) -> Ref | None:
    """A role phrase at its noun: "the Kremlin spokesperson" (definite), "a senior NATO
    representative" or "NATO officials" (anonymous). Titles glued to a name are not one."""
    tokens = sentence_refs.sentence.tokens
    token = tokens[index]
    head = role_head(token.lower)
    if head is None or _covered(sentence_refs, index):
        return None
    if (
        index + 2 < len(tokens)
        and tokens[index + 1].text == ","
        and _starts_name(sentence_refs, index + 2)
    ):
        return None
    start = role_qualifiers_start(tokens, index)
    before = tokens[start - 1].lower if start > 0 else ""
    quoted = token.quoted
    if head != token.lower:
        first = start - 1 if before in INDEFINITES else start
        return Ref(first, index, "anonymous", None, False, quoted)
    if before == "the":
        return Ref(start - 1, index, "role", None, token.possessive, quoted)
    if tokens[start].possessive and tokens[start].capitalised:
        return Ref(start, index, "role", None, token.possessive, quoted)
    if before in INDEFINITES or before in _DEMONSTRATIVES:
        return Ref(start - 1, index, "anonymous", None, False, quoted)
    return None


def _starts_name(sentence_refs: SentenceRefs, index: int) -> bool:
    return any(ref.first == index and ref.kind == "name" for ref in sentence_refs.refs)


def _pronoun_ref(token_lower: str, index: int, quoted: bool) -> Ref | None:
    if token_lower in PERSONAL_PRONOUNS:
        return Ref(index, index, "pronoun", None, False, quoted)
    if token_lower == "who":
        return Ref(index, index, "relative", None, False, quoted)
    if token_lower in GROUP_PRONOUNS:
        return Ref(index, index, "anonymous", None, False, quoted)
    return None


def _collect(doc: Document, cast: Cast) -> list[SentenceRefs]:
    table = [SentenceRefs(sentence) for sentence in doc.sentences]
    for occurrence in cast.occurrences:
        tokens = occurrence.sentence.tokens
        ref = Ref(
            occurrence.first,
            occurrence.last,
            "name",
            occurrence.actor,
            occurrence.possessive,
            tokens[occurrence.last].quoted,
        )
        table[occurrence.sentence.index].refs.append(ref)
    for sentence_refs in table:
        extra = []
        for index, token in enumerate(sentence_refs.sentence.tokens):
            if not token.is_word:
                continue
            found = _pronoun_ref(token.lower, index, token.quoted) or _role_ref(
                sentence_refs, index
            )
            if found:
                extra.append(found)
        sentence_refs.refs.extend(extra)
        sentence_refs.index()
    return table


def _stem(word: str) -> str:
    word = plain(word).replace("'s", "").replace("’s", "").replace(".", "")
    return word[:4]


def _role_words(text: str) -> list[str]:
    words = []
    for word in re.findall(r"[\w’'.-]+", text.lower()):
        words.append(word)
        if "-" in word:
            words.extend(word.split("-"))
    return words


def _heads(words: list[str]) -> set[str]:
    heads = {role_head(word) for word in words if role_head(word)}
    return {ROLE_SYNONYMS.get(head, head) for head in heads if head}


def _holds_role(actor: Actor, head: str | None, qualifiers: frozenset[str]) -> bool:
    for role in actor.roles:
        words = _role_words(role)
        if head in _heads(words) and qualifiers <= {_stem(word) for word in words}:
            return True
    return False


def _qualifiers(words: list[str]) -> frozenset[str]:
    """What narrows a role down, by stem: "Russian" in "the Russian president"."""
    return frozenset(_stem(word) for word in words[:-1] if word not in _VAGUE_QUALIFIERS)


def holds_role(role: str, titles: list[str]) -> bool:
    """Does one of these titles or titled names ("Russian President", "President Vladimir
    Putin") carry the role a phrase names ("the Russian president")? The same test a role
    phrase passes to name someone the article itself gave that title."""
    words = [word for word in _role_words(role) if word != "the"]
    if not words:
        return False
    head = role_head(words[-1])
    head = ROLE_SYNONYMS.get(head, head) if head else None
    qualifiers = _qualifiers(words)
    for title in titles:
        title_words = _role_words(title)
        if head in _heads(title_words) and qualifiers <= {_stem(word) for word in title_words}:
            return True
    return False


def _resolve_role(sentence_refs: SentenceRefs, ref: Ref, people: list[Actor]) -> Actor | None:
    """The one person named earlier in the article who holds this role, if exactly one does."""
    tokens = sentence_refs.sentence.tokens[ref.first : ref.last + 1]
    words = [token.lower for token in tokens if token.lower != "the"]
    head = _ref_role_head(sentence_refs, ref)
    qualifiers = _qualifiers(words)
    start = tokens[0].start
    holders = [
        actor
        for actor in people
        if actor.first_offset < start and _holds_role(actor, head, qualifiers)
    ]
    return holders[0] if len(holders) == 1 else None


def _gender(actor: Actor) -> str | None:
    """Female or male from a title or the given name's ending, so "she" never lands on a Sergei.

    A given name ending in -a reads as female (Elena, Kaja, Ursula); one ending in a hard
    consonant, -o or a Slavic -ei/-iy as male (Donald, Marco, Sergei, Andriy); the rest
    (Elizabeth, Nancy, Karin, Mike) stay unknown and agree with either pronoun.
    """
    words = {word for alias in actor.aliases for word in re.findall(r"\w+", alias.lower())}
    words |= {word for role in actor.roles for word in re.findall(r"\w+", role.lower())}
    if words & FEMALE_TITLES:
        return "female"
    if words & MALE_TITLES:
        return "male"
    given = [name.split()[0].lower() for name in actor.names if len(name.split()) > 1]
    if any(name.endswith("a") for name in given):
        return "female"
    if any(name.endswith(MALE_NAME_ENDINGS) for name in given):
        return "male"
    if actor.name.lower().endswith(FEMALE_SURNAME_ENDINGS):
        return "female"
    return None


def _agrees(pronoun: str, actor: Actor) -> bool:
    gender = _gender(actor)
    return gender is None or gender == ("female" if pronoun == "she" else "male")


@dataclass(slots=True)
class _Context:
    """What a "he"/"she" may stand for, kept up while a sentence's references are read in
    order, so each pronoun costs a look at the people named, not at every phrase before it."""

    before: list[Actor] = field(default_factory=list)  # people named so far, outside quotes
    unnamed_before: bool = False  # someone nobody named stands before ("a NATO official")
    previous_people: list[Actor] | None = None  # the sentence before's, None if not usable

    def read(self, sentence_refs: SentenceRefs, ref: Ref) -> None:
        actor = ref.actor
        if actor and actor.kind == "person" and not ref.quoted and actor not in self.before:
            self.before.append(actor)
        self.unnamed_before = self.unnamed_before or _unnamed_person(sentence_refs, [ref])


def _antecedent(pronoun: str, context: _Context) -> Actor | None:
    """The person a "he"/"she" stands for, if the text leaves no doubt.

    That is the one agreeing person named before it in its sentence, else the one in the
    sentence before. Two candidates, an unnamed person beside the named one ("a NATO
    official"), or a reach further back leave it unresolved: a wrongly attributed quote is
    worse than a missing one.
    """
    before = [actor for actor in context.before if _agrees(pronoun, actor)]
    if before or context.unnamed_before:
        return before[0] if len(before) == 1 and not context.unnamed_before else None
    if context.previous_people is None:
        return None
    people = [actor for actor in context.previous_people if _agrees(pronoun, actor)]
    return people[0] if len(people) == 1 else None


def _unnamed_person(sentence_refs: SentenceRefs, refs: list[Ref]) -> bool:
    """Does one of these refs stand for a single person nobody named ("a NATO official")?"""
    tokens = sentence_refs.sentence.tokens
    return any(
        ref.kind in ("role", "anonymous")
        and ref.actor is None
        and not ref.quoted
        and role_head(tokens[ref.last].lower) == tokens[ref.last].lower
        for ref in refs
    )


def _relative(sentence_refs: SentenceRefs, ref: Ref) -> Actor | None:
    """ "who" right after ", " takes the name before the comma: "Peskov, who said"."""
    tokens = sentence_refs.sentence.tokens
    if ref.first < 2 or tokens[ref.first - 1].text != ",":
        return None
    named = sentence_refs.by_last.get(ref.first - 2)
    return named.actor if named and named.kind == "name" else None


def _ref_role_head(sentence_refs: SentenceRefs, ref: Ref) -> str | None:
    head = role_head(sentence_refs.sentence.tokens[ref.last].lower)
    return ROLE_SYNONYMS.get(head, head) if head else None


class _Holders:
    """Who each role phrase of the article stands for, read in order.

    A role held by someone named earlier is theirs. One the article never ties to a name ("the
    Russian president", where Putin appears untitled) stands for an unnamed holder, the same
    one each time it recurs, if it says whose role it is (a bare "the judge" could be anyone's):
    what that holder says is kept under the role, for the store to give to the one person the
    article names who is known to hold it. A role the article also
    gave someone it never named ("a senior official", "Qatar's prime minister") is ambiguous
    from then on.
    """

    def __init__(self, text: str, people: list[Actor]) -> None:
        self.text = text
        self.people = people
        self.unnamed_roles: set[str] = set()
        self.unnamed: dict[tuple[str, frozenset[str]], Actor] = {}

    def role(self, sentence_refs: SentenceRefs, ref: Ref, head: str | None) -> Actor | None:
        tokens = sentence_refs.sentence.tokens[ref.first : ref.last + 1]
        words = [token.lower for token in tokens if token.lower != "the"]
        key = (head or "", _qualifiers(words))
        if key in self.unnamed:
            return self.unnamed[key]
        if head in self.unnamed_roles:
            return None
        actor = _resolve_role(sentence_refs, ref, self.people)
        if actor is None and key[1] and not ref.quoted:
            start = 1 if tokens[0].lower == "the" else 0
            role = surface(tokens[start:], self.text)
            actor = Actor("person", tokens[0].start, [role], [role], [role], unnamed=True)
            self.unnamed[key] = actor
            self.unnamed_roles.add(head or "")
        return actor

    def unresolved(self, head: str) -> None:
        """Someone unnamed has this role too: the role names nobody from here on."""
        self.unnamed_roles.add(head)
        for key in [key for key in self.unnamed if key[0] == head]:
            del self.unnamed[key]


def resolve(doc: Document, cast: Cast) -> list[SentenceRefs]:
    """Every sentence's references, with roles and pronouns tied to actors where unambiguous;
    in a sentence that grants a source anonymity only explicit names count."""
    table = _collect(doc, cast)
    holders = _Holders(doc.text, [actor for actor in cast.actors if actor.kind == "person"])
    previous: SentenceRefs | None = None
    for sentence_refs in table:
        anonymous = bool(_ANONYMITY.search(sentence_refs.sentence.text))
        context = _Context()
        if previous is not None and not _unnamed_person(previous, previous.refs):
            context.previous_people = previous.people_outside_quotes()
        tokens = sentence_refs.sentence.tokens
        for ref in sentence_refs.refs:
            head = _ref_role_head(sentence_refs, ref) if ref.kind != "name" else None
            if ref.kind == "role" and not anonymous:
                ref.actor = holders.role(sentence_refs, ref, head)
            elif ref.kind == "pronoun" and not ref.quoted and not anonymous:
                ref.actor = _antecedent(tokens[ref.first].lower, context)
            elif ref.kind == "relative":
                ref.actor = _relative(sentence_refs, ref)
            if head and ref.actor is None:
                holders.unresolved(head)
            context.read(sentence_refs, ref)
        if not sentence_refs.sentence.heading:
            previous = sentence_refs
    return table
