"""The extractive summarizer: what a reader of a digest gets back."""

import logging

from digests.text.summarize import LENGTHS, is_furniture, summarize

ARTICLE = """Storm batters the coast
By Jane Doe, CNN
WASHINGTON (CNN) --
A powerful storm slammed into the Gulf Coast on Monday, forcing 200,000 people to flee their homes.
The hurricane made landfall near New Orleans with winds of 130 mph, forecasters said.
Photo: Reuters
Officials said at least 12 people had died and power was cut to 500,000 homes across the region.
"We have never seen anything like it," said Maria Lopez, who runs a bakery downtown.
She said her shop was flooded within minutes.
The storm is expected to weaken as it moves inland on Tuesday, forecasters said.
Share this article
Follow us on Twitter
Read more: How hurricanes form
Related Links:
Next Article
"""


def test_every_sentence_is_quoted_verbatim_in_article_order():
    summary = summarize(ARTICLE, sentences=3)
    assert len(summary) == 3
    positions = [ARTICLE.index(sentence) for sentence in summary]
    assert positions == sorted(positions)


def test_summaries_are_deterministic():
    assert summarize(ARTICLE) == summarize(ARTICLE)


def test_page_furniture_is_never_chosen():
    summary = summarize(ARTICLE, sentences=20)
    assert summary
    assert not any(is_furniture(sentence) for sentence in summary)
    assert not any("Reuters" in sentence or "Twitter" in sentence for sentence in summary)


def test_lengths_offer_growing_digests():
    lengths = ("short", "medium", "long")
    sizes = [len(summarize(ARTICLE, sentences=LENGTHS[length])) for length in lengths]
    assert sizes == [2, 3, 5]


def test_word_budget_limits_the_digest():
    summary = summarize(ARTICLE, sentences=None, words=40)
    assert summary
    assert sum(len(sentence.split()) for sentence in summary) <= 40


def test_a_word_budget_smaller_than_any_sentence_still_gives_the_best_one():
    assert len(summarize(ARTICLE, sentences=3, words=3)) == 1


def test_empty_text_gives_no_summary():
    assert summarize("") == []
    assert summarize("   \n\n ") == []


def test_one_sentence_gives_that_sentence():
    assert summarize("The council approved the budget on Monday.") == [
        "The council approved the budget on Monday."
    ]


def test_text_without_punctuation_is_summarized_by_lines():
    text = "the storm hit the coast on monday\nthousands of people fled\npower is out in the city"
    summary = summarize(text, sentences=2)
    assert len(summary) == 2
    assert all(sentence in text.splitlines() for sentence in summary)


def test_a_text_of_quotes_only():
    text = '"We will rebuild." "Nobody expected the water to rise." "Why?" "Because we must."'
    summary = summarize(text, sentences=2)
    assert len(summary) == 2
    assert all(sentence in text for sentence in summary)


def test_a_megabyte_of_text_is_summarized():
    paragraph = (
        "The city council met on Monday to discuss the budget. "
        "Officials said taxes would rise by 3.5% next year. "
        "Residents protested outside the town hall for hours. "
    )
    text = paragraph * (1_000_000 // len(paragraph))
    summary = summarize(text, sentences=3)
    assert len(summary) == 3
    assert all(sentence in paragraph for sentence in summary)


def test_a_megabyte_without_punctuation_comes_back_in_short_pieces():
    text = " ".join(["storm", "coast", "people", "fled", "homes"] * 200_000)
    summary = summarize(text, sentences=3)
    assert len(summary) == 3
    assert all(len(sentence.split()) <= 80 for sentence in summary)


GERMAN = (
    "Die Bundesregierung hat am Mittwoch ein neues Klimapaket beschlossen. "
    "Das Paket sieht z. B. höhere Preise für Kohlendioxid vor. "
    "Am 3. März soll der Bundestag über das Klimapaket abstimmen. "
    "Kritiker halten die Maßnahmen für unzureichend."
)

RUSSIAN = (
    "Правительство в среду утвердило новый пакет мер по защите климата. "
    "Пакет предусматривает, т. е. включает, повышение цен на выбросы. "
    "В 2030 г. выбросы должны сократиться вдвое. "
    "«Этого мало», — заявил представитель оппозиции."
)


def test_german_article_detected_and_summarized():
    summary = summarize(GERMAN, sentences=2, language=None)
    assert len(summary) == 2
    sentences = {
        "Die Bundesregierung hat am Mittwoch ein neues Klimapaket beschlossen.",
        "Das Paket sieht z. B. höhere Preise für Kohlendioxid vor.",
        "Am 3. März soll der Bundestag über das Klimapaket abstimmen.",
        "Kritiker halten die Maßnahmen für unzureichend.",
    }
    assert set(summary) <= sentences


def test_russian_article_summarized_with_whole_sentences():
    summary = summarize(RUSSIAN, sentences=2, language="russian")
    assert len(summary) == 2
    sentences = {
        "Правительство в среду утвердило новый пакет мер по защите климата.",
        "Пакет предусматривает, т. е. включает, повышение цен на выбросы.",
        "В 2030 г. выбросы должны сократиться вдвое.",
        "«Этого мало», — заявил представитель оппозиции.",
    }
    assert set(summary) <= sentences


def test_an_unsupported_language_falls_back_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="digests.text.summarize"):
        summary = summarize("Qapla' batlh. Heghlu'meH QaQ jajvam. Tlhingan maH.", language="tlh")
    assert len(summary) == 3
    assert "'tlh'" in caplog.text


def test_a_title_steers_the_digest_towards_its_subject():
    text = (
        "The city council met on Monday to set the budget for next year. "
        "Members spent two hours discussing plans for the new library. "
        "The library will open in the spring with 40,000 books. "
        "Parking fees downtown will rise by a dollar an hour next year. "
        "Several residents spoke against the idea."
    )
    parking = "Parking fees downtown will rise by a dollar an hour next year."
    assert parking not in summarize(text, sentences=2)
    assert parking in summarize(text, sentences=2, title="Downtown parking fees to rise")


def test_furniture_filter():
    furniture = [
        "By Jane Doe, CNN",
        "By Jane DoeUpdated 10:00 AM ET, Mon March 3, 2025",
        "Photo: Reuters",
        "A man walks past the damage. (AP Photo/Evan Vucci)",
        "Getty Images",
        "Read more: How hurricanes form",
        "Share this article",
        "Follow us on Twitter",
        "WASHINGTON (CNN) --",
        "No time to read?",
        "Get a summary",
        "Previous Article",
        "Next Article",
        "Related Links:",
        "Go To Main Page",
        "Economic outlook",
    ]
    prose = [
        "By Tuesday, the storm had passed.",
        "Share prices fell 5% on Monday.",
        "Follow the money, he said.",
        "WASHINGTON (CNN) -- The Senate voted 51-49 on Tuesday.",
    ]
    assert [sentence for sentence in furniture if not is_furniture(sentence)] == []
    assert [sentence for sentence in prose if is_furniture(sentence)] == []
