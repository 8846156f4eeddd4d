"""Following actors: only new statements, in the follower's digest, once."""

import pytest
from sqlmodel import select

from digests.actors.store import lookup_actors
from digests.ingest.pipeline import ensure_source, ingest_batch
from digests.ingest.sources.raw import RawArticle
from digests.store.tables import OutboxMessage
from digests.subscriptions.digest import compose_digest, due_subscriptions
from digests.subscriptions.follows import FollowError, follow, unfollow
from digests.subscriptions.subscribers import ChatInfo, subscribe

CHAT = ChatInfo(id=6001)
NEW_ARTICLE = RawArticle(
    title="Kremlin answers the new proposal",
    text=(
        "Moscow responded on Friday to the latest ceasefire proposal from Washington. "
        "“We will study every line of this document before we answer,” Vladimir Putin said. "
        "Officials in Kyiv said they expected a reply within days. "
        "Diplomats described the atmosphere of the talks as tense but businesslike."
    ),
    url="https://news.example/kremlin-answers",
)


def putin_id(session) -> int:
    return lookup_actors(session, "Putin")[0][0]


def compose_due(runtime) -> None:
    with runtime.session() as session:
        for subscription in due_subscriptions(session, now=runtime.clock()):
            compose_digest(session, subscription, now=runtime.clock())


def test_following_needs_a_subscription(seeded):
    with seeded.session() as session, pytest.raises(FollowError):
        follow(session, CHAT.id, putin_id(session))


def test_new_statements_of_followed_people_arrive_in_the_digest_once(seeded, clock):
    with seeded.session() as session:
        subscribe(session, CHAT, now=clock(), timezone="UTC", digest_time="08:00")
        assert follow(session, CHAT.id, putin_id(session)) == "Vladimir Putin"
    clock.advance(days=1)
    compose_due(seeded)  # the first digest: the seed articles, no earlier statements replayed
    with seeded.session() as session:
        first = session.exec(select(OutboxMessage)).one()
    assert "From people you follow" not in first.text
    with seeded.session() as session:
        source = ensure_source(session, kind="feed", url="https://news.example/feed", title="News")
        ingest_batch(session, [NEW_ARTICLE], source=source)
    clock.advance(days=1)
    compose_due(seeded)
    with seeded.session() as session:
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert len(rows) == 2
    assert "1 new statement from people you follow" in rows[1].text
    assert "We will study every line of this document before we answer" in rows[1].text


def test_unfollow_stops_it(seeded, clock):
    with seeded.session() as session:
        subscribe(session, CHAT, now=clock(), timezone="UTC", digest_time="08:00")
        follow(session, CHAT.id, putin_id(session))
        assert unfollow(session, CHAT.id, putin_id(session))
        assert not unfollow(session, CHAT.id, putin_id(session))
