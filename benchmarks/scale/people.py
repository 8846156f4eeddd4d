"""Synthetic actors: surnames with transliteration variants, roles, and Zipf-like fame."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from digests.actors.store import alias_key

ONSETS = (
    "Ko", "Za", "Bo", "Me", "Ta", "Hry", "Du", "Ly", "Pe", "O", "Sa", "Ka", "Be", "Vo", "Ma",
    "Ni", "Ro", "Fe", "Ho", "Le", "Tka", "Kri", "Sho", "Zhu", "Khar", "Ba", "Go", "Ra", "Si",
    "Mo", "Ve", "Kle", "Pri", "Stre", "Chu", "Ya", "Yu", "I", "A", "Da", "Ga", "No", "Po", "Ru",
    "Tu", "We", "Hu", "El", "An", "Ar", "Bru", "Fra", "Gre", "Ja", "Lu", "Mi", "Pa", "Sta",
    "Tre", "Vi",
)  # fmt: skip
MIDDLES = ("", "l", "len", "ch", "r", "rn", "v", "sh", "ts", "d", "k", "m", "n", "st")
VOWELS = ("a", "e", "i", "o", "u")
ENDINGS = (
    "nko", "sky", "chuk", "vych", "enko", "ov", "ev", "in", "yak", "ski", "berg", "mann", "son",
    "ez", "elli", "ard", "ova", "etz", "ic", "ish",
)  # fmt: skip
GIVEN = (
    "Oleksandr", "Olena", "Dmytro", "Iryna", "Andrii", "Kateryna", "Serhii", "Yulia", "Viktor",
    "Natalia", "Mykola", "Tetiana", "Pavlo", "Marta", "Hanna", "Ivan", "Sophie", "Lars", "Ingrid",
    "Tomas", "Ana", "Pierre", "Claire", "Jan", "Agnieszka", "Piotr", "Emre", "Ayse", "John",
    "Sarah", "Michael", "Laura", "Carlos", "Elena", "Markus", "Julia", "Ahmed", "Leila", "Kenji",
    "Mei",
)  # fmt: skip
ROLES = (
    "Foreign Minister", "President", "Prime Minister", "Defence Minister", "spokesperson",
    "envoy", "mayor", "governor", "senator", "ambassador", "negotiator", "economist",
)  # fmt: skip
INSTITUTIONS = ("Foreign Ministry", "Defence Ministry", "Energy Agency", "Central Bank", "Council")
# Spellings that fold to one identity key, as Zelensky, Zelenskyy and Selenskyj do.
VARIANTS = (
    ("sky", "skyy"), ("sky", "skyj"), ("ov", "ow"), ("ev", "ew"), ("v", "w"), ("Z", "S"),
    ("Kh", "Ch"), ("Zh", "Sh"), ("chuk", "tschuk"), ("ts", "z"), ("y", "i"),
)  # fmt: skip
FAME_EXPONENT = 1.05  # the n-th best-known actor is mentioned about 1/n^1.05 as often as the first


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    surname: str  # how articles refer to them after the first mention
    kind: str
    role: str | None
    aliases: tuple[str, ...]  # every form articles used, other transliterations included


def _surname(rng: random.Random) -> str:
    return rng.choice(ONSETS) + rng.choice(MIDDLES) + rng.choice(VOWELS) + rng.choice(ENDINGS)


def _variant_of(surname: str, rng: random.Random) -> str | None:
    """Another transliteration of the surname that the bot must take for the same person."""
    options = [surname.replace(a, b, 1) for a, b in VARIANTS if a in surname]
    rng.shuffle(options)
    key = alias_key(surname)
    return next((v for v in options if v != surname and alias_key(v) == key), None)


def _person(actor_id: int, rng: random.Random) -> Person:
    surname = _surname(rng)
    given = rng.choice(GIVEN)
    name = f"{given} {surname}"
    variant = _variant_of(surname, rng)
    aliases = [name, surname]
    if variant:
        aliases += [variant, f"{given} {variant}"]
    role = rng.choice(ROLES) if rng.random() < 0.7 else None
    return Person(actor_id, name, surname, "person", role, tuple(aliases))


def _institution(actor_id: int, rng: random.Random) -> Person:
    name = f"{_surname(rng)} {rng.choice(INSTITUTIONS)}"
    return Person(actor_id, name, name, "organization", None, (name,))


def cast(count: int, rng: random.Random) -> list[Person]:
    """Actors in order of fame: id 1 is the most mentioned."""
    return [
        _institution(i, rng) if rng.random() < 0.04 else _person(i, rng)
        for i in range(1, count + 1)
    ]


def fame_weights(count: int) -> list[float]:
    """Cumulative weights for `random.choices`, so hot actors get tens of thousands of rows."""
    return list(itertools.accumulate(1 / rank**FAME_EXPONENT for rank in range(1, count + 1)))


def typo(surname: str, rng: random.Random) -> str:
    """A slip past the first letters (swapped neighbours), which ranking still forgives."""
    if len(surname) < 6:
        return surname.lower()
    at = rng.randint(3, len(surname) - 2)
    return surname[:at] + surname[at + 1] + surname[at] + surname[at + 2 :]
