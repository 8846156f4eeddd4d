"""/subscribe, /unsubscribe and /settings: digest subscriptions, edited in place."""

from __future__ import annotations

from collections.abc import Sequence

from bot.conversation import Answer, Asker
from bot.handlers.sources import open_button
from digests.delivery.callbacks import ChangeSetting, Subscribe, UnfollowFromSettings
from digests.delivery.message import Button, Message, bold, esc, italic
from digests.errors import echo
from digests.runtime import Runtime
from digests.store.enums import RhythmKind
from digests.store.tables import Subscription
from digests.subscriptions.follows import followed_actors, unfollow
from digests.subscriptions.schedule import WEEKDAYS
from digests.subscriptions.subscribers import (
    SettingError,
    change_setting,
    get_subscription,
    subscribe,
    unsubscribe,
)
from digests.text.summarize import LENGTHS

COMMON_TIMES = ("07:00", "08:00", "12:00", "18:00", "21:00")
COMMON_ZONES = ("UTC", "Europe/London", "Europe/Berlin", "Europe/Kyiv", "America/New_York")
NOT_ALLOWED = "Only the chat's administrators can change its digest."
# `/settings <word> <value>` for values a keyboard cannot offer.
TYPED_SETTINGS = {
    "time": "digest_time",
    "timezone": "timezone",
    "tz": "timezone",
    "include": "include_keywords",
    "exclude": "exclude_keywords",
}
SETTINGS_HELP = (
    "Type a setting to change it:\n"
    "/settings time 07:30\n/settings timezone Europe/Berlin\n"
    "/settings include ceasefire, nato\n/settings exclude sports\n"
    "/settings quiet 22:00-07:00 (or: /settings quiet off)"
)


def describe(subscription: Subscription) -> str:
    if subscription.rhythm == RhythmKind.INSTANT:
        when = "as soon as new articles arrive"
    elif subscription.rhythm == RhythmKind.HOURLY:
        when = f"every hour at :{subscription.digest_time[3:]}"
    elif subscription.rhythm == RhythmKind.WEEKLY:
        when = f"every {WEEKDAYS[subscription.weekday]} at {subscription.digest_time}"
    else:
        when = f"every day at {subscription.digest_time}"
    return f"{when} ({subscription.timezone})"


def settings_message(
    subscription: Subscription, note: str | None = None, followed: Sequence[tuple[int, str]] = ()
) -> Message:
    """The settings card: current values, then one keyboard row per setting."""
    state = "on" if subscription.active else "paused (/subscribe resumes it)"
    lines = [
        bold("Digest settings"),
        f"Digest: {esc(state)}, {esc(describe(subscription))}",
        f"Summary length: {esc(subscription.summary_length)}",
        f"Only articles about: {esc(subscription.include_keywords or 'anything')}",
        f"Never articles about: {esc(subscription.exclude_keywords or 'nothing')}",
        "Quiet hours: "
        + esc(
            f"{subscription.quiet_start}–{subscription.quiet_end}"
            if subscription.quiet_start
            else "none"
        ),
    ]
    if subscription.rhythm == RhythmKind.WEEKLY:
        lines.append(f"Weekly on: {esc(WEEKDAYS[subscription.weekday])}")
    following = ", ".join(name for _, name in followed) or "nobody (use /actor NAME → Follow)"
    lines.append(f"Following: {esc(following)}")
    text = "\n".join(lines) + "\n\n" + italic(SETTINGS_HELP)
    if note:
        text = f"{esc(note)}\n\n{text}"

    def row(setting: str, values, current, label=lambda v: v) -> tuple[Button, ...]:
        return tuple(
            Button.calling(
                ("✓ " if str(v) == str(current) else "") + label(v), ChangeSetting(setting, str(v))
            )
            for v in values
        )

    rows = [
        row("rhythm", tuple(RhythmKind), subscription.rhythm, str.capitalize),
        row("summary_length", tuple(LENGTHS), subscription.summary_length, str.capitalize),
        row("digest_time", COMMON_TIMES, subscription.digest_time),
        row("timezone", COMMON_ZONES, subscription.timezone, lambda z: z.split("/")[-1]),
    ]
    if subscription.rhythm == RhythmKind.WEEKLY:
        rows.append(row("weekday", range(7), subscription.weekday, lambda d: WEEKDAYS[d][:3]))
    rows += [
        (Button.calling(f"Unfollow {name}", UnfollowFromSettings(actor_id)),)
        for actor_id, name in followed
    ]
    rows.append((open_button(),))
    return Message(html=text, buttons=tuple(rows))


def settings_card(session, subscription: Subscription, note: str | None = None) -> Message:
    return settings_message(subscription, note, followed_actors(session, subscription.id))


def do_subscribe(runtime: Runtime, asker: Asker) -> Message:
    if not asker.can_manage_chat:
        return Message(html=esc(NOT_ALLOWED))
    with runtime.session() as session:
        subscription, created = subscribe(
            session,
            asker.chat,
            now=runtime.clock(),
            timezone=runtime.settings.default_timezone,
            digest_time=runtime.settings.default_digest_time,
        )
        summary = describe(subscription)
    if created:
        text = f"Subscribed. You will get a digest {summary}. Change it with /settings."
    else:
        text = f"You are already subscribed: a digest {summary}. See /settings."
    return Message(html=esc(text))


def subscribe_command(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    return [do_subscribe(runtime, asker)]


def unsubscribe_command(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    if not asker.can_manage_chat:
        return [Message(html=esc(NOT_ALLOWED))]
    with runtime.session() as session:
        stopped = unsubscribe(session, asker.chat.id)
    text = (
        "Unsubscribed: no more digests. /subscribe brings them back."
        if stopped
        else ("You are not subscribed. /subscribe starts digests.")
    )
    return [Message(html=esc(text))]


def _typed_change(args: str) -> list[tuple[str, str]]:
    word, _, value = args.strip().partition(" ")
    word, value = word.lower(), value.strip()
    if word == "quiet":
        if value.lower() in ("off", "none", ""):
            return [("quiet_start", ""), ("quiet_end", "")]
        start, _, end = value.replace("–", "-").partition("-")
        if not end:
            raise SettingError("Give quiet hours as HH:MM-HH:MM, e.g. 22:00-07:00.")
        return [("quiet_start", start), ("quiet_end", end)]
    if word in TYPED_SETTINGS:
        return [(TYPED_SETTINGS[word], value)]
    raise SettingError(f"I don't know the setting “{echo(word)}”.")


def settings_command(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    """/settings shows the card; /settings <name> <value> changes one value first."""
    with runtime.session() as session:
        subscription = get_subscription(session, asker.chat.id)
        if subscription is None:
            return [Message(html=esc("You are not subscribed yet: /subscribe starts digests."))]
        note = None
        if args.strip():
            if not asker.can_manage_chat:
                return [Message(html=esc(NOT_ALLOWED))]
            for name, value in _typed_change(args):
                subscription = change_setting(
                    session, asker.chat.id, name, value, now=runtime.clock()
                )
            note = "Saved."
        return [settings_card(session, subscription, note)]


def on_settings_button(runtime: Runtime, asker: Asker, pressed: ChangeSetting) -> Answer:
    """Change one setting and redraw the card in place."""
    if not asker.can_manage_chat:
        return Answer(notice=NOT_ALLOWED, alert=True)
    with runtime.session() as session:
        subscription = change_setting(
            session, asker.chat.id, pressed.name, pressed.value, now=runtime.clock()
        )
        return Answer(edit=settings_card(session, subscription), notice="Saved.")


def on_unfollow_button(runtime: Runtime, asker: Asker, pressed: UnfollowFromSettings) -> Answer:
    """Stop following someone from the settings card, and redraw it in place."""
    if not asker.can_manage_chat:
        return Answer(notice=NOT_ALLOWED, alert=True)
    with runtime.session() as session:
        unfollow(session, asker.chat.id, pressed.actor_id)
        subscription = get_subscription(session, asker.chat.id)
        if subscription is None:
            return Answer(notice="You are not subscribed: /subscribe starts digests.", alert=True)
        return Answer(edit=settings_card(session, subscription), notice="Saved.")


def on_subscribe_button(runtime: Runtime, asker: Asker, pressed: Subscribe) -> Answer:
    return Answer(send=[do_subscribe(runtime, asker)])
