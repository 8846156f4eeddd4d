"""Digests: due subscribers, new articles only, filters, one outbox row per message."""

from datetime import timedelta

import pytest
from sqlmodel import select

from digests.store.tables import OutboxMessage, Subscription
from digests.subscriptions.digest import compose_digest, due_subscriptions
from digests.subscriptions.digest_now import send_digest_now
from digests.subscriptions.subscribers import (
    ChatInfo,
    SettingError,
    change_setting,
    subscribe,
    unsubscribe,
)
from tests.news import seeds_arrive

CHAT = ChatInfo(id=5001)


def subscribe_chat(runtime, **settings):
    with runtime.session() as session:
        subscribe(session, CHAT, now=runtime.clock(), timezone="UTC", digest_time="08:00")
        for name, value in settings.items():
            change_setting(session, CHAT.id, name, value, now=runtime.clock())


def compose_due(runtime) -> int:
    queued = 0
    with runtime.session() as session:
        for subscription in due_subscriptions(session, now=runtime.clock()):
            queued += compose_digest(session, subscription, now=runtime.clock())
    return queued


def outbox(runtime) -> list[OutboxMessage]:
    with runtime.session() as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def test_a_daily_digest_is_due_at_its_time_and_composed_once(runtime, clock):
    subscribe_chat(runtime)
    seeds_arrive(runtime)
    assert compose_due(runtime) == 0  # 12:00, next digest tomorrow 08:00
    clock.advance(hours=20)
    assert compose_due(runtime) == 1
    assert compose_due(runtime) == 0  # rescheduled, and nothing new anyway
    [row] = outbox(runtime)
    assert "Your digest: 5 new articles" in row.text
    assert "Calls for a Ukraine ceasefire" in row.text


def test_nothing_is_sent_when_nothing_is_new(runtime, clock):
    subscribe_chat(runtime)
    seeds_arrive(runtime)
    clock.advance(days=1)
    compose_due(runtime)
    clock.advance(days=1)
    assert compose_due(runtime) == 0
    assert len(outbox(runtime)) == 1


def test_a_new_subscriber_starts_from_now(seeded, clock):
    """What was stored before is in /latest, not in a first digest of old news."""
    subscribe_chat(seeded, rhythm="instant")
    assert compose_due(seeded) == 0
    clock.advance(days=1)
    assert compose_due(seeded) == 0 and outbox(seeded) == []


def test_a_returning_subscriber_starts_from_now_too(runtime, clock):
    subscribe_chat(runtime, rhythm="instant")
    with runtime.session() as session:
        assert unsubscribe(session, CHAT.id)
    seeds_arrive(runtime)  # while they were away
    subscribe_chat(runtime)
    clock.advance(days=1)
    assert compose_due(runtime) == 0 and outbox(runtime) == []


def test_keyword_filters_choose_articles(runtime, clock):
    subscribe_chat(runtime, include_keywords="kursk", exclude_keywords="bundestag")
    seeds_arrive(runtime)
    clock.advance(days=1)
    compose_due(runtime)
    [row] = outbox(runtime)
    assert "Diplomatic Efforts Intensify" in row.text
    assert "Calls for a Ukraine ceasefire" not in row.text


def test_instant_subscribers_get_new_articles_at_the_next_tick(runtime):
    subscribe_chat(runtime, rhythm="instant")
    assert compose_due(runtime) == 0
    seeds_arrive(runtime)
    assert compose_due(runtime) == 1
    assert compose_due(runtime) == 0


def test_a_page_a_reader_sent_makes_no_instant_subscriber_due(seeded):
    from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
    from digests.ingest.sources.raw import RawArticle

    subscribe_chat(seeded, rhythm="instant")
    with seeded.session() as session:
        page = ensure_source(session, kind="page", url="https://blog.example", title="blog")
        memo = RawArticle(text="The board meets on Thursday. " * 20, title="Memo")
        ingest_batch(session, prepare_batch([memo]), source=page, owner_chat_id=CHAT.id + 1)
        assert due_subscriptions(session, now=seeded.clock()) == []


def test_unsubscribed_chats_are_never_due(runtime, clock):
    subscribe_chat(runtime)
    with runtime.session() as session:
        assert unsubscribe(session, CHAT.id)
    seeds_arrive(runtime)
    clock.advance(days=2)
    assert compose_due(runtime) == 0


def test_quiet_hours_hold_instant_digests(runtime, clock):
    subscribe_chat(runtime, rhythm="instant", quiet_hours="11:00-13:00")
    seeds_arrive(runtime)
    assert compose_due(runtime) == 0
    clock.advance(hours=1, minutes=1)
    assert compose_due(runtime) == 1


def test_a_digest_asked_for_comes_even_in_quiet_hours_and_keeps_the_schedule(runtime, clock):
    subscribe_chat(runtime, rhythm="instant", quiet_hours="11:00-13:00")
    seeds_arrive(runtime)
    with runtime.session() as session:
        assert send_digest_now(session, CHAT.id, now=clock()) == 1
        assert send_digest_now(session, CHAT.id, now=clock()) == 0  # nothing new since
    [row] = outbox(runtime)
    assert "Your digest: 5 new articles" in row.text
    clock.advance(hours=1, minutes=1)
    assert compose_due(runtime) == 0  # the scheduled one has nothing left to bring


def test_a_digest_asked_for_moves_the_watermark_and_not_the_daily_slot(runtime, clock):
    subscribe_chat(runtime)
    seeds_arrive(runtime)
    with runtime.session() as session:
        assert send_digest_now(session, CHAT.id, now=clock()) == 1
        row = session.exec(select(Subscription)).one()
        assert row.next_digest_at == (clock.now + timedelta(days=1)).replace(hour=8)
    clock.advance(days=1)
    assert compose_due(runtime) == 0


def test_only_an_active_subscription_is_sent_at_once(seeded, clock):
    with seeded.session() as session, pytest.raises(SettingError, match="not subscribed"):
        send_digest_now(session, CHAT.id, now=clock())
    subscribe_chat(seeded)
    with seeded.session() as session:
        unsubscribe(session, CHAT.id)
    with seeded.session() as session, pytest.raises(SettingError, match="paused"):
        send_digest_now(session, CHAT.id, now=clock())
    assert outbox(seeded) == []


def test_topics_typed_off_clear_and_the_rest_match_as_words(runtime, clock):
    subscribe_chat(runtime, include_keywords="kursk", exclude_keywords="off")
    with runtime.session() as session:
        row = session.exec(select(Subscription)).one()
        assert (row.include_keywords, row.exclude_keywords) == ("kursk", "")
    subscribe_chat(runtime, include_keywords="official")  # inside "officials" everywhere
    seeds_arrive(runtime)
    clock.advance(days=1)
    compose_due(runtime)
    [row] = outbox(runtime)
    assert "Your digest: 1 new article" in row.text


def test_digest_schedule_is_stored_on_the_row(seeded, clock):
    subscribe_chat(seeded, timezone="Asia/Tokyo", digest_time="07:30")
    with seeded.session() as session:
        row = session.exec(select(Subscription)).one()
    assert row.next_digest_at == clock.now.replace(hour=22, minute=30)
    assert row.next_digest_at - clock.now < timedelta(days=1)


def test_pages_readers_asked_about_stay_out_of_lists_and_digests(runtime, clock):
    from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
    from digests.ingest.sources.raw import RawArticle
    from digests.reading.articles import latest_articles

    subscribe_chat(runtime)  # not even the reader who sent it gets it as news
    with runtime.session() as session:
        page = ensure_source(session, kind="page", url="https://blog.example", title="blog")
        spam = RawArticle(text="Buy cheap watches today. " * 20, title="Cheap watches")
        ingest_batch(session, prepare_batch([spam]), source=page, owner_chat_id=CHAT.id)
        assert "Cheap watches" not in [c.title for c in latest_articles(session, limit=20)]
    seeds_arrive(runtime)
    clock.advance(days=1)
    compose_due(runtime)
    [row] = outbox(runtime)
    assert "Cheap watches" not in row.text
    assert "Your digest: 5 new articles" in row.text


def test_the_longest_waiting_come_first_whatever_their_rhythm(runtime, clock):
    with runtime.session() as session:
        for chat_id, at in ((1, "13:00"), (2, "08:00"), (3, "12:30")):
            subscribe(session, ChatInfo(id=chat_id), now=clock(), timezone="UTC", digest_time=at)
        change_setting(session, 2, "rhythm", "instant", now=clock())  # due since 12:00
    seeds_arrive(runtime)
    clock.advance(hours=2)
    with runtime.session() as session:
        first_page = due_subscriptions(session, now=clock(), limit=2)
        everyone = due_subscriptions(session, now=clock())
    assert [s.chat_id for s in first_page] == [2, 3]
    assert [s.chat_id for s in everyone] == [2, 3, 1]


def test_a_full_page_of_scheduled_digests_keeps_later_instant_ones_for_the_next(runtime, clock):
    with runtime.session() as session:
        for chat_id, at in ((1, "13:00"), (3, "12:30"), (2, "08:00")):
            subscribe(session, ChatInfo(id=chat_id), now=clock(), timezone="UTC", digest_time=at)
    seeds_arrive(runtime)
    clock.advance(hours=1, minutes=10)
    with runtime.session() as session:
        change_setting(session, 2, "rhythm", "instant", now=clock())  # due since 13:10
    clock.advance(minutes=50)
    with runtime.session() as session:
        first_page = due_subscriptions(session, now=clock(), limit=2)
        everyone = due_subscriptions(session, now=clock())
    assert [s.chat_id for s in first_page] == [3, 1]
    assert [s.chat_id for s in everyone] == [3, 1, 2]
