"""Stories in a chat's digest: each story once, and for one the chat already got, only what is new.

What was sent is recorded per chat and story in the transaction that queues the digest, so an
update is judged against exactly what that reader received.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import not_
from sqlmodel import Session, col, select

from digests.store.tables import Article, Source, StoryDelivery, utcnow
from digests.store.visibility import kept_by
from digests.stories.summary import candidates, story_summary
from digests.stories.views import as_report, source_name, summary_reports

# Sentences remembered per chat and story: enough to judge any update against.
REMEMBERED = 40


@dataclass(frozen=True, slots=True)
class StoryEntry:
    """One story in a digest: new to the reader, or an update with only its new sentences."""

    story_id: int | None
    title: str
    sources: list[str]
    sentences: list[str]
    update: bool
    newest: Article  # the report the entry's button opens
    new_articles: int  # of this digest's articles, how many it covers
    when: datetime


def _group(items: Sequence[tuple[Article, Source]]) -> dict[int, list[Article]]:
    """New articles by story, stories in the order of their first new article."""
    grouped: dict[int, list[Article]] = {}
    for article, _ in items:
        key = article.story_id if article.story_id is not None else -article.id
        grouped.setdefault(key, []).append(article)
    return grouped


def _story_rows(session: Session, story_id: int, chat_id: int) -> list[tuple[Article, Source]]:
    """The story's reports from the sources the chat keeps: a source it turned off tells it
    nothing, not even inside a story another source reported too. A feed's backlog is no news
    in a digest either: it neither heads nor tells a story there (/story shows it)."""
    return list(
        session.exec(
            select(Article, Source)
            .join(Source, col(Source.id) == col(Article.source_id))
            .where(col(Article.story_id) == story_id, kept_by(chat_id), not_(col(Article.backlog)))
            .order_by(col(Article.listed_at), col(Article.id))
        ).all()
    )


def story_entries(
    session: Session, *, chat_id: int, items: Sequence[tuple[Article, Source]], sentences: int
) -> list[StoryEntry]:
    """The digest's entries for these new articles, recording what each entry tells the chat."""
    entries = []
    sources_of = {article.id: source for article, source in items}
    for key, new in _group(items).items():
        if key < 0:  # an article stored without a story: it stands alone
            rows = [(new[0], sources_of[new[0].id])]
            delivery = None
        else:
            rows = _story_rows(session, key, chat_id)
            delivery = session.exec(
                select(StoryDelivery).where(
                    StoryDelivery.chat_id == chat_id, StoryDelivery.story_id == key
                )
            ).first()
        said = json.loads(delivery.sentences) if delivery else []
        if delivery is None:
            told = story_summary(summary_reports([a for a, _ in rows]), count=sentences)
        else:  # new to the reader: neither sent, nor in a report they already had
            fresh = {article.id for article in new}
            known = summary_reports([a for a, _ in rows if a.id not in fresh])
            before = [*said, *(candidate.text for candidate in candidates(known))]
            told = story_summary([as_report(a) for a in new], count=sentences, already_said=before)
        if not told:
            continue  # nothing the reader has not read already
        entries.append(
            StoryEntry(
                story_id=key if key >= 0 else None,
                title=rows[0][0].title,
                sources=list(dict.fromkeys(source_name(source) for _, source in rows)),
                sentences=told,
                update=delivery is not None,
                newest=new[-1],
                new_articles=len(new),
                when=new[-1].published_at or new[-1].ingested_at,
            )
        )
        if key >= 0:
            _remember(session, delivery, chat_id=chat_id, story_id=key, told=[*said, *told])
    return entries


def _remember(
    session: Session, delivery: StoryDelivery | None, *, chat_id: int, story_id: int, told: list
) -> None:
    sentences = json.dumps(told[-REMEMBERED:])
    if delivery is None:
        session.add(StoryDelivery(chat_id=chat_id, story_id=story_id, sentences=sentences))
    else:
        delivery.sentences = sentences
        delivery.sent_at = utcnow()
