"""Synthetic news prose from a vocabulary: headlines, background, quotes, reported speech."""

from __future__ import annotations

import random

SUBJECTS = (
    "Negotiators",
    "The delegation",
    "European ministers",
    "Local officials",
    "Military analysts",
    "Diplomats in the region",
    "Aid organisations",
    "The monitoring mission",
    "Energy companies",
    "Grain exporters",
    "Opposition lawmakers",
    "Residents of the city",
    "Observers from the OSCE",
    "The central bank",
    "Border guards",
    "Several governments",
    "The parliament",
    "Human rights groups",
    "Investors",
    "The mediators",
)
VERBS = (
    "discussed",
    "rejected",
    "welcomed",
    "postponed",
    "questioned",
    "criticised",
    "supported",
    "reviewed",
    "announced",
    "delayed",
    "debated",
    "endorsed",
    "warned against",
    "called for",
    "prepared",
    "examined",
    "signed",
    "outlined",
)
OBJECTS = (
    "the ceasefire proposal",
    "a prisoner exchange",
    "new sanctions",
    "the grain corridor",
    "the reconstruction fund",
    "security guarantees",
    "the energy agreement",
    "a humanitarian pause",
    "the peace framework",
    "air defence deliveries",
    "the demilitarised zone",
    "repairs to the power grid",
    "the evacuation plan",
    "frozen central bank assets",
    "the refugee quota",
    "a monitoring mechanism",
    "the nuclear plant inspection",
    "export licences",
    "the loan package",
    "talks on territorial questions",
)
PLACES = (
    "in Geneva",
    "in Istanbul",
    "in Kyiv",
    "in Brussels",
    "in Warsaw",
    "in Berlin",
    "in Riyadh",
    "in Vienna",
    "in Ankara",
    "in Helsinki",
    "in Odesa",
    "in Kharkiv",
    "in Paris",
    "in London",
    "in Washington",
)
TIMES = (
    "on Monday",
    "on Tuesday",
    "late on Wednesday",
    "on Thursday",
    "early on Friday",
    "over the weekend",
    "this week",
    "last month",
    "after midnight",
    "in the morning",
)
TAILS = (
    "",
    ", according to two people familiar with the talks",
    ", officials said",
    " after hours of closed-door meetings",
    ", a statement said",
    " despite objections from several members",
    ", local media reported",
    " amid renewed shelling",
    ", in a move that surprised observers",
    " for the second time this year",
)
FIGURES = (
    "Prices of wheat rose by {n} percent in the following days.",
    "More than {n} families were evacuated from the front-line villages.",
    "The fund has so far received {n} million euros in pledges.",
    "About {n} kilometres of railway remain closed for repairs.",
    "Officials counted {n} drones over the region during the night.",
    "The convoy carried {n} tonnes of medical supplies.",
)
CLAIMS = (
    "we will not accept {o}",
    "our side is ready to discuss {o}",
    "nobody can ignore {o} any longer",
    "there is no alternative to {o}",
    "{o} must be agreed before winter",
    "we expect progress on {o} within weeks",
    "the partners have promised {o}",
    "{o} is a matter of national security",
)
REPORTED = (
    "the talks on {o} would resume next week",
    "the government was studying {o}",
    "{o} had been delayed by technical problems",
    "an agreement on {o} was close",
    "the allies remained divided over {o}",
    "{o} would be presented to parliament",
)
MENTION_VERBS = (
    "met envoys to discuss",
    "was briefed on",
    "travelled to sign",
    "was criticised over",
    "chaired a meeting on",
    "has not commented on",
    "visited the region to review",
    "was expected to present",
)
HEADLINE_TOPICS = (
    "Ceasefire talks",
    "Envoys",
    "Grain deal",
    "Energy talks",
    "Prisoner swap",
    "Sanctions package",
    "Reconstruction conference",
    "Peace plan",
    "Air defence",
    "Security pact",
)
HEADLINE_PREDICATES = (
    "stall over",
    "resume amid dispute over",
    "make progress on",
    "hinge on",
    "collapse over",
    "advance despite",
    "face new doubts over",
    "turn to",
)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def filler_sentence(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return rng.choice(FIGURES).format(n=rng.randint(2, 900))
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
        f"{rng.choice(PLACES)} {rng.choice(TIMES)}{rng.choice(TAILS)}."
    )


def filler_pool(rng: random.Random, size: int) -> list[str]:
    """Distinct background sentences; articles draw from this pool, so generation stays cheap."""
    pool = {filler_sentence(rng) for _ in range(size * 2)}
    return sorted(pool)[:size]


def headline(rng: random.Random) -> str:
    return (
        f"{rng.choice(HEADLINE_TOPICS)} {rng.choice(HEADLINE_PREDICATES)} "
        f"{rng.choice(OBJECTS).removeprefix('the ')} {rng.choice(PLACES)}"
    )


def quote(rng: random.Random, speaker: str) -> tuple[str, str]:
    """(what was said, the sentence saying it) for a direct quote."""
    said = _capital(rng.choice(CLAIMS).format(o=rng.choice(OBJECTS)))
    return said, f"“{said},” {speaker} said {rng.choice(TIMES)}."


def reported(rng: random.Random, speaker: str) -> tuple[str, str]:
    """(what was said, the sentence saying it) for reported speech."""
    said = rng.choice(REPORTED).format(o=rng.choice(OBJECTS))
    return said, f"{speaker} said {rng.choice(TIMES)} that {said}."


def mention(rng: random.Random, name: str) -> str:
    return f"{name} {rng.choice(MENTION_VERBS)} {rng.choice(OBJECTS)} {rng.choice(PLACES)}."
