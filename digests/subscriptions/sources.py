"""Which sources a chat keeps: /sources lists them with toggles, digests honour the choice.

A chat's choices are the sources it turned off (MutedSource), so a source added later reaches
every chat until it turns that one off too. Pages readers send are no source to choose: they
never reach a digest anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, func
from sqlmodel import Session, col, select

from digests.errors import DigestsError
from digests.i18n import N_, _
from digests.store.enums import SourceKind
from digests.store.tables import MutedSource, Source
from digests.store.visibility import sources_visible_to

PAGE_SIZE = 8  # sources per /sources page: one toggle each, and the keyboard stays a screen
LISTED_KINDS = (SourceKind.SEED, SourceKind.FEED, SourceKind.FILE)
NO_SUCH_SOURCE = N_("That source is no longer listed. Send /sources for the current list.")


class SourceError(DigestsError):
    """A source choice that cannot be made; the message is shown to the chat."""


@dataclass(frozen=True, slots=True)
class SourceChoice:
    source_id: int
    title: str
    kept: bool
    own: bool  # a feed the chat added for itself


@dataclass(frozen=True, slots=True)
class SourcePage:
    choices: list[SourceChoice]
    page: int
    pages: int
    total: int
    muted: int  # how many of all the listed sources the chat turned off


@dataclass(frozen=True, slots=True)
class MutedCount:
    title: str
    chats: int


def _listed(chat_id: int) -> list[ColumnElement[bool]]:
    return [
        col(Source.active).is_(True),
        col(Source.kind).in_(LISTED_KINDS),
        sources_visible_to(chat_id),
    ]


def _muted_by(chat_id: int) -> ColumnElement[bool]:
    """SQL condition on Source: the chat turned it off."""
    return exists().where(
        col(MutedSource.chat_id) == chat_id, col(MutedSource.source_id) == col(Source.id)
    )


def source_page(session: Session, chat_id: int, *, page: int = 0) -> SourcePage:
    """One page of the sources a chat may choose from, shared ones first, then its own."""
    listed = _listed(chat_id)
    total, muted = session.exec(
        select(func.count(col(Source.id)), func.count(col(Source.id)).filter(_muted_by(chat_id)))
        .select_from(Source)
        .where(*listed)
    ).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    rows = session.exec(
        select(Source, _muted_by(chat_id))
        .where(*listed)
        .order_by(col(Source.owner_chat_id).is_not(None), col(Source.id))
        .offset(page * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    choices = [
        SourceChoice(
            source.id, source.title or source.url, not off, source.owner_chat_id is not None
        )
        for source, off in rows
    ]
    return SourcePage(choices, page, pages, total, muted)


def keep_source(session: Session, chat_id: int, source_id: int, *, keep: bool) -> SourceChoice:
    """Turn a source on or off for a chat's digests; only a source it may see listed."""
    source = session.exec(
        select(Source).where(col(Source.id) == source_id, *_listed(chat_id))
    ).first()
    if source is None:
        raise SourceError(_(NO_SUCH_SOURCE))
    muted = session.get(MutedSource, (chat_id, source_id))
    if keep and muted is not None:
        session.delete(muted)
    elif not keep and muted is None:
        session.add(MutedSource(chat_id=chat_id, source_id=source_id))
    session.flush()
    return SourceChoice(
        source.id, source.title or source.url, keep, source.owner_chat_id is not None
    )


def muted_counts(session: Session, *, limit: int = 10) -> list[MutedCount]:
    """The shared sources most chats turned off, for /stats (a chat's own feeds are its own)."""
    chats = func.count(col(MutedSource.chat_id))
    rows = session.exec(
        select(col(Source.title), col(Source.url), chats)
        .join(MutedSource, col(MutedSource.source_id) == col(Source.id))
        .where(col(Source.owner_chat_id).is_(None))
        .group_by(col(Source.id), col(Source.title), col(Source.url))
        .order_by(chats.desc(), col(Source.id))
        .limit(limit)
    ).all()
    return [MutedCount(title or url, count) for title, url, count in rows]
