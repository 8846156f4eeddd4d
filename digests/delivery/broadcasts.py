"""Breaking updates from admins: draft, confirm (queue to every subscriber), cancel, progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from digests.delivery.callbacks import BreakingAction
from digests.delivery.message import Button, Message, bold, esc, utf16_length
from digests.delivery.outbox import Outgoing, enqueue
from digests.errors import DigestsError
from digests.i18n import N_, _, negotiate, ngettext, speaking
from digests.store.enums import BroadcastStatus, MessageKind, OutboxStatus
from digests.store.tables import Broadcast, Chat, OutboxMessage, Subscription

# In Telegram's units (UTF-16: a flag counts 4); leaves room for the heading and the preview's
# line within Telegram's 4096.
MAX_TEXT = 3500
GONE = N_("That update no longer exists.")
STATES = {
    BroadcastStatus.SENDING: N_("Breaking update: Sending"),
    BroadcastStatus.DONE: N_("Breaking update: Sent"),
    BroadcastStatus.CANCELLED: N_("Breaking update: Cancelled"),
    BroadcastStatus.DRAFT: N_("Breaking update: Not sent"),
}


class BroadcastError(DigestsError):
    """Why a broadcast action cannot be done, phrased for the admin."""


@dataclass(frozen=True, slots=True)
class Progress:
    broadcast_id: int
    status: BroadcastStatus
    total: int
    sent: int
    failed: int
    cancelled: int = 0

    @property
    def pending(self) -> int:
        return self.total - self.sent - self.failed - self.cancelled


def breaking_html(text: str) -> str:
    """The update under its heading, in the current language (the admin's words as written)."""
    heading = _("Breaking")
    return f"{bold(heading)}\n\n{esc(text)}"


def progress_message(progress: Progress) -> Message:
    """The admin's card for a broadcast, edited as it goes out (by the /breaking buttons and
    by the scheduler), with Cancel while anything is left to send."""
    if progress.status == BroadcastStatus.CANCELLED and progress.total == 0:
        counts = _("Cancelled before it was sent: nobody got it.")
    else:
        counts = _("{sent} / {total} sent, {failed} failed").format(
            sent=progress.sent, total=progress.total, failed=progress.failed
        )
        if progress.cancelled:
            counts = _("{counts}, {cancelled} cancelled").format(
                counts=counts, cancelled=progress.cancelled
            )
    text = f"{bold(_(STATES[progress.status]))}\n{esc(counts)}"
    buttons: tuple[tuple[Button, ...], ...] = ()
    if progress.status == BroadcastStatus.SENDING:
        cancel = BreakingAction(progress.broadcast_id, send=False)
        buttons = ((Button.calling(_("Cancel"), cancel),),)
    return Message(html=text, buttons=buttons)


def audience(session: Session) -> int:
    return session.exec(
        select(func.count(col(Subscription.id)))
        .join(Chat, col(Chat.id) == col(Subscription.chat_id))
        .where(col(Subscription.active), col(Chat.active))
    ).one()


def draft(session: Session, *, admin_user_id: int, admin_chat_id: int, text: str) -> Broadcast:
    text = text.strip()
    if not text:
        raise BroadcastError(_("Write the update after the command: /breaking <text>."))
    length = utf16_length(text)
    if length > MAX_TEXT:
        too_long = ngettext(
            "That update is {count} character as Telegram counts them (an emoji counts 2 or"
            " more); the limit is {limit}.",
            "That update is {count} characters as Telegram counts them (an emoji counts 2 or"
            " more); the limit is {limit}.",
            length,
        )
        raise BroadcastError(too_long.format(count=length, limit=MAX_TEXT))
    broadcast = Broadcast(admin_user_id=admin_user_id, admin_chat_id=admin_chat_id, text=text)
    session.add(broadcast)
    session.flush()
    return broadcast


def confirm(
    session: Session, broadcast_id: int, *, message_id: int | None, now: datetime
) -> tuple[Progress, bool]:
    """Queue the update to every active subscriber, once: a second press changes nothing
    (the second value says whether this press queued it), and a cancelled one stays unsent."""
    broadcast = session.get(Broadcast, broadcast_id, with_for_update=True)
    if broadcast is None:
        raise BroadcastError(_(GONE))
    if broadcast.status == BroadcastStatus.CANCELLED and broadcast.total == 0:
        raise BroadcastError(
            _(
                "That update was cancelled before it was sent. Send /breaking again to write a"
                " new one."
            )
        )
    if broadcast.status != BroadcastStatus.DRAFT:
        return progress(session, broadcast_id), False
    # Each chat with the forum topic its digests go to and its language, in the same query.
    chats = (
        select(
            col(Subscription.chat_id),
            col(Subscription.message_thread_id),
            col(Chat.language),
            col(Chat.seen_language),
        )
        .join(Chat, col(Chat.id) == col(Subscription.chat_id))
        .where(col(Subscription.active), col(Chat.active))
    )
    recipients = list(session.exec(chats).all())
    headed: dict[str, Message] = {}  # the update under each language's heading

    def update_in(language: str) -> Message:
        if language not in headed:
            with speaking(language):
                headed[language] = Message(breaking_html(broadcast.text))
        return headed[language]

    enqueue(
        session,
        MessageKind.BREAKING,
        (
            Outgoing(
                chat_id,
                update_in(negotiate(chosen, seen)),
                f"{broadcast.id}:{chat_id}",
                message_thread_id=thread,
            )
            for chat_id, thread, chosen, seen in recipients
        ),
        now=now,
        broadcast_id=broadcast.id,
    )
    broadcast.status, broadcast.total = BroadcastStatus.SENDING, len(recipients)
    broadcast.progress_message_id = message_id
    session.flush()
    return progress(session, broadcast_id), True


def cancel(session: Session, broadcast_id: int, *, now: datetime) -> Progress:
    """Stop what has not been sent yet; what was sent stays sent."""
    broadcast = session.get(Broadcast, broadcast_id, with_for_update=True)
    if broadcast is None:
        raise BroadcastError(_(GONE))
    if broadcast.status in (BroadcastStatus.DRAFT, BroadcastStatus.SENDING):
        session.execute(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.broadcast_id) == broadcast_id,
                col(OutboxMessage.status) == OutboxStatus.PENDING,
            )
            .values(status=OutboxStatus.CANCELLED, last_error="cancelled by an admin")
        )
        broadcast.status, broadcast.finished_at = BroadcastStatus.CANCELLED, now
    session.flush()
    return progress(session, broadcast_id)


def progress(session: Session, broadcast_id: int) -> Progress:
    broadcast = session.get_one(Broadcast, broadcast_id)
    counts = dict(
        session.exec(
            select(col(OutboxMessage.status), func.count(col(OutboxMessage.id)))
            .where(col(OutboxMessage.broadcast_id) == broadcast_id)
            .group_by(col(OutboxMessage.status))
        ).all()
    )
    return Progress(
        broadcast_id=broadcast_id,
        status=broadcast.status,
        total=broadcast.total,
        sent=counts.get(OutboxStatus.SENT, 0),
        failed=counts.get(OutboxStatus.DEAD, 0),
        cancelled=counts.get(OutboxStatus.CANCELLED, 0),
    )


def unfinished(session: Session) -> list[Broadcast]:
    return list(
        session.exec(
            select(Broadcast).where(col(Broadcast.status) == BroadcastStatus.SENDING)
        ).all()
    )


def finish_if_done(session: Session, broadcast_id: int, *, now: datetime) -> Progress:
    """Mark a sending broadcast done once nothing of it is pending."""
    current = progress(session, broadcast_id)
    if current.status == BroadcastStatus.SENDING and current.pending <= 0:
        broadcast = session.get_one(Broadcast, broadcast_id)
        broadcast.status, broadcast.finished_at = BroadcastStatus.DONE, now
        session.flush()
        current = progress(session, broadcast_id)
    return current
