"""python-telegram-bot wiring: handlers, command list, scheduler job and error handler."""

from __future__ import annotations

import asyncio
import logging

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import router
from bot.conversation import Asker
from bot.jobs import Ticker
from bot.render import fit, send_kwargs
from bot.sender import TelegramSender
from digests.markup import Message
from digests.metrics import UPDATES_HANDLED
from digests.runtime import Runtime
from digests.subscriptions import ChatInfo

log = logging.getLogger(__name__)

# Commands count in new messages and channel posts, never in edits of old ones.
COMMAND_UPDATES = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
SOMETHING_WENT_WRONG = "Sorry, something went wrong on my side. Please try again in a moment."
MANAGERS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


async def asker_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Asker:
    """Who is asking; in groups, whether they may change the chat's subscription."""
    chat, user = update.effective_chat, update.effective_user
    info = ChatInfo(id=chat.id, kind=chat.type, title=chat.title or chat.username)
    can_manage = chat.type in (ChatType.PRIVATE, ChatType.CHANNEL)
    if not can_manage and user is not None:
        member = await context.bot.get_chat_member(chat.id, user.id)
        can_manage = member.status in MANAGERS
    pressed_on = update.callback_query.message if update.callback_query else None
    return Asker(
        user_id=user.id if user else None,
        chat=info,
        can_manage_chat=can_manage,
        message_id=pressed_on.message_id if pressed_on else None,
    )


async def send_all(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, messages: list[Message]
) -> None:
    for message in messages:
        for part in fit(message):
            await context.bot.send_message(chat_id, **send_kwargs(part))


def command_callback(runtime: Runtime, name: str):
    async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        UPDATES_HANDLED.labels(kind="command").inc()
        asker = await asker_of(update, context)
        args = " ".join(context.args or [])
        messages = await asyncio.to_thread(router.run_command, runtime, asker, name, args)
        await send_all(context, asker.chat.id, messages)

    return on_command


def unknown_command_callback():
    async def on_unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        word = (update.effective_message.text or "").split()[0].lstrip("/").split("@")[0]
        await send_all(context, update.effective_chat.id, router.unknown_command(word))

    return on_unknown


def button_callback(runtime: Runtime):
    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        UPDATES_HANDLED.labels(kind="button").inc()
        query = update.callback_query
        asker = await asker_of(update, context)
        answer = await asyncio.to_thread(router.press_button, runtime, asker, query.data or "")
        await query.answer(text=answer.notice, show_alert=answer.alert)
        if answer.edit is not None:
            try:
                await query.edit_message_text(**send_kwargs(fit(answer.edit)[-1]))
            except BadRequest as error:
                if "not modified" not in error.message.lower():
                    raise
        await send_all(context, asker.chat.id, answer.send)

    return on_button


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure; tell the user something went wrong, never what (no internals leak)."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, SOMETHING_WENT_WRONG)
        except Exception:
            log.warning("could not tell the user about the error")


async def register_commands(application: Application, admin_ids: list[int]) -> None:
    """Everyone sees the reader commands; each admin's private chat also lists admin commands."""
    await application.bot.set_my_commands(
        [BotCommand(c.name, c.description) for c in router.visible_commands(admin=False)]
    )
    admin_commands = [
        BotCommand(c.name, c.description) for c in router.visible_commands(admin=True)
    ]
    for admin_id in admin_ids:
        try:
            await application.bot.set_my_commands(
                admin_commands, scope=BotCommandScopeChat(admin_id)
            )
        except TelegramError as error:  # an admin who never opened the bot has no chat yet
            log.warning("could not list admin commands for an admin: %s", error.message)


def build_application(runtime: Runtime) -> Application:
    settings = runtime.settings

    async def post_init(application: Application) -> None:
        await register_commands(application, settings.admin_user_ids)
        ticker = Ticker(runtime, TelegramSender(application.bot))
        application.bot_data["ticker"] = ticker

        async def tick(_context: ContextTypes.DEFAULT_TYPE) -> None:
            await ticker.tick()

        application.job_queue.run_repeating(
            tick,
            interval=settings.scheduler_tick_seconds,
            first=1,
            name="tick",
        )

    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.telegram_api_base_url)
        .post_init(post_init)
        .build()
    )
    for command in router.COMMANDS:
        application.add_handler(
            CommandHandler(
                command.name, command_callback(runtime, command.name), filters=COMMAND_UPDATES
            )
        )
    application.add_handler(
        MessageHandler(filters.COMMAND & COMMAND_UPDATES, unknown_command_callback())
    )
    application.add_handler(CallbackQueryHandler(button_callback(runtime)))
    application.add_error_handler(on_error)
    return application
