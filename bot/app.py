"""python-telegram-bot wiring: handlers, command list, scheduler job and error handler."""

from __future__ import annotations

import asyncio
import logging

from telegram import BotCommand, BotCommandScopeChat, MessageEntity, Update
from telegram import Message as TelegramMessage
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot import router
from bot.conversation import SOMETHING_WENT_WRONG, Asker
from bot.handlers import feeds as feed_handlers
from bot.http import AiohttpRequest
from bot.inline import inline_callback
from bot.jobs import Ticker
from bot.render import photo_kwargs, send_kwargs
from bot.sender import ReplyPacing, TelegramSender
from bot.updates import PerChatOrder
from digests.config import Settings
from digests.delivery.identity import claim_identity
from digests.delivery.message import CAPTION_LIMIT, Message, fit_message, shorten
from digests.delivery.pacing import Limits
from digests.delivery.shared_rate import pacer_for
from digests.i18n import ENGLISH, LANGUAGES, N_, _, negotiate, speaking
from digests.ingest.feeds import MAX_OPML_BYTES, OPML_TOO_LARGE
from digests.ingest.user_links import find_links
from digests.metrics import UPDATES_HANDLED
from digests.runtime import Runtime
from digests.subscriptions.subscribers import ChatInfo

log = logging.getLogger(__name__)

# Commands count in new messages and channel posts, never in edits of old ones.
COMMAND_UPDATES = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
DRAIN_SECONDS = 1.0  # how soon a queued message (breaking update, retry) starts going out
LEADERSHIP_CHECK_SECONDS = 5  # a dead scheduler leader is replaced within this (+ DB timeout)
MANAGERS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
LINK_ENTITIES: list[str | None] = [MessageEntity.URL, MessageEntity.TEXT_LINK]
SUMMARIES = "summaries"  # bot_data key: the summaries of links and texts under way
FILES_HINT = N_("I only read files sent for /importopml. Send me a link to get a summary.")


def topic_of(update: Update) -> int | None:
    """The forum topic an update came from: None for a chat without topics or a forum's
    general chat. A reply elsewhere carries a message_thread_id too (its reply chain's), which
    is no topic to send to: only is_topic_message says so, as PTB's own reply_text reads it."""
    message = update.effective_message  # a pressed button's message has the button's topic
    return message.message_thread_id if message is not None and message.is_topic_message else None


def replied_to(message: TelegramMessage) -> TelegramMessage | None:
    """The message this one answers. In a forum topic every message without a reply of its own
    comes as a reply to the topic's first, the service message that opened it: no reply."""
    replied = message.reply_to_message
    return None if replied is None or replied.forum_topic_created is not None else replied


async def asker_of(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *, may_manage: bool = True
) -> Asker:
    """Who is asking; in groups, whether they may change the chat's subscription (asked of
    Telegram unless `may_manage` is False: an answer that changes nothing needs no one's rank)."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None  # every update routed here comes from a chat
    info = ChatInfo(
        id=chat.id, kind=chat.type, title=chat.title or chat.username, forum=bool(chat.is_forum)
    )
    can_manage = chat.type in (ChatType.PRIVATE, ChatType.CHANNEL)
    if not can_manage and user is not None and may_manage:
        member = await context.bot.get_chat_member(chat.id, user.id)
        can_manage = member.status in MANAGERS
    pressed_on = update.callback_query.message if update.callback_query else None
    return Asker(
        user_id=user.id if user else None,
        chat=info,
        can_manage_chat=can_manage,
        message_id=pressed_on.message_id if pressed_on else None,
        message_thread_id=topic_of(update),
        language_code=user.language_code if user else None,
    )


async def send_all(
    update: Update, context: ContextTypes.DEFAULT_TYPE, messages: list[Message]
) -> None:
    """Answers go where the update came from: its chat and, in a forum, its topic."""
    chat = update.effective_chat
    assert chat is not None  # every update answered comes from a chat
    for message in messages:
        for part in fit_message(message):
            if part.photo is None:
                await context.bot.send_message(
                    chat.id, message_thread_id=topic_of(update), **send_kwargs(part)
                )
            else:
                await context.bot.send_photo(
                    chat.id, message_thread_id=topic_of(update), **photo_kwargs(part)
                )


def command_callback(runtime: Runtime, name: str):
    async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        UPDATES_HANDLED.labels(kind="command").inc()
        asker = await asker_of(update, context)
        args = " ".join(context.args or [])
        messages = await asyncio.to_thread(router.run_command, runtime, asker, name, args)
        await send_all(update, context, messages)

    return on_command


def unknown_command_callback(runtime: Runtime):
    async def on_unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None  # the filter matched a command message
        word = (message.text or "").split()[0].lstrip("/").split("@")[0]
        asker = await asker_of(update, context, may_manage=False)
        answer = await asyncio.to_thread(router.unknown, runtime, asker, word)
        await send_all(update, context, answer)

    return on_unknown


def button_callback(runtime: Runtime):
    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        UPDATES_HANDLED.labels(kind="button").inc()
        query = update.callback_query
        assert query is not None  # registered as a CallbackQueryHandler
        asker = await asker_of(update, context)
        answer = await asyncio.to_thread(router.press_button, runtime, asker, query.data or "")
        await query.answer(text=answer.notice, show_alert=answer.alert)
        if answer.edit is not None:
            try:
                await query.edit_message_text(**send_kwargs(fit_message(answer.edit)[-1]))
            except BadRequest as error:
                if "not modified" not in error.message.lower():
                    raise
        await send_all(update, context, answer.send)

    return on_button


def post_content(message: TelegramMessage) -> tuple[str, list[str]]:
    """A message's text (or caption) and its links, those hidden behind words included."""
    text = message.text or message.caption or ""
    marked = {
        **message.parse_entities(LINK_ENTITIES),
        **message.parse_caption_entities(LINK_ENTITIES),
    }
    links = [entity.url or _with_scheme(value) for entity, value in marked.items()]
    return text, list(dict.fromkeys([*links, *find_links(text)]))


def _with_scheme(link: str) -> str:
    """Telegram marks "example.com/story" as a link too."""
    return link if "://" in link else f"https://{link}"


async def summarize_in_background(
    runtime: Runtime,
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    links: list[str],
) -> None:
    """Summaries of links and texts run as tasks of their own: the chat's next message (and
    every other chat) is answered meanwhile. One at a time per user; a second one meanwhile
    gets a polite "still working" instead of a place in the queue."""
    asker = await asker_of(update, context)
    claim = runtime.heavy.try_claim(asker.user_id or asker.chat.id)
    if claim is None:
        still = await asyncio.to_thread(router.say, runtime, asker, feed_handlers.STILL_WORKING)
        await send_all(update, context, still)
        return

    async def summarize() -> None:
        with claim:
            messages = await router.summarize_post(runtime, asker, text, links)
        await send_all(update, context, messages)

    task = context.application.create_task(summarize(), update=update, name="summary of a post")
    running = context.application.bot_data.setdefault(SUMMARIES, set())
    running.add(task)
    task.add_done_callback(running.discard)


def cancel_summaries(application: Application) -> None:
    """At shutdown: summaries still under way are dropped (the user may send the link again),
    so a hanging server or a huge page does not hold the stop."""
    for task in application.bot_data.get(SUMMARIES, ()):
        task.cancel()


async def summarize_message(
    runtime: Runtime, update: Update, context: ContextTypes.DEFAULT_TYPE, post: TelegramMessage
) -> None:
    text, links = post_content(post)
    await summarize_in_background(runtime, update, context, text, links)


def summary_callback(runtime: Runtime):
    """/summary <link> summarizes the page; sent as a reply, the message it replies to."""
    by_arguments = command_callback(runtime, "summary")

    async def on_summary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None  # a command message
        replied = replied_to(update.effective_message)
        links = find_links(" ".join(context.args or []))
        if links:
            await summarize_in_background(runtime, update, context, "", links)
        elif context.args or replied is None:
            await by_arguments(update, context)
        else:
            await summarize_message(runtime, update, context, replied)

    return on_summary


def shared_post_callback(runtime: Runtime):
    """Links, forwarded posts and pasted texts sent privately get a summary."""

    async def on_post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None  # the filters matched a message
        await summarize_message(runtime, update, context, update.effective_message)

    return on_post


def export_callback(runtime: Runtime):
    """/exportopml answers with a file in Telegram."""

    async def on_export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        asker = await asker_of(update, context)
        args = " ".join(context.args or [])
        document = await asyncio.to_thread(router.export_opml, runtime, asker, args)
        if isinstance(document, list):
            await send_all(update, context, document)
            return
        await context.bot.send_document(
            asker.chat.id,
            document.data,
            filename=document.name,
            caption=shorten(document.caption, CAPTION_LIMIT),
            message_thread_id=topic_of(update),
        )

    return on_export


def wants_import(message: TelegramMessage, bot_id: int) -> bool:
    """A file captioned /importopml, or sent in reply to the bot's /importopml prompt."""
    words = (message.caption or "").split()
    if words and words[0].split("@")[0].lower() == "/importopml":
        return True
    replied = replied_to(message)
    return (
        replied is not None
        and replied.from_user is not None
        and replied.from_user.id == bot_id
        and feed_handlers.is_import_prompt(replied.text)
    )


def document_callback(runtime: Runtime):
    async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.document is not None  # filters.Document
        if not wants_import(message, context.bot.id):
            if message.chat.type == ChatType.PRIVATE:
                asker = await asker_of(update, context, may_manage=False)
                hint = await asyncio.to_thread(router.say, runtime, asker, FILES_HINT)
                await send_all(update, context, hint)
            return
        asker = await asker_of(update, context)
        messages = await asyncio.to_thread(router.refusal, runtime, asker, "importopml")
        if messages is None and (message.document.file_size or 0) > MAX_OPML_BYTES:
            messages = await asyncio.to_thread(router.say, runtime, asker, OPML_TOO_LARGE)
        if messages is None:
            file = await message.document.get_file()
            data = bytes(await file.download_as_bytearray())
            messages = await asyncio.to_thread(router.import_opml, runtime, asker, data)
        await send_all(update, context, messages)

    return on_document


def file_base_url(api_base_url: str) -> str:
    """Files are served beside the Bot API: https://api.telegram.org/bot → …/file/bot."""
    return f"{api_base_url.removesuffix('/bot')}/file/bot"


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure; tell the user something went wrong, never what (no internals leak)."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        user = update.effective_user
        with speaking(negotiate(user.language_code if user else None)):
            sorry = _(SOMETHING_WENT_WRONG)
        try:
            await context.bot.send_message(
                update.effective_chat.id, sorry, message_thread_id=topic_of(update)
            )
        except Exception:
            log.warning("could not tell the user about the error")


def command_list(settings: Settings, *, admin: bool) -> list[BotCommand]:
    """The command menu in the current language."""
    return [
        BotCommand(c.name, _(c.description)) for c in router.visible_commands(settings, admin=admin)
    ]


async def register_commands(application: Application, settings: Settings) -> None:
    """Everyone sees the reader commands, in their Telegram's language (English for the rest);
    each admin's private chat also lists admin commands."""
    bot = application.bot
    for language in LANGUAGES:
        code = None if language == ENGLISH else language  # English: every other language too
        with speaking(language):
            await bot.set_my_commands(command_list(settings, admin=False), language_code=code)
            admin_commands = command_list(settings, admin=True)
        for admin_id in settings.admin_user_ids:
            try:
                await bot.set_my_commands(
                    admin_commands, scope=BotCommandScopeChat(admin_id), language_code=code
                )
            except TelegramError as error:  # an admin who never opened the bot has no chat yet
                log.warning("could not list admin commands for an admin: %s", error.message)


def build_application(runtime: Runtime) -> Application:
    settings = runtime.settings
    # One pacer for everything the bot sends: replies take urgent turns, the outbox the rest.
    paid = settings.allow_paid_broadcast
    limits = Limits.for_broadcast(paid=paid)
    pacer = pacer_for(runtime.engine, limits)
    identity = claim_identity(settings.database_url)

    async def post_init(application: Application) -> None:
        await register_commands(application, settings)
        sender = TelegramSender(application.bot, paid_broadcast=paid)
        ticker = Ticker(runtime, sender, pacer, owner=identity.name)
        application.bot_data["ticker"] = ticker

        async def tick(_context: ContextTypes.DEFAULT_TYPE) -> None:
            await ticker.tick()

        async def keep_leadership(_context: ContextTypes.DEFAULT_TYPE) -> None:
            await ticker.is_leader()

        async def drain(_context: ContextTypes.DEFAULT_TYPE) -> None:
            await ticker.drain()

        jobs = application.job_queue
        assert jobs is not None  # installed with the job-queue extra
        jobs.run_repeating(
            keep_leadership, interval=LEADERSHIP_CHECK_SECONDS, first=0, name="leadership"
        )
        jobs.run_repeating(
            tick,
            interval=settings.scheduler_tick_seconds,
            first=1,
            name="tick",
        )
        jobs.run_repeating(drain, interval=DRAIN_SECONDS, first=DRAIN_SECONDS, name="drain")

    application = (
        ApplicationBuilder()
        .token(settings.token or "")
        .base_url(settings.telegram_api_base_url)
        .base_file_url(file_base_url(settings.telegram_api_base_url))
        .post_init(post_init)
        .request(AiohttpRequest(connections=limits.in_flight))
        .rate_limiter(ReplyPacing(pacer))
        .concurrent_updates(PerChatOrder())
        .build()
    )
    special = {"summary": summary_callback(runtime), "exportopml": export_callback(runtime)}
    for command in router.COMMANDS:
        callback = special.get(command.name) or command_callback(runtime, command.name)
        application.add_handler(CommandHandler(command.name, callback, filters=COMMAND_UPDATES))
    application.add_handler(
        MessageHandler(filters.COMMAND & COMMAND_UPDATES, unknown_command_callback(runtime))
    )
    application.add_handler(CallbackQueryHandler(button_callback(runtime)))
    application.add_handler(InlineQueryHandler(inline_callback(runtime)))
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(
        MessageHandler(new_messages & filters.Document.ALL, document_callback(runtime))
    )
    application.add_handler(
        MessageHandler(
            new_messages & filters.ChatType.PRIVATE & (filters.TEXT | filters.CAPTION),
            shared_post_callback(runtime),
        )
    )
    application.add_error_handler(on_error)
    return application
