"""Sentence splitting and word tokens, as a reader of a digest would judge them."""

import pytest
from sumy.models.dom import Sentence
from sumy.parsers.plaintext import PlaintextParser

from digests.text.sentences import CHUNK_WORDS, SentenceTokenizer, split_sentences, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. Army said it would act. Dr. Smith agreed with Gen. Jones and Sen. Paul.",
            ["The U.S. Army said it would act.", "Dr. Smith agreed with Gen. Jones and Sen. Paul."],
        ),
        (
            "Mr. and Mrs. Brown moved to St. Louis on Jan. 5. They liked it.",
            ["Mr. and Mrs. Brown moved to St. Louis on Jan. 5.", "They liked it."],
        ),
        (
            "Fruit, e.g. apples, i.e. the red ones, vs. pears. "
            "Prices rose 3.5% in the U.K. on Monday.",
            [
                "Fruit, e.g. apples, i.e. the red ones, vs. pears.",
                "Prices rose 3.5% in the U.K. on Monday.",
            ],
        ),
        (
            "J. R. Smith scored for the No. 5 team. It won.",
            ["J. R. Smith scored for the No. 5 team.", "It won."],
        ),
        (
            "Sales rose in the U.S. The company said so.",
            ["Sales rose in the U.S.", "The company said so."],
        ),
    ],
)
def test_abbreviations_initials_and_numbers_do_not_end_sentences(text, expected):
    assert split_sentences(text) == expected


def test_a_sentence_ending_inside_closing_quotes_ends_after_them():
    text = 'He said: "We will win." Then he left. “It is over.” She agreed.'
    assert split_sentences(text) == [
        'He said: "We will win."',
        "Then he left.",
        "“It is over.”",
        "She agreed.",
    ]


def test_attribution_after_a_quote_stays_with_it():
    text = '“We will win,” he said. "Stop!" she shouted. "Why?" asked the crowd.'
    assert split_sentences(text) == [
        "“We will win,” he said.",
        '"Stop!" she shouted.',
        '"Why?" asked the crowd.',
    ]


def test_ellipses_and_runs_of_marks():
    text = "Wait... what happened? Really?! Nobody knows… The end."
    assert split_sentences(text) == [
        "Wait... what happened?",
        "Really?!",
        "Nobody knows…",
        "The end.",
    ]


def test_a_headline_line_is_its_own_sentence():
    text = "Storm hits the coast\nThe storm made landfall on Monday. Thousands fled."
    assert split_sentences(text) == [
        "Storm hits the coast",
        "The storm made landfall on Monday.",
        "Thousands fled.",
    ]


def test_a_line_wrapped_after_a_comma_continues_the_sentence():
    text = "The storm, which formed last week,\nmade landfall on Monday."
    assert split_sentences(text) == [text]


def test_text_without_punctuation_splits_at_line_breaks():
    text = "breaking news\nthe storm hit the coast\n\nthousands fled their homes"
    assert split_sentences(text) == [
        "breaking news",
        "the storm hit the coast",
        "thousands fled their homes",
    ]


def test_a_huge_unpunctuated_line_is_cut_into_word_budgets():
    text = " ".join(f"word{number}" for number in range(10_000))
    pieces = split_sentences(text)
    assert len(pieces) == 10_000 // CHUNK_WORDS
    assert all(len(piece.split()) <= CHUNK_WORDS for piece in pieces)
    assert " ".join(pieces) == text


def test_sentences_are_verbatim_substrings_in_order():
    text = "  First one.  Second “quoted.”\n\nThird?  Fourth!  "
    sentences = split_sentences(text)
    assert sentences == ["First one.", "Second “quoted.”", "Third?", "Fourth!"]
    starts = [text.index(sentence) for sentence in sentences]
    assert starts == sorted(starts)


def test_empty_and_blank_text_have_no_sentences():
    assert split_sentences("") == []
    assert split_sentences(" \n\n \t") == []


def test_german_abbreviations_and_ordinals():
    text = (
        "Das Paket sieht z. B. höhere Preise vor. Am 3. März stimmt der Bundestag ab. "
        "Nr. 5 bzw. Nr. 6 folgen usw. Die Opposition ist dagegen."
    )
    assert split_sentences(text, "german") == [
        "Das Paket sieht z. B. höhere Preise vor.",
        "Am 3. März stimmt der Bundestag ab.",
        "Nr. 5 bzw. Nr. 6 folgen usw.",
        "Die Opposition ist dagegen.",
    ]


def test_russian_quotes_and_abbreviations():
    text = (
        "Он сказал: «Мы победим». Это было в 2020 г. в Москве. "
        "Пакет, т. е. закон, принят. «Этого мало», — заявил А. С. Иванов."
    )
    assert split_sentences(text, "russian") == [
        "Он сказал: «Мы победим».",
        "Это было в 2020 г. в Москве.",
        "Пакет, т. е. закон, принят.",
        "«Этого мало», — заявил А. С. Иванов.",
    ]


def test_ukrainian_sentences():
    text = "Вона сказала «Ні.» Потім пішла додому. Це сталося у 2021 р. у Києві."
    assert split_sentences(text, "ukrainian") == [
        "Вона сказала «Ні.»",
        "Потім пішла додому.",
        "Це сталося у 2021 р. у Києві.",
    ]


def test_words_keep_apostrophes_hyphens_and_decimals():
    assert words("Don't re-elect the 3.5% “mid-term” winner!") == [
        "Don't",
        "re-elect",
        "the",
        "3.5",
        "mid-term",
        "winner",
    ]


def test_words_of_cyrillic_text():
    assert words("Пакет, т. е. закон — принят.") == ["Пакет", "т", "е", "закон", "принят"]


def test_tokenizer_feeds_sumy_documents():
    tokenizer = SentenceTokenizer("English")
    document = PlaintextParser.from_string("Dr. Smith went home. He was tired.", tokenizer).document
    assert tokenizer.language == "english"
    assert [str(sentence) for sentence in document.sentences] == [
        "Dr. Smith went home.",
        "He was tired.",
    ]
    assert Sentence("He was tired.", tokenizer).words == ("He", "was", "tired")


def test_a_dash_after_a_full_stop_starts_a_new_item():
    text = "Protests deepened distrust. -- The police were stretched. «Ура!» — закричал он."
    assert split_sentences(text, "russian") == [
        "Protests deepened distrust.",
        "-- The police were stretched.",
        "«Ура!» — закричал он.",
    ]


def test_a_capital_letter_ending_a_sentence_before_a_quote():
    text = 'Parma finished second in Serie A. "Look at the players," he said.'
    assert split_sentences(text) == [
        "Parma finished second in Serie A.",
        '"Look at the players," he said.',
    ]


def test_stray_punctuation_joins_the_sentence_before_it():
    assert split_sentences("It was over. ...\n\nThe end.") == ["It was over. ...", "The end."]
    assert split_sentences("...") == []


def test_a_headline_with_an_abbreviation_stays_apart_from_the_body():
    text = "U.S. Senate passes budget bill\nThe vote was 51-49."
    assert split_sentences(text) == ["U.S. Senate passes budget bill", "The vote was 51-49."]
