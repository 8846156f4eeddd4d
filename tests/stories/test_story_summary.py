"""A story's summary: sentences verbatim from its reports, none repeating another or what the
reader was already told."""

from digests.stories.redundancy import REDUNDANT, bigrams, overlap
from digests.stories.summary import Report, story_summary
from tests.stories.reports import CONVOY_SAILS, GRAIN_DEAL, GRAIN_DEAL_ELSEWHERE

REPORTS = [
    Report(n, f"hash{n}", raw.title, raw.text)
    for n, raw in enumerate((GRAIN_DEAL, GRAIN_DEAL_ELSEWHERE, CONVOY_SAILS), start=1)
]


def test_each_sentence_is_verbatim_from_one_report_and_none_repeats_another():
    sentences = story_summary(REPORTS, count=5)
    assert len(sentences) >= 3
    for sentence in sentences:
        assert any(sentence in report.text for report in REPORTS)
    pairs = [bigrams(s) for s in sentences]
    for i, left in enumerate(pairs):
        for right in pairs[i + 1 :]:
            assert overlap(left, right) < REDUNDANT
    # "Wheat prices in Chicago fell four percent" is in two reports: it is told at most once
    assert sum("Chicago" in s for s in sentences) <= 1


def test_what_the_reader_was_told_is_not_told_again():
    told = story_summary(REPORTS[:2], count=3)
    news = story_summary(REPORTS[2:], count=3, already_said=told)
    assert news and not set(news) & set(told)
    assert story_summary(REPORTS[:1], count=3, already_said=REPORTS[0].text.split(". ")) == []
