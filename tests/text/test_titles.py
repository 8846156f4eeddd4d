"""Headlines made from a sentence, datelines, and summaries that never repeat their headline."""

from __future__ import annotations

import pytest

from digests.ingest.pipeline import derive_title
from digests.ingest.user_links import summarize_text
from digests.text.summarize import lead_sentence, summarize, without_dateline
from digests.text.titles import HEADLINE_CHARS, cut_at_word, headline_from_sentence

LONG = (
    "Russian President Vladimir Putin has recently articulated a stance that prioritizes a "
    "definitive end to the hostilities over a temporary cessation of fire, framing the "
    "requirements for peace within the context of broader geopolitical concessions."
)
PASTED = (
    "The harbour authority reopened the northern quay on Friday after three weeks of repairs. "
    "Ferries to the islands will run on the summer timetable from Monday, the authority said. "
    "Fishing boats keep their moorings on the southern side until the autumn. "
    "Repairs to the lighthouse are planned for next year, once the budget is approved."
)


def test_a_short_sentence_is_the_whole_headline_without_its_full_stop():
    assert headline_from_sentence("Ferries resume on Monday.") == "Ferries resume on Monday"
    assert headline_from_sentence("Talks stall in the U.S.") == "Talks stall in the U.S."
    assert headline_from_sentence("Will the ferries run?") == "Will the ferries run?"


def test_a_long_sentence_is_cut_between_words_and_says_so():
    headline = headline_from_sentence(LONG)
    assert len(headline) <= HEADLINE_CHARS and headline.endswith("…")
    assert headline == (
        "Russian President Vladimir Putin has recently articulated a stance that prioritizes a "
        "definitive end to the hostilities…"
    )  # no room for the clause after the comma: the words before it


@pytest.mark.parametrize(
    ("text", "limit", "cut"),
    [
        ("one two three four five six", 14, "one two three…"),
        ("one two, three four five six", 16, "one two, three…"),  # a clause ending too early
        ("alpha beta gamma, delta epsilon", 24, "alpha beta gamma…"),
        ("x" * 40, 10, "x" * 9 + "…"),  # no word to cut after
        ("fits", 4, "fits"),
    ],
)
def test_cuts_fall_between_words(text, limit, cut):
    assert cut_at_word(text, limit) == cut
    assert len(cut_at_word(text, limit)) <= limit


@pytest.mark.parametrize(
    "dateline",
    [
        "March 13, 2025 - ",
        "KYIV, March 13 (Reuters) - ",
        "WASHINGTON — ",
        "WASHINGTON (CNN) -- ",
        "NEW YORK, 13 March 2025 – ",
        "Sept. 4 — ",
    ],
)
def test_a_dateline_is_no_part_of_the_first_sentence(dateline):
    sentence = "Amid the growing clamor for peace, talks are underway."
    assert without_dateline(dateline + sentence) == sentence
    assert lead_sentence(f"{dateline}{sentence} Another one follows here.") == sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "U.S. President Donald Trump said the talks would go on.",
        "March was the wettest month on record, the service said.",
        "In WASHINGTON - as elsewhere - people waited.",
    ],
)
def test_sentences_that_only_look_like_datelines_keep_their_words(sentence):
    assert without_dateline(sentence) == sentence


def test_a_pasted_paragraph_is_titled_by_its_first_sentence_and_summarized_without_it():
    summary = summarize_text(PASTED, length="medium")
    assert summary.title == (
        "The harbour authority reopened the northern quay on Friday after three weeks of repairs"
    )
    assert summary.sentences and not any("northern quay" in s for s in summary.sentences)


def test_a_summary_never_opens_with_the_sentence_its_headline_is_made_of():
    text = f"{LONG} Moscow has said so before. Kyiv answered on Monday. Talks may follow soon."
    title = derive_title(text, language="english")
    assert not any(s.startswith("Russian President") for s in summarize(text, title=title))
    given = PASTED.split(". ")[0]  # a feed's title that is the article's first sentence
    assert not any("northern quay" in s for s in summarize(PASTED, title=given))


def test_a_text_of_one_sentence_still_has_a_summary_under_its_headline():
    assert summarize(LONG, title=headline_from_sentence(LONG)) == [LONG]
