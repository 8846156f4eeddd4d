"""/subscribe, /unsubscribe and /settings: digest subscriptions, edited in place."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.conversation import Answer, Asker
from bot.handlers.sources import open_button
from digests.delivery.callbacks import (
    ChangeSetting,
    SendDigestNow,
    Subscribe,
    UnfollowFromSettings,
)
from digests.delivery.message import Button, Message, bold, esc, italic
from digests.errors import echo
from digests.runtime import Runtime
from digests.store.enums import RhythmKind
from digests.store.tables import Subscription
from digests.subscriptions.digest_now import send_digest_now
from digests.subscriptions.follows import followed_actors, unfollow
from digests.subscriptions.schedule import WEEKDAYS, held_back_to
from digests.subscriptions.subscribers import (
    SettingError,
    change_setting,
    get_subscription,
    rhythm_of,
    subscribe,
    unsubscribe,
)
from digests.subscriptions.topics import stored_topics
from digests.text.summarize import LENGTHS
from digests.timezones import TimeForm, shown_time, zone_or_utc

COMMON_TIMES = ("07:00", "08:00", "12:00", "18:00", "21:00")
COMMON_ZONES = ("UTC", "Europe/London", "Europe/Berlin", "Europe/Kyiv", "America/New_York")
NOT_ALLOWED = "Only the chat's administrators can change its digest."
NOTHING_NEW = "Nothing new since your last digest."
ON_ITS_WAY = "Your digest is on its way."
# `/settings <word> <value>`: every setting can be typed, the ones a keyboard cannot offer too.
TYPED_SETTINGS = {
    "rhythm": "rhythm",
    "time": "digest_time",
    "weekday": "weekday",
    "timezone": "timezone",
    "length": "summary_length",
    "include": "include_keywords",
    "exclude": "exclude_keywords",
    "quiet": "quiet_hours",
}
SHORTHANDS = {"tz": "timezone"}
SETTINGS_HELP = (
    "Type a setting to change it:\n"
    "/settings rhythm weekly (instant, hourly, daily or weekly)\n"
    "/settings time 07:30\n/settings weekday friday\n"
    "/settings timezone Berlin (a city or a zone: Europe/Berlin)\n"
    "/settings length medium (short, medium or long)\n"
    "/settings include ceasefire, nato\n/settings exclude sports\n"
    "/settings quiet 22:00-07:00\n"
    "off clears topics or quiet hours: /settings include off\n"
    "/digest sends your digest now"
)
# Rhythms whose digest comes at a chosen time of day: the others get no time buttons.
TIMED = (RhythmKind.DAILY, RhythmKind.WEEKLY)


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


def next_digest(subscription: Subscription, now: datetime) -> str:
    """When the next digest comes, in the reader's own time and zone abbreviation."""
    if not subscription.active or subscription.next_digest_at is None:
        return "none while paused"
    if subscription.rhythm == RhythmKind.INSTANT:
        return "as soon as articles arrive"
    if subscription.next_digest_at <= now:
        return "now"
    zone = zone_or_utc(subscription.timezone)
    return shown_time(subscription.next_digest_at, zone, TimeForm.COMING)


def topic_link(chat_id: int, message_thread_id: int, label: str) -> str:
    """A link that opens a supergroup's topic for its members (t.me/c/<id without -100>/<id>)."""
    digits = str(chat_id).removeprefix("-100")
    if digits == str(chat_id) or not digits.isdigit():
        return esc(label)
    return f'<a href="https://t.me/c/{digits}/{message_thread_id}">{esc(label)}</a>'


def destination(subscription: Subscription, asker: Asker) -> str | None:
    """Where digests go, said in a group with topics (HTML): this topic, the general chat, or
    the topic /subscribe was sent in, linked, since Telegram tells bots no topic's name."""
    there, here = subscription.message_thread_id, asker.message_thread_id
    if there is None and not asker.chat.forum:
        return None
    if there == here:
        return esc(f"Digests go to {'this topic' if here is not None else 'the general chat'}")
    if there is None:
        return esc("Digests go to the general chat; /subscribe here moves them to this topic")
    link = topic_link(asker.chat.id, there, "the topic where /subscribe was sent")
    return f"Digests go to {link}; /subscribe here moves them here"


def settings_message(
    subscription: Subscription,
    *,
    now: datetime,
    note: str | None = None,
    followed: Sequence[tuple[int, str]] = (),
    where: str | None = None,
) -> Message:
    """The settings card: current values, then one keyboard row per setting."""
    state = "on" if subscription.active else "paused (/subscribe resumes it)"
    topics = ", ".join(stored_topics(subscription.include_keywords)) or "anything"
    never = ", ".join(stored_topics(subscription.exclude_keywords)) or "nothing"
    lines = [
        bold("Digest settings"),
        f"Digest: {esc(state)}, {esc(describe(subscription))}",
        *([where] if where else []),
        f"Next digest: {esc(next_digest(subscription, now))}",
    ]
    if held := held_back_to(rhythm_of(subscription)):
        lines.append(
            esc(
                f"⚠️ {subscription.digest_time} falls in your quiet hours, so the digest "
                f"arrives at {held} instead."
            )
        )
    lines += [
        f"Summary length: {esc(subscription.summary_length)}",
        f"Only articles about: {esc(topics)}",
        f"Never articles about: {esc(never)}",
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
    ]
    if subscription.rhythm in TIMED:
        rows.append(row("digest_time", COMMON_TIMES, subscription.digest_time))
    rows.append(row("timezone", COMMON_ZONES, subscription.timezone, lambda z: z.split("/")[-1]))
    if subscription.rhythm == RhythmKind.WEEKLY:
        rows.append(row("weekday", range(7), subscription.weekday, lambda d: WEEKDAYS[d][:3]))
    rows += [
        (Button.calling(f"Unfollow {name}", UnfollowFromSettings(actor_id)),)
        for actor_id, name in followed
    ]
    if subscription.active:
        rows.append((Button.calling("Send my digest now", SendDigestNow()),))
    rows.append((open_button(),))
    return Message(html=text, buttons=tuple(rows))


def settings_card(
    session, subscription: Subscription, asker: Asker, *, now: datetime, note: str | None = None
) -> Message:
    followed = followed_actors(session, subscription.id)
    where = destination(subscription, asker)
    return settings_message(subscription, now=now, note=note, followed=followed, where=where)


def do_subscribe(runtime: Runtime, asker: Asker) -> Message:
    """Subscribe the chat where this was sent: in a forum topic, that topic."""
    if not asker.can_manage_chat:
        return Message(html=esc(NOT_ALLOWED))
    here = asker.message_thread_id
    with runtime.session() as session:
        before = get_subscription(session, asker.chat.id)
        was = before.message_thread_id if before is not None and before.active else here
        subscription, created = subscribe(
            session,
            asker.chat,
            now=runtime.clock(),
            timezone=runtime.settings.default_timezone,
            digest_time=runtime.settings.default_digest_time,
            message_thread_id=here,
        )
        summary = describe(subscription)
    in_topic = " in this topic" if here is not None else ""
    if created:
        text = f"Subscribed. You will get a digest {summary}{in_topic}. Change it with /settings."
    elif was != here:
        text = f"Moved: digests now come {_moved(was, here)}, {summary}. See /settings."
    else:
        text = f"You are already subscribed: a digest {summary}{in_topic}. See /settings."
    return Message(html=esc(text))


def _moved(was: int | None, here: int | None) -> str:
    if here is None:
        return "here to the general chat instead of their topic"
    return "to this topic instead of " + ("the general chat" if was is None else "the other topic")


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


def _typed_change(args: str) -> tuple[str, str]:
    word, _, value = args.strip().partition(" ")
    typed = word.casefold()
    name = TYPED_SETTINGS.get(SHORTHANDS.get(typed, typed))
    if name is None:
        raise SettingError(
            f"I don't know the setting “{echo(word)}”. "
            f"The settings are: {', '.join(TYPED_SETTINGS)}."
        )
    return name, value.strip()


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
            name, value = _typed_change(args)
            subscription = change_setting(session, asker.chat.id, name, value, now=runtime.clock())
            note = "Saved."
        return [settings_card(session, subscription, asker, now=runtime.clock(), note=note)]


def on_settings_button(runtime: Runtime, asker: Asker, pressed: ChangeSetting) -> Answer:
    """Change one setting and redraw the card in place."""
    if not asker.can_manage_chat:
        return Answer(notice=NOT_ALLOWED, alert=True)
    with runtime.session() as session:
        subscription = change_setting(
            session, asker.chat.id, pressed.name, pressed.value, now=runtime.clock()
        )
        card = settings_card(session, subscription, asker, now=runtime.clock())
        return Answer(edit=card, notice="Saved.")


def digest_now(runtime: Runtime, asker: Asker) -> str:
    """The asking chat's own digest, composed at once as the scheduler would."""
    if not asker.can_manage_chat:
        return NOT_ALLOWED
    with runtime.session() as session:
        queued = send_digest_now(session, asker.chat.id, now=runtime.clock())
    return ON_ITS_WAY if queued else NOTHING_NEW


def digest_command(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    return [Message(html=esc(digest_now(runtime, asker)))]


def on_digest_now_button(runtime: Runtime, asker: Asker, pressed: SendDigestNow) -> Answer:
    return Answer(notice=digest_now(runtime, asker))


def on_unfollow_button(runtime: Runtime, asker: Asker, pressed: UnfollowFromSettings) -> Answer:
    """Stop following someone from the settings card, and redraw it in place."""
    if not asker.can_manage_chat:
        return Answer(notice=NOT_ALLOWED, alert=True)
    with runtime.session() as session:
        unfollow(session, asker.chat.id, pressed.actor_id)
        subscription = get_subscription(session, asker.chat.id)
        if subscription is None:
            return Answer(notice="You are not subscribed: /subscribe starts digests.", alert=True)
        card = settings_card(session, subscription, asker, now=runtime.clock())
        return Answer(edit=card, notice="Saved.")


def on_subscribe_button(runtime: Runtime, asker: Asker, pressed: Subscribe) -> Answer:
    return Answer(send=[do_subscribe(runtime, asker)])
