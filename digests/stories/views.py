"""Reading stories: the newest ones with their sources, one story's timeline, its summary.

A story's number is the one number readers see (/latest, /story, /summary). Stories hold only
articles for everyone (a page a reader sent, or a chat's own feed, starts none), and every read
goes through `visible_to` all the same: a number shows a chat nothing it may not read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists
from sqlmodel import Session, col, select

from digests.i18n import ngettext
from digests.reading.articles import SummaryView, summary_of
from digests.store.tables import Actor, Article, Source, Statement, Story
from digests.store.visibility import visible_to
from digests.stories.summary import Report, story_summary
from digests.text.language import language_name
from digests.text.summarize import LENGTHS

# A story's summary reads this many of its reports: the first and the newest ones.
SUMMARY_REPORTS = 8
TIMELINE_ENTRIES = 20
TIMELINE_STATEMENTS = 10


@dataclass(frozen=True, slots=True)
class StoryCard:
    """What a list shows of a story: its headline and who reported it."""

    id: int
    title: str
    sources: list[str]  # distinct, in the order they reported it
    articles: int
    listed_at: datetime
    newest_article_id: int | None
    image_url: str | None = None  # the picture of its newest report that has one


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    article_id: int
    title: str
    source: str
    url: str | None
    listed_at: datetime


@dataclass(frozen=True, slots=True)
class StoryStatement:
    actor: str
    kind: str  # quote | reported
    text: str
    source: str


@dataclass(frozen=True, slots=True)
class StoryTimeline:
    card: StoryCard
    entries: list[TimelineEntry]
    summary: list[str]
    statements: list[StoryStatement]


@dataclass(frozen=True, slots=True)
class StorySummaryView:
    """/summary N: a story of one report is that article's own summary (`report`); one of
    several, the sentences drawn from all of them."""

    card: StoryCard
    length: str
    sentences: list[str]
    report: SummaryView | None = None


def reported_by(sources: list[str]) -> str:
    """'3 sources: A, B, C', or the one source's name."""
    named = ", ".join(sources)
    if len(sources) <= 1:
        return named
    counted = ngettext("{count} source: {names}", "{count} sources: {names}", len(sources))
    return counted.format(count=len(sources), names=named)


def source_name(source: Source) -> str:
    return source.title or source.url


def _articles(
    session: Session, story_ids: list[int], chat_id: int | None = None
) -> dict[int, list[tuple[Article, Source]]]:
    """The stories' reports the chat may read (None: the ones for everyone), oldest first."""
    rows = session.exec(
        select(Article, Source)
        .join(Source, col(Source.id) == col(Article.source_id))
        .where(col(Article.story_id).in_(story_ids), visible_to(chat_id))
        .order_by(col(Article.listed_at), col(Article.id))
    ).all()
    grouped: dict[int, list[tuple[Article, Source]]] = defaultdict(list)
    for article, source in rows:
        if article.story_id is not None:
            grouped[article.story_id].append((article, source))
    return grouped


def _card(story: Story, rows: list[tuple[Article, Source]]) -> StoryCard:
    sources = list(dict.fromkeys(source_name(source) for _, source in rows))
    newest = rows[-1][0].id if rows else None
    image = next((article.image_url for article, _ in reversed(rows) if article.image_url), None)
    return StoryCard(story.id, story.title, sources, len(rows), story.listed_at, newest, image)


def story_cards(session: Session, stories: list[Story]) -> list[StoryCard]:
    grouped = _articles(session, [story.id for story in stories])
    return [_card(story, grouped.get(story.id, [])) for story in stories]


def latest_stories(session: Session, *, limit: int = 5, offset: int = 0) -> list[StoryCard]:
    """The stories with the newest reports first (those with a report for everyone)."""
    public = exists().where(col(Article.story_id) == col(Story.id), visible_to(None))
    stories = session.exec(
        select(Story)
        .where(public)
        .order_by(col(Story.listed_at).desc(), col(Story.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return story_cards(session, list(stories))


def as_report(article: Article) -> Report:
    language = language_name(article.language) or "english"
    return Report(article.id, article.content_hash, article.title, article.text, language)


def summary_reports(articles: list[Article]) -> list[Report]:
    """The reports a summary reads: the first one and the newest, at most SUMMARY_REPORTS."""
    if len(articles) > SUMMARY_REPORTS:
        articles = [articles[0], *articles[-(SUMMARY_REPORTS - 1) :]]
    return [as_report(article) for article in articles]


def _story(
    session: Session, story_id: int, chat_id: int | None
) -> tuple[Story, list[tuple[Article, Source]]] | None:
    """The story and its reports, if the chat may read any of them; to anyone else it does not
    exist, like a number never given."""
    story = session.get(Story, story_id)
    if story is None:
        return None
    rows = _articles(session, [story_id], chat_id).get(story_id, [])
    return (story, rows) if rows else None


def story_timeline(
    session: Session, story_id: int, *, chat_id: int | None, sentences: int
) -> StoryTimeline | None:
    """A story's reports by time with their sources, its summary, and who said what in it."""
    found = _story(session, story_id, chat_id)
    if found is None:
        return None
    story, rows = found
    entries = [
        TimelineEntry(a.id, a.title, source_name(s), a.url, a.listed_at)
        for a, s in rows[-TIMELINE_ENTRIES:]
    ]
    summary = story_summary(summary_reports([a for a, _ in rows]), count=sentences)
    sources = {a.id: source_name(s) for a, s in rows}
    said = session.exec(
        select(Statement, Actor)
        .join(Actor, col(Actor.id) == col(Statement.actor_id))
        .where(col(Statement.article_id).in_(list(sources)))
        .order_by(col(Statement.article_id), col(Statement.position))
        .limit(TIMELINE_STATEMENTS)
    ).all()
    statements = [
        StoryStatement(actor.name, statement.kind, statement.text, sources[statement.article_id])
        for statement, actor in said
    ]
    return StoryTimeline(_card(story, rows), entries, summary, statements)


def story_summary_of(
    session: Session, story_id: int, *, chat_id: int | None, length: str
) -> StorySummaryView | None:
    """Story N's summary at that length: its one report's own (stored) summary, or the
    sentences drawn from all its reports, none saying the same thing twice."""
    if length not in LENGTHS:
        raise ValueError(f"unknown summary length {length!r}")
    found = _story(session, story_id, chat_id)
    if found is None:
        return None
    story, rows = found
    card = _card(story, rows)
    if len(rows) == 1:
        report = summary_of(session, rows[0][0].id, chat_id=chat_id, length=length)
        return StorySummaryView(card, length, report.sentences, report) if report else None
    sentences = story_summary(summary_reports([a for a, _ in rows]), count=LENGTHS[length])
    return StorySummaryView(card, length, sentences)
