"""Which handler answers which command or button: one table shared by Telegram and the console."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from bot.conversation import Answer, Asker
from bot.handlers import actors, admin, digest, feeds, reading, sources, stories, subscribing
from digests.config import Settings
from digests.delivery import callbacks
from digests.delivery.message import Message, bold, esc, shorten
from digests.errors import DigestsError, echo
from digests.i18n import N_, _, speaking
from digests.runtime import Runtime
from digests.subscriptions.languages import reply_language

CommandHandler = Callable[[Runtime, Asker, str], list[Message]]
ButtonHandler = Callable[[Runtime, Asker, Any], Answer]  # gets the decoded button it routes

REFUSAL = N_("Sorry, only the bot's administrators can do that.")
OUT_OF_DATE = N_("That button no longer works. Send /help.")
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


Params = ParamSpec("Params")
Result = TypeVar("Result")


def language_of(runtime: Runtime, asker: Asker) -> str:
    with runtime.session() as session:
        return reply_language(session, asker.chat.id, asker.language_code)


@contextlib.contextmanager
def readers_language(runtime: Runtime, asker: Asker) -> Iterator[None]:
    """Everything said inside is in the asking chat's language."""
    with speaking(language_of(runtime, asker)):
        yield


def in_readers_language(answer: Callable[Params, Result]) -> Callable[Params, Result]:
    """For the router's entry points, which all take (runtime, asker, …)."""

    @functools.wraps(answer)
    def answered(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        runtime, asker = args[0], args[1]
        assert isinstance(runtime, Runtime) and isinstance(asker, Asker)
        with readers_language(runtime, asker):
            return answer(*args, **kwargs)

    return answered


def visible_commands(settings: Settings, *, admin: bool) -> list[Command]:
    return [command for command in COMMANDS if admin or command.open_to_all(settings)]


def help_command(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    lines = [bold(_("What I can do"))]
    admin = runtime.is_admin(asker.user_id)
    lines += [
        f"/{c.name}{(' ' + esc(_(c.usage))) if c.usage else ''} — {esc(_(c.description))}"
        for c in visible_commands(runtime.settings, admin=admin)
    ]
    return [Message(html="\n".join(lines))]


COMMANDS: tuple[Command, ...] = (
    Command("start", N_("Welcome and what this bot does"), reading.start),
    Command("help", N_("All commands"), help_command),
    Command("latest", N_("The newest stories"), reading.latest),
    Command(
        "story", N_("A story's timeline, summary and who said what"), stories.story, N_("<number>")
    ),
    Command(
        "summary",
        N_("Summary of a story or a link"),
        feeds.summary,
        N_("<number, title or link>"),
    ),
    Command("actor", N_("What a person said, across articles"), actors.actor, N_("<name>")),
    Command("actors", N_("The most mentioned people"), actors.actors_list),
    Command("subscribe", N_("Get digests of new articles"), subscribing.subscribe_command),
    Command("unsubscribe", N_("Stop digests"), subscribing.unsubscribe_command),
    Command(
        "settings",
        N_("Rhythm, time, weekday, time zone, summary length, topics, quiet hours"),
        subscribing.settings_command,
        N_("[setting value]"),
    ),
    Command(
        "digest",
        N_("Your digest now: what is new since the last one"),
        subscribing.digest_command,
    ),
    Command("sources", N_("Choose the sources of your digests"), sources.sources_command),
    Command(
        "breaking",
        N_("Send a breaking update to all subscribers"),
        admin.breaking,
        N_("<text>"),
        True,
    ),
    Command("stats", N_("Subscribers, queue and delivery figures"), admin.stats, admin_only=True),
    Command(
        "addfeed", N_("Poll a feed (or a site's feed)"), feeds.addfeed, N_("<address>"), True, True
    ),
    Command(
        "removefeed",
        N_("Stop polling a feed"),
        feeds.removefeed,
        N_("<number or address>"),
        True,
        True,
    ),
    Command("feeds", N_("The feeds polled and their health"), feeds.feeds_list, "", True, True),
    Command("importopml", N_("Add the feeds of an OPML file"), feeds.importopml, "", True, True),
    Command("exportopml", N_("The polled feeds as an OPML file"), feeds.exportopml, "", True, True),
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
    callbacks.ActorTimeline: ButtonRoute(actors.on_timeline_button),
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
    return _say(
        _("I don't know /{command}. Send /help to see what I can do.").format(command=echo(name))
    )


@in_readers_language
def unknown(runtime: Runtime, asker: Asker, name: str) -> list[Message]:
    """The answer to a command the bot does not have, in the chat's language."""
    return unknown_command(name)


@in_readers_language
def say(runtime: Runtime, asker: Asker, sentence: str) -> list[Message]:
    """A constant sentence (marked with N_) in the asking chat's language, for what transports
    answer outside any command: a file nobody asked for, a second link meanwhile."""
    return _say(_(sentence))


def _may(runtime: Runtime, asker: Asker, admin_only: bool) -> bool:
    """Checked on every request: admins can be removed any time."""
    return not admin_only or runtime.is_admin(asker.user_id)


def _answered(handle: Callable[[], list[Message]]) -> list[Message]:
    """A use case's refusal, as every command shows one: its sentence, as a message."""
    try:
        return handle()
    except DigestsError as error:
        return _say(error.user_message)


@in_readers_language
def refusal(runtime: Runtime, asker: Asker, name: str) -> list[Message] | None:
    """The refusal a stranger gets for an admin command; None for whoever may use it.

    Transports ask before work done outside the router, such as downloading an uploaded file.
    """
    return _refusal(runtime, asker, name)


def _refusal(runtime: Runtime, asker: Asker, name: str) -> list[Message] | None:
    command = COMMANDS_BY_NAME[name]
    admin_only = not command.open_to_all(runtime.settings)
    return None if _may(runtime, asker, admin_only) else _say(_(REFUSAL))


@in_readers_language
def run_command(runtime: Runtime, asker: Asker, name: str, args: str) -> list[Message]:
    """Answer a command by name (case-insensitive, any @botname suffix already removed)."""
    command = COMMANDS_BY_NAME.get(name.lower())
    if command is None:
        return unknown_command(name)
    return _refusal(runtime, asker, command.name) or _answered(
        lambda: command.handler(runtime, asker, args)
    )


@in_readers_language
def import_opml(runtime: Runtime, asker: Asker, data: bytes) -> list[Message]:
    """An uploaded OPML file, under the same rule as /importopml."""
    return _refusal(runtime, asker, "importopml") or _answered(
        lambda: feeds.import_opml_file(runtime, asker, data)
    )


@in_readers_language
def export_opml(runtime: Runtime, asker: Asker, args: str = "") -> feeds.Document | list[Message]:
    """The OPML export as a file, under the same rule as /exportopml."""
    return _refusal(runtime, asker, "exportopml") or _answered_document(runtime, asker, args)


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
    with speaking(await asyncio.to_thread(language_of, runtime, asker)):
        try:
            return await feeds.summarize_post(runtime, asker, text, links)
        except DigestsError as error:
            return _say(error.user_message)


@in_readers_language
def press_button(runtime: Runtime, asker: Asker, data: str) -> Answer:
    """Answer a button press from its callback data, forged or out of date ones included."""
    pressed = callbacks.decode(data)
    if pressed is None:
        return Answer(notice=_(OUT_OF_DATE))
    route = BUTTONS[type(pressed)]
    if not _may(runtime, asker, route.admin_only):
        return Answer(notice=_(REFUSAL), alert=True)
    try:
        return route.handler(runtime, asker, pressed)
    except DigestsError as error:
        return Answer(notice=shorten(error.user_message, NOTICE_LIMIT), alert=True)
