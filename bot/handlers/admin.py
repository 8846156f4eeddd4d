"""Admin commands: /breaking with preview, Send and Cancel, live progress; /stats."""

from __future__ import annotations

from bot.conversation import Answer, Asker
from digests.delivery import broadcasts
from digests.delivery.broadcasts import BroadcastError, Progress
from digests.delivery.message import Button, Message, bold, esc, italic
from digests.ops.stats import collect
from digests.runtime import Runtime

REFUSAL = "Sorry, only the bot's administrators can do that."


def progress_message(progress: Progress) -> Message:
    state = {
        "sending": "Sending",
        "done": "Sent",
        "cancelled": "Cancelled",
        "draft": "Not sent",
    }[progress.status]
    text = (
        f"{bold(f'Breaking update #{progress.broadcast_id}: {state}')}\n"
        f"{progress.sent} / {progress.total} sent, {progress.failed} failed"
        + (f", {progress.cancelled} cancelled" if progress.cancelled else "")
    )
    buttons: tuple[tuple[Button, ...], ...] = ()
    if progress.status == "sending":
        buttons = ((Button("Cancel", data=f"brk:cancel:{progress.broadcast_id}"),),)
    return Message(html=text, buttons=buttons)


def breaking(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    """Show a preview with Send and Cancel; nothing is queued until Send is pressed."""
    if asker.user_id is None or not runtime.is_admin(asker.user_id):
        return [Message(html=esc(REFUSAL))]
    with runtime.session() as session:
        try:
            draft = broadcasts.draft(
                session, admin_user_id=asker.user_id, admin_chat_id=asker.chat.id, text=args
            )
        except BroadcastError as error:
            return [Message(html=esc(str(error)))]
        audience = broadcasts.audience(session)
    preview = (
        f"{italic(f'Preview — this goes to {audience} subscribers:')}\n\n"
        f"{broadcasts.breaking_html(draft.text)}"
    )
    buttons = (
        (
            Button(f"Send to {audience}", data=f"brk:send:{draft.id}"),
            Button("Cancel", data=f"brk:cancel:{draft.id}"),
        ),
    )
    return [Message(html=preview, buttons=buttons)]


def on_breaking_button(runtime: Runtime, asker: Asker, payload: str) -> Answer:
    """`brk:send:<id>` queues the update; `brk:cancel:<id>` stops it. Admins only, every time."""
    if not runtime.is_admin(asker.user_id):
        return Answer(notice=REFUSAL, alert=True)
    action, _, raw_id = payload.partition(":")
    if action not in ("send", "cancel") or not raw_id.isdigit():
        return Answer(notice="That button is out of date.")
    with runtime.session() as session:
        try:
            if action == "send":
                progress = broadcasts.confirm(
                    session, int(raw_id), message_id=asker.message_id, now=runtime.clock()
                )
            else:
                progress = broadcasts.cancel(session, int(raw_id), now=runtime.clock())
        except BroadcastError as error:
            return Answer(notice=str(error), alert=True)
    return Answer(edit=progress_message(progress), notice="Queued." if action == "send" else None)


def stats(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    if not runtime.is_admin(asker.user_id):
        return [Message(html=esc(REFUSAL))]
    with runtime.session() as session:
        numbers = collect(session, now=runtime.clock())
    lines = [
        bold("Bot statistics"),
        f"Subscribers: {numbers.active_subscribers} active, "
        f"{numbers.inactive_subscribers} inactive",
        f"Articles: {numbers.articles}",
        f"Queue: {numbers.queue_depth} messages waiting",
        f"Delivery rate: {numbers.sent_per_second:.1f} messages/s (last 5 minutes)",
    ]
    if numbers.failures:
        lines.append(bold("Failures (last 24 hours)"))
        lines += [f"{count} × {esc(reason)}" for reason, count in numbers.failures]
    else:
        lines.append("No failures in the last 24 hours.")
    return [Message(html="\n".join(lines))]
