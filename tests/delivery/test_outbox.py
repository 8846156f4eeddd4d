"""The outbox: leased claims, Telegram's answers applied, pacing that never overshoots."""

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlmodel import select

from digests.delivery.message import Button, Message
from digests.delivery.outbox import Delivery, Outgoing, claim_due, enqueue, record_delivery
from digests.delivery.pacing import Limits, Pacer
from digests.store.enums import MessageKind, OutboxStatus, Priority
from digests.store.tables import Chat, OutboxMessage, Subscription
from digests.subscriptions.subscribers import ChatInfo, subscribe


def queue(runtime, chat_id: int, key: str, *, kind: MessageKind = MessageKind.DIGEST) -> int:
    with runtime.session() as session:
        enqueue(session, kind, [Outgoing(chat_id, Message("hello"), key)], now=runtime.clock())
        return session.exec(
            select(OutboxMessage.id).where(OutboxMessage.idempotency_key == f"{kind}:{key}")
        ).one()


def claim(runtime):
    with runtime.session() as session:
        return claim_due(session, now=runtime.clock(), owner="sender-a")


def record(runtime, row_id, delivery):
    with runtime.session() as session:
        record_delivery(session, row_id, delivery, now=runtime.clock())


def row(runtime, row_id) -> OutboxMessage:
    with runtime.session() as session:
        return session.get(OutboxMessage, row_id)


def test_claims_are_leased_so_a_crash_loses_nothing(runtime, clock):
    row_id = queue(runtime, 1, "a")
    assert [m.id for m in claim(runtime)] == [row_id]
    assert claim(runtime) == []  # leased: another sender does not take it
    clock.advance(minutes=2)  # the sender died before recording: the lease runs out
    assert [m.id for m in claim(runtime)] == [row_id]


def test_breaking_news_is_claimed_before_digests(runtime):
    digest = queue(runtime, 1, "d", kind=MessageKind.DIGEST)
    notice = queue(runtime, 3, "n", kind=MessageKind.NOTICE)
    breaking = queue(runtime, 2, "b", kind=MessageKind.BREAKING)
    assert [m.id for m in claim(runtime)] == [breaking, notice, digest]


def test_the_same_key_queued_twice_is_sent_once(runtime):
    first = queue(runtime, 1, "digest:7:0")
    assert queue(runtime, 1, "digest:7:0") == first
    assert [m.id for m in claim(runtime)] == [first]


def test_queued_rows_read_back_as_enums_with_their_buttons(runtime):
    button = Button("Read", url="https://example.org/a")
    with runtime.session() as session:
        message = Message("<b>hi</b>", ((button,),))
        enqueue(session, MessageKind.BREAKING, [Outgoing(5, message, "x")], now=runtime.clock())
        stored = session.exec(select(OutboxMessage)).one()
        assert stored.status is OutboxStatus.PENDING
        assert stored.priority is Priority.BREAKING
    [claimed] = claim(runtime)
    assert claimed.message == message


def test_a_state_outside_its_enum_is_refused(runtime):
    row_id = queue(runtime, 1, "a")
    with pytest.raises(StatementError), runtime.session() as session:
        session.get(OutboxMessage, row_id).status = "delivered"
        session.flush()
    with runtime.session() as session:  # what is stored stays the plain value
        stored = session.exec(text("SELECT status FROM outboxmessage")).one()
    assert stored == ("pending",)


def test_a_sent_message_is_never_claimed_again(runtime, clock):
    row_id = queue(runtime, 1, "a")
    claim(runtime)
    record(runtime, row_id, Delivery("sent"))
    clock.advance(hours=1)
    assert claim(runtime) == []
    assert row(runtime, row_id).status == "sent"


def test_retry_after_waits_exactly_as_told(runtime, clock):
    row_id = queue(runtime, 1, "a")
    claim(runtime)
    record(runtime, row_id, Delivery("retry", retry_after=7))
    assert row(runtime, row_id).next_attempt_at == clock.now + timedelta(seconds=7)
    clock.advance(seconds=6)
    assert claim(runtime) == []
    clock.advance(seconds=1)
    assert len(claim(runtime)) == 1


def test_network_errors_back_off_then_dead_letter(runtime, clock):
    row_id = queue(runtime, 1, "a")
    for _ in range(8):
        clock.advance(hours=1)
        assert len(claim(runtime)) == 1
        record(runtime, row_id, Delivery("retry", reason="network: 502"))
    final = row(runtime, row_id)
    assert final.status == "dead"
    assert "502" in final.last_error


def test_blocked_chat_becomes_inactive_and_its_queue_is_dropped(runtime):
    with runtime.session() as session:
        subscribe(
            session, ChatInfo(id=77), now=runtime.clock(), timezone="UTC", digest_time="08:00"
        )
    first, second = queue(runtime, 77, "a"), queue(runtime, 77, "b")
    claim(runtime)
    record(runtime, first, Delivery("blocked", reason="Forbidden: bot was blocked by the user"))
    with runtime.session() as session:
        assert session.get(Chat, 77).active is False
    assert row(runtime, second).status == "dead"


def test_a_blocked_chat_keeps_no_schedule_until_it_subscribes_again(runtime):
    info = ChatInfo(id=78)
    with runtime.session() as session:
        subscribe(session, info, now=runtime.clock(), timezone="UTC", digest_time="08:00")
    row_id = queue(runtime, 78, "a")
    claim(runtime)
    record(runtime, row_id, Delivery("blocked", reason="Forbidden: bot was blocked by the user"))
    with runtime.session() as session:
        assert session.exec(select(Subscription)).one().next_digest_at is None
        subscribe(session, info, now=runtime.clock(), timezone="UTC", digest_time="08:00")
    with runtime.session() as session:
        assert session.exec(select(Subscription)).one().next_digest_at is not None


def test_migrated_group_moves_subscription_and_queue(runtime):
    with runtime.session() as session:
        subscribe(
            session,
            ChatInfo(id=-42, kind="group"),
            now=runtime.clock(),
            timezone="UTC",
            digest_time="08:00",
        )
    row_id = queue(runtime, -42, "a")
    claim(runtime)
    record(runtime, row_id, Delivery("migrated", new_chat_id=-100_42))
    with runtime.session() as session:
        assert session.exec(select(Subscription.chat_id)).one() == -100_42
    assert row(runtime, row_id).chat_id == -100_42
    assert [m.chat_id for m in claim(runtime)] == [-100_42]


def test_other_bad_requests_are_dead_lettered_with_the_reason(runtime):
    row_id = queue(runtime, 1, "a")
    claim(runtime)
    record(runtime, row_id, Delivery("rejected", reason="can't parse entities"))
    assert row(runtime, row_id).status == "dead"
    assert row(runtime, row_id).last_error == "can't parse entities"


def test_pacer_spaces_messages_per_chat():
    pacer = Pacer(Limits(private_interval=1.0, group_interval=3.0), clock=lambda: 0.0)
    assert [pacer.reserve_chat(1) for _ in range(3)] == [0.0, 1.0, 2.0]
    assert pacer.reserve_chat(2) == 0.0  # another chat is not held up by the first
    assert [pacer.reserve_chat(-5) for _ in range(2)] == [0.0, 3.0]


def test_pacer_keeps_the_overall_rate():
    pacer = Pacer(Limits(overall_per_second=30), clock=lambda: 0.0)
    waits = [pacer.reserve_overall() for _ in range(60)]
    assert waits[0] == 0.0
    assert abs(waits[-1] - 59 / 30) < 1e-9  # 60 messages need two seconds at 30 per second


def test_a_429_holds_only_that_chat():
    now = [0.0]
    pacer = Pacer(Limits(), clock=lambda: now[0])
    pacer.hold_chat(7, 5.0)
    assert pacer.reserve_chat(7) == 5.0
    assert pacer.reserve_chat(8) == 0.0
