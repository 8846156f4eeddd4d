"""Due subscribers -> digest messages in the outbox, in one transaction with the watermark; and
the rest of a digest, part by part, when its reader presses More."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, exists, func, literal_column, not_, or_
from sqlmodel import Session, col, select

from digests.delivery.callbacks import MoreDigest, ReadArticle, ShowStory
from digests.delivery.message import (
    Button,
    Message,
    bold,
    esc,
    fold_long,
    italic,
    pack_messages,
    shorten,
)
from digests.delivery.outbox import Outgoing, enqueue
from digests.i18n import N_, _, ngettext
from digests.reading.articles import DEFAULT_LENGTH
from digests.store.enums import MessageKind, RhythmKind
from digests.store.tables import Article, Chat, Source, Subscription
from digests.store.visibility import visible_to
from digests.stories.deliveries import StoryEntry, story_entries
from digests.stories.views import reported_by
from digests.subscriptions.follows import FollowedStatement, take_new_statements
from digests.subscriptions.images import shows_images
from digests.subscriptions.news import Filters, NewsPart, newest_article_id, news_part
from digests.subscriptions.schedule import in_quiet_hours, next_digest_at, quiet_hours_end
from digests.subscriptions.subscribers import chat_zone, get_subscription, rhythm_of
from digests.text.summarize import LENGTHS
from digests.timezones import shown_time, zone_or_utc

log = logging.getLogger(__name__)

ALL_OF_IT = N_("That was all of this digest.")
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
    # A feed's backlog is no news either: it would make them due for an empty digest.
    news = (visible_to(None), not_(col(Article.backlog)))
    newest = session.exec(select(func.max(col(Article.id))).where(*news)).one() or 0
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
        not_(col(Article.backlog)),
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


def _statement_block(statements: Sequence[FollowedStatement], more: int) -> str:
    lines = [bold(_("From people you follow"))]
    for item in statements:
        said = f"“{esc(item.text)}”" if item.kind == "quote" else esc(item.text)
        lines.append(f"{bold(item.actor_name)}: {said}\n{italic(item.article_title)}")
    if more:
        rest = ngettext(
            "And {count} more statement from them: /actor and a name shows what each said.",
            "And {count} more statements from them: /actor and a name shows what each said.",
            more,
        )
        lines.append(italic(rest.format(count=more)))
    return "\n\n".join(lines)


def _story_block(entry: StoryEntry, zone: ZoneInfo) -> str:
    """Headline (marked when it updates a story the reader has), who reported it and when (on
    the reader's clock), its summary (folded when long)."""
    when = shown_time(entry.when, zone)
    reported = reported_by(entry.sources)
    title = _("Update: {title}").format(title=entry.title) if entry.update else entry.title
    summary = fold_long(esc(" ".join(entry.sentences)))
    return f"{bold(title)}\n{italic(f'{reported} · {when}')}\n{summary}"


def _story_buttons(entry: StoryEntry) -> tuple[Button, ...]:
    buttons = [read_button(entry.newest)]
    if entry.story_id is not None and len(entry.sources) > 1:
        buttons.append(Button.calling(_("Timeline"), ShowStory(entry.story_id)))
    return tuple(buttons)


def render_digest(
    entries: list[StoryEntry],
    statements: Sequence[FollowedStatement] = (),
    *,
    zone: ZoneInfo,
    more_statements: int = 0,
    more: tuple[int, bool, MoreDigest] | None = None,
    continued: bool = False,
    images: bool = True,
) -> list[Message]:
    """One block per story (headline, sources, time, summary); split only between blocks. With
    `more`, how many more new articles there are and the button that shows the next ones; with
    `images`, the top story's picture above it all."""
    heading = []
    if entries:
        heading.append(_new_articles(sum(entry.new_articles for entry in entries), len(entries)))
    if statements:
        said = ngettext(
            "{count} new statement from people you follow",
            "{count} new statements from people you follow",
            len(statements),
        )
        heading.append(said.format(count=len(statements)))
    title = _("More of your digest") if continued else _("Your digest")
    blocks: list[tuple[str, tuple[Button, ...]]] = [
        (bold(f"{title}: {', '.join(heading)}" if heading else title), ())
    ]
    blocks += [(_story_block(entry, zone), _story_buttons(entry)) for entry in entries]
    if statements:
        blocks.append((_statement_block(statements, more_statements), ()))
    if more is not None:
        count, exact, button = more
        if exact:
            rest = ngettext(
                "And {count} more new article.", "And {count} more new articles.", count
            )
        else:
            rest = ngettext(
                "And up to {count} more new article.", "And up to {count} more new articles.", count
            )
        blocks.append((italic(rest.format(count=count)), (Button.calling(_("More"), button),)))
    elif continued:
        blocks.append((italic(_(ALL_OF_IT)), ()))
    messages = pack_messages(blocks)
    if images and entries and entries[0].newest.image_url:
        messages[0] = replace(messages[0], preview=entries[0].newest.image_url)
    return messages


def _new_articles(articles: int, stories: int) -> str:
    """ "5 new articles in 3 stories", or "3 new articles" when each is a story of its own."""
    if stories == articles:
        return ngettext("{count} new article", "{count} new articles", articles).format(
            count=articles
        )
    # Translators: completes "{count} new articles {in_stories}" (a case of its own in some
    # languages: "in 3 stories").
    within = ngettext("in {count} story", "in {count} stories", stories).format(count=stories)
    return ngettext(
        "{count} new article {in_stories}", "{count} new articles {in_stories}", articles
    ).format(count=articles, in_stories=within)


def _more(part: NewsPart) -> tuple[int, bool, MoreDigest] | None:
    """What is left of the digest after this part: the count (exact, or at most that many
    when topics have yet to tell), and the button that goes on."""
    if not part.more:
        return None
    return part.more, part.exact, MoreDigest(part.after, part.next_upto)


def read_button(article: Article) -> Button:
    """Open the article where it lives; articles without an address are read here instead."""
    label = _("Read: {title}").format(title=shorten(article.title, 40))
    if article.url:
        return Button(label, url=article.url)
    return Button.calling(label, ReadArticle(article.id))


def compose_digest(
    session: Session, subscription: Subscription, *, now: datetime, asked: bool = False
) -> int:
    """Queue this subscriber's digest (if anything is new) and move their schedule on; one the
    reader `asked` for comes even in their quiet hours.

    The outbox rows, the watermark and the next slot are written in one transaction, and the
    idempotency key names the subscription and the watermark it starts from, so composing the
    same digest twice can never queue it twice. It is written in the language spoken where it
    is composed: the scheduler speaks the chat's (bot/jobs.py), /digest the asker's.
    """
    rhythm = rhythm_of(subscription)
    if not asked and subscription.rhythm == RhythmKind.INSTANT and in_quiet_hours(now, rhythm):
        subscription.next_digest_at = quiet_hours_end(now, rhythm)  # not due again until then
        session.flush()
        return 0
    # The digest covers everything stored so far: its first part goes now, More reaches the
    # rest, so the watermark may pass all of it.
    upto = max(subscription.last_article_id, newest_article_id(session))
    part = news_part(
        session,
        subscription.chat_id,
        Filters.of(subscription),
        after=subscription.last_article_id,
        upto=upto,
    )
    statements, more_statements = take_new_statements(session, subscription)
    entries = story_entries(
        session,
        chat_id=subscription.chat_id,
        items=part.items,
        sentences=LENGTHS[subscription.summary_length],
    )
    queued = 0
    if entries or statements or part.more:
        messages = render_digest(
            entries,
            statements,
            zone=zone_or_utc(subscription.timezone),
            more_statements=more_statements,
            more=_more(part),
            images=shows_images(session, subscription.chat_id),
        )
        newest_statement = statements[-1].statement_id if statements else 0
        base_key = f"{subscription.id}:{subscription.last_article_id}:{newest_statement}"
        queued = enqueue(
            session,
            MessageKind.DIGEST,
            (
                Outgoing(
                    subscription.chat_id,
                    message,
                    key=f"{base_key}:{index}",
                    message_thread_id=subscription.message_thread_id,
                )
                for index, message in enumerate(messages)
            ),
            now=now,
        )
    subscription.last_article_id = upto
    subscription.next_digest_at = next_digest_at(rhythm, after=now)
    session.flush()
    return queued


def more_of_digest(
    session: Session, chat_id: int, pressed: MoreDigest, *, default_zone: str
) -> list[Message]:
    """The next part of a digest, for whichever chat pressed its More button: chosen again
    from what that chat may read, keeps and wants, so a button copied from another chat's
    digest shows nothing of that chat's own. Empty when nothing is left."""
    subscription = get_subscription(session, chat_id)
    part = news_part(
        session, chat_id, Filters.of(subscription), after=pressed.after, upto=pressed.upto
    )
    length = subscription.summary_length if subscription else DEFAULT_LENGTH
    entries = story_entries(session, chat_id=chat_id, items=part.items, sentences=LENGTHS[length])
    if not entries and not part.more:
        return []
    zone = chat_zone(session, chat_id, default=default_zone)
    images = shows_images(session, chat_id)
    return render_digest(entries, zone=zone, more=_more(part), continued=True, images=images)
