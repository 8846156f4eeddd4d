"""Topics: a reader's words are found as words in articles, never inside longer ones, in any
case or script, and what they may type is bounded with an answer that says so."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from digests.subscriptions.topics import (
    MATCH_CHARS,
    MAX_TOPICS,
    TopicError,
    TopicFilter,
    parse_topics,
    words,
)


def keeps(include: str, text: str, exclude: str = "") -> bool:
    return TopicFilter.of(parse_topics(include), parse_topics(exclude)).passes("Title", text)


@pytest.mark.parametrize("clearing", ["off", "OFF", " none ", ""])
def test_off_none_and_nothing_clear_the_topics(clearing):
    assert parse_topics(clearing) == ""
    assert keeps(clearing, "Anything at all")


def test_a_word_is_found_as_a_word_only():
    assert not keeps("off, nato", "An official offer was made.")  # "off" alone clears
    assert keeps("off, nato", "The talks broke off.")
    assert keeps("Off, nato", "OFF the record")
    assert not keeps("war", "Steps toward peace, an award.")


def test_a_phrase_matches_its_words_in_a_row_whatever_lies_between():
    assert keeps("kursk region", "Fighting in the Kursk  region went on.")
    assert keeps("kursk region", "the Kursk-region front")
    assert not keeps("kursk region", "Kursk is a city; the region is wide.")
    assert not keeps("kursk region", "Kursk regional office")


def test_words_of_any_script_and_composition():
    assert keeps("зеленский", "Сегодня Зеленский сказал")
    assert not keeps("зеленский", "Зеленского не было")
    assert keeps("café", "A cafe\u0301 opened")  # decomposed é in the text
    assert keeps("STRASSE", "Die Hauptstraße ist zu.") is False  # a word, not its tail
    assert keeps("straße", "In der STRASSE")


def test_exclude_wins_and_include_needs_one_topic():
    assert not keeps("ceasefire", "A ceasefire and sports.", exclude="sports")
    assert keeps("ceasefire, nato", "NATO met.")
    assert keeps("", "Sports news", exclude="sport")  # "sport" is not "Sports"


def test_topics_are_stored_as_their_words_once_each():
    assert parse_topics(" Kursk  Region, kursk-region ,NATO,nato") == "kursk region,nato"


def test_rows_saved_before_words_were_compared_still_match():
    old = TopicFilter.of("don't,putin's", "")
    assert old.passes("Title", "Putin's words")
    assert not old.passes("Title", "Putin spoke")


def test_a_topic_first_named_past_what_a_summary_reads_does_not_count():
    assert not keeps("nato", "x " * MATCH_CHARS + "NATO")
    assert keeps("nato", "x " * (MATCH_CHARS // 2 - 10) + "NATO")


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        (", ".join(f"t{n}" for n in range(MAX_TOPICS + 1)), "That is 21 topics; 20 at most."),
        ("x" * 41, "A topic is 40 characters at most; “" + "x" * 41 + "” is longer."),
        ("nato, !!!", "“!!!” has no word in it to look for."),
    ],
)
def test_what_cannot_be_kept_is_answered(typed, answer):
    with pytest.raises(TopicError) as refused:
        parse_topics(typed)
    assert refused.value.user_message.startswith(answer)


def test_forty_characters_and_twenty_topics_are_kept():
    typed = ", ".join(f"{n:02d}" + "y" * 38 for n in range(MAX_TOPICS))
    assert len(parse_topics(typed).split(",")) == MAX_TOPICS


def reference(phrase: list[str], text: str) -> bool:
    """The plain definition: the phrase's words occur in a row among the text's words."""
    found = words(text)
    return any(found[i : i + len(phrase)] == phrase for i in range(len(found)))


PIECES = ["a", "a ", "aa", "ab", "off", "offer", " ", "-", "'", ",", "é", "e\u0301", "Off", "_"]
texts = st.lists(st.sampled_from(PIECES), max_size=300).map("".join)
phrases = st.lists(st.sampled_from(["a", "aa", "off", "é", "b"]), min_size=1, max_size=4)


@given(texts, phrases)
@example("a " * 20_000 + "b", ["a", "a", "a", "b"])  # the first word everywhere, the last once
@example("a" * 100_000, ["a"])  # one long word containing the topic a hundred thousand times
@settings(deadline=None)  # the plain definition above is the slow side on the long examples
def test_matching_agrees_with_the_definition_on_hostile_text(text, phrase):
    topic = " ".join(phrase)  # as stored: "off" among other topics is a word like any other
    assert TopicFilter.of(topic, "").passes("Title", text) == reference(phrase, text)
    assert TopicFilter.of("", topic).passes("Title", text) == (not reference(phrase, text))
