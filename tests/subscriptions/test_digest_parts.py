"""A digest never drops a matching article: it shows ten, counts the rest in SQL and offers
them part by part; each part is chosen again for the chat that asks."""

from __future__ import annotations

from sqlmodel import select

from digests.delivery.callbacks import MoreDigest, decode
from digests.delivery.message import Message, buttons_from_json, to_plain_text
from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.ingest.sources.raw import RawArticle
from digests.store.tables import OutboxMessage
from digests.subscriptions import news
from digests.subscriptions.digest import ALL_OF_IT, more_of_digest
from digests.subscriptions.sources import keep_source
from tests.news import arrive, event, event_title, events
from tests.subscriptions.test_digest import CHAT, compose_due, subscribe_chat

OTHER = 5003


def plain(messages: list[Message]) -> str:
    return "\n".join(to_plain_text(message.html) for message in messages)


def more_button(messages: list[Message]) -> MoreDigest | None:
    for message in messages:
        for row in message.buttons:
            for button in row:
                if button.text == "More":
                    pressed = decode(button.data or "")
                    assert isinstance(pressed, MoreDigest)
                    return pressed
    return None


def digest(runtime) -> list[Message]:
    compose_due(runtime)
    with runtime.session() as session:
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [Message(row.text, buttons_from_json(row.buttons)) for row in rows]


def more(runtime, pressed: MoreDigest, chat_id: int = CHAT.id) -> list[Message]:
    with runtime.session() as session:
        return more_of_digest(session, chat_id, pressed, default_zone="UTC")


def read_all(runtime, first: list[Message], chat_id: int = CHAT.id) -> str:
    """The digest and every part its More buttons lead to."""
    parts, pressed = [first], more_button(first)
    while pressed is not None:
        parts.append(more(runtime, pressed, chat_id))
        pressed = more_button(parts[-1])
    return "\n".join(plain(part) for part in parts)


def test_thirty_new_articles_come_ten_at_a_time_and_all_of_them(runtime):
    subscribe_chat(runtime, rhythm="instant")
    arrive(runtime, events(0, 30))
    first = digest(runtime)
    text = plain(first)
    assert "Your digest: 10 new articles" in text and "And 20 more new articles." in text
    assert [n for n in range(30) if event_title(n) in text] == list(range(20, 30))  # newest
    second = more(runtime, more_button(first))
    assert "More of your digest: 10 new articles" in plain(second)
    assert "And 10 more new articles." in plain(second)
    third = more(runtime, more_button(second))
    assert ALL_OF_IT in plain(third) and more_button(third) is None
    everything = read_all(runtime, first)
    assert all(everything.count(event_title(n)) == 1 for n in range(30))


def test_articles_a_long_way_down_still_reach_a_filtered_digest(runtime):
    """The digest used to look at the newest 50 only: a match below them was dropped."""
    subscribe_chat(runtime, rhythm="instant", include_keywords="lighthouse")
    lighthouse = RawArticle(
        title="The old lighthouse reopens",
        text="The lighthouse on the cape reopened on Sunday after ten years. " * 5,
        url="https://coast.example/lighthouse",
    )
    arrive(runtime, [lighthouse, *events(0, 60)])
    text = plain(digest(runtime))
    assert "Your digest: 1 new article" in text and "The old lighthouse reopens" in text
    assert "more new article" not in text


def test_the_count_and_the_parts_honour_filters_and_sources_turned_off(runtime):
    subscribe_chat(runtime, rhythm="instant", exclude_keywords=event(3).title.split()[0].lower())
    with runtime.session() as session:
        muted = ensure_source(session, kind="feed", url="https://muted.example/feed")
        keep_source(session, CHAT.id, muted.id, keep=False)
    arrive(runtime, events(0, 15))  # 14 pass the filter
    with runtime.session() as session:
        source = ensure_source(session, kind="feed", url="https://muted.example/feed")
        ingest_batch(session, prepare_batch(events(50, 5)), source=source)
    first = digest(runtime)
    assert "And 4 more new articles." in plain(first)
    everything = read_all(runtime, first)
    assert event_title(3) not in everything
    assert not any(event_title(n) in everything for n in range(50, 55))
    assert sum(event_title(n) in everything for n in range(15)) == 14


def test_a_more_button_of_another_chat_shows_nothing_of_that_chats_own(runtime):
    subscribe_chat(runtime, rhythm="instant")
    own = [
        RawArticle(title=f"Our club news {n}", text=events(80 + n, 1)[0].text) for n in range(12)
    ]
    with runtime.session() as session:
        mine = ensure_source(session, kind="feed", url="https://club.example/feed")
        mine.owner_chat_id = CHAT.id
        ingest_batch(session, prepare_batch(own), source=mine, owner_chat_id=CHAT.id)
    arrive(runtime, events(0, 5))
    first = digest(runtime)
    pressed = more_button(first)
    assert "Our club news" in read_all(runtime, first)
    theirs = more(runtime, pressed, OTHER)
    assert "Our club news" not in plain(theirs)
    assert theirs == [] or "More of your digest" in plain(theirs)
    forged = MoreDigest(0, 10**6)  # any range: still only what OTHER may read
    assert "Our club news" not in plain(more(runtime, forged, OTHER))


def test_keywords_match_whatever_the_case_in_any_alphabet(runtime):
    """SQLite's own lower() folds ASCII only: "путин" never matched "Путин" there."""
    subscribe_chat(runtime, rhythm="instant", include_keywords="путин")
    talks = RawArticle(
        title="ПУТИН и переговоры в Пекине",
        text="Путин прибыл в Пекин на переговоры о прекращении огня во вторник утром. " * 4,
        url="https://ru.example/putin",
        language="ru",
    )
    arrive(runtime, [talks, *events(0, 2)])
    text = plain(digest(runtime))
    assert "Your digest: 1 new article" in text and "ПУТИН и переговоры" in text


def test_a_part_stops_reading_at_its_budget_and_the_next_one_goes_on_from_there(
    runtime, monkeypatch
):
    """Topics turning down article after article cost a part a bounded read, never an
    article: the More button starts where the part stopped reading."""
    monkeypatch.setattr(news, "SCAN_BATCH", 2)
    monkeypatch.setattr(news, "MAX_SCANNED", 4)
    subscribe_chat(runtime, rhythm="instant", exclude_keywords="agree")  # every event
    older = [RawArticle(title=f"Harbour note {n}", text=event(70 + n).text) for n in range(2)]
    arrive(runtime, [*older, *events(0, 9)])
    first = digest(runtime)
    assert "And up to 7 more new articles." in plain(first)
    everything = read_all(runtime, first)
    assert everything.count("Harbour note 0") == 1 and everything.count("Harbour note 1") == 1
    assert not any(event_title(n) in everything for n in range(9))


def test_a_topic_is_found_however_its_letters_are_written(runtime):
    """“Straße” is the topic “strasse”: narrowing in SQL must not lose the article that
    writes it with ß (nor with a ligature)."""
    subscribe_chat(runtime, rhythm="instant", include_keywords="Straße, official")
    street = RawArticle(
        title="Neue Straße in Kursk eröffnet",
        text="Die neue Straße wurde am Montag eröffnet, sagte der Bürgermeister. " * 5,
        language="de",
    )
    ligature = RawArticle(
        title="The oﬃcial count", text="The ﬁgures were published by the oﬃcial office. " * 6
    )
    arrive(runtime, [street, ligature, *events(0, 3)])
    text = plain(digest(runtime))
    assert "Your digest: 2 new articles" in text
    assert "Neue Straße in Kursk" in text and "The oﬃcial count" in text
