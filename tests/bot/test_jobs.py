"""The scheduler tick: a peak of due subscribers is composed in one tick, page after page."""

from sqlmodel import func, select

import bot.jobs as jobs
from digests.store.tables import OutboxMessage
from digests.subscriptions.subscribers import ChatInfo, change_setting, subscribe
from tests.news import seeds_arrive


def test_one_tick_composes_every_due_subscriber_across_pages(runtime, clock, monkeypatch):
    monkeypatch.setattr(jobs, "DUE_PAGE", 5)
    with runtime.session() as session:
        for chat_id in range(7000, 7012):
            subscribe(
                session, ChatInfo(id=chat_id), now=clock(), timezone="UTC", digest_time="08:00"
            )
        change_setting(session, 7000, "rhythm", "instant", now=clock())
        change_setting(session, 7000, "quiet_hours", "00:00-23:59", now=clock())
    seeds_arrive(runtime)
    clock.advance(days=1)
    assert jobs.compose_due_digests(runtime) == 11  # everyone but the one in quiet hours
    with runtime.session() as session:
        chats = session.exec(select(func.count(func.distinct(OutboxMessage.chat_id)))).one()
    assert chats == 11
    assert jobs.compose_due_digests(runtime) == 0
