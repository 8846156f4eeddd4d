"""The durable outbox: claim due messages, then record what Telegram said about each."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, cast

from sqlalchemy import CursorResult, Table, bindparam, case, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from digests.delivery.message import Message, buttons_from_json, buttons_to_json, esc
from digests.i18n import N_, _, speaking
from digests.store.enums import DeliveryOutcome, MessageKind, OutboxStatus
from digests.store.spoken import chat_language
from digests.store.tables import Chat, OutboxMessage, Subscription

# A claimed row is leased to its sender, which renews the lease while it lives (renew_leases):
# a sender that dies and restarts takes its rows back at once (take_back); one that never comes
# back leaves them to the others once the lease runs out. Nothing is lost, and only a message
# that was really in flight can be sent twice.
CLAIM_LEASE = timedelta(seconds=15)
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]  # set-based statements
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_MAX_SECONDS = 600.0
TOPIC_GONE = N_(
    "The topic these digests went to is gone (or topics are off here), so they come here now;"
    " send /subscribe in a topic to move them."
)


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of one send, in domain terms (transport errors are translated at the edge)."""

    outcome: DeliveryOutcome
    reason: str | None = None
    retry_after: float | None = None  # seconds, for retry
    new_chat_id: int | None = None  # for migrated
    message_id: int | None = None  # for sent


class Sender(Protocol):
    async def send(
        self, chat_id: int, message: Message, *, message_thread_id: int | None = None
    ) -> Delivery: ...


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message for one chat; `key` tells it apart from every other message of its kind."""

    chat_id: int
    message: Message
    key: str
    message_thread_id: int | None = None  # the chat's forum topic it goes to; None: the chat


def enqueue(
    session: Session,
    kind: MessageKind,
    messages: Iterable[Outgoing],
    *,
    now: datetime,
    broadcast_id: int | None = None,
) -> int:
    """The one way into the outbox, due now, at the priority of their kind.

    The idempotency key is the kind and the message's key: a key already queued is skipped,
    so whatever queues the same thing twice (a retried transaction, a second press) sends it
    once. Returns how many messages were offered. Rows keep text and buttons only: a photo
    (a chart) is a reply, sent at once, and queueing one is a bug (ValueError).
    """
    messages = list(messages)
    if any(outgoing.message.photo is not None for outgoing in messages):
        raise ValueError("outbox rows carry no photos")
    rows = [
        {
            "idempotency_key": f"{kind}:{outgoing.key}",
            "chat_id": outgoing.chat_id,
            "message_thread_id": outgoing.message_thread_id,
            "text": outgoing.message.html,
            "buttons": buttons_to_json(outgoing.message.buttons),
            "preview_url": outgoing.message.preview,
            "priority": kind.priority,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "broadcast_id": broadcast_id,
            "created_at": now,
        }
        for outgoing in messages
    ]
    if rows:
        session.execute(_insert_new(session), rows)
    return len(rows)


def _insert_new(session: Session):
    """Into the table, not the model: the ORM leaves a row's None values out to let defaults
    apply, and rows with different columns go in separate statements, so a broadcast to chats
    with and without a topic, interleaved, took one INSERT per row."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(OUTBOX).on_conflict_do_nothing(index_elements=["idempotency_key"])


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    id: int
    chat_id: int
    message: Message
    attempts: int
    message_thread_id: int | None = None


def claim_due(
    session: Session, *, now: datetime, owner: str, limit: int = 100
) -> list[ClaimedMessage]:
    """Lease up to `limit` due rows to `owner`, most urgent first, in one statement; other
    senders skip rows already leased (and, on PostgreSQL, rows being claimed right now)."""
    table = OUTBOX.c
    due = (
        select(table.id)
        .where(table.status == OutboxStatus.PENDING, table.next_attempt_at <= now)
        .order_by(table.priority, table.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = list(
        session.execute(
            update(OUTBOX)
            .where(table.id.in_(due.scalar_subquery()))
            .values(
                next_attempt_at=now + CLAIM_LEASE, attempts=table.attempts + 1, claimed_by=owner
            )
            .returning(
                table.id,
                table.priority,
                table.chat_id,
                table.message_thread_id,
                table.text,
                table.buttons,
                table.preview_url,
                table.attempts,
            )
        ).all()
    )
    claimed.sort(key=lambda row: (row.priority, row.id))
    return [
        ClaimedMessage(
            r.id,
            r.chat_id,
            Message(r.text, buttons_from_json(r.buttons), preview=r.preview_url),
            r.attempts,
            r.message_thread_id,
        )
        for r in claimed
    ]


def renew_leases(session: Session, *, owner: str, now: datetime) -> None:
    """The heartbeat of a live sender: its claimed rows stay its own for another lease."""
    session.execute(_owned_by(owner).values(next_attempt_at=now + CLAIM_LEASE))


def take_back(session: Session, *, owner: str, now: datetime) -> int:
    """A restarted sender's first act: what its previous run had claimed is due again now,
    rather than after the lease (only what was really in flight can go out twice)."""
    taken = session.execute(_owned_by(owner).values(next_attempt_at=now, claimed_by=None))
    return cast(CursorResult, taken).rowcount


def _owned_by(owner: str):
    table = OUTBOX.c
    return update(OUTBOX).where(table.claimed_by == owner, table.status == OutboxStatus.PENDING)


def record_outcomes(
    session: Session, outcomes: list[tuple[int, Delivery]], *, now: datetime
) -> None:
    """Apply a batch of Telegram's answers: every "sent" in one executemany, the rare others
    row by row (they touch chats and schedules), in the order they were answered."""
    sent = [
        {"row_id": row_id, "sent_at": now}
        for row_id, delivery in outcomes
        if delivery.outcome == DeliveryOutcome.SENT
    ]
    if sent:
        table = OUTBOX.c
        session.connection().execute(
            update(OUTBOX)
            .where(table.id == bindparam("row_id"), table.status == OutboxStatus.PENDING)
            .values(
                status=OutboxStatus.SENT,
                sent_at=bindparam("sent_at"),
                last_error=None,
                claimed_by=None,
            ),
            sent,
        )
    for row_id, delivery in outcomes:
        if delivery.outcome != DeliveryOutcome.SENT:
            record_delivery(session, row_id, delivery, now=now)


def record_delivery(
    session: Session, message_id: int, delivery: Delivery, *, now: datetime
) -> None:
    """Apply Telegram's answer to a claimed row (and, for 403, migration or a forum topic
    gone, to the chat)."""
    row = session.get(OutboxMessage, message_id)
    if row is None or row.status != OutboxStatus.PENDING:
        return
    row.claimed_by = None
    if delivery.outcome == DeliveryOutcome.SENT:
        row.status, row.sent_at, row.last_error = OutboxStatus.SENT, now, None
    elif delivery.outcome == DeliveryOutcome.RETRY:
        _schedule_retry(row, delivery, now=now)
    elif delivery.outcome == DeliveryOutcome.BLOCKED:
        deactivate_chat(session, row.chat_id, delivery.reason or "blocked")
    elif delivery.outcome == DeliveryOutcome.MIGRATED and delivery.new_chat_id is not None:
        migrate_chat(session, row.chat_id, delivery.new_chat_id)
        row.next_attempt_at = now
        row.attempts -= 1
    elif delivery.outcome == DeliveryOutcome.THREAD_GONE:
        if row.message_thread_id is not None:
            leave_topic(session, row, now=now)
        row.next_attempt_at = now
        row.attempts -= 1
    else:
        row.status, row.last_error = OutboxStatus.DEAD, delivery.reason or "rejected"
    session.flush()


def release(session: Session, message_ids: list[int], *, now: datetime) -> None:
    """Hand back claimed rows that were not attempted, so they do not wait out the lease."""
    table = OUTBOX.c
    session.execute(
        update(OUTBOX)
        .where(table.id.in_(message_ids), table.status == OutboxStatus.PENDING)
        .values(
            next_attempt_at=now,
            attempts=case((table.attempts > 0, table.attempts - 1), else_=0),
            claimed_by=None,
        )
    )


def _schedule_retry(row: OutboxMessage, delivery: Delivery, *, now: datetime) -> None:
    """Flood waits are Telegram's pacing, not failures; errors back off and finally give up."""
    row.last_error = delivery.reason
    if delivery.retry_after is not None:
        row.attempts -= 1
        row.next_attempt_at = now + timedelta(seconds=delivery.retry_after)
    elif row.attempts >= MAX_ATTEMPTS:
        row.status = OutboxStatus.DEAD
        row.last_error = f"gave up after {row.attempts} attempts: {delivery.reason}"[:512]
    else:
        delay = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (row.attempts - 1))
        row.next_attempt_at = now + timedelta(seconds=delay)


def deactivate_chat(session: Session, chat_id: int, reason: str) -> None:
    """Telegram will not let us write here: stop the chat and drop what was queued for it.

    Its schedule goes too (subscribing again sets a new one): a slot left behind would stay
    in front of every due subscriber in the due index forever.
    """
    chat = session.get(Chat, chat_id)
    if chat is not None:
        chat.active, chat.inactive_reason = False, reason[:256]
    session.exec(
        update(Subscription).where(col(Subscription.chat_id) == chat_id).values(next_digest_at=None)
    )
    session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.chat_id) == chat_id, col(OutboxMessage.status) == OutboxStatus.PENDING
        )
        .values(status=OutboxStatus.DEAD, last_error=f"chat inactive: {reason}"[:512])
    )


def migrate_chat(session: Session, old_id: int, new_id: int) -> None:
    """A group became a supergroup: move the chat, its subscription and its queue to the new id."""
    old = session.get(Chat, old_id)
    if old is not None and session.get(Chat, new_id) is None:
        session.add(Chat(id=new_id, kind="supergroup", title=old.title, active=old.active))
        session.flush()
    if old is not None:
        old.active, old.inactive_reason = False, f"migrated to {new_id}"
    session.exec(
        update(Subscription).where(col(Subscription.chat_id) == old_id).values(chat_id=new_id)
    )
    session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.chat_id) == old_id, col(OutboxMessage.status) == OutboxStatus.PENDING
        )
        .values(chat_id=new_id)
    )


def leave_topic(session: Session, row: OutboxMessage, *, now: datetime) -> None:
    """The forum topic `row` went to is gone (deleted, or topics turned off): it and whatever
    else waits for that topic go to the general chat, and so does the subscription, so every
    later message does too.

    The chat hears why once: only the statement that takes the subscription out of the topic
    queues the notice, so another row failing the same way later finds nothing to change. A
    subscription already moved to another topic stays there.
    """
    thread = row.message_thread_id
    moved = session.execute(
        update(Subscription)
        .where(
            col(Subscription.chat_id) == row.chat_id,
            col(Subscription.message_thread_id) == thread,
        )
        .values(message_thread_id=None)
    )
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.chat_id) == row.chat_id,
            col(OutboxMessage.message_thread_id) == thread,
            col(OutboxMessage.status) == OutboxStatus.PENDING,
        )
        .values(message_thread_id=None)
    )
    row.message_thread_id = None
    if cast(CursorResult, moved).rowcount:
        with speaking(chat_language(session.get(Chat, row.chat_id))):
            said = Message(esc(_(TOPIC_GONE)))
        notice = Outgoing(row.chat_id, said, key=f"topic-gone:{row.id}")
        enqueue(session, MessageKind.NOTICE, [notice], now=now)


def next_due_at(session: Session) -> datetime | None:
    """When the earliest pending row may be claimed (None: nothing is pending)."""
    pending = select(func.min(col(OutboxMessage.next_attempt_at))).where(
        col(OutboxMessage.status) == OutboxStatus.PENDING
    )
    return session.exec(pending).one()


def queue_depth(session: Session) -> int:
    pending = select(func.count(col(OutboxMessage.id))).where(
        col(OutboxMessage.status) == OutboxStatus.PENDING
    )
    return session.exec(pending).one()
