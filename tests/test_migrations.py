"""Migrations: the tables the code expects are exactly what Alembic builds, up and down."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from digests.db import alembic_config, make_engine, migrate


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
