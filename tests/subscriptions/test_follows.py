"""Following actors: only new statements, in the follower's digest, once."""

import pytest
from sqlmodel import select

from digests.actors.store import lookup_actors
from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.ingest.sources.raw import RawArticle
from digests.store.tables import OutboxMessage
from digests.subscriptions.digest import compose_digest, due_subscriptions
from digests.subscriptions.follows import FollowError, follow, unfollow
from digests.subscriptions.subscribers import ChatInfo, subscribe
from tests.ingest import private_pages
from tests.ingest.private_pages import put_fabrication, send_link

site = private_pages.site
loopback_only = private_pages.loopback_only
seeded_intranet = private_pages.seeded_intranet

CHAT = ChatInfo(id=6001)
STRANGER = 6002
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
    compose_due(seeded)  # nothing new: earlier statements are not replayed
    with seeded.session() as session:
        assert session.exec(select(OutboxMessage)).all() == []
    with seeded.session() as session:
        source = ensure_source(session, kind="feed", url="https://news.example/feed", title="News")
        ingest_batch(session, prepare_batch([NEW_ARTICLE]), source=source)
    clock.advance(days=1)
    compose_due(seeded)
    with seeded.session() as session:
        [row] = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert "1 new statement from people you follow" in row.text
    assert "We will study every line of this document before we answer" in row.text


def test_unfollow_stops_it(seeded, clock):
    with seeded.session() as session:
        subscribe(session, CHAT, now=clock(), timezone="UTC", digest_time="08:00")
        follow(session, CHAT.id, putin_id(session))
        assert unfollow(session, CHAT.id, putin_id(session))
        assert not unfollow(session, CHAT.id, putin_id(session))


async def test_a_page_someone_sent_never_reaches_followers_as_a_statement(
    seeded_intranet, site, clock
):
    """C follows Zelensky; a stranger sends a page with a fabricated quote of his."""
    with seeded_intranet.session() as session:
        subscribe(session, CHAT, now=clock(), timezone="UTC", digest_time="08:00")
        follow(session, CHAT.id, lookup_actors(session, "Zelensky")[0][0])
    clock.advance(days=1)
    compose_due(seeded_intranet)
    await send_link(seeded_intranet, put_fabrication(site), chat_id=STRANGER)
    await send_link(seeded_intranet, put_fabrication(site), chat_id=CHAT.id)  # nor one's own
    clock.advance(days=1)
    compose_due(seeded_intranet)
    with seeded_intranet.session() as session:
        texts = [row.text for row in session.exec(select(OutboxMessage)).all()]
    assert texts == []  # nothing new since they subscribed, not even a statement


def test_more_statements_than_a_digest_holds_are_counted_not_dropped(seeded, clock):
    with seeded.session() as session:
        subscribe(session, CHAT, now=clock(), timezone="UTC", digest_time="08:00")
        follow(session, CHAT.id, putin_id(session))
    said = "“We will study every line of this document before we answer,”"
    raws = [
        RawArticle(
            title=f"Kremlin answers proposal {n}",
            text=NEW_ARTICLE.text.replace(said, f"“We will answer proposal {n} in time,”"),
            url=f"https://news.example/kremlin/{n}",
        )
        for n in range(12)
    ]
    with seeded.session() as session:
        source = ensure_source(session, kind="feed", url="https://news.example/feed", title="News")
        ingest_batch(session, prepare_batch(raws), source=source)
    clock.advance(days=1)
    compose_due(seeded)
    with seeded.session() as session:
        text = "\n".join(session.exec(select(OutboxMessage.text)).all())
    assert "10 new statements from people you follow" in text
    assert "And 2 more statements from them: /actor and a name shows what each said." in text
    assert "We will answer proposal 11 in time" in text  # the newest are the ones shown
