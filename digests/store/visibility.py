"""Who may read an article: everyone for the curated sources, only the sending chat for its pages.

Every use case that reads articles (or what was extracted from them) for a chat filters with
this one condition, so a number, title words, a forged button or a digest cannot reach a page
another chat sent.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_
from sqlmodel import col

from digests.store.tables import Article


def visible_to(chat_id: int | None) -> ColumnElement[bool]:
    """SQL condition on Article: what `chat_id` may read; None: only what everyone may read."""
    for_everyone = col(Article.owner_chat_id).is_(None)
    if chat_id is None:
        return for_everyone
    return or_(for_everyone, col(Article.owner_chat_id) == chat_id)
