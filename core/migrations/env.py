"""Alembic environment: uses the engine handed over by core.db.migrate()."""

from __future__ import annotations

from alembic import context
from healthpulse.core.models import Base
from sqlalchemy import create_engine

config = context.config
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """The embedded FTS5 index lives in the same SQLite file; its tables are not ours to migrate."""
    return not (type_ == "table" and reflected and compare_to is None and str(name).startswith("search_"))


def run_migrations() -> None:
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
