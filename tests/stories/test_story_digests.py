"""Digests by story: each story once with its sources, then only what is new to the reader."""

from sqlmodel import select

from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.store.tables import OutboxMessage
from digests.subscriptions.digest import compose_digest, due_subscriptions
from digests.subscriptions.subscribers import ChatInfo, change_setting, subscribe
from tests.stories.reports import (
    CONVOY_SAILS,
    GRAIN_DEAL,
    GRAIN_DEAL_AGAIN,
    GRAIN_DEAL_ELSEWHERE,
    TANK_FACTORY,
)

CHAT = ChatInfo(id=7001)
OUTLETS = {"first": "First Outlet", "second": "Second Outlet", "third": "Third Outlet"}


def ingest(runtime, outlet: str, *raws) -> None:
    with runtime.session() as session:
        url = f"https://{outlet}.example/feed"
        source = ensure_source(session, kind="feed", url=url, title=OUTLETS[outlet])
        ingest_batch(session, prepare_batch(list(raws)), source=source)


def digest_texts(runtime, clock) -> list[str]:
    """Compose the next hourly digest; the texts queued by it."""
    clock.advance(hours=1)
    with runtime.session() as session:
        before = len(session.exec(select(OutboxMessage.id)).all())
        for subscription in due_subscriptions(session, now=clock()):
            compose_digest(session, subscription, now=clock())
    with runtime.session() as session:
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [row.text for row in rows[before:]]


def test_two_outlets_on_one_event_make_one_entry_then_only_news(seeded, clock):
    runtime = seeded
    with runtime.session() as session:
        subscribe(session, CHAT, now=clock(), timezone="UTC", digest_time="08:00")
        change_setting(session, CHAT.id, "rhythm", "hourly", now=clock())
    digest_texts(runtime, clock)  # the seeds, read
    ingest(runtime, "first", GRAIN_DEAL)
    ingest(runtime, "second", GRAIN_DEAL_ELSEWHERE, TANK_FACTORY)

    [first] = digest_texts(runtime, clock)
    assert "3 new articles in 2 stories" in first
    assert first.count(GRAIN_DEAL.title) == 1  # the story once, under its first headline
    assert GRAIN_DEAL_ELSEWHERE.title not in first
    assert "2 sources: First Outlet, Second Outlet" in first
    assert "Putin tours Urals tank factory" in first

    ingest(runtime, "first", CONVOY_SAILS)
    [update] = digest_texts(runtime, clock)
    assert "Update: Putin and Erdogan agree to reopen Black Sea grain corridor" in update
    assert "Chicago" not in update  # said in the first reports already
    assert "Razoni" in update or "300,000" in update or "Insurers" in update

    ingest(runtime, "third", GRAIN_DEAL_AGAIN)
    assert digest_texts(runtime, clock) == []  # nothing new in it: no entry, no message
