"""Which handler answers which command or button: one table shared by Telegram and the console."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.conversation import Answer, Asker
from bot.handlers import actors, admin, digest, feeds, reading, sources, stories, subscribing
from digests.config import Settings
from digests.delivery import callbacks
from digests.delivery.message import Message, bold, esc, shorten
from digests.errors import DigestsError, echo
from digests.runtime import Runtime

CommandHandler = Callable[[Runtime, Asker, str], list[Message]]
ButtonHandler = Callable[[Runtime, Asker, Any], Answer]  # gets the decoded button it routes

REFUSAL = "Sorry, only the bot's administrators can do that."
OUT_OF_DATE = "That button no longer works. Send /help."
NOTICE_LIMIT = 200  # characters Telegram shows in a button's notice


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    description: str  # shown in /help and registered with setMyCommands
    handler: CommandHandler
    usage: str = ""
    admin_only: bool = False  # listed to admins only, and refused to anyone else
    user_feed: bool = False  # a feed command: everyone's with USER_FEEDS, for their own feeds

    def open_to_all(self, settings: Settings) -> bool:
        return not self.admin_only or (self.user_feed and settings.user_feeds)


@dataclass(frozen=True, slots=True)
class ButtonRoute:
    handler: ButtonHandler
    admin_only: bool = False  # refused to anyone but an admin, whoever saw the button


def visible_commands(settings: Settings, *, admin: bool) -> list[Command]:
    return [command for command in COMMANDS if admin or command.open_to_all(settings)]


def help_command(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    lines = [bold("What I can do")]
    admin = runtime.is_admin(asker.user_id)
    lines += [
        f"/{c.name}{(' ' + esc(c.usage)) if c.usage else ''} — {esc(c.description)}"
        for c in visible_commands(runtime.settings, admin=admin)
    ]
    return [Message(html="\n".join(lines))]


COMMANDS: tuple[Command, ...] = (
    Command("start", "Welcome and what this bot does", reading.start),
    Command("help", "All commands", help_command),
    Command("latest", "The newest stories", reading.latest),
    Command("story", "A story's timeline, summary and who said what", stories.story, "<number>"),
    Command("summary", "Summary of a story or a link", feeds.summary, "<number, title or link>"),
    Command("actor", "What a person said, across articles", actors.actor, "<name>"),
    Command("actors", "The most mentioned people", actors.actors_list),
    Command("subscribe", "Get digests of new articles", subscribing.subscribe_command),
    Command("unsubscribe", "Stop digests", subscribing.unsubscribe_command),
    Command(
        "settings",
        "Rhythm, time, weekday, time zone, summary length, topics, quiet hours",
        subscribing.settings_command,
        "[setting value]",
    ),
    Command(
        "digest", "Your digest now: what is new since the last one", subscribing.digest_command
    ),
    Command("sources", "Choose the sources of your digests", sources.sources_command),
    Command(
        "breaking", "Send a breaking update to all subscribers", admin.breaking, "<text>", True
    ),
    Command("stats", "Subscribers, queue and delivery figures", admin.stats, admin_only=True),
    Command("addfeed", "Poll a feed (or a site's feed)", feeds.addfeed, "<address>", True, True),
    Command(
        "removefeed", "Stop polling a feed", feeds.removefeed, "<number or address>", True, True
    ),
    Command("feeds", "The feeds polled and their health", feeds.feeds_list, "", True, True),
    Command("importopml", "Add the feeds of an OPML file", feeds.importopml, "", True, True),
    Command("exportopml", "The polled feeds as an OPML file", feeds.exportopml, "", True, True),
)
COMMANDS_BY_NAME = {command.name: command for command in COMMANDS}

# Button kinds anyone may press, and the ones only admins may.
BUTTONS: dict[type, ButtonRoute] = {
    callbacks.ShowSummary: ButtonRoute(reading.on_summary_button),
    callbacks.StorySummary: ButtonRoute(reading.on_story_summary_button),
    callbacks.LatestPage: ButtonRoute(reading.on_latest_button),
    callbacks.ReadArticle: ButtonRoute(reading.on_read_button),
    callbacks.ShowStory: ButtonRoute(stories.on_story_button),
    callbacks.MoreDigest: ButtonRoute(digest.on_more_button),
    callbacks.ActorProfile: ButtonRoute(actors.on_actor_button),
    callbacks.FollowActor: ButtonRoute(actors.on_follow_button),
    callbacks.ChangeSetting: ButtonRoute(subscribing.on_settings_button),
    callbacks.UnfollowFromSettings: ButtonRoute(subscribing.on_unfollow_button),
    callbacks.Subscribe: ButtonRoute(subscribing.on_subscribe_button),
    callbacks.SendDigestNow: ButtonRoute(subscribing.on_digest_now_button),
    callbacks.SourcesPage: ButtonRoute(sources.on_sources_page),
    callbacks.ToggleSource: ButtonRoute(sources.on_toggle_source),
    callbacks.BreakingAction: ButtonRoute(admin.on_breaking_button, admin_only=True),
}


def _say(text: str) -> list[Message]:
    return [Message(html=esc(text))]


def unknown_command(name: str) -> list[Message]:
    return _say(f"I don't know /{echo(name)}. Send /help to see what I can do.")


def _may(runtime: Runtime, asker: Asker, admin_only: bool) -> bool:
    """Checked on every request: admins can be removed any time."""
    return not admin_only or runtime.is_admin(asker.user_id)


def _answered(handle: Callable[[], list[Message]]) -> list[Message]:
    """A use case's refusal, as every command shows one: its sentence, as a message."""
    try:
        return handle()
    except DigestsError as error:
        return _say(error.user_message)


def refusal(runtime: Runtime, asker: Asker, name: str) -> list[Message] | None:
    """The refusal a stranger gets for an admin command; None for whoever may use it.

    Transports ask before work done outside the router, such as downloading an uploaded file.
    """
    command = COMMANDS_BY_NAME[name]
    admin_only = not command.open_to_all(runtime.settings)
    return None if _may(runtime, asker, admin_only) else _say(REFUSAL)


def run_command(runtime: Runtime, asker: Asker, name: str, args: str) -> list[Message]:
    """Answer a command by name (case-insensitive, any @botname suffix already removed)."""
    command = COMMANDS_BY_NAME.get(name.lower())
    if command is None:
        return unknown_command(name)
    return refusal(runtime, asker, command.name) or _answered(
        lambda: command.handler(runtime, asker, args)
    )


def import_opml(runtime: Runtime, asker: Asker, data: bytes) -> list[Message]:
    """An uploaded OPML file, under the same rule as /importopml."""
    return refusal(runtime, asker, "importopml") or _answered(
        lambda: feeds.import_opml_file(runtime, asker, data)
    )


def export_opml(runtime: Runtime, asker: Asker, args: str = "") -> feeds.Document | list[Message]:
    """The OPML export as a file, under the same rule as /exportopml."""
    return refusal(runtime, asker, "exportopml") or _answered_document(runtime, asker, args)


def _answered_document(runtime: Runtime, asker: Asker, args: str) -> feeds.Document | list[Message]:
    try:
        return feeds.opml_document(runtime, asker, args)
    except DigestsError as error:
        return _say(error.user_message)


async def summarize_post(
    runtime: Runtime, asker: Asker, text: str, links: list[str]
) -> list[Message]:
    """A link, forwarded post or pasted text someone sent: its summary (awaited on the
    transport's loop, so a slow link holds no thread)."""
    try:
        return await feeds.summarize_post(runtime, asker, text, links)
    except DigestsError as error:
        return _say(error.user_message)


def press_button(runtime: Runtime, asker: Asker, data: str) -> Answer:
    """Answer a button press from its callback data, forged or out of date ones included."""
    pressed = callbacks.decode(data)
    if pressed is None:
        return Answer(notice=OUT_OF_DATE)
    route = BUTTONS[type(pressed)]
    if not _may(runtime, asker, route.admin_only):
        return Answer(notice=REFUSAL, alert=True)
    try:
        return route.handler(runtime, asker, pressed)
    except DigestsError as error:
        return Answer(notice=shorten(error.user_message, NOTICE_LIMIT), alert=True)
