"""Inline mode: `@bot words` in any chat lists matching articles; the one chosen is posted there."""

from __future__ import annotations

import asyncio

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.render import NO_PREVIEW
from digests.i18n import negotiate, speaking
from digests.metrics import UPDATES_HANDLED
from digests.reading.sharing import SharePage, share_page
from digests.runtime import Runtime
from digests.store.ids import parse_number

# Telegram caches an answer for a while: per person, as each is in its reader's language (the
# articles are everyone's; the words around them are not).
CACHE_SECONDS = 60
MAX_OFFSET = 999_999


def _offset(raw: str) -> int:
    """The page a scrolling client asks for; anything but a small number is the first page."""
    return parse_number(raw, maximum=MAX_OFFSET) or 0


def _results(page: SharePage) -> list[InlineQueryResultArticle]:
    return [
        InlineQueryResultArticle(
            id=str(shared.article_id),
            title=shared.title,
            description=shared.description,
            input_message_content=InputTextMessageContent(
                shared.message.html,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
            ),
        )
        for shared in page.articles
    ]


def inline_callback(runtime: Runtime):
    async def on_inline_query(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query
        assert query is not None  # registered as an InlineQueryHandler
        UPDATES_HANDLED.labels(kind="inline").inc()

        def find() -> SharePage:
            """In the language of whoever shares (an inline query comes from no chat)."""
            with speaking(negotiate(query.from_user.language_code)), runtime.session() as session:
                return share_page(session, query.query, offset=_offset(query.offset))

        page = await asyncio.to_thread(find)
        await query.answer(
            _results(page),
            cache_time=CACHE_SECONDS,
            is_personal=True,
            next_offset=str(page.next_offset) if page.next_offset is not None else "",
        )

    return on_inline_query
