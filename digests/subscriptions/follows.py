"""Following actors: readers pick people; their digests carry those people's new statements."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, not_
from sqlmodel import Session, col, select

from digests.errors import DigestsError
from digests.i18n import _
from digests.store.tables import Actor, ActorFollow, Article, Statement, Subscription
from digests.store.visibility import visible_to
from digests.subscriptions.subscribers import get_subscription

MAX_STATEMENTS_PER_DIGEST = 10


class FollowError(DigestsError):
    """Why following cannot happen, phrased for the reader."""


@dataclass(frozen=True, slots=True)
class FollowedStatement:
    statement_id: int
    actor_name: str
    kind: str
    text: str
    article_title: str


def _subscription_or_error(session: Session, chat_id: int) -> Subscription:
    subscription = get_subscription(session, chat_id)
    if subscription is None or not subscription.active:
        raise FollowError(
            _("Subscribe first (/subscribe): followed people come with your digests.")
        )
    return subscription


def follow(session: Session, chat_id: int, actor_id: int) -> str:
    """Follow an actor from now on (earlier statements are not replayed); returns their name."""
    subscription = _subscription_or_error(session, chat_id)
    actor = session.get(Actor, actor_id)
    if actor is None:
        raise FollowError(_("That person is no longer tracked."))
    existing = session.exec(
        select(ActorFollow).where(
            col(ActorFollow.subscription_id) == subscription.id,
            col(ActorFollow.actor_id) == actor_id,
        )
    ).first()
    if existing is None:
        newest = session.exec(
            select(func.max(col(Statement.id))).where(col(Statement.actor_id) == actor_id)
        ).one()
        session.add(
            ActorFollow(
                subscription_id=subscription.id, actor_id=actor_id, last_statement_id=newest or 0
            )
        )
        session.flush()
    return actor.name


def unfollow(session: Session, chat_id: int, actor_id: int) -> bool:
    subscription = get_subscription(session, chat_id)
    if subscription is None:
        return False
    existing = session.exec(
        select(ActorFollow).where(
            col(ActorFollow.subscription_id) == subscription.id,
            col(ActorFollow.actor_id) == actor_id,
        )
    ).first()
    if existing is None:
        return False
    session.delete(existing)
    session.flush()
    return True


def followed_actors(session: Session, subscription_id: int) -> list[tuple[int, str]]:
    return [
        (actor_id, name)
        for actor_id, name in session.exec(
            select(col(Actor.id), col(Actor.name))
            .join(ActorFollow, col(ActorFollow.actor_id) == col(Actor.id))
            .where(col(ActorFollow.subscription_id) == subscription_id)
            .order_by(col(Actor.name))
        ).all()
    ]


def is_following(session: Session, chat_id: int, actor_id: int) -> bool:
    followed = (
        select(col(ActorFollow.id))
        .join(Subscription, col(Subscription.id) == col(ActorFollow.subscription_id))
        .where(col(Subscription.chat_id) == chat_id, col(ActorFollow.actor_id) == actor_id)
        .limit(1)
    )
    return session.exec(followed).first() is not None


def take_new_statements(
    session: Session, subscription: Subscription
) -> tuple[list[FollowedStatement], int]:
    """The newest MAX_STATEMENTS_PER_DIGEST new statements by followed actors in articles for
    everyone (oldest first), and how many more there were (counted, not read: /actor shows
    them); moves the watermarks past all of them. A page some reader sent never puts words in
    anyone's mouth, and what a new feed listed already is no news of them."""
    follows = session.exec(
        select(ActorFollow).where(col(ActorFollow.subscription_id) == subscription.id)
    ).all()
    found: list[FollowedStatement] = []
    total = 0
    for followed in follows:
        conditions = (
            col(Statement.actor_id) == followed.actor_id,
            col(Statement.id) > followed.last_statement_id,
            visible_to(None),
            not_(col(Article.backlog)),  # a feed's past: in /actor, not news of anyone
        )
        rows = session.exec(
            select(Statement, col(Actor.name), col(Article.title))
            .join(Actor, col(Actor.id) == col(Statement.actor_id))
            .join(Article, col(Article.id) == col(Statement.article_id))
            .where(*conditions)
            .order_by(col(Statement.id).desc())
            .limit(MAX_STATEMENTS_PER_DIGEST)
        ).all()
        if not rows:
            continue
        total += session.exec(
            select(func.count(col(Statement.id)))
            .join(Article, col(Article.id) == col(Statement.article_id))
            .where(*conditions)
        ).one()
        found += [
            FollowedStatement(statement.id, name, statement.kind, statement.text, title)
            for statement, name, title in rows
        ]
        followed.last_statement_id = max(followed.last_statement_id, rows[0][0].id)
    found.sort(key=lambda item: item.statement_id)
    session.flush()
    kept = found[-MAX_STATEMENTS_PER_DIGEST:]
    return kept, total - len(kept)
