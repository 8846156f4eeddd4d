"""Headlines and summaries as a reader sees them: a headline made from a sentence is that whole
sentence or says it was cut ("…"); no summary or headline opens with a dateline; no summary
opens with the sentence its headline already says; a pasted text is titled by its first
sentence."""

from __future__ import annotations

import re

from tests.e2e.test_bot_e2e import say
from tests.e2e.test_numbers_e2e import LISTED

READER = 2401
# The seeds that come with a headline of their own; the others get one from a sentence.
OWN_HEADLINES = {
    "Calls for a Ukraine ceasefire: Western diplomacy and Russian terms",
    "Diplomatic Efforts Intensify Amid Ceasefire Hope Between Ukraine and Russia",
}
DATELINE = re.compile(
    r"^(?:[A-Z]{3,}|(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December) \d)[^.]{0,40} [-–—] "
)
PASTED = (
    "The harbour authority reopened the northern quay on Friday after three weeks of repairs. "
    "Ferries to the islands will run on the summer timetable from Monday, the authority said. "
    "Fishing boats keep their moorings on the southern side of the harbour until the autumn. "
    "Repairs to the lighthouse are planned for next year, once the council approves the budget."
)


def bullets(text: str) -> list[str]:
    return [line.removeprefix("• ") for line in text.split("\n") if line.startswith("• ")]


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


async def test_seed_headlines_are_whole_sentences_or_marked_cut_and_summaries_add_to_them(
    live_bot, emulator
):
    [latest] = await say(emulator, "/latest", chat_id=READER)
    listed = LISTED.findall(latest.plain_text)
    made = [(number, title) for number, title in listed if title not in OWN_HEADLINES]
    assert len(made) == 3
    for number, title in listed:
        assert len(title) <= 120 and not DATELINE.match(title), title
        [summary] = await say(emulator, f"/summary {number}", chat_id=READER)
        [timeline] = await say(emulator, f"/story {number}", chat_id=READER)
        for shown in (bullets(summary.plain_text), bullets(timeline.plain_text)):
            assert shown and not any(DATELINE.match(sentence) for sentence in shown), shown
            headline = words(title.removesuffix("…"))
            assert words(shown[0])[: len(headline)] != headline, (title, shown[0])
    for _, title in made:  # each seed's first sentence is longer than a headline
        assert title.endswith("…") and not title.endswith((" …", ",…")), title
    [dated] = [n for n, title in listed if title.startswith("Diplomatic Efforts Intensify")]
    [summary] = await say(emulator, f"/summary {dated}", chat_id=READER)
    assert bullets(summary.plain_text)[0].startswith("Amid the growing clamor for peace")


async def test_a_pasted_paragraph_is_titled_by_its_first_sentence(live_bot, emulator):
    [reply] = await say(emulator, PASTED, chat_id=READER)
    title, note, _, *shown = reply.plain_text.split("\n")
    assert title == (
        "The harbour authority reopened the northern quay on Friday after three weeks of repairs"
    )
    assert note.startswith("Summary of the text you sent")
    assert len(shown) == 2 and not any("northern quay" in line for line in shown)
