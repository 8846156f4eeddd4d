"""A labelled set of reports: CNN stories, a second outlet's report of some, and the seeds.

The second report is what another outlet would write: its own headline, the story's highlights
and a few of the article's sentences, reworded and in another order.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from digests.ingest.sources.seeds import read_seed_files
from digests.text.sentences import split_sentences
from digests.text.titles import headline_from_sentence

# Word swaps an editor makes: enough that no sentence of the second report is verbatim.
REWORDINGS = {
    "said": "stated",
    "says": "states",
    "told": "informed",
    "people": "individuals",
    "police": "officers",
    "killed": "left dead",
    "officials": "authorities",
    "government": "administration",
    "announced": "revealed",
    "help": "assist",
    "began": "started",
    "show": "reveal",
    "large": "big",
    "found": "discovered",
    "children": "kids",
    "also": "as well",
    "but": "however",
    "because": "since",
    "about": "around",
    "before": "prior to",
    "after": "following",
    "many": "numerous",
    "country": "nation",
    "attack": "assault",
    "died": "passed away",
    "week": "seven days",
    "plan": "proposal",
    "car": "vehicle",
}
_WORD = re.compile(r"[A-Za-z]+")
_CNN = re.compile(r"^.{0,60}?\(CNN\)\s*(?:--\s*)?")


@dataclass(frozen=True, slots=True)
class Report:
    label: str  # the story it belongs to, by truth
    outlet: str
    title: str | None
    text: str


def load_cnn(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def reword(sentence: str) -> str:
    def swap(match: re.Match) -> str:
        word = match.group()
        new = REWORDINGS.get(word.lower())
        if new is None:
            return word
        return new.capitalize() if word[0].isupper() else new

    swapped = _WORD.sub(swap, sentence)
    head, comma, tail = swapped.partition(", ")
    if comma and len(tail.split()) > 4 and len(head.split()) > 3:  # move a clause around
        tail = tail.rstrip(".!?")
        swapped = f"{tail[0].upper()}{tail[1:]}, {head[0].lower()}{head[1:]}."
    return swapped


def second_report(story: dict, rng: random.Random, *, borrowed: int = 3) -> Report:
    highlights = [line.strip() for line in story["summary"].split("\n") if line.strip()]
    sentences = split_sentences(_CNN.sub("", story["text"]), "english")
    picked = rng.sample(sentences, min(borrowed, len(sentences)))
    body = [reword(sentence) for sentence in [*highlights, *picked]]
    rng.shuffle(body)
    title = headline_from_sentence(reword(highlights[0])) if highlights else None
    return Report(label=story["id"], outlet="second", title=title, text=" ".join(body))


def labelled_set(stories: list[dict], *, paired: int, seed: int = 15) -> list[Report]:
    """`paired` stories reported twice, the rest once, and the seeds as one developing story."""
    rng = random.Random(seed)
    reports = [Report(s["id"], "cnn", None, _CNN.sub("", s["text"])) for s in stories]
    reports += [second_report(story, rng) for story in stories[:paired]]
    seeds = enumerate(read_seed_files())
    reports += [Report("seeds", f"seed{i}", raw.title, raw.text) for i, raw in seeds]
    rng.shuffle(reports)
    return reports
