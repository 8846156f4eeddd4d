"""Statements by a role ("the Russian president stated …") given to the person who holds it.

An article may name Putin without his title and quote "the Russian president" a paragraph
later: only another article tells the two are one. What the role said is given to the one
person the article names before it whom any article has given that title; until one has, it
waits in RoleStatement, and an article that teaches a title looks for what waits on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import exists, func
from sqlmodel import Session, col, select

from digests.actors.model import Extraction, StatementRef
from digests.actors.records import add_statements
from digests.actors.references import holds_role
from digests.store.tables import Actor, ActorAlias, Article, Mention, RoleStatement


def _titles(session: Session, actor_ids: Iterable[int]) -> dict[int, list[str]]:
    """Every title and titled name each actor is known by ("Russian President Vladimir Putin")."""
    ids = set(actor_ids)
    titles: dict[int, list[str]] = defaultdict(list)
    rows = session.exec(
        select(col(ActorAlias.actor_id), col(ActorAlias.alias)).where(
            col(ActorAlias.actor_id).in_(ids)
        )
    ).all()
    for actor_id, alias in rows:
        titles[actor_id].append(alias)
    roles = session.exec(select(col(Actor.id), col(Actor.role)).where(col(Actor.id).in_(ids)))
    for actor_id, role in roles.all():
        if role:
            titles[actor_id].append(role)
    return titles


def _holder(role: str, position: int, named: dict[int, int], titles: dict[int, list[str]]) -> int:
    """The one person named before `position` who holds the role, or 0."""
    fits = [
        actor_id
        for actor_id, first in named.items()
        if first < position and holds_role(role, titles.get(actor_id, []))
    ]
    return fits[0] if len(fits) == 1 else 0


def record_role_statements(
    session: Session, article: Article, extraction: Extraction, actors: dict[str, Actor]
) -> None:
    """Give the article's role statements to their holders, or keep them waiting; an article
    that names nobody keeps none, as nobody it names can ever turn out to hold the role."""
    people = {name: actor for name, actor in actors.items() if actor.kind == "person"}
    if not extraction.role_statements or not people:
        return
    named: dict[int, int] = {}
    for mention in extraction.mentions:
        actor = people.get(mention.actor)
        if actor is not None:
            named[actor.id] = min(named.get(actor.id, mention.position), mention.position)
    titles = _titles(session, named)
    by_id = {actor.id: actor for actor in people.values()}
    said = []
    for statement in extraction.role_statements:
        holder = _holder(statement.speaker, statement.position, named, titles)
        if holder:
            said.append((by_id[holder], statement))
        else:
            session.add(
                RoleStatement(
                    article_id=article.id,
                    role=statement.speaker,
                    kind=statement.kind,
                    text=statement.text,
                    sentence=statement.sentence,
                    position=statement.position,
                )
            )
    add_statements(session, article, said)


def _named_people(session: Session, article_id: int) -> dict[int, int]:
    """The people an article names, with where it first names each."""
    rows = session.exec(
        select(col(Mention.actor_id), func.min(col(Mention.position)))
        .join(Actor, col(Actor.id) == col(Mention.actor_id))
        .where(col(Mention.article_id) == article_id, col(Actor.kind) == "person")
        .group_by(col(Mention.actor_id))
    ).all()
    return dict(rows)


def attribute_waiting(session: Session, article: Article, learned: list[Actor]) -> None:
    """These people got a new name or title: what waits in articles naming them may be theirs."""
    ids = [actor.id for actor in learned if actor.kind == "person"]
    if not ids:
        return
    names_one = exists().where(
        col(Mention.article_id) == col(RoleStatement.article_id),
        col(Mention.actor_id).in_(ids),
    )
    waiting = session.exec(
        select(RoleStatement).where(names_one, col(RoleStatement.article_id) != article.id)
    ).all()
    by_article: dict[int, list[RoleStatement]] = defaultdict(list)
    for row in waiting:
        by_article[row.article_id].append(row)
    for article_id, rows in by_article.items():
        named = _named_people(session, article_id)
        titles = _titles(session, named)
        people = {a.id: a for a in session.exec(select(Actor).where(col(Actor.id).in_(named)))}
        said = []
        for row in rows:
            holder = people.get(_holder(row.role, row.position, named, titles))
            if holder is not None:
                ref = StatementRef(holder.name, row.kind, row.text, row.sentence, row.position)
                said.append((holder, ref))
                session.delete(row)
        where = session.get(Article, article_id)
        if said and where is not None:
            add_statements(session, where, said)
