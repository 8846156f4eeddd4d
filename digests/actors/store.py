"""Actors in SQL: recording who said what at ingest, and answering who-said-what lookups.

Only articles for everyone are recorded (see `ingest_article`), and the lookups read only
those: a page one reader sent is no record of what anyone said.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Integer,
    and_,
    cast,
    exists,
    func,
    literal_column,
    or_,
    union_all,
    update,
)
from sqlmodel import Session, col, select

from digests.actors import Extraction, identity_key, rank_actors, resolve_actor
from digests.actors.attribution import attribute_waiting, record_role_statements
from digests.actors.model import DayCount
from digests.actors.records import add_mentions, add_statements
from digests.store.tables import Actor, ActorAlias, Article, Mention, Statement
from digests.store.visibility import visible_to

PREFIX = 3  # spelling slips past the first letters of a surname are found by ranking


def alias_key(name: str) -> str:
    """The identity key of a name's last word: every spelling of one surname shares it."""
    words = identity_key(name).split()
    return words[-1][:256] if words else ""


def _key_conditions(keys: Iterable[str]):
    conditions = []
    for key in {k for k in keys if k}:
        conditions.append(col(ActorAlias.key) == key)
        if len(key) >= PREFIX:
            start = key[:PREFIX]
            conditions.append(
                and_(col(ActorAlias.key) >= start, col(ActorAlias.key) < start + "\uffff")
            )
    return conditions


def _candidates(
    session: Session, keys: Iterable[str], kind: str | None = None
) -> list[tuple[int, list[str]]]:
    """Actors with a surname like one of `keys`, found through the alias index."""
    conditions = _key_conditions(keys)
    return _spellings(session, or_(*conditions), kind)[0] if conditions else []


def _spellings(
    session: Session, condition, kind: str | None = None, limit: int | None = None
) -> tuple[list[tuple[int, list[str]]], dict[int, str]]:
    """The aliases matching `condition`, per actor, and those actors' names (one query)."""
    query = (
        select(col(ActorAlias.actor_id), col(ActorAlias.alias), col(Actor.name))
        .join(Actor, col(Actor.id) == col(ActorAlias.actor_id))
        .where(condition)
        .limit(limit)
    )
    if kind is not None:
        query = query.where(col(Actor.kind) == kind)
    aliases: dict[int, list[str]] = defaultdict(list)
    names: dict[int, str] = {}
    for actor_id, alias, name in session.exec(query).all():
        aliases[actor_id].append(alias)
        names[actor_id] = name
    return list(aliases.items()), names


def _add_aliases(session: Session, actor: Actor, names: list[str]) -> bool:
    """Store the names not known yet; were there any?"""
    known = set(
        session.exec(
            select(col(ActorAlias.alias)).where(col(ActorAlias.actor_id) == actor.id)
        ).all()
    )
    new = [name for name in dict.fromkeys(names) if name[:256] not in known]
    for name in new:
        session.add(ActorAlias(actor_id=actor.id, alias=name[:256], key=alias_key(name)))
    return bool(new)


def _count_spelling(session: Session, actor: Actor, name: str, references: int) -> None:
    """One more article named the actor `name` (`references` times); show them under the name
    most articles use."""
    session.exec(
        update(ActorAlias)
        .where(col(ActorAlias.actor_id) == actor.id, col(ActorAlias.alias) == name[:256])
        .values(
            articles=col(ActorAlias.articles) + 1,
            occurrences=col(ActorAlias.occurrences) + references,
        )
    )
    favourite = session.exec(
        select(col(ActorAlias.alias))
        .where(col(ActorAlias.actor_id) == actor.id, col(ActorAlias.articles) > 0)
        .order_by(
            col(ActorAlias.articles).desc(),
            col(ActorAlias.occurrences).desc(),
            col(ActorAlias.id),
        )
        .limit(1)
    ).first()
    if favourite:
        actor.name = favourite


def _store_actor(session: Session, ref, references: int) -> tuple[Actor, bool]:
    """The stored actor for an extracted one, and whether this article taught the store a new
    name or title of theirs (which may tell who a role statement elsewhere is by)."""
    names = [ref.name, *ref.aliases]
    candidates = _candidates(session, (alias_key(name) for name in names), ref.kind)
    actor_id = resolve_actor(names, candidates)
    actor = session.get(Actor, actor_id) if actor_id else None
    if actor is None:
        actor = Actor(name=ref.name[:256], kind=ref.kind, role=ref.role)
        session.add(actor)
        session.flush()
    learned = bool(ref.role and not actor.role)
    if learned:
        actor.role = ref.role[:256]
    learned = _add_aliases(session, actor, names) or learned
    session.flush()
    _count_spelling(session, actor, ref.name, references)
    return actor, learned


def record_actors(session: Session, article: Article, extraction: Extraction) -> None:
    """Store the actors extracted from the article (before the transaction), merging with
    people already known; then what they said, and where they were named, each once in the
    article's story. Call it once the article has its story."""
    # How often the article refers to each actor, read off the extraction: no scan of the text
    # inside the transaction.
    references = Counter(m.actor for m in extraction.mentions)
    references.update(s.speaker for s in extraction.statements)
    stored = {
        ref.name: _store_actor(session, ref, references[ref.name]) for ref in extraction.actors
    }
    actors = {name: actor for name, (actor, _) in stored.items()}
    said = [(actors[s.speaker], s) for s in extraction.statements if s.speaker in actors]
    add_statements(session, article, said)
    add_mentions(
        session, article, [(actors[m.actor], m) for m in extraction.mentions if m.actor in actors]
    )
    session.flush()
    record_role_statements(session, article, extraction, actors)
    attribute_waiting(session, article, [actor for actor, learned in stored.values() if learned])
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
class ActorPage:
    """One page of an actor's record: statements first, then other mentions, newest first."""

    id: int
    name: str
    role: str | None
    statement_count: int
    mention_count: int
    page: int
    lines: list[ActorLine]
    has_next: bool


def lookup_actors(session: Session, query: str, *, limit: int = 5) -> list[tuple[int, str, float]]:
    """Actors matching a name, best first, tolerant of case and spelling."""
    conditions = _key_conditions([alias_key(query)])
    candidates, names = _spellings(session, or_(*conditions)) if conditions else ([], {})
    if not candidates:  # not a surname we know: look for the words anywhere in the names
        words = query.strip().lower()[:64]
        anywhere = func.lower(col(ActorAlias.alias)).contains(words, autoescape=True)
        candidates, names = _spellings(session, anywhere, limit=200)
    ranked = rank_actors(query, candidates, limit=limit)
    return [(actor_id, names[actor_id], score) for actor_id, score in ranked]


# Newest articles first, in reading order within one: off the lines' (actor, listed_at,
# article) index, a page at a time however many lines an actor has.
def _statement_lines(session: Session, actor_id: int, offset: int, limit: int) -> list[ActorLine]:
    rows = session.exec(
        select(Statement, col(Article.title))
        .join(Article, col(Article.id) == col(Statement.article_id))
        .where(col(Statement.actor_id) == actor_id, visible_to(None))
        .order_by(
            col(Statement.listed_at).desc(),
            col(Statement.article_id).desc(),
            col(Statement.position),
        )
        .offset(offset)
        .limit(limit)
    ).all()
    return [ActorLine(s.kind, s.text, s.article_id, title, s.listed_at) for s, title in rows]


def _already_stated():
    """SQL condition on Mention: its sentence is one of the same actor's statements."""
    return exists().where(
        col(Statement.actor_id) == col(Mention.actor_id),
        col(Statement.article_id) == col(Mention.article_id),
        col(Statement.position) <= col(Mention.position),
        col(Mention.position) < col(Statement.position) + func.length(col(Statement.sentence)),
    )


def _mention_lines(session: Session, actor_id: int, offset: int, limit: int) -> list[ActorLine]:
    """Mentions outside the sentences already shown as a statement of the same actor (a
    quotation continued after "Rubio stated." is one statement over both sentences)."""
    rows = session.exec(
        select(Mention, col(Article.title))
        .join(Article, col(Article.id) == col(Mention.article_id))
        .where(col(Mention.actor_id) == actor_id, ~_already_stated(), visible_to(None))
        .order_by(
            col(Mention.listed_at).desc(), col(Mention.article_id).desc(), col(Mention.position)
        )
        .offset(offset)
        .limit(limit)
    ).all()
    return [ActorLine("mention", m.sentence, m.article_id, title, m.listed_at) for m, title in rows]


def actor_page(
    session: Session, actor_id: int, *, page: int = 0, size: int = 5
) -> ActorPage | None:
    """One page of what an actor said and where they were mentioned, paged in SQL."""
    actor = session.get(Actor, actor_id)
    if actor is None:
        return None
    # Kept at ingest: a much-quoted actor has tens of thousands (a reader's own pages record no
    # statements, so there is nothing to leave out).
    statements = actor.statement_count
    start, wanted = page * size, size + 1  # one more than shown tells whether a next page exists
    lines = _statement_lines(session, actor_id, start, wanted) if start < statements else []
    if len(lines) < wanted:
        mention_offset = max(0, start - statements)
        lines += _mention_lines(session, actor_id, mention_offset, wanted - len(lines))
    return ActorPage(
        id=actor.id,
        name=actor.name,
        role=actor.role,
        statement_count=statements,
        mention_count=actor.mention_count,
        page=page,
        lines=lines[:size],
        has_next=len(lines) > size,
    )


def top_actors(session: Session, *, limit: int = 10) -> list[tuple[int, str, int]]:
    """The most mentioned actors with their mention counts."""
    rows = session.exec(
        select(col(Actor.id), col(Actor.name), col(Actor.mention_count))
        .where(col(Actor.mention_count) > 0)
        .order_by(col(Actor.mention_count).desc(), col(Actor.name))
        .limit(limit)
    ).all()
    return [(actor_id, name, count) for actor_id, name, count in rows]


QUARTER_HOUR = 900  # seconds; every zone's offset from UTC is a whole number of them


def _quarter_hour(session: Session, moment):
    """The quarter hour since the epoch a stored time falls in: whatever the reader's zone,
    a quarter hour lies within one of their days (the server's own zone plays no part)."""
    if session.get_bind().dialect.name == "postgresql":
        seconds = cast(func.floor(func.extract("epoch", moment)), BigInteger)
    else:  # SQLite keeps UTC text, which strftime reads as UTC
        seconds = cast(func.strftime("%s", moment), Integer)
    return seconds // QUARTER_HOUR


def _newest_listing(
    session: Session, actor_id: int, before: datetime | None = None
) -> datetime | None:
    """When the newest article everyone may read (listed before `before`) named the actor (a
    statement is a mention too), walking each index back from its newest entry."""
    found = []
    for line in (Statement, Mention):
        query = (
            select(col(line.listed_at))
            .join(Article, col(Article.id) == col(line.article_id))
            .where(col(line.actor_id) == actor_id, visible_to(None))
        )
        if before is not None:
            query = query.where(col(line.listed_at) < before)
        newest = session.exec(query.order_by(col(line.listed_at).desc()).limit(1)).first()
        if newest is not None:
            found.append(newest)
    return max(found, default=None)


def in_the_news_on(
    session: Session, actor_id: int, *, zone: ZoneInfo, at_least: int, days: int
) -> bool:
    """Whether `activity_by_day(…, days=days)` would have `at_least` days: one probe per day,
    each from the previous day's midnight back along the listing-time indexes, so asking costs
    the same for a person in twenty articles as for one in twenty thousand."""
    newest_day: date | None = None
    before: datetime | None = None
    for _ in range(at_least):
        moment = _newest_listing(session, actor_id, before)
        if moment is None:
            return False
        day = moment.astimezone(zone).date()
        newest_day = newest_day or day
        if day <= newest_day - timedelta(days=days):
            return False
        before = datetime.combine(day, time.min, tzinfo=zone)
    return True


def activity_by_day(
    session: Session, actor_id: int, *, zone: ZoneInfo, days: int = 90
) -> list[DayCount]:
    """The actor's statements and other mentions per day on the reader's clock, oldest first,
    over at most `days` days ending at the newest one with any (only articles for everyone, as
    the profile).

    Read off the (actor, listing time) indexes from the newest line back `days` days and one
    (clocks go back an hour), whatever the actor's record: the profile asks this on every
    page, so a much-quoted person must not cost a scan of all they ever said. One grouped
    query; Python puts each quarter hour on the reader's calendar."""
    newest = _newest_listing(session, actor_id)
    if newest is None:
        return []
    since = newest - timedelta(days=days + 1)
    one, zero = literal_column("1", Integer), literal_column("0", Integer)
    said = (
        select(
            _quarter_hour(session, col(Statement.listed_at)).label("quarter"),
            one.label("statements"),
            zero.label("mentions"),
        )
        .select_from(Statement)
        .join(Article, col(Article.id) == col(Statement.article_id))
        .where(
            col(Statement.actor_id) == actor_id,
            col(Statement.listed_at) >= since,
            visible_to(None),
        )
    )
    mentioned = (
        select(_quarter_hour(session, col(Mention.listed_at)), zero, one)
        .select_from(Mention)
        .join(Article, col(Article.id) == col(Mention.article_id))
        .where(
            col(Mention.actor_id) == actor_id,
            col(Mention.listed_at) >= since,
            ~_already_stated(),
            visible_to(None),
        )
    )
    both = union_all(said, mentioned).subquery()
    rows = session.execute(
        select(both.c.quarter, func.sum(both.c.statements), func.sum(both.c.mentions))
        .group_by(both.c.quarter)
        .order_by(both.c.quarter.desc())
        .limit((days + 1) * 24 * 3600 // QUARTER_HOUR)  # a day more: clocks go back an hour
    ).all()
    by_day: dict[date, tuple[int, int]] = {}
    for quarter_hour, spoke, named in rows:
        day = datetime.fromtimestamp(quarter_hour * QUARTER_HOUR, zone).date()
        before = by_day.get(day, (0, 0))
        by_day[day] = (before[0] + int(spoke), before[1] + int(named))
    if not by_day:
        return []
    start = max(by_day) - timedelta(days=days - 1)
    return [DayCount(day, *by_day[day]) for day in sorted(by_day) if day >= start]
