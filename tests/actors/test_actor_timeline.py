"""A person's record per day, as the timeline chart counts it: the reader's days, only articles
for everyone, each sentence once, at most 90 days ending at the newest."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from digests.actors.chart import ChartWords, draw_timeline, every_day
from digests.actors.model import DayCount
from digests.actors.store import activity_by_day
from digests.actors.timeline import has_timeline, timeline_chart
from digests.store.tables import Actor, Article, Mention, Source, Statement
from digests.timezones import UTC_ZONE

NOON = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class Record:
    """Articles and what one actor said in them, written straight to the tables."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.source = self.kept(Source, url="https://news.example/feed", kind="feed")
        self.putin = self.kept(Actor, name="Vladimir Putin")
        self.other = self.kept(Actor, name="Keir Starmer")
        self.written: dict[int, int] = {}  # article id -> characters of its text so far

    def at(self, article: Article, sentence: str) -> int:
        """Where the sentence starts: each one follows the article's last."""
        start = self.written.get(article.id, 0)
        self.written[article.id] = start + len(sentence) + 1
        return start

    def kept(self, table, **values):
        """The row with these values, written the first time (a later session finds it)."""
        conditions = [getattr(table, name) == value for name, value in values.items()]
        row = self.session.exec(select(table).where(*conditions)).first()
        if row is None:
            row = table(**values)
            self.session.add(row)
            self.session.flush()
        return row

    def article(self, at: datetime, *, owner: int | None = None) -> Article:
        article = Article(
            source_id=self.source.id,
            owner_chat_id=owner,
            content_hash=f"{at.isoformat()}:{owner}",
            title=f"News of {at:%d %b %H:%M}",
            text="…",
            listed_at=at,
        )
        self.session.add(article)
        self.session.flush()
        return article

    def says(self, article: Article, sentence: str) -> None:
        """A statement, and the mention of the same sentence extraction records with it."""
        speaker, position = self.putin.id, self.at(article, sentence)
        self.session.add(
            Statement(
                actor_id=speaker,
                article_id=article.id,
                kind="quote",
                text=sentence,
                sentence=sentence,
                position=position,
                listed_at=article.listed_at,
            )
        )
        self.session.add(
            Mention(
                actor_id=speaker,
                article_id=article.id,
                sentence=sentence,
                position=position,
                listed_at=article.listed_at,
            )
        )

    def named(self, article: Article, sentence: str, actor: Actor | None = None) -> None:
        self.session.add(
            Mention(
                actor_id=(actor or self.putin).id,
                article_id=article.id,
                sentence=sentence,
                position=self.at(article, sentence),
                listed_at=article.listed_at,
            )
        )


def test_days_are_the_readers_own_whatever_the_servers_zone(engine):
    with Session(engine) as session:
        record = Record(session)
        late = record.article(datetime(2026, 11, 18, 23, 30, tzinfo=UTC))
        record.says(late, "“We will talk,” Putin said.")
        record.named(late, "Putin arrived late.")
        moscow = timezone(timedelta(hours=3))  # 01:30 on the 19th in Moscow: 22:30 UTC the 18th
        record.named(record.article(datetime(2026, 11, 19, 1, 30, tzinfo=moscow)), "Putin left.")
        early = record.article(datetime(2026, 11, 19, 0, 30, tzinfo=UTC))
        record.says(early, "“No,” Putin said.")
        record.says(early, "“Not yet,” Putin said.")
        record.named(record.article(NOON), "Putin was quiet.")
        record.named(record.article(NOON + timedelta(minutes=1)), "Starmer spoke.", record.other)
        session.commit()
        if engine.dialect.name == "postgresql":  # a server far from UTC and from the readers
            session.execute(text("SET LOCAL TIME ZONE 'Pacific/Kiritimati'"))
        by_zone = {
            zone: activity_by_day(session, record.putin.id, zone=ZoneInfo(zone))
            for zone in ("UTC", "Asia/Tokyo", "America/Los_Angeles")
        }
    assert by_zone["UTC"] == [
        DayCount(date(2026, 11, 18), statements=1, mentions=2),
        DayCount(date(2026, 11, 19), statements=2, mentions=0),
        DayCount(date(2026, 11, 20), statements=0, mentions=1),
    ]
    assert by_zone["Asia/Tokyo"] == [  # 07:30 to 09:30 on the 19th, 21:00 on the 20th
        DayCount(date(2026, 11, 19), statements=3, mentions=2),
        DayCount(date(2026, 11, 20), statements=0, mentions=1),
    ]
    assert by_zone["America/Los_Angeles"] == [  # 14:30 to 16:30 on the 18th, 04:00 the 20th
        DayCount(date(2026, 11, 18), statements=3, mentions=2),
        DayCount(date(2026, 11, 20), statements=0, mentions=1),
    ]


def test_midnight_falls_where_the_readers_clock_says_even_at_a_quarter_hour(engine):
    kathmandu = ZoneInfo("Asia/Kathmandu")  # UTC+05:45
    with Session(engine) as session:
        record = Record(session)
        before = datetime(2026, 11, 18, 18, 14, 59, 999_000, tzinfo=UTC)  # 23:59:59.999 there
        record.named(record.article(before), "Putin, before midnight.")
        record.named(record.article(before + timedelta(milliseconds=1)), "Putin, at midnight.")
        session.commit()
        days = activity_by_day(session, record.putin.id, zone=kathmandu)
    assert days == [DayCount(date(2026, 11, 18), 0, 1), DayCount(date(2026, 11, 19), 0, 1)]


def test_a_readers_own_pages_count_for_nothing(engine):
    with Session(engine) as session:
        record = Record(session)
        for day in range(5):
            private = record.article(NOON - timedelta(days=day), owner=4242)
            record.says(private, f"“Secret {day},” Putin said.")
        record.named(record.article(NOON), "Putin was seen.")
        session.commit()
        days = activity_by_day(session, record.putin.id, zone=UTC_ZONE)
        offered = has_timeline(session, record.putin.id, UTC_ZONE)
    assert days == [DayCount(NOON.date(), statements=0, mentions=1)]
    assert not offered


def test_at_most_ninety_days_ending_at_the_newest(engine):
    with Session(engine) as session:
        record = Record(session)
        newest = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
        for day in range(200):  # a long record, and one a year older still
            record.named(record.article(newest - timedelta(days=day)), f"Putin, day {day}.")
        record.named(record.article(newest - timedelta(days=400)), "Putin, long ago.")
        session.commit()
        days = activity_by_day(session, record.putin.id, zone=UTC_ZONE)
        short = activity_by_day(session, record.putin.id, zone=UTC_ZONE, days=3)
    assert len(days) == 90
    assert days[0].day == date(2026, 3, 4) and days[-1].day == date(2026, 6, 1)
    assert [d.day for d in short] == [date(2026, 5, 30), date(2026, 5, 31), date(2026, 6, 1)]


def test_a_record_of_sparse_days_keeps_only_those_within_ninety_days(engine):
    with Session(engine) as session:
        record = Record(session)
        for days_ago in (0, 45, 89, 90, 300):
            record.named(record.article(NOON - timedelta(days=days_ago)), f"Putin {days_ago}.")
        session.commit()
        days = activity_by_day(session, record.putin.id, zone=UTC_ZONE)
    assert [NOON.date() - d.day for d in days] == [timedelta(days=n) for n in (89, 45, 0)]


def test_the_chart_is_an_800_by_400_png_of_three_days_or_more(runtime):
    with runtime.session() as session:
        record = Record(session)
        for days_ago in (0, 2):
            record.says(record.article(NOON - timedelta(days=days_ago)), "“Yes,” Putin said.")
        putin = record.putin.id
    with runtime.session() as session:
        assert not has_timeline(session, putin, UTC_ZONE)
    assert timeline_chart(runtime, putin, UTC_ZONE) is None  # two days: the list says it as well

    with runtime.session() as session:
        record = Record(session)
        record.named(record.article(NOON - timedelta(days=1)), "Putin spoke.")
    with runtime.session() as session:
        assert has_timeline(session, putin, UTC_ZONE)
    chart = timeline_chart(runtime, putin, UTC_ZONE)
    assert chart is not None and chart.name == "Vladimir Putin"
    assert [d.day.day for d in chart.days] == [18, 19, 20]
    assert png_size(chart.png) == (800, 400)


def test_gaps_between_days_are_drawn_as_empty_days():
    counts = [DayCount(date(2026, 12, 30), 1, 0), DayCount(date(2027, 1, 2), 0, 4)]
    filled = every_day(counts)
    assert [d.day for d in filled] == [date(2026, 12, 30) + timedelta(days=n) for n in range(4)]
    assert [(d.statements, d.mentions) for d in filled] == [(1, 0), (0, 0), (0, 0), (0, 4)]
    # A name in letters the bundled font lacks still draws (with a plain title).
    words = ChartWords("ru", "Заявления", "Упоминания", "2026–2027", "Заявления и упоминания")
    assert png_size(draw_timeline("习近平", counts, words)) == (800, 400)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk, the first after the signature."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize(
    ("hours_ago", "zone"),
    [
        ((0, 24, 48), "UTC"),
        ((0, 1, 2, 3), "UTC"),  # many lines, one day
        ((0, 24 * 45, 24 * 89), "UTC"),  # the third on the 90th day back
        ((0, 24 * 45, 24 * 90), "UTC"),  # a day too far
        ((0, 13, 26), "Asia/Kathmandu"),  # three days there, two in UTC, or the other way
        ((0, 13, 26), "America/Los_Angeles"),
    ],
)
def test_the_offer_of_a_chart_counts_days_as_the_chart_does(engine, hours_ago, zone):
    reader = ZoneInfo(zone)
    with Session(engine) as session:
        record = Record(session)
        for n, hours in enumerate(hours_ago):
            record.named(record.article(NOON - timedelta(hours=hours)), f"Putin, line {n}.")
        session.commit()
        drawn = len(activity_by_day(session, record.putin.id, zone=reader)) >= 3
        assert has_timeline(session, record.putin.id, reader) is drawn
