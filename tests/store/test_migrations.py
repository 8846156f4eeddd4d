"""Migrations: the tables the code expects are exactly what Alembic builds, up and down."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from digests.store.db import alembic_config, make_engine, migrate


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
    migrate(engine)
    with engine.connect() as connection:
        listed = connection.execute(text("SELECT listed_at FROM article")).scalar_one()
        summaries = connection.execute(text("SELECT count(*) FROM summary")).scalar_one()
    assert str(listed).startswith("2026-01-02")
    assert summaries == 1
