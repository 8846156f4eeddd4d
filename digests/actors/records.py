"""Statements and mentions in SQL, each recorded once in its story: the same sentence in two
reports of one event (a wire copy, a quotation every outlet repeats) is listed once."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, select

from digests.actors.model import MentionRef, StatementRef
from digests.store.tables import Actor, Article, Mention, Statement


def _recorded(
    session: Session, article: Article, table: type[Statement] | type[Mention], texts: set[str]
) -> set[tuple[int, str]]:
    """(actor, text) pairs this article or another of its story already holds."""
    if not texts:
        return set()
    column = col(Statement.text) if table is Statement else col(Mention.sentence)
    here = col(Article.id) == article.id
    story = here if article.story_id is None else col(Article.story_id) == article.story_id
    rows = session.exec(
        select(col(table.actor_id), column)
        .join(Article, col(Article.id) == col(table.article_id))
        .where(or_(here, story), column.in_(texts))
    ).all()
    return {(actor_id, text) for actor_id, text in rows}


def add_statements(
    session: Session, article: Article, said: list[tuple[Actor, StatementRef]]
) -> None:
    """Record what each actor said in the article, each thing once in its story."""
    seen = _recorded(session, article, Statement, {statement.text for _, statement in said})
    for actor, statement in said:
        if (actor.id, statement.text) in seen:
            continue
        seen.add((actor.id, statement.text))
        actor.statement_count += 1
        session.add(
            Statement(
                actor_id=actor.id,
                article_id=article.id,
                kind=statement.kind,
                text=statement.text,
                sentence=statement.sentence,
                position=statement.position,
                listed_at=article.listed_at,
            )
        )


def add_mentions(session: Session, article: Article, named: list[tuple[Actor, MentionRef]]) -> None:
    """Record where each actor was named in the article, each sentence once in its story."""
    seen = _recorded(session, article, Mention, {mention.sentence for _, mention in named})
    for actor, mention in named:
        if (actor.id, mention.sentence) in seen:
            continue
        seen.add((actor.id, mention.sentence))
        actor.mention_count += 1
        session.add(
            Mention(
                actor_id=actor.id,
                article_id=article.id,
                sentence=mention.sentence,
                position=mention.position,
                listed_at=article.listed_at,
            )
        )
