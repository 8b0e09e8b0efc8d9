"""Engine, sessions and schema migrations (Alembic) for SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from filelock import FileLock
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine tuned for the backend: SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        db_path = url.split("///", 1)[-1]
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
            # SQLite's own lower() folds ASCII only; PostgreSQL's folds every script, so searches agree.
            dbapi_conn.create_function("lower", 1, _unicode_lower, deterministic=True)

    return engine


def _unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation: a literal % in the URL (e.g. ?options=-csearch_path%3Dx) must be doubled.
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    cfg.attributes["engine"] = engine
    return cfg


# Any fixed number: the PostgreSQL advisory lock every healthpulse process takes to migrate.
MIGRATION_LOCK_KEY = 0x6870_6D69  # "hpmi"
MIGRATION_LOCK_WAIT_S = 600


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision of every branch (``upgrade heads``), one process at a time.

    Why the lock: two first runs at once (two crawlers, a crawler and an import) would both find no
    ``alembic_version`` and both create the tables; the second one waits instead and finds nothing to do.
    """
    with _migration_lock(engine):
        command.upgrade(alembic_config(engine), "heads")


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """PostgreSQL: an advisory lock held by a connection of its own; SQLite: a lock file beside the database."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield  # a private in-memory database: nobody to race with
        return
    with FileLock(f"{database}.migrate.lock", timeout=MIGRATION_LOCK_WAIT_S):
        yield


T = TypeVar("T")


def insert_if_absent(session: Session, model: type[Any], values: dict[str, Any], key: list[str]) -> bool:
    """``INSERT … ON CONFLICT (key) DO NOTHING`` on SQLite and PostgreSQL; True when this call inserted the row.

    Why: "look, then insert" lets two writers both insert the same key and one of them fail (losing its
    whole batch); the database decides instead, and the loser simply updates the winner's row.
    ``RETURNING`` says who won: the driver's rowcount is -1 for this statement on PostgreSQL (psycopg),
    which read as "inserted" for the loser too.
    """
    return bool(insert_rows_if_absent(session, model, [values], key))


def insert_rows_if_absent(session: Session, model: type[T], rows: list[dict[str, Any]], key: list[str]) -> list[T]:
    """``insert_if_absent`` for many rows (same keys each), in one statement: the rows this call inserted,
    as loaded objects of the session (so the caller need not read back what it has just written). Rows go
    in the order given (sort them to take row locks in one order)."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        make: Any = postgresql_insert
    elif dialect == "sqlite":
        make = sqlite_insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(f"no upsert for {dialect}")
    # One statement with the rows as parameters: SQLAlchemy's "insertmanyvalues" sends it as multi-row
    # INSERTs (its own page size) from one cached compilation, where ``.values(rows)`` compiled a statement
    # of every row's parameters each time (benchmarks/scale.py: most of the time spent storing).
    stmt = make(model).on_conflict_do_nothing(index_elements=key).returning(model)
    return list(session.scalars(stmt, rows))


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_write_conflict(exc: BaseException) -> bool:
    """A concurrent writer got in the way (PostgreSQL deadlock or serialization failure, SQLite still busy):
    the same transaction, tried again, can succeed."""
    if not isinstance(exc, OperationalError):
        return False
    if getattr(exc.orig, "sqlstate", None) in ("40001", "40P01"):
        return True
    return "database is locked" in str(exc.orig)
