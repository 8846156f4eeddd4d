"""Numbers for admins: audience, articles, queue depth, delivery rate and recent failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from digests.delivery.outbox import queue_depth
from digests.store.enums import OutboxStatus, SourceKind
from digests.store.tables import Article, Chat, OutboxMessage, Source, Subscription
from digests.subscriptions.sources import MutedCount, muted_counts

RATE_WINDOW = timedelta(minutes=5)
FAILURE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Stats:
    active_subscribers: int
    inactive_subscribers: int
    articles: int
    queue_depth: int
    sent_recently: int  # messages delivered over the last RATE_WINDOW
    failures: list[tuple[str, int]]  # reason, count over the last FAILURE_WINDOW
    muted_sources: list[MutedCount]  # the shared sources most chats turned off in /sources
    own_feeds: tuple[int, int]  # feeds chats added for themselves, and how many chats did


def collect(session: Session, *, now: datetime) -> Stats:
    counts = dict(
        session.exec(
            select(col(Subscription.active) & col(Chat.active), func.count(col(Subscription.id)))
            .join(Chat, col(Chat.id) == col(Subscription.chat_id))
            .group_by(col(Subscription.active) & col(Chat.active))
        ).all()
    )
    sent_recently = session.exec(
        select(func.count(col(OutboxMessage.id))).where(
            col(OutboxMessage.status) == OutboxStatus.SENT,
            col(OutboxMessage.sent_at) >= now - RATE_WINDOW,
        )
    ).one()
    failures = session.exec(
        select(col(OutboxMessage.last_error), func.count(col(OutboxMessage.id)))
        .where(
            col(OutboxMessage.status) == OutboxStatus.DEAD,
            col(OutboxMessage.created_at) >= now - FAILURE_WINDOW,
        )
        .group_by(col(OutboxMessage.last_error))
        .order_by(func.count(col(OutboxMessage.id)).desc())
        .limit(5)
    ).all()
    return Stats(
        active_subscribers=counts.get(True, 0),
        inactive_subscribers=counts.get(False, 0),
        articles=session.exec(select(func.count(col(Article.id)))).one(),
        queue_depth=queue_depth(session),
        sent_recently=sent_recently,
        failures=[(reason or "unknown", n) for reason, n in failures],
        muted_sources=muted_counts(session),
        own_feeds=_own_feeds(session),
    )


def _own_feeds(session: Session) -> tuple[int, int]:
    feeds, chats = session.exec(
        select(
            func.count(col(Source.id)), func.count(func.distinct(col(Source.owner_chat_id)))
        ).where(
            col(Source.owner_chat_id).is_not(None),
            col(Source.kind) == SourceKind.FEED,
            col(Source.active),
        )
    ).one()
    return feeds, chats
