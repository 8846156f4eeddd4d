"""The durable outbox: claim due messages, then record what Telegram said about each."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from digests.delivery.message import Message, buttons_from_json, buttons_to_json
from digests.store.enums import DeliveryOutcome, MessageKind, OutboxStatus
from digests.store.tables import Chat, OutboxMessage, Subscription

# A claimed row is leased: if the sender dies mid-send, the row becomes due again after this,
# so nothing is lost and only a message that was in flight can be sent twice.
CLAIM_LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_MAX_SECONDS = 600.0


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of one send, in domain terms (transport errors are translated at the edge)."""

    outcome: DeliveryOutcome
    reason: str | None = None
    retry_after: float | None = None  # seconds, for retry
    new_chat_id: int | None = None  # for migrated
    message_id: int | None = None  # for sent


class Sender(Protocol):
    async def send(self, chat_id: int, message: Message) -> Delivery: ...


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message for one chat; `key` tells it apart from every other message of its kind."""

    chat_id: int
    message: Message
    key: str


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
    once. Returns how many messages were offered.
    """
    rows = [
        {
            "idempotency_key": f"{kind}:{outgoing.key}",
            "chat_id": outgoing.chat_id,
            "text": outgoing.message.html,
            "buttons": buttons_to_json(outgoing.message.buttons),
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
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(OutboxMessage).on_conflict_do_nothing(index_elements=["idempotency_key"])


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    id: int
    chat_id: int
    message: Message
    attempts: int


def claim_due(session: Session, *, now: datetime, limit: int = 100) -> list[ClaimedMessage]:
    """Lease up to `limit` due rows, most urgent first; other senders skip rows already leased."""
    query = (
        select(OutboxMessage)
        .where(
            col(OutboxMessage.status) == OutboxStatus.PENDING,
            col(OutboxMessage.next_attempt_at) <= now,
        )
        .order_by(col(OutboxMessage.priority), col(OutboxMessage.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = session.exec(query).all()
    for row in rows:
        row.next_attempt_at = now + CLAIM_LEASE
        row.attempts += 1
    session.flush()
    return [
        ClaimedMessage(r.id, r.chat_id, Message(r.text, buttons_from_json(r.buttons)), r.attempts)
        for r in rows
    ]


def record_delivery(
    session: Session, message_id: int, delivery: Delivery, *, now: datetime
) -> None:
    """Apply Telegram's answer to a claimed row (and, for 403 or migration, to the chat)."""
    row = session.get(OutboxMessage, message_id)
    if row is None or row.status != OutboxStatus.PENDING:
        return
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
    else:
        row.status, row.last_error = OutboxStatus.DEAD, delivery.reason or "rejected"
    session.flush()


def release(session: Session, message_ids: list[int], *, now: datetime) -> None:
    """Hand back claimed rows that were not attempted, so they do not wait out the lease."""
    for row in session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(message_ids))):
        if row.status == OutboxStatus.PENDING:
            row.next_attempt_at = now
            row.attempts = max(0, row.attempts - 1)
    session.flush()


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
