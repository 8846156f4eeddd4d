"""Which handler answers which command or button: one table shared by Telegram and the console."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.conversation import Answer, Asker
from bot.handlers import actors, admin, feeds, reading, subscribing
from digests.delivery.message import Message, bold, esc
from digests.runtime import Runtime

CommandHandler = Callable[[Runtime, Asker, str], list[Message]]
ButtonHandler = Callable[[Runtime, Asker, str], Answer]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    description: str  # shown in /help and registered with setMyCommands
    handler: CommandHandler
    usage: str = ""
    admin_only: bool = False  # listed only to admins; the handler itself checks the sender


def visible_commands(*, admin: bool) -> list[Command]:
    return [command for command in COMMANDS if admin or not command.admin_only]


def help_command(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    lines = [bold("What I can do")]
    lines += [
        f"/{c.name}{(' ' + esc(c.usage)) if c.usage else ''} — {esc(c.description)}"
        for c in visible_commands(admin=runtime.is_admin(asker.user_id))
    ]
    return [Message(html="\n".join(lines))]


COMMANDS: tuple[Command, ...] = (
    Command("start", "Welcome and what this bot does", reading.start),
    Command("help", "All commands", help_command),
    Command("latest", "The newest articles", reading.latest),
    Command("summary", "Summary of an article or a link", feeds.summary, "<number, title or link>"),
    Command("actor", "What a person said, across articles", actors.actor, "<name>"),
    Command("actors", "The most mentioned people", actors.actors_list),
    Command("subscribe", "Get digests of new articles", subscribing.subscribe_command),
    Command("unsubscribe", "Stop digests", subscribing.unsubscribe_command),
    Command("settings", "Digest time, time zone, length, topics", subscribing.settings_command),
    Command(
        "breaking", "Send a breaking update to all subscribers", admin.breaking, "<text>", True
    ),
    Command("stats", "Subscribers, queue and delivery figures", admin.stats, admin_only=True),
    Command("addfeed", "Poll a feed (or a site's feed)", feeds.addfeed, "<address>", True),
    Command("removefeed", "Stop polling a feed", feeds.removefeed, "<number or address>", True),
    Command("feeds", "The feeds polled and their health", feeds.feeds_list, admin_only=True),
    Command("importopml", "Add the feeds of an OPML file", feeds.importopml, admin_only=True),
    Command("exportopml", "The polled feeds as an OPML file", feeds.exportopml, admin_only=True),
)
COMMANDS_BY_NAME = {command.name: command for command in COMMANDS}

BUTTONS: dict[str, ButtonHandler] = {
    "sum": reading.on_summary_button,
    "latest": reading.on_latest_button,
    "read": reading.on_read_button,
    "actor": actors.on_actor_button,
    "follow": actors.on_follow_button,
    "set": subscribing.on_settings_button,
    "sub": subscribing.on_subscribe_button,
    "brk": admin.on_breaking_button,
}


def unknown_command(name: str) -> list[Message]:
    return [Message(html=esc(f"I don't know /{name}. Send /help to see what I can do."))]


def run_command(runtime: Runtime, asker: Asker, name: str, args: str) -> list[Message]:
    """Answer a command by name (case-insensitive, any @botname suffix already removed)."""
    command = COMMANDS_BY_NAME.get(name.lower())
    if command is None:
        return unknown_command(name)
    return command.handler(runtime, asker, args)


def press_button(runtime: Runtime, asker: Asker, data: str) -> Answer:
    """Answer a button press from its callback data, `<prefix>:<payload>`."""
    prefix, _, payload = data.partition(":")
    handler = BUTTONS.get(prefix)
    if handler is None:
        return Answer(notice="That button no longer works. Send /help.")
    return handler(runtime, asker, payload)
