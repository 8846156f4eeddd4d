"""Actors in SQL: recording who said what at ingest, and answering who-said-what lookups."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from digests.actors import extract_actors, identity_key, rank_actors, resolve_actor
from digests.models import Actor, ActorAlias, Article, Mention, Statement

PAGE_SIZE = 5


def _known_actors(session: Session, kind: str) -> list[tuple[int, list[str]]]:
    aliases: dict[int, list[str]] = defaultdict(list)
    rows = session.exec(
        select(ActorAlias.actor_id, ActorAlias.alias)
        .join(Actor, Actor.id == ActorAlias.actor_id)
        .where(Actor.kind == kind)
    ).all()
    for actor_id, alias in rows:
        aliases[actor_id].append(alias)
    return list(aliases.items())


def _add_aliases(session: Session, actor: Actor, names: list[str]) -> None:
    known = set(session.exec(select(ActorAlias.alias).where(ActorAlias.actor_id == actor.id)).all())
    for name in dict.fromkeys(names):
        if name not in known:
            session.add(
                ActorAlias(actor_id=actor.id, alias=name[:256], key=identity_key(name)[:256])
            )


def record_actors(session: Session, article: Article) -> None:
    """Extract the article's actors and store them, merging with people already known."""
    extraction = extract_actors(article.text, title=article.title)
    ids_by_name: dict[str, int] = {}
    for ref in extraction.actors:
        names = [ref.name, *ref.aliases]
        actor_id = resolve_actor(names, _known_actors(session, ref.kind))
        actor = session.get(Actor, actor_id) if actor_id else None
        if actor is None:
            actor = Actor(name=ref.name[:256], kind=ref.kind, role=ref.role)
            session.add(actor)
            session.flush()
        elif len(ref.name) > len(actor.name):
            actor.name = ref.name[
                :256
            ]  # keep the fullest form: "Volodymyr Zelensky" over "Zelensky"
        if ref.role and not actor.role:
            actor.role = ref.role[:256]
        _add_aliases(session, actor, names)
        session.flush()
        ids_by_name[ref.name] = actor.id
    for statement in extraction.statements:
        if statement.speaker in ids_by_name:
            session.add(
                Statement(
                    actor_id=ids_by_name[statement.speaker],
                    article_id=article.id,
                    kind=statement.kind,
                    text=statement.text,
                    sentence=statement.sentence,
                    position=statement.position,
                )
            )
    for mention in extraction.mentions:
        if mention.actor in ids_by_name:
            session.add(
                Mention(
                    actor_id=ids_by_name[mention.actor],
                    article_id=article.id,
                    sentence=mention.sentence,
                    position=mention.position,
                )
            )
    session.flush()


@dataclass(frozen=True, slots=True)
class ActorLine:
    """One thing an actor said or was mentioned for, with the article it came from."""

    kind: str  # quote | reported | mention
    text: str
    article_id: int
    article_title: str
    article_date: datetime


@dataclass(frozen=True, slots=True)
class ActorProfile:
    id: int
    name: str
    role: str | None
    statements: list[ActorLine]
    mentions: list[ActorLine]


def lookup_actors(session: Session, query: str, *, limit: int = 5) -> list[tuple[int, str, float]]:
    """Actors matching a name, best first, tolerant of case and spelling."""
    candidates = _known_actors(session, "person") + _known_actors(session, "organization")
    ranked = rank_actors(query, candidates, limit=limit)
    ids = [actor_id for actor_id, _ in ranked]
    names = dict(session.exec(select(Actor.id, Actor.name).where(col(Actor.id).in_(ids))).all())
    return [(actor_id, names[actor_id], score) for actor_id, score in ranked if actor_id in names]


def _lines(session: Session, model, actor_id: int, *, kind_of, text_of) -> list[ActorLine]:
    date = func.coalesce(Article.published_at, Article.ingested_at)
    rows = session.exec(
        select(model, Article.title, date)
        .join(Article, Article.id == model.article_id)
        .where(model.actor_id == actor_id)
        .order_by(date.desc(), col(Article.id).desc(), model.position)
    ).all()
    return [
        ActorLine(
            kind=kind_of(row),
            text=text_of(row),
            article_id=row.article_id,
            article_title=title,
            article_date=when,
        )
        for row, title, when in rows
    ]


def actor_profile(session: Session, actor_id: int) -> ActorProfile | None:
    """Everything recorded for an actor: statements first, then other mentions, newest first."""
    actor = session.get(Actor, actor_id)
    if actor is None:
        return None
    statements = _lines(
        session, Statement, actor_id, kind_of=lambda row: row.kind, text_of=lambda row: row.text
    )
    stated = set(
        session.exec(select(Statement.sentence).where(Statement.actor_id == actor_id)).all()
    )
    mentions = [
        line
        for line in _lines(
            session,
            Mention,
            actor_id,
            kind_of=lambda _row: "mention",
            text_of=lambda row: row.sentence,
        )
        if line.text not in stated
    ]
    return ActorProfile(actor.id, actor.name, actor.role, statements, mentions)


def top_actors(session: Session, *, limit: int = 10) -> list[tuple[int, str, int]]:
    """The most mentioned actors with their mention counts."""
    count = func.count(col(Mention.id))
    rows = session.exec(
        select(Actor.id, Actor.name, count)
        .join(Mention, Mention.actor_id == Actor.id)
        .group_by(Actor.id, Actor.name)
        .order_by(count.desc(), Actor.name)
        .limit(limit)
    ).all()
    return [(actor_id, name, n) for actor_id, name, n in rows]
