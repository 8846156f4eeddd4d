"""Who may read an article: everyone for the curated sources, only the owning chat for its pages
and the feeds it added for itself.

Every use case that reads articles (or what was extracted from them) for a chat filters with
this one condition, so a number, title words, a forged button or a digest cannot reach a page
another chat sent.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, not_, or_
from sqlmodel import col

from digests.store.tables import Article, MutedSource, Source


def visible_to(chat_id: int | None) -> ColumnElement[bool]:
    """SQL condition on Article: what `chat_id` may read; None: only what everyone may read."""
    for_everyone = col(Article.owner_chat_id).is_(None)
    if chat_id is None:
        return for_everyone
    return or_(for_everyone, col(Article.owner_chat_id) == chat_id)


def shared_sources() -> ColumnElement[bool]:
    """SQL condition on Source: the sources for everyone (admins' feeds, seeds, pages' hosts)."""
    return col(Source.owner_chat_id).is_(None)


def sources_of(owner_chat_id: int | None) -> ColumnElement[bool]:
    """SQL condition on Source: the feeds a chat added for itself; None: the shared ones."""
    if owner_chat_id is None:
        return shared_sources()
    return col(Source.owner_chat_id) == owner_chat_id


def sources_visible_to(chat_id: int) -> ColumnElement[bool]:
    """SQL condition on Source: what a chat may see listed, the shared sources and its own."""
    return or_(shared_sources(), col(Source.owner_chat_id) == chat_id)


def news_for(chat_id: int | None) -> ColumnElement[bool]:
    """SQL condition on Article joined to its Source: the news a chat reads in /latest and its
    digests. The articles for everyone and those of the chat's own feeds; not the pages it
    sent, which are no news, not even to the sender. None: the news for everyone."""
    if chat_id is None:
        return visible_to(None)
    return or_(
        visible_to(None),
        and_(col(Article.owner_chat_id) == chat_id, col(Source.owner_chat_id) == chat_id),
    )


def kept_by(chat_id: int) -> ColumnElement[bool]:
    """SQL condition on Article: its source is not one the chat turned off."""
    return not_(
        exists().where(
            col(MutedSource.chat_id) == chat_id,
            col(MutedSource.source_id) == col(Article.source_id),
        )
    )
