"""Migrations: the tables the code expects are exactly what Alembic builds, up and down."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import column, inspect, table
from sqlmodel import SQLModel, select

from digests.store.db import alembic_config, downgrade, make_engine, migrate, session_scope
from digests.store.enums import OutboxStatus, Priority
from digests.store.tables import OutboxMessage


def test_models_and_migrations_agree(migrated_engine):
    with migrated_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_upgrade_downgrade_upgrade_on_a_fresh_sqlite_file(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    migrate(engine)
    migrate(engine)  # idempotent at every start
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    migrate(engine)
    with engine.connect() as connection:
        assert {"article", "summary", "actor", "statement", "outboxmessage"} <= set(
            engine.dialect.get_table_names(connection)
        )


def test_upgrading_a_populated_sqlite_database_keeps_its_data(tmp_path):
    """Every revision applies on a database that already holds rows linked by foreign keys."""
    from sqlalchemy import text

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(engine, "0003")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO source (id, kind, url, created_at, active, trusted, error_count, "
                "admins_told) VALUES (1, 'feed', 'https://e.org/f', '2026-01-01 00:00:00', "
                "1, 0, 0, 0)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO article (id, source_id, content_hash, title, text, language, "
                "published_at, ingested_at) VALUES (1, 1, 'h', 'Title', 'Text', 'en', NULL, "
                "'2026-01-02 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO summary (article_id, length, sentences, created_at) "
                "VALUES (1, 'short', '[]', '2026-01-02 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO outboxmessage (idempotency_key, chat_id, text, priority, status, "
                "attempts, next_attempt_at, created_at) VALUES ('digest:1:0:0:0', 7, 'Hi', 10, "
                "'pending', 0, '2026-01-02 00:00:00', '2026-01-02 00:00:00')"
            )
        )
    migrate(engine)
    with engine.connect() as connection:
        listed = connection.execute(text("SELECT listed_at FROM article")).scalar_one()
        summaries = connection.execute(text("SELECT count(*) FROM summary")).scalar_one()
        story = connection.execute(
            text("SELECT story.title FROM article JOIN story ON story.id = article.story_id")
        ).scalar_one()
    assert str(listed).startswith("2026-01-02")
    assert summaries == 1
    with session_scope(engine) as session:  # the stored states read back as their enums
        queued = session.exec(select(OutboxMessage)).one()
    assert (queued.status, queued.priority, queued.claimed_by) == (
        OutboxStatus.PENDING,
        Priority.DIGEST,
        None,
    )
    assert story == "Title"  # an article stored before stories is a story of its own


def _rows(connection, table: str) -> list[tuple]:
    from sqlalchemy import text

    return [tuple(row) for row in connection.execute(text(f"SELECT id FROM {table} ORDER BY id"))]


ACTOR_AT_0008 = table(
    "actor", column("id"), column("name"), column("kind"), column("mention_count")
)


def test_pages_kept_before_owners_were_recorded_are_forgotten(engine):
    """0009 on SQLite and PostgreSQL: pages users sent, whose senders were never recorded,
    go with their credentials, summaries, statements and the actors only they knew."""
    from datetime import UTC, datetime

    from sqlalchemy import insert, text
    from sqlalchemy.exc import IntegrityError

    from digests.store.tables import (
        ActorAlias,
        ActorFollow,
        Article,
        Chat,
        Mention,
        Source,
        Statement,
        Subscription,
        Summary,
    )

    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
    now = datetime(2026, 11, 30, tzinfo=UTC)
    story = {"text": "Text.", "language": "en", "ingested_at": now, "listed_at": now}
    quoted = {"kind": "quote", "text": "Said.", "sentence": "Said, he said.", "position": 0}
    with engine.begin() as connection:
        connection.execute(
            insert(Source),
            [
                {"id": 1, "kind": "feed", "url": "https://news.example/feed", "created_at": now},
                {"id": 2, "kind": "page", "url": "http://alice:hunter2@intra", "created_at": now},
            ],
        )
        connection.execute(
            insert(Article),
            [
                {"id": 1, "source_id": 1, "content_hash": "a", "title": "News"} | story,
                {"id": 2, "source_id": 2, "content_hash": "b", "title": "Memo"} | story,
            ],
        )
        connection.execute(
            insert(Summary),
            [{"article_id": 2, "length": "short", "sentences": "[]", "created_at": now}],
        )
        connection.execute(
            insert(ACTOR_AT_0008),  # the model's later columns are not there yet
            [
                {"id": 1, "name": "Real Person", "kind": "person", "mention_count": 2},
                {"id": 2, "name": "Made Up", "kind": "person", "mention_count": 1},
            ],
        )
        connection.execute(
            insert(ActorAlias),
            [
                {"actor_id": 1, "alias": "Real Person", "key": "person"},
                {"actor_id": 2, "alias": "Made Up", "key": "up"},
            ],
        )
        connection.execute(
            insert(Mention),
            [
                {"actor_id": 1, "article_id": 1, "sentence": "Real Person spoke.", "position": 0},
                {"actor_id": 1, "article_id": 2, "sentence": "Real Person lied.", "position": 0},
                {"actor_id": 2, "article_id": 2, "sentence": "Made Up said.", "position": 1},
            ],
        )
        connection.execute(
            insert(Statement),
            [{"actor_id": 1, "article_id": 2} | quoted, {"actor_id": 2, "article_id": 2} | quoted],
        )
        connection.execute(insert(Chat), [{"id": 7, "created_at": now}])
        connection.execute(insert(Subscription), [{"id": 1, "chat_id": 7, "created_at": now}])
        connection.execute(
            insert(ActorFollow),
            [{"subscription_id": 1, "actor_id": a, "last_statement_id": 0} for a in (1, 2)],
        )
    migrate(engine)
    with engine.connect() as connection:
        assert _rows(connection, "article") == [(1,)] and _rows(connection, "source") == [(1,)]
        assert _rows(connection, "actor") == [(1,)]
        for table in ("summary", "statement"):
            assert _rows(connection, table) == []
        assert connection.execute(text("SELECT mention_count FROM actor")).scalar_one() == 1
        assert connection.execute(text("SELECT count(*) FROM actoralias")).scalar_one() == 1
        assert connection.execute(text("SELECT actor_id FROM actorfollow")).scalar_one() == 1
        everything = repr(connection.execute(text("SELECT * FROM source")).all())
    assert "hunter2" not in everything
    with engine.begin() as connection:  # the same content may now be each chat's own
        connection.execute(
            insert(Article),
            [
                {"id": 10 + chat, "source_id": 1, "content_hash": "a", "owner_chat_id": chat}
                | story
                | {"title": "Own"}
                for chat in (7, 8)
            ],
        )
    with pytest.raises(IntegrityError), engine.begin() as connection:  # for everyone: unique
        connection.execute(
            insert(Article), [{"id": 30, "source_id": 1, "content_hash": "a", "title": "X"} | story]
        )


def test_chats_own_feeds_go_down_with_0012_and_one_address_may_be_several_chats_own(engine):
    """0012 on SQLite and PostgreSQL: down, a chat's own feed and its articles go (they would be
    everyone's) and the shared ones stay; up again, addresses are unique per owner."""
    from datetime import UTC, datetime

    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from digests.store.tables import Article, MutedSource, Source

    now = datetime(2026, 12, 1, tzinfo=UTC)
    story = {"title": "T", "text": "Text.", "language": "en", "ingested_at": now, "listed_at": now}
    feed = {"kind": "feed", "url": "https://news.example/feed", "created_at": now}
    with engine.begin() as connection:
        connection.execute(
            insert(Source),
            [{"id": 1, "owner_chat_id": None} | feed, {"id": 2, "owner_chat_id": 7} | feed],
        )
        connection.execute(
            insert(Article),
            [
                {"id": 1, "source_id": 1, "content_hash": "a", "owner_chat_id": None} | story,
                {"id": 2, "source_id": 2, "content_hash": "b", "owner_chat_id": 7} | story,
            ],
        )
        connection.execute(insert(MutedSource), [{"chat_id": 7, "source_id": 1}])
    downgrade(engine, "0011")  # rows kept: foreign-key checks off while SQLite copies tables
    with engine.connect() as connection:
        assert _rows(connection, "source") == [(1,)] and _rows(connection, "article") == [(1,)]
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(Source), [{"id": 10 + chat, "owner_chat_id": chat} | feed for chat in (7, 8)]
        )
    for owner in (None, 7):
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(insert(Source), [{"id": 30, "owner_chat_id": owner} | feed])


def test_settings_that_meant_nothing_become_none(engine):
    """0013 on SQLite and PostgreSQL: `/settings include off` once kept "off" as a topic, and
    `/settings quiet 07:00-07:00` a window that held nothing back."""
    from datetime import UTC, datetime

    from sqlalchemy import insert, text

    from digests.store.tables import Chat, Subscription

    now = datetime(2026, 12, 2, tzinfo=UTC)
    downgrade(engine, "0012")
    rows = [
        ("off", "none", "07:00", "07:00"),
        ("kursk", "off", "22:00", "07:00"),
        ("offer", "sports", None, None),
    ]
    with engine.begin() as connection:
        connection.execute(insert(Chat), [{"id": 7 + i, "created_at": now} for i in range(3)])
        connection.execute(
            insert(Subscription),
            [
                {"id": 1 + i, "chat_id": 7 + i, "created_at": now}
                | dict(zip(COLUMNS, row, strict=True))
                for i, row in enumerate(rows)
            ],
        )
    migrate(engine)
    downgrade(engine, "0012")
    migrate(engine)
    with engine.connect() as connection:
        kept = connection.execute(
            text(f"SELECT {', '.join(COLUMNS)} FROM subscription ORDER BY id")
        ).all()
    assert [tuple(row) for row in kept] == [
        ("", "", None, None),
        ("kursk", "", "22:00", "07:00"),
        ("offer", "sports", None, None),
    ]


COLUMNS = ("include_keywords", "exclude_keywords", "quiet_start", "quiet_end")


def test_rows_from_before_0014_are_news_from_feeds_read_up_to_now_and_go_down_whole(engine):
    """0014 on SQLite and PostgreSQL: articles stored before it are news (no backlog) and their
    feeds were read up to now; down again, the flags go and every row stays."""
    from datetime import UTC, datetime

    from sqlalchemy import insert, inspect, text

    from digests.store.tables import Article, Source

    now = datetime(2026, 12, 2, tzinfo=UTC)
    downgrade(engine, "0013")
    with engine.begin() as connection:
        connection.execute(
            insert(Source), [{"id": 1, "kind": "feed", "url": "https://e.org/f", "created_at": now}]
        )
        connection.execute(
            insert(Article),
            [
                {"id": 1, "source_id": 1, "content_hash": "a", "title": "T", "text": "Text."}
                | {"language": "en", "ingested_at": now, "listed_at": now}
            ],
        )
    migrate(engine)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT backlog FROM article")).scalar_one() in (False, 0)
        assert connection.execute(text("SELECT fill FROM source")).scalar_one() == "current"
        connection.execute(text("UPDATE article SET backlog = true"))
    downgrade(engine, "0013")
    with engine.connect() as connection:
        assert "backlog" not in {c["name"] for c in inspect(connection).get_columns("article")}
        assert "fill" not in {c["name"] for c in inspect(connection).get_columns("source")}
        assert _rows(connection, "article") == [(1,)] and _rows(connection, "source") == [(1,)]
    migrate(engine)


def test_topics_go_down_with_0016_and_what_was_queued_stays(engine):
    """0016 on SQLite and PostgreSQL: down, subscriptions and queued messages stay and go to the
    chat itself; up again, a topic is remembered, and the schema is what the models expect."""
    from datetime import UTC, datetime

    from sqlalchemy import insert, inspect, text

    from digests.store.tables import Chat, Subscription

    now = datetime(2026, 12, 2, tzinfo=UTC)
    queued = {"text": "Hi", "priority": 10, "status": "pending", "attempts": 0}
    with engine.begin() as connection:
        connection.execute(insert(Chat), [{"id": -1001, "kind": "supergroup", "created_at": now}])
        connection.execute(
            insert(Subscription),
            [{"id": 1, "chat_id": -1001, "message_thread_id": 45, "created_at": now}],
        )
        connection.execute(
            insert(OutboxMessage),
            [
                {"id": 1, "idempotency_key": "digest:1", "chat_id": -1001, "message_thread_id": 45}
                | queued
                | {"next_attempt_at": now, "created_at": now}
            ],
        )
    downgrade(engine, "0015")
    with engine.connect() as connection:
        for table in ("subscription", "outboxmessage"):
            columns = {column["name"] for column in inspect(connection).get_columns(table)}
            assert "message_thread_id" not in columns
            assert _rows(connection, table) == [(1,)]
    migrate(engine)
    with engine.connect() as connection:
        for table in ("subscription", "outboxmessage"):
            thread = connection.execute(text(f"SELECT message_thread_id FROM {table}"))
            assert thread.scalar_one() is None
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    with session_scope(engine) as session:
        session.get(Subscription, 1).message_thread_id = 46
    with session_scope(engine) as session:
        assert session.get(Subscription, 1).message_thread_id == 46


def test_send_shares_replace_send_slots_with_0018_and_go_back_down(engine):
    """0018 on SQLite and PostgreSQL: instances share the rate by leased shares, not slots."""

    def tables() -> set[str]:
        return set(inspect(engine).get_table_names()) & {"sendslot", "sendshare"}

    assert tables() == {"sendshare"}
    downgrade(engine, "0017")
    assert tables() == {"sendslot"}
    migrate(engine)
    assert tables() == {"sendshare"}


def test_actor_lines_take_their_articles_listing_time_and_actors_their_counts_with_0019(engine):
    """0019 on SQLite and PostgreSQL: lines stored before it are listed as their articles are,
    and every actor keeps the number of its statements."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert, text

    from digests.store.tables import Article, Source

    downgrade(engine, "0018")
    now = datetime(2026, 12, 1, tzinfo=UTC)
    said = {"kind": "quote", "text": "Said.", "sentence": "Said, she said.", "position": 0}
    lines_at_0018 = {
        name: table(name, *(column(c) for c in ("actor_id", "article_id", *extra)))
        for name, extra in (
            ("statement", ("kind", "text", "sentence", "position")),
            ("mention", ("sentence", "position")),
        )
    }
    with engine.begin() as connection:
        connection.execute(
            insert(Source), [{"id": 1, "kind": "feed", "url": "https://e.org/f", "created_at": now}]
        )
        connection.execute(
            insert(Article),
            [
                {"id": n, "source_id": 1, "content_hash": f"{n}", "title": "T", "text": "."}
                | {"ingested_at": now, "listed_at": now - timedelta(days=n)}
                for n in (1, 2)
            ],
        )
        connection.execute(
            insert(ACTOR_AT_0008), [{"id": a, "name": f"A{a}", "kind": "person"} for a in (1, 2)]
        )
        connection.execute(
            insert(lines_at_0018["statement"]),
            [{"actor_id": 1, "article_id": n} | said for n in (1, 2)],
        )
        connection.execute(
            insert(lines_at_0018["mention"]),
            [{"actor_id": 2, "article_id": 2, "sentence": "A2 came.", "position": 3}],
        )
    migrate(engine)
    with engine.connect() as connection:
        counts = connection.execute(text("SELECT id, statement_count FROM actor ORDER BY id"))
        assert counts.all() == [(1, 2), (2, 0)]
        for line in ("statement", "mention"):
            listed = connection.execute(
                text(
                    f"SELECT count(*) FROM {line} JOIN article ON article.id = {line}.article_id "
                    f"WHERE {line}.listed_at = article.listed_at"
                )
            ).scalar_one()
            assert listed == {"statement": 2, "mention": 1}[line]


def test_images_go_down_with_0020_and_come_back_on(engine):
    """0020 on SQLite and PostgreSQL: up, every chat there before shows images and no article
    or queued message has one; down and up again, rows stay, and the schema is the models'."""
    from datetime import UTC, datetime

    from sqlalchemy import insert, inspect, text

    from digests.store.tables import Article, Chat, Source

    now = datetime(2026, 12, 3, tzinfo=UTC)
    downgrade(engine, "0019")
    with engine.begin() as connection:
        connection.execute(insert(Chat), [{"id": 7, "kind": "private", "created_at": now}])
        connection.execute(
            insert(Source), [{"id": 1, "kind": "feed", "url": "https://e.org/f", "created_at": now}]
        )
        connection.execute(
            text(
                "INSERT INTO article (id, source_id, content_hash, title, text, language, "
                "ingested_at, listed_at) VALUES (1, 1, 'h', 'T', 'Text.', 'en', :now, :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO outboxmessage (id, idempotency_key, chat_id, text, priority, "
                "status, attempts, next_attempt_at, created_at) "
                "VALUES (1, 'digest:1', 7, 'Hi', 10, 'pending', 0, :now, :now)"
            ),
            {"now": now},
        )
    migrate(engine)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT images FROM chat")).scalar_one() in (True, 1)
        assert connection.execute(text("SELECT image_url FROM article")).scalar_one() is None
        preview = connection.execute(text("SELECT preview_url FROM outboxmessage"))
        assert preview.scalar_one() is None
        connection.execute(text("UPDATE article SET image_url = 'https://e.org/a.jpg'"))
    downgrade(engine, "0019")
    with engine.connect() as connection:
        for table, column in (("article", "image_url"), ("outboxmessage", "preview_url")):
            assert column not in {c["name"] for c in inspect(connection).get_columns(table)}
            assert _rows(connection, table) == [(1,)]
        assert "images" not in {c["name"] for c in inspect(connection).get_columns("chat")}
    migrate(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    with session_scope(engine) as session:
        session.get(Chat, 7).images = False
        session.get(Article, 1).image_url = "https://e.org/b.jpg"
    with session_scope(engine) as session:
        assert session.get(Chat, 7).images is False
        assert session.get(Article, 1).image_url == "https://e.org/b.jpg"
