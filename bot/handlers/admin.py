"""Admin commands: /breaking with preview, Send and Cancel, live progress; /stats."""

from __future__ import annotations

from bot.conversation import Answer, Asker
from digests.delivery import broadcasts
from digests.delivery.broadcasts import progress_message
from digests.delivery.callbacks import BreakingAction
from digests.delivery.message import Button, Message, bold, esc, italic
from digests.ops.stats import RATE_WINDOW, collect
from digests.runtime import Runtime
from digests.text.plurals import plural


def breaking(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    """Show a preview with Send and Cancel; nothing is queued until Send is pressed."""
    assert asker.user_id is not None, "the router lets in only admins, and admins have ids"
    with runtime.session() as session:
        draft = broadcasts.draft(
            session, admin_user_id=asker.user_id, admin_chat_id=asker.chat.id, text=args
        )
        audience = broadcasts.audience(session)
    subscribers = plural(audience, "subscriber", "subscribers")
    preview = (
        f"{italic(f'Preview — this goes to {subscribers}:')}\n\n"
        f"{broadcasts.breaking_html(draft.text)}"
    )
    buttons = (
        (
            Button.calling(f"Send to {subscribers}", BreakingAction(draft.id, send=True)),
            Button.calling("Cancel", BreakingAction(draft.id, send=False)),
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
    notice = "Queued." if queued else "Already sent or being sent: nothing was queued twice."
    return Answer(edit=progress_message(progress), notice=notice)


def delivery_line(sent: int) -> str:
    """A handful of messages is a count, not "0.0 messages/s": the rate is shown to the
    precision it has."""
    minutes = RATE_WINDOW.total_seconds() / 60
    rate = sent / RATE_WINDOW.total_seconds()
    shown = f"{rate:.1f}" if rate >= 1 or rate == 0 else f"{rate:.2g}"
    return f"Delivered in the last {minutes:g} minutes: {sent} ({shown} messages/s)"


def stats(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    with runtime.session() as session:
        numbers = collect(session, now=runtime.clock())
    lines = [
        bold("Bot statistics"),
        f"Subscribers: {numbers.active_subscribers} active, "
        f"{numbers.inactive_subscribers} inactive",
        f"Articles: {numbers.articles}",
        f"Queue: {plural(numbers.queue_depth, 'message', 'messages')} waiting",
        delivery_line(numbers.sent_recently),
    ]
    if numbers.failures:
        lines.append(bold("Failures (last 24 hours)"))
        lines += [f"{count} × {esc(reason)}" for reason, count in numbers.failures]
    else:
        lines.append("No failures in the last 24 hours.")
    feeds, chats = numbers.own_feeds
    lines.append(f"Feeds of their own: {feeds} in {plural(chats, 'chat', 'chats')}")
    if numbers.muted_sources:
        lines.append(bold("Sources turned off (chats)"))
        lines += [f"{m.chats} × {esc(m.title)}" for m in numbers.muted_sources]
    else:
        lines.append("No chat turned a source off.")
    return [Message(html="\n".join(lines))]
