"""Due subscribers -> digest messages in the outbox, in one transaction with the watermark."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, exists, func, literal_column, or_
from sqlmodel import Session, col, select

from digests.delivery.callbacks import ReadArticle, ShowStory
from digests.delivery.message import Button, Message, bold, esc, italic, pack_messages, shorten
from digests.delivery.outbox import Outgoing, enqueue
from digests.store.enums import MessageKind, RhythmKind
from digests.store.tables import Article, Chat, Source, Subscription
from digests.store.visibility import kept_by, news_for, visible_to
from digests.stories.deliveries import StoryEntry, story_entries
from digests.stories.views import reported_by
from digests.subscriptions.follows import FollowedStatement, take_new_statements
from digests.subscriptions.schedule import in_quiet_hours, next_digest_at, quiet_hours_end
from digests.subscriptions.subscribers import rhythm_of
from digests.text.plurals import plural
from digests.text.summarize import LENGTHS

log = logging.getLogger(__name__)

MAX_ARTICLES_PER_DIGEST = 10
# Written into the SQL, not bound: the due indexes are partial on the rhythm (see models).
INSTANT: ColumnElement[str] = literal_column(f"'{RhythmKind.INSTANT}'")


def due_subscriptions(session: Session, *, now: datetime, limit: int = 500) -> list[Subscription]:
    """Active subscriptions whose slot has come, and instant ones with unseen articles, the
    longest-waiting first.

    One query per kind of schedule, each reading its partial index in due order and stopping
    at `limit`: a single OR of both conditions made PostgreSQL collect and sort every due row
    for each page, and in a peak minute that is a large share of everyone.
    """
    # The newest news: a reader's page would keep every instant subscriber due, tick after tick.
    newest = session.exec(select(func.max(col(Article.id))).where(visible_to(None))).one() or 0
    scheduled = _due(
        session, limit, col(Subscription.rhythm) != INSTANT, col(Subscription.next_digest_at) <= now
    )
    instant = [
        col(Subscription.rhythm) == INSTANT,
        or_(col(Subscription.last_article_id) < newest, _own_feeds_have_news()),
        col(Subscription.next_digest_at) <= now,  # later only while quiet hours hold them back
    ]
    if len(scheduled) == limit:  # a full page: instant ones due after its last would not fit
        instant.append(col(Subscription.next_digest_at) <= scheduled[-1].next_digest_at)
    waiting = [*scheduled, *_due(session, limit, *instant)]
    # An instant subscription always has a slot in practice; one without counts as due now.
    return sorted(waiting, key=lambda s: (s.next_digest_at or now, s.id))[:limit]


def _own_feeds_have_news() -> ColumnElement[bool]:
    """SQL condition on Subscription: a feed the chat added for itself brought an article it
    has not had yet (read off the owner's articles, so only chats with feeds of their own pay)."""
    return exists().where(
        col(Article.owner_chat_id) == col(Subscription.chat_id),
        col(Article.id) > col(Subscription.last_article_id),
        col(Source.id) == col(Article.source_id),
        col(Source.owner_chat_id) == col(Subscription.chat_id),
    )


def _due(session: Session, limit: int, *conditions) -> list[Subscription]:
    return list(
        session.exec(
            select(Subscription)
            .join(Chat, col(Chat.id) == col(Subscription.chat_id))
            .where(col(Subscription.active), col(Chat.active), *conditions)
            .order_by(col(Subscription.next_digest_at), col(Subscription.id))
            .limit(limit)
        ).all()
    )


def _matches(article: Article, include: list[str], exclude: list[str]) -> bool:
    haystack = f"{article.title}\n{article.text}".lower()
    if exclude and any(word in haystack for word in exclude):
        return False
    return not include or any(word in haystack for word in include)


def new_articles_for(
    session: Session, subscription: Subscription
) -> tuple[list[tuple[Article, Source]], int]:
    """Articles above the subscriber's watermark from the sources they keep (the shared ones
    and their own feeds) that pass their filters (oldest first), and the newest article id
    looked at, which becomes the new watermark. Pages readers sent are not news, not even for
    the reader who sent them."""
    include = [w for w in subscription.include_keywords.split(",") if w]
    exclude = [w for w in subscription.exclude_keywords.split(",") if w]
    rows = session.exec(
        select(Article, Source, kept_by(subscription.chat_id))
        .join(Source, col(Source.id) == col(Article.source_id))
        .where(col(Article.id) > subscription.last_article_id, news_for(subscription.chat_id))
        .order_by(col(Article.id).desc())
        .limit(MAX_ARTICLES_PER_DIGEST * 5)
    ).all()
    # The articles of sources turned off are looked at (and passed) like any filtered out, so
    # the watermark moves past them and an instant digest never waits on them.
    matching = [(a, s) for a, s, kept in rows if kept and _matches(a, include, exclude)]
    newest_seen = rows[0][0].id if rows else subscription.last_article_id
    return list(reversed(matching[:MAX_ARTICLES_PER_DIGEST])), newest_seen


def _statement_block(statements: Sequence[FollowedStatement]) -> str:
    lines = [bold("From people you follow")]
    for item in statements:
        said = f"“{esc(item.text)}”" if item.kind == "quote" else esc(item.text)
        lines.append(f"{bold(item.actor_name)}: {said}\n{italic(item.article_title)}")
    return "\n\n".join(lines)


def _story_block(entry: StoryEntry) -> str:
    """Headline (marked when it updates a story the reader has), who reported it, its summary."""
    when = entry.when.strftime("%d %b %Y %H:%M UTC")
    reported = reported_by(entry.sources)
    title = f"Update: {entry.title}" if entry.update else entry.title
    return f"{bold(title)}\n{italic(f'{reported} · {when}')}\n" + esc(" ".join(entry.sentences))


def _story_buttons(entry: StoryEntry) -> tuple[Button, ...]:
    buttons = [read_button(entry.newest)]
    if entry.story_id is not None and len(entry.sources) > 1:
        buttons.append(Button.calling("Timeline", ShowStory(entry.story_id)))
    return tuple(buttons)


def render_digest(
    entries: list[StoryEntry], statements: Sequence[FollowedStatement] = ()
) -> list[Message]:
    """One block per story (headline, sources, time, summary); split only between blocks."""
    heading = []
    if entries:
        articles = sum(entry.new_articles for entry in entries)
        stories = plural(len(entries), "story", "stories")
        within = "" if len(entries) == articles else f" in {stories}"
        heading.append(plural(articles, "new article", "new articles") + within)
    if statements:
        said = plural(len(statements), "new statement", "new statements")
        heading.append(f"{said} from people you follow")
    blocks: list[tuple[str, tuple[Button, ...]]] = [
        (bold("Your digest: " + ", ".join(heading)), ())
    ]
    blocks += [(_story_block(entry), _story_buttons(entry)) for entry in entries]
    if statements:
        blocks.append((_statement_block(statements), ()))
    return pack_messages(blocks)


def read_button(article: Article) -> Button:
    """Open the article where it lives; articles without an address are read here instead."""
    label = f"Read: {shorten(article.title, 40)}"
    if article.url:
        return Button(label, url=article.url)
    return Button.calling(label, ReadArticle(article.id))


def compose_digest(session: Session, subscription: Subscription, *, now: datetime) -> int:
    """Queue this subscriber's digest (if anything is new) and move their schedule on.

    The outbox rows, the watermark and the next slot are written in one transaction, and the
    idempotency key names the subscription and the watermark it starts from, so composing the
    same digest twice can never queue it twice.
    """
    rhythm = rhythm_of(subscription)
    if subscription.rhythm == RhythmKind.INSTANT and in_quiet_hours(now, rhythm):
        subscription.next_digest_at = quiet_hours_end(now, rhythm)  # not due again until then
        session.flush()
        return 0
    items, newest_seen = new_articles_for(session, subscription)
    statements = take_new_statements(session, subscription)
    entries = story_entries(
        session,
        chat_id=subscription.chat_id,
        items=items,
        sentences=LENGTHS[subscription.summary_length],
    )
    queued = 0
    if entries or statements:
        messages = render_digest(entries, statements)
        newest_statement = statements[-1].statement_id if statements else 0
        base_key = f"{subscription.id}:{subscription.last_article_id}:{newest_statement}"
        queued = enqueue(
            session,
            MessageKind.DIGEST,
            (
                Outgoing(subscription.chat_id, message, key=f"{base_key}:{index}")
                for index, message in enumerate(messages)
            ),
            now=now,
        )
    subscription.last_article_id = newest_seen
    subscription.next_digest_at = next_digest_at(rhythm, after=now)
    session.flush()
    return queued
