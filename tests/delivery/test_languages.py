"""What the bot writes without being asked just then (breaking updates, notices, the admin's
progress card, digests) is in each recipient chat's language, not whoever's was spoken last."""

from __future__ import annotations

from sqlmodel import select

from bot.jobs import broadcast_progress, compose_due_digests
from digests.delivery import broadcasts
from digests.delivery.outbox import Delivery, claim_due, record_delivery
from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.store.tables import Chat, OutboxMessage
from digests.subscriptions.subscribers import ChatInfo, subscribe
from tests.delivery.test_outbox import FORUM, queue, subscribe_topic
from tests.stories.reports import GRAIN_DEAL, GRAIN_DEAL_ELSEWHERE

GERMAN, RUSSIAN, ENGLISH = 501, 502, 503


def readers(runtime, languages: dict[int, str | None]) -> None:
    """Subscribed chats; each has the language its people's Telegram last showed."""
    with runtime.session() as session:
        for chat_id, language in languages.items():
            subscribe(
                session,
                ChatInfo(id=chat_id, kind="private"),
                now=runtime.clock(),
                timezone="UTC",
                digest_time="08:00",
            )
            session.get_one(Chat, chat_id).seen_language = language


def queued(runtime, chat_id: int) -> list[str]:
    with runtime.session() as session:
        rows = select(OutboxMessage.text).where(OutboxMessage.chat_id == chat_id)
        return list(session.exec(rows.order_by(OutboxMessage.id)).all())


def test_a_breaking_update_comes_under_each_chats_own_heading(runtime):
    readers(runtime, {GERMAN: "de", RUSSIAN: "ru", ENGLISH: None})
    with runtime.session() as session:
        draft = broadcasts.draft(session, admin_user_id=9, admin_chat_id=GERMAN, text="Talks <end>")
        broadcasts.confirm(session, draft.id, message_id=77, now=runtime.clock())
    assert queued(runtime, GERMAN) == ["<b>Eilmeldung</b>\n\nTalks &lt;end&gt;"]
    assert queued(runtime, RUSSIAN) == ["<b>Срочно</b>\n\nTalks &lt;end&gt;"]
    assert queued(runtime, ENGLISH) == ["<b>Breaking</b>\n\nTalks &lt;end&gt;"]
    [(admin_chat, message_id, card)] = broadcast_progress(runtime)
    assert (admin_chat, message_id) == (GERMAN, 77)
    assert card.html.startswith("<b>Eilmeldung: wird gesendet</b>\n0 / 3 gesendet")
    assert [b.text for row in card.buttons for b in row] == ["Abbrechen"]


def test_a_topic_gone_is_told_in_the_forums_language(runtime):
    subscribe_topic(runtime, 45)
    with runtime.session() as session:
        session.get_one(Chat, FORUM).language = "uk"  # the chat's own choice
    failing = queue(runtime, FORUM, "a", message_thread_id=45)
    with runtime.session() as session:
        claim_due(session, now=runtime.clock(), owner="sender-a")
        gone = Delivery("thread_gone", reason="Message thread not found")
        record_delivery(session, failing, gone, now=runtime.clock())
    assert queued(runtime, FORUM)[-1].startswith("Теми, куди надходили ці дайджести, більше немає")


def test_scheduled_digests_speak_their_chats_language(runtime, clock):
    readers(runtime, {GERMAN: "de", RUSSIAN: "ru"})
    with runtime.session() as session:  # one story, told by two outlets
        for outlet, raw in (("Harbour", GRAIN_DEAL), ("Valley", GRAIN_DEAL_ELSEWHERE)):
            url = f"https://{outlet.lower()}.example/feed"
            source = ensure_source(session, kind="feed", url=url, title=f"{outlet} News")
            ingest_batch(session, prepare_batch([raw]), source=source)
    clock.advance(days=1)
    assert compose_due_digests(runtime) == 2
    assert "2 Quellen: Harbour News, Valley News" in queued(runtime, GERMAN)[0]
    assert "2 источника: Harbour News, Valley News" in queued(runtime, RUSSIAN)[0]
