"""A digest, its times and a reader's typed settings in the reader's language; complaints made
where no reader's language is spoken (a worker process) are said in the one who reads them."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from digests.i18n import in_english, speaking
from digests.ingest.sources.feed import WEB_PAGE, parse_feed
from digests.store.tables import Article
from digests.stories.deliveries import StoryEntry
from digests.subscriptions.digest import render_digest
from digests.subscriptions.subscribers import SettingError, _check_weekday
from digests.timezones import TimeForm, shown_time

MOMENT = datetime(2026, 12, 1, 6, 49, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def entry(number: int, new_articles: int = 1) -> StoryEntry:
    article = Article(id=number, title=f"Story {number}", url=f"https://example.com/{number}")
    return StoryEntry(
        number, f"Story {number}", ["Wire"], ["It happened."], False, article, new_articles, MOMENT
    )


def heading(language: str, stories: int, per_story: int = 1) -> str:
    with speaking(language):
        [first, *_] = render_digest([entry(n, per_story) for n in range(stories)], zone=BERLIN)
    return first.html.split("\n", 1)[0]


@pytest.mark.parametrize(
    ("language", "stories", "per_story", "expected"),
    [
        ("en", 3, 2, "<b>Your digest: 6 new articles in 3 stories</b>"),
        ("de", 1, 1, "<b>Deine Übersicht: 1 neuer Artikel</b>"),
        ("de", 3, 2, "<b>Deine Übersicht: 6 neue Artikel in 3 Meldungen</b>"),
        ("ru", 1, 1, "<b>Ваш дайджест: 1 новая статья</b>"),
        ("ru", 3, 1, "<b>Ваш дайджест: 3 новые статьи</b>"),
        ("ru", 5, 1, "<b>Ваш дайджест: 5 новых статей</b>"),
        ("ru", 21, 1, "<b>Ваш дайджест: 21 новая статья</b>"),
        ("ru", 2, 2, "<b>Ваш дайджест: 4 новые статьи в 2 сюжетах</b>"),
        ("uk", 1, 2, "<b>Ваш дайджест: 2 нові статті у 1 сюжеті</b>"),
        ("uk", 11, 1, "<b>Ваш дайджест: 11 нових статей</b>"),
    ],
)
def test_a_digest_counts_in_its_readers_plural_forms(language, stories, per_story, expected):
    assert heading(language, stories, per_story) == expected


def test_a_digests_buttons_and_times_are_in_its_readers_language():
    with speaking("de"):
        [message] = render_digest([entry(1)], zone=BERLIN)
    assert message.buttons[0][0].text == "Lesen: Story 1"
    assert "Wire · 01.12.2026, 07:49 CET" in message.html


def test_times_use_the_readers_month_and_weekday_names_and_keep_the_zone_abbreviation():
    assert shown_time(MOMENT, BERLIN) == "01 Dec 2026 07:49 CET"
    assert shown_time(MOMENT, BERLIN, TimeForm.COMING) == "Tue 1 Dec, 07:49 CET"
    with speaking("de"):
        assert shown_time(MOMENT, BERLIN, TimeForm.COMING) == "Di., 1. Dez., 07:49 CET"
        assert shown_time(MOMENT, BERLIN, TimeForm.DATE) == "01.12.2026"
    with speaking("ru"):
        assert shown_time(MOMENT, BERLIN, TimeForm.COMING) == "вт, 1 дек., 07:49 CET"
    with speaking("uk"):
        assert shown_time(MOMENT, BERLIN) == "1 груд. 2026, 07:49 CET"


def test_a_weekday_may_be_typed_in_english_or_the_readers_language():
    assert _check_weekday("fri") == 4
    with speaking("de"):
        assert (_check_weekday("Freitag"), _check_weekday("fr"), _check_weekday("Mi.")) == (4, 4, 2)
        assert _check_weekday("monday") == 0
        with pytest.raises(SettingError, match="Nenne einen Wochentag"):
            _check_weekday("Feiertag")
    with speaking("ru"):
        assert _check_weekday("пятница") == 4


def test_a_worker_processs_complaint_is_said_in_the_language_of_whoever_reads_it():
    parsed = pickle.loads(pickle.dumps(parse_feed(b"<!DOCTYPE html><html><body>Hi</body></html>")))
    assert parsed.error == WEB_PAGE
    assert str(parsed.error) == "This is a web page, not a feed."
    with speaking("de"):
        assert str(parsed.error) == "Das ist eine Webseite, kein Feed."
        assert in_english(parsed.error) == "This is a web page, not a feed."
