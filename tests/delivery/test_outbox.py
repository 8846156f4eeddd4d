"""The outbox: leased claims, Telegram's answers applied, pacing that never overshoots."""

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlmodel import select

from digests.delivery.message import Button, Message, Photo
from digests.delivery.outbox import (
    TOPIC_GONE,
    Delivery,
    Outgoing,
    claim_due,
    enqueue,
    record_delivery,
)
from digests.delivery.pacing import Limits, Pacer
from digests.store.enums import MessageKind, OutboxStatus, Priority
from digests.store.tables import Chat, OutboxMessage, Subscription
from digests.subscriptions.subscribers import ChatInfo, subscribe


def queue(
    runtime,
    chat_id: int,
    key: str,
    *,
    kind: MessageKind = MessageKind.DIGEST,
    message_thread_id: int | None = None,
) -> int:
    with runtime.session() as session:
        outgoing = Outgoing(chat_id, Message("hello"), key, message_thread_id=message_thread_id)
        enqueue(session, kind, [outgoing], now=runtime.clock())
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


def test_a_photo_is_never_queued_to_go_out_as_its_caption_alone(runtime):
    chart = Message("<b>Putin</b>", photo=Photo(b"\x89PNG..."))
    with runtime.session() as session, pytest.raises(ValueError, match="no photos"):
        enqueue(session, MessageKind.NOTICE, [Outgoing(1, chart, "chart")], now=runtime.clock())
    assert claim(runtime) == []


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


def test_a_queued_digest_keeps_the_picture_it_previews(runtime):
    with runtime.session() as session:
        pictured = Message("<b>Top story</b>", preview="https://img.example/top.jpg")
        plain = Message("<b>No picture</b>")
        queued = [Outgoing(5, pictured, "a"), Outgoing(6, plain, "b")]
        enqueue(session, MessageKind.DIGEST, queued, now=runtime.clock())
    assert [claimed.message for claimed in claim(runtime)] == [pictured, plain]


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


FORUM = -100_77


def subscribe_topic(runtime, message_thread_id: int | None) -> None:
    with runtime.session() as session:
        subscribe(
            session,
            ChatInfo(id=FORUM, kind="supergroup", forum=True),
            now=runtime.clock(),
            timezone="UTC",
            digest_time="08:00",
            message_thread_id=message_thread_id,
        )


def subscription_topic(runtime) -> int | None:
    with runtime.session() as session:
        return session.exec(select(Subscription.message_thread_id)).one()


def pending(runtime) -> list[tuple[str, int | None]]:
    """(text, topic) of every row due, in the order a sender takes them (most urgent first)."""
    with runtime.session() as session:
        claimed = claim_due(session, now=runtime.clock(), owner="sender-b")
        return [(m.message.html, m.message_thread_id) for m in claimed]


def test_claimed_rows_carry_their_topic(runtime):
    queue(runtime, FORUM, "a", message_thread_id=45)
    queue(runtime, FORUM, "b")
    assert [m.message_thread_id for m in claim(runtime)] == [45, None]


def test_a_topic_gone_sends_its_rows_and_the_subscription_to_the_general_chat_told_once(
    runtime, clock
):
    subscribe_topic(runtime, 45)
    failing = queue(runtime, FORUM, "a", message_thread_id=45)
    claim(runtime)  # both in flight for the topic, as a drain claims them
    later = queue(runtime, FORUM, "b", message_thread_id=45)
    elsewhere = queue(runtime, FORUM, "c", message_thread_id=46)  # another topic: untouched
    record(runtime, failing, Delivery("thread_gone", reason="Message thread not found"))
    assert subscription_topic(runtime) is None
    assert (row(runtime, failing).status, row(runtime, failing).attempts) == ("pending", 0)
    assert row(runtime, later).message_thread_id is None
    assert row(runtime, elsewhere).message_thread_id == 46
    assert pending(runtime) == [(TOPIC_GONE, None), ("hello", None), ("hello", None), ("hello", 46)]


def test_a_second_row_failing_for_the_same_topic_goes_again_without_a_second_notice(runtime):
    subscribe_topic(runtime, 45)
    first = queue(runtime, FORUM, "a", message_thread_id=45)
    second = queue(runtime, FORUM, "b", message_thread_id=45)
    claim(runtime)  # both sent for the topic before either answer was recorded
    gone = Delivery("thread_gone", reason="Message thread not found")
    record(runtime, first, gone)
    record(runtime, second, gone)
    assert row(runtime, second).status == "pending"
    assert [text for text, _ in pending(runtime)].count(TOPIC_GONE) == 1


def test_a_subscription_moved_meanwhile_stays_in_its_new_topic(runtime):
    subscribe_topic(runtime, 45)
    old = queue(runtime, FORUM, "a", message_thread_id=45)
    claim(runtime)
    subscribe_topic(runtime, 46)  # /subscribe in another topic while the row was in flight
    record(runtime, old, Delivery("thread_gone", reason="Message thread not found"))
    assert subscription_topic(runtime) == 46
    assert pending(runtime) == [("hello", None)]  # no notice: the subscription did not move


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


def test_chats_with_and_without_a_topic_are_queued_in_one_statement(runtime):
    """A broadcast to 100,000 chats, some in topics, is one INSERT, not one per row: the ORM
    would split rows whose None values differ into statements of their own."""
    from sqlalchemy import event

    inserts = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.startswith("INSERT INTO outboxmessage"):
            inserts.append(statement)

    messages = [
        Outgoing(chat, Message("hi"), f"b:{chat}", message_thread_id=chat if chat % 2 else None)
        for chat in range(1, 101)
    ]
    event.listen(runtime.engine, "before_cursor_execute", count)
    try:
        with runtime.session() as session:
            enqueue(session, MessageKind.BREAKING, messages, now=runtime.clock())
    finally:
        event.remove(runtime.engine, "before_cursor_execute", count)
    assert len(inserts) == 1
    queued = claim(runtime)
    assert len(queued) == 100
    assert [m.message_thread_id for m in queued][:4] == [1, None, 3, None]
