"""Admin commands: /breaking with preview, Send and Cancel, live progress; /stats."""

from __future__ import annotations

from bot.conversation import Answer, Asker
from digests.delivery import broadcasts
from digests.delivery.broadcasts import progress_message
from digests.delivery.callbacks import BreakingAction
from digests.delivery.message import Button, Message, bold, esc, italic
from digests.i18n import _, ngettext
from digests.ops.stats import RATE_WINDOW, collect
from digests.runtime import Runtime


def breaking(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    """Show a preview with Send and Cancel; nothing is queued until Send is pressed."""
    assert asker.user_id is not None, "the router lets in only admins, and admins have ids"
    with runtime.session() as session:
        draft = broadcasts.draft(
            session, admin_user_id=asker.user_id, admin_chat_id=asker.chat.id, text=args
        )
        audience = broadcasts.audience(session)
    goes_to = ngettext(
        "Preview — this goes to {count} subscriber:",
        "Preview — this goes to {count} subscribers:",
        audience,
    )
    send = ngettext("Send to {count} subscriber", "Send to {count} subscribers", audience)
    preview = f"{italic(goes_to.format(count=audience))}\n\n{broadcasts.breaking_html(draft.text)}"
    buttons = (
        (
            Button.calling(send.format(count=audience), BreakingAction(draft.id, send=True)),
            Button.calling(_("Cancel"), BreakingAction(draft.id, send=False)),
        ),
    )
    return [Message(html=preview, buttons=buttons)]


def on_breaking_button(runtime: Runtime, asker: Asker, pressed: BreakingAction) -> Answer:
    """Send queues the update; Cancel stops it."""
    with runtime.session() as session:
        if not pressed.send:
            progress = broadcasts.cancel(session, pressed.broadcast_id, now=runtime.clock())
            return Answer(edit=progress_message(progress))
        progress, queued = broadcasts.confirm(
            session, pressed.broadcast_id, message_id=asker.message_id, now=runtime.clock()
        )
    notice = _("Queued.") if queued else _("Already sent or being sent: nothing was queued twice.")
    return Answer(edit=progress_message(progress), notice=notice)


def delivery_line(sent: int) -> str:
    """A handful of messages is a count, not "0.0 messages/s": the rate is shown to the
    precision it has."""
    minutes = RATE_WINDOW.total_seconds() / 60
    rate = sent / RATE_WINDOW.total_seconds()
    shown = f"{rate:.1f}" if rate >= 1 or rate == 0 else f"{rate:.2g}"
    return _("Delivered in the last {minutes} minutes: {sent} ({rate} messages/s)").format(
        minutes=f"{minutes:g}", sent=sent, rate=shown
    )


def stats(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    with runtime.session() as session:
        numbers = collect(session, now=runtime.clock())
    lines = [
        bold(_("Bot statistics")),
        esc(
            _("Subscribers: {active} active, {inactive} inactive").format(
                active=numbers.active_subscribers, inactive=numbers.inactive_subscribers
            )
        ),
        esc(_("Articles: {count}").format(count=numbers.articles)),
        esc(
            ngettext(
                "Queue: {count} message waiting",
                "Queue: {count} messages waiting",
                numbers.queue_depth,
            ).format(count=numbers.queue_depth)
        ),
        esc(delivery_line(numbers.sent_recently)),
    ]
    if numbers.failures:
        lines.append(bold(_("Failures (last 24 hours)")))
        lines += [f"{count} × {esc(reason)}" for reason, count in numbers.failures]
    else:
        lines.append(esc(_("No failures in the last 24 hours.")))
    feeds, chats = numbers.own_feeds
    own = ngettext(
        "Feeds of their own: {feeds} in {count} chat",
        "Feeds of their own: {feeds} in {count} chats",
        chats,
    )
    lines.append(esc(own.format(feeds=feeds, count=chats)))
    if numbers.muted_sources:
        lines.append(bold(_("Sources turned off (chats)")))
        lines += [f"{m.chats} × {esc(m.title)}" for m in numbers.muted_sources]
    else:
        lines.append(esc(_("No chat turned a source off.")))
    return [Message(html="\n".join(lines))]
