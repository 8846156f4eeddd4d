"""/actor and /actors: who said what, across every article."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlmodel import Session

from bot.conversation import Answer, Asker
from bot.handlers.reading import reader_zone
from bot.handlers.subscribing import NOT_ALLOWED
from digests.actors.store import ActorPage, actor_page, lookup_actors, top_actors
from digests.actors.timeline import Timeline, has_timeline, timeline_chart
from digests.delivery.callbacks import ActorProfile, ActorTimeline, FollowActor
from digests.delivery.message import Button, Message, Photo, bold, esc, italic
from digests.errors import echo
from digests.i18n import N_, _, current_language, ngettext
from digests.runtime import Runtime
from digests.subscriptions.follows import follow, is_following, unfollow
from digests.subscriptions.subscribers import chat_zone
from digests.timezones import TimeForm, shown_time

PAGE_SIZE = 5
CONFIDENT_MATCH = 0.8
UNTRACKED = N_("That person is no longer tracked.")
STILL_DRAWING = N_("I'm still working on your last request; press again in a moment.")
NO_TIMELINE = N_("There is no timeline to draw for that person.")


def _line(line, zone: ZoneInfo) -> str:
    when = shown_time(line.article_date, zone, TimeForm.DATE)
    where = italic(f"{line.article_title} · {when}")
    if line.kind == "quote":
        return f"“{esc(line.text)}”\n{where}"
    return f"{esc(line.text)}\n{where}"


def profile_page(
    page: ActorPage, *, zone: ZoneInfo, following: bool = False, timeline: bool = False
) -> Message:
    """Statements first, then other mentions, PAGE_SIZE lines a page, with paging buttons (and
    the chart's, when the person was in the news on enough days for one)."""
    header = bold(page.name) + (f" — {esc(page.role)}" if page.role else "")
    said = ngettext("{count} statement", "{count} statements", page.statement_count)
    mentioned = ngettext("mentioned {count} time", "mentioned {count} times", page.mention_count)
    counts = _("{statements}, {mentions}").format(
        statements=said.format(count=page.statement_count),
        mentions=mentioned.format(count=page.mention_count),
    )
    blocks = [f"{header}\n{italic(counts)}"]
    shown_heading = None
    for line in page.lines:
        heading = _("Mentions") if line.kind == "mention" else _("Statements")
        if heading != shown_heading:
            blocks.append(bold(heading))
            shown_heading = heading
        blocks.append(_line(line, zone))
    if not page.lines:
        blocks.append(esc(_("Nothing recorded yet.")))
    paging = []
    if page.page > 0:
        paging.append(Button.calling(_("« Previous"), ActorProfile(page.id, page.page - 1)))
    if page.has_next:
        paging.append(Button.calling(_("Next »"), ActorProfile(page.id, page.page + 1)))
    follow = (
        Button.calling(_("Unfollow"), FollowActor(page.id, follow=False))
        if following
        else Button.calling(_("Follow in my digests"), FollowActor(page.id))
    )
    rows = [tuple(paging)] if paging else []
    if timeline:
        rows.append((Button.calling(_("Timeline chart"), ActorTimeline(page.id)),))
    rows.append((follow,))
    return Message(html="\n\n".join(blocks), buttons=tuple(rows))


def _profile_message(runtime: Runtime, chat_id: int, actor_id: int, page: int) -> Message | None:
    with runtime.session() as session:
        return _profile(runtime, session, chat_id, actor_id, page)


def _profile(
    runtime: Runtime, session: Session, chat_id: int, actor_id: int, page: int
) -> Message | None:
    found = actor_page(session, actor_id, page=page, size=PAGE_SIZE)
    if found is None:
        return None
    following = is_following(session, chat_id, actor_id)
    zone = chat_zone(session, chat_id, default=runtime.settings.default_timezone)
    timeline = has_timeline(session, actor_id, zone)
    return profile_page(found, following=following, timeline=timeline, zone=zone)


def actors_list(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    with runtime.session() as session:
        ranked = top_actors(session, limit=10)
    if not ranked:
        return [Message(html=esc(_("No people tracked yet.")))]
    rows = tuple(
        (
            Button.calling(
                ngettext("{name} ({count} mention)", "{name} ({count} mentions)", count).format(
                    name=name, count=count
                ),
                ActorProfile(actor_id, new=True),
            ),
        )
        for actor_id, name, count in ranked
    )
    return [Message(html=bold(_("Most mentioned people and institutions")), buttons=rows)]


def actor(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    """/actor NAME: the best match's statements; when unsure, the closest names as buttons."""
    query = args.strip()
    if not query:
        return [
            Message(html=esc(_("Send /actor followed by a name, e.g. /actor Putin."))),
            *actors_list(runtime, asker, ""),
        ]
    with runtime.session() as session:  # one transaction: the answer is a few short reads
        matches = lookup_actors(session, query, limit=5)
        if matches and matches[0][2] >= CONFIDENT_MATCH:
            profile = _profile(runtime, session, asker.chat.id, matches[0][0], 0)
            return [profile or Message(html=esc(_(UNTRACKED)))]
    if not matches:
        unknown = _("I know nobody called “{name}”. /actors lists who I track.").format(
            name=echo(query)
        )
        return [Message(html=esc(unknown))]
    rows = tuple(
        (Button.calling(name, ActorProfile(actor_id, new=True)),)
        for actor_id, name, _score in matches
    )
    question = _("Nobody called “{name}” exactly. Did you mean:").format(name=echo(query))
    return [Message(html=esc(question), buttons=rows)]


def on_actor_button(runtime: Runtime, asker: Asker, pressed: ActorProfile) -> Answer:
    """The profile as a new message, or another page of it in place."""
    message = _profile_message(runtime, asker.chat.id, pressed.actor_id, pressed.page)
    if message is None:
        return Answer(notice=_(UNTRACKED), alert=True)
    return Answer(send=[message]) if pressed.new else Answer(edit=message)


def timeline_message(chart: Timeline) -> Message:
    """The chart as a photo, its caption naming the person and what the bars count."""
    first, last = (
        format_date(d.day, "dd MMM y", locale=current_language())
        for d in (chart.days[0], chart.days[-1])
    )
    statements = sum(day.statements for day in chart.days)
    mentions = sum(day.mentions for day in chart.days)
    period = _("Statements and other mentions per day ({zone}), {first} – {last}")
    counts = _("Statements: {statements} · other mentions: {mentions}")
    caption = "\n".join(
        [
            bold(chart.name),
            italic(period.format(zone=chart.zone, first=first, last=last)),
            esc(counts.format(statements=statements, mentions=mentions)),
        ]
    )
    return Message(html=caption, photo=Photo(chart.png, filename="timeline.png"))


def on_timeline_button(runtime: Runtime, asker: Asker, pressed: ActorTimeline) -> Answer:
    """The chart as a new message, drawn in a worker: a heavy request like a link's summary,
    so one at a time per person asking."""
    claim = runtime.heavy.try_claim(asker.user_id or asker.chat.id)
    if claim is None:
        return Answer(notice=_(STILL_DRAWING))
    zone = reader_zone(runtime, asker.chat.id)
    with claim:
        chart = timeline_chart(runtime, pressed.actor_id, zone)
    if chart is None:
        return Answer(notice=_(NO_TIMELINE), alert=True)
    return Answer(send=[timeline_message(chart)])


def on_follow_button(runtime: Runtime, asker: Asker, pressed: FollowActor) -> Answer:
    """Change following, then redraw the profile in place."""
    if not asker.can_manage_chat:
        return Answer(notice=_(NOT_ALLOWED), alert=True)
    with runtime.session() as session:
        if pressed.follow:
            name = follow(session, asker.chat.id, pressed.actor_id)
            notice = _("You now follow {name}.").format(name=name)
        else:
            unfollow(session, asker.chat.id, pressed.actor_id)
            notice = _("Unfollowed.")
    profile = _profile_message(runtime, asker.chat.id, pressed.actor_id, 0)
    return Answer(edit=profile, notice=notice)
