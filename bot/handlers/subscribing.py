"""/subscribe, /unsubscribe and /settings: digest subscriptions, edited in place."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlmodel import Session

from bot.conversation import Answer, Asker
from bot.handlers.reading import LENGTH_NAMES
from bot.handlers.sources import open_button
from digests.delivery.callbacks import (
    ChangeSetting,
    SendDigestNow,
    Subscribe,
    UnfollowFromSettings,
)
from digests.delivery.message import Button, Message, bold, esc, italic
from digests.errors import echo
from digests.i18n import LANGUAGES, N_, _, speaking
from digests.runtime import Runtime
from digests.store.enums import RhythmKind
from digests.store.tables import Chat, Subscription
from digests.subscriptions.digest_now import send_digest_now
from digests.subscriptions.follows import followed_actors, unfollow
from digests.subscriptions.images import choose_images
from digests.subscriptions.languages import NATIVE_NAMES, choose_language, reply_language
from digests.subscriptions.schedule import held_back_to
from digests.subscriptions.subscribers import (
    SettingError,
    change_setting,
    ensure_chat,
    get_subscription,
    rhythm_of,
    subscribe,
    unsubscribe,
)
from digests.subscriptions.topics import stored_topics
from digests.text.summarize import LENGTHS
from digests.timezones import TimeForm, shown_time, weekday_name, zone_or_utc

COMMON_TIMES = ("07:00", "08:00", "12:00", "18:00", "21:00")
COMMON_ZONES = ("UTC", "Europe/London", "Europe/Berlin", "Europe/Kyiv", "America/New_York")
NOT_ALLOWED = N_("Only the chat's administrators can change its digest.")
NOTHING_NEW = N_("Nothing new since your last digest.")
ON_ITS_WAY = N_("Your digest is on its way.")
SAVED = N_("Saved.")
NOT_SUBSCRIBED = N_("You are not subscribed: /subscribe starts digests.")
NOT_SUBSCRIBED_YET = N_("You are not subscribed yet: /subscribe starts digests.")
# The rhythms as a reader reads them (the values stay English in buttons' data and when typed).
RHYTHM_NAMES: dict[str, str] = {
    RhythmKind.INSTANT: N_("instant"),
    RhythmKind.HOURLY: N_("hourly"),
    RhythmKind.DAILY: N_("daily"),
    RhythmKind.WEEKLY: N_("weekly"),
}
# Whole phrases per weekday: languages inflect "every" by the day's gender.
EVERY_WEEKDAY = (
    N_("every Monday at {time}"),
    N_("every Tuesday at {time}"),
    N_("every Wednesday at {time}"),
    N_("every Thursday at {time}"),
    N_("every Friday at {time}"),
    N_("every Saturday at {time}"),
    N_("every Sunday at {time}"),
)
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
    "images": "images",
    "language": "language",
}
SHORTHANDS = {"tz": "timezone"}
SETTINGS_HELP = N_(
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
CHAT_SETTINGS_HELP = N_(
    "/settings images off (or on): articles' pictures above digests and summaries\n"
    "/settings language de (en, de, ru, uk, or auto: each person's Telegram language)"
)
# Settings of the chat itself rather than its digest: they apply before it subscribes too.
CHAT_SETTINGS: dict[str, Callable[[Session, Chat, str], object]] = {
    "images": choose_images,
    "language": choose_language,
}
AUTOMATIC = "auto"  # the language button that follows each person's Telegram again
# Rhythms whose digest comes at a chosen time of day: the others get no time buttons.
TIMED = (RhythmKind.DAILY, RhythmKind.WEEKLY)


def describe(subscription: Subscription) -> str:
    time = subscription.digest_time
    if subscription.rhythm == RhythmKind.INSTANT:
        when = _("as soon as new articles arrive")
    elif subscription.rhythm == RhythmKind.HOURLY:
        when = _("every hour at :{minute}").format(minute=time[3:])
    elif subscription.rhythm == RhythmKind.WEEKLY:
        when = _(EVERY_WEEKDAY[subscription.weekday]).format(time=time)
    else:
        when = _("every day at {time}").format(time=time)
    return f"{when} ({subscription.timezone})"


def next_digest(subscription: Subscription, now: datetime) -> str:
    """When the next digest comes, in the reader's own time and zone abbreviation."""
    if not subscription.active or subscription.next_digest_at is None:
        return _("none while paused")
    if subscription.rhythm == RhythmKind.INSTANT:
        return _("as soon as articles arrive")
    if subscription.next_digest_at <= now:
        return _("now")
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
        if here is not None:
            return esc(_("Digests go to this topic"))
        return esc(_("Digests go to the general chat"))
    if there is None:
        return esc(_("Digests go to the general chat; /subscribe here moves them to this topic"))
    link = topic_link(asker.chat.id, there, _("the topic where /subscribe was sent"))
    return esc(_("Digests go to {topic}; /subscribe here moves them here")).format(topic=link)


def settings_message(
    subscription: Subscription,
    *,
    now: datetime,
    note: str | None = None,
    followed: Sequence[tuple[int, str]] = (),
    where: str | None = None,
    images: bool = True,
    language: str | None = None,
) -> Message:
    """The settings card: current values, then one keyboard row per setting."""
    state = _("on") if subscription.active else _("paused (/subscribe resumes it)")
    topics = ", ".join(stored_topics(subscription.include_keywords)) or _("anything")
    never = ", ".join(stored_topics(subscription.exclude_keywords)) or _("nothing")
    quiet = (
        f"{subscription.quiet_start}–{subscription.quiet_end}"
        if subscription.quiet_start
        else _("none")
    )
    following = ", ".join(name for _id, name in followed) or _("nobody (use /actor NAME → Follow)")
    digest = _("Digest: {state}, {schedule}").format(state=state, schedule=describe(subscription))
    lines = [
        bold(_("Digest settings")),
        esc(digest),
        *([where] if where else []),
        esc(_("Next digest: {when}").format(when=next_digest(subscription, now))),
    ]
    if held := held_back_to(rhythm_of(subscription)):
        warning = _("⚠️ {time} falls in your quiet hours, so the digest arrives at {held} instead.")
        lines.append(esc(warning.format(time=subscription.digest_time, held=held)))
    length = _(LENGTH_NAMES[subscription.summary_length])
    lines += [
        esc(_("Summary length: {length}").format(length=length)),
        esc(_("Only articles about: {topics}").format(topics=topics)),
        esc(_("Never articles about: {topics}").format(topics=never)),
        esc(_("Quiet hours: {hours}").format(hours=quiet)),
    ]
    if subscription.rhythm == RhythmKind.WEEKLY:
        weekday = weekday_name(subscription.weekday)
        lines.append(esc(_("Weekly on: {weekday}").format(weekday=weekday)))
    lines.append(esc(_("Following: {names}").format(names=following)))
    lines.append(esc(_("Images: shown") if images else _("Images: off")))
    spoken = NATIVE_NAMES[language] if language else _("automatic, each person's Telegram language")
    lines.append(esc(_("Language: {language}").format(language=spoken)))
    text = "\n".join(lines) + "\n\n" + italic(f"{_(SETTINGS_HELP)}\n{_(CHAT_SETTINGS_HELP)}")
    if note:
        text = f"{esc(note)}\n\n{text}"

    def row(setting: str, values, current, label=lambda v: v) -> tuple[Button, ...]:
        return tuple(
            Button.calling(
                ("✓ " if str(v) == str(current) else "") + label(v), ChangeSetting(setting, str(v))
            )
            for v in values
        )

    def named(names: dict[str, str]):
        """A value's button label: its name in the reader's language, capitalized."""
        return lambda value: _(names[value]).capitalize()

    rows = [
        row("rhythm", tuple(RhythmKind), subscription.rhythm, named(RHYTHM_NAMES)),
        row("summary_length", tuple(LENGTHS), subscription.summary_length, named(LENGTH_NAMES)),
    ]
    if subscription.rhythm in TIMED:
        rows.append(row("digest_time", COMMON_TIMES, subscription.digest_time))
    rows.append(row("timezone", COMMON_ZONES, subscription.timezone, lambda z: z.split("/")[-1]))
    if subscription.rhythm == RhythmKind.WEEKLY:
        short = functools.partial(weekday_name, short=True)  # CLDR's: "Mo.", "пн"
        rows.append(row("weekday", range(7), subscription.weekday, short))
    image_labels = {"on": _("Images on"), "off": _("Images off")}
    rows.append(row("images", image_labels, "on" if images else "off", image_labels.__getitem__))
    rows.append(row("language", (AUTOMATIC,), language or AUTOMATIC, lambda _v: _("Automatic")))
    rows.append(row("language", LANGUAGES, language, NATIVE_NAMES.__getitem__))
    rows += [
        (Button.calling(_("Unfollow {name}").format(name=name), UnfollowFromSettings(actor_id)),)
        for actor_id, name in followed
    ]
    if subscription.active:
        rows.append((Button.calling(_("Send my digest now"), SendDigestNow()),))
    rows.append((open_button(),))
    return Message(html=text, buttons=tuple(rows))


def settings_card(
    session, subscription: Subscription, asker: Asker, *, now: datetime, note: str | None = None
) -> Message:
    followed = followed_actors(session, subscription.id)
    where = destination(subscription, asker)
    chat = session.get(Chat, asker.chat.id)
    return settings_message(
        subscription,
        now=now,
        note=note,
        followed=followed,
        where=where,
        images=chat is None or chat.images,
        language=chat.language if chat else None,
    )


def do_subscribe(runtime: Runtime, asker: Asker) -> Message:
    """Subscribe the chat where this was sent: in a forum topic, that topic."""
    if not asker.can_manage_chat:
        return Message(html=esc(_(NOT_ALLOWED)))
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
            language_code=asker.language_code,
        )
        summary = describe(subscription)
    if created and here is not None:
        text = _(
            "Subscribed. You will get a digest {schedule} in this topic. Change it with /settings."
        )
    elif created:
        text = _("Subscribed. You will get a digest {schedule}. Change it with /settings.")
    elif was != here:
        text = _("Moved: digests now come {where}, {schedule}. See /settings.")
    elif here is not None:
        text = _("You are already subscribed: a digest {schedule} in this topic. See /settings.")
    else:
        text = _("You are already subscribed: a digest {schedule}. See /settings.")
    return Message(html=esc(text.format(schedule=summary, where=_moved(was, here))))


def _moved(was: int | None, here: int | None) -> str:
    if here is None:
        return _("here to the general chat instead of their topic")
    if was is None:
        return _("to this topic instead of the general chat")
    return _("to this topic instead of the other topic")


def subscribe_command(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    return [do_subscribe(runtime, asker)]


def unsubscribe_command(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    if not asker.can_manage_chat:
        return [Message(html=esc(_(NOT_ALLOWED)))]
    with runtime.session() as session:
        stopped = unsubscribe(session, asker.chat.id)
    text = (
        _("Unsubscribed: no more digests. /subscribe brings them back.")
        if stopped
        else _("You are not subscribed. /subscribe starts digests.")
    )
    return [Message(html=esc(text))]


def _typed_change(args: str) -> tuple[str, str]:
    word, _space, value = args.strip().partition(" ")
    typed = word.casefold()
    name = TYPED_SETTINGS.get(SHORTHANDS.get(typed, typed))
    if name is None:
        raise SettingError(
            _("I don't know the setting “{name}”. The settings are: {settings}.").format(
                name=echo(word), settings=", ".join(TYPED_SETTINGS)
            )
        )
    return name, value.strip()


def _change(session: Session, asker: Asker, name: str, value: str, *, now: datetime) -> str:
    """One setting of the chat (any chat) or of its digest (a subscribed one); returns the
    language to answer in from now on (a new choice answers in itself)."""
    if name in CHAT_SETTINGS:
        CHAT_SETTINGS[name](session, ensure_chat(session, asker.chat), value)
    else:
        change_setting(session, asker.chat.id, name, value, now=now)
    return reply_language(session, asker.chat.id, asker.language_code)


def _saved(session: Session, asker: Asker, name: str) -> str:
    """What a change is confirmed with: a new language says what it is, in itself."""
    if name != "language":
        return _(SAVED)
    chat = session.get(Chat, asker.chat.id)
    if chat is None or chat.language is None:
        return _("From now on I answer each person in their Telegram's language.")
    return _("From now on I speak {language} here.").format(language=NATIVE_NAMES[chat.language])


def settings_command(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    """/settings shows the card; /settings <name> <value> changes one value first (the chat's
    own settings, such as images, even before it subscribes)."""
    with runtime.session() as session:
        subscription = get_subscription(session, asker.chat.id)
        name, value = _typed_change(args) if args.strip() else ("", "")
        if subscription is None and name not in CHAT_SETTINGS:
            return [Message(html=esc(_(NOT_SUBSCRIBED_YET)))]
        if not name and subscription is not None:
            return [settings_card(session, subscription, asker, now=runtime.clock())]
        if not asker.can_manage_chat:
            return [Message(html=esc(_(NOT_ALLOWED)))]
        # Everything after a change is said in the language it leaves: a new choice answers
        # in itself, the rest of the reply included.
        with speaking(_change(session, asker, name, value, now=runtime.clock())):
            note = _saved(session, asker, name)
            if subscription is None:
                return [Message(html=f"{esc(note)}\n\n{esc(_(NOT_SUBSCRIBED_YET))}")]
            return [settings_card(session, subscription, asker, now=runtime.clock(), note=note)]


def on_settings_button(runtime: Runtime, asker: Asker, pressed: ChangeSetting) -> Answer:
    """Change one setting and redraw the card in place."""
    if not asker.can_manage_chat:
        return Answer(notice=_(NOT_ALLOWED), alert=True)
    with runtime.session() as session:
        language = _change(session, asker, pressed.name, pressed.value, now=runtime.clock())
        subscription = get_subscription(session, asker.chat.id)
        if subscription is None:
            return Answer(notice=_(NOT_SUBSCRIBED), alert=True)
        with speaking(language):
            card = settings_card(session, subscription, asker, now=runtime.clock())
            return Answer(edit=card, notice=_saved(session, asker, pressed.name))


def digest_now(runtime: Runtime, asker: Asker) -> str:
    """The asking chat's own digest, composed at once as the scheduler would."""
    if not asker.can_manage_chat:
        return _(NOT_ALLOWED)
    with runtime.session() as session:
        queued = send_digest_now(session, asker.chat.id, now=runtime.clock())
    return _(ON_ITS_WAY) if queued else _(NOTHING_NEW)


def digest_command(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    return [Message(html=esc(digest_now(runtime, asker)))]


def on_digest_now_button(runtime: Runtime, asker: Asker, pressed: SendDigestNow) -> Answer:
    return Answer(notice=digest_now(runtime, asker))


def on_unfollow_button(runtime: Runtime, asker: Asker, pressed: UnfollowFromSettings) -> Answer:
    """Stop following someone from the settings card, and redraw it in place."""
    if not asker.can_manage_chat:
        return Answer(notice=_(NOT_ALLOWED), alert=True)
    with runtime.session() as session:
        unfollow(session, asker.chat.id, pressed.actor_id)
        subscription = get_subscription(session, asker.chat.id)
        if subscription is None:
            return Answer(notice=_(NOT_SUBSCRIBED), alert=True)
        card = settings_card(session, subscription, asker, now=runtime.clock())
        return Answer(edit=card, notice=_(SAVED))


def on_subscribe_button(runtime: Runtime, asker: Asker, pressed: Subscribe) -> Answer:
    return Answer(send=[do_subscribe(runtime, asker)])
