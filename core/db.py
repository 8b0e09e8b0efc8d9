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
from sqlalchemy import Engine, create_engine, event, insert, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, make_transient_to_detached, sessionmaker
from sqlalchemy.orm.attributes import manager_of_class

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
    in the order given (sort them to take row locks in one order). A key given as None gets NULL."""
    if not rows:
        return []
    _same_columns(model, rows)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return _insert_unnest_postgresql(session, model, rows, key)
    if dialect != "sqlite":  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(f"no upsert for {dialect}")
    # One statement with the rows as parameters: SQLAlchemy's "insertmanyvalues" sends it as multi-row
    # INSERTs (its own page size) from one cached compilation. ``render_nulls``: a None is sent as NULL
    # rather than left out, so rows whose None columns differ are not grouped apart and sent a few at a time.
    stmt = sqlite_insert(model).on_conflict_do_nothing(index_elements=key).returning(model)
    return list(session.scalars(stmt, rows, execution_options={"render_nulls": True}))


def _same_columns(model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Every row gives the same columns: one statement for all, so a key missing from some rows would be
    dropped from all."""
    names = rows[0].keys()
    if any(row.keys() != names for row in rows):
        raise ValueError(f"{model.__name__}: every row must give the same columns")


def insert_rows_returning(session: Session, model: type[Any], rows: list[dict[str, Any]],
                          returning: list[str]) -> list[tuple[Any, ...]]:
    """INSERT ``rows`` (same keys each, no conflict expected) in one statement; the ``returning`` columns of
    each inserted row (in no promised order: match them by a column). On PostgreSQL as one array per column,
    like ``insert_rows_if_absent``: the outbox rows of a batch as a multi-row ``VALUES`` were a statement
    that psycopg parsed anew for every batch (benchmarks/scale.py at 1M: 18 % of the ingest thread)."""
    if not rows:
        return []
    _same_columns(model, rows)
    dialect = session.get_bind().dialect
    table = model.__table__
    if dialect.name != "postgresql":
        stmt = insert(model).returning(*(table.c[n] for n in returning))
        return [tuple(r) for r in session.execute(stmt, rows, execution_options={"render_nulls": True})]
    names, arrays, params = _unnest_arrays(session, table, rows)
    quote = dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({', '.join(quote(n) for n in names)}) "
           f"SELECT * FROM unnest({', '.join(arrays)}) RETURNING {', '.join(quote(n) for n in returning)}")
    return [tuple(r) for r in session.connection().exec_driver_sql(sql, params)]


def _unnest_arrays(session: Session, table: Any, rows: list[dict[str, Any]]) -> tuple[list[str], list[str], dict[str, Any]]:
    """The columns of ``rows``, their ``CAST(%(cN)b AS type[])`` arrays and the parameters: each value through
    its column type's own bind processing (JSON, UTC times), as an ORM insert would; sent in binary."""
    defaulted = [c.name for c in table.c if c.default is not None and c.name not in rows[0]]
    if defaulted:  # the statement is plain SQL: SQLAlchemy's Python-side defaults would not apply
        raise ValueError(f"{table.name}: give {', '.join(defaulted)} explicitly")
    bind_dialect = session.get_bind().dialect
    names = list(rows[0])
    params: dict[str, list[Any]] = {}
    arrays = []
    for i, name in enumerate(names):
        column = table.c[name]
        process = column.type._cached_bind_processor(bind_dialect)
        values = [row[name] for row in rows]
        params[f"c{i}"] = [process(v) for v in values] if process else values
        arrays.append(f"CAST(%(c{i})b AS {column.type.compile(bind_dialect)}[])")  # b: sent in binary, no escaping
    return names, arrays, params


def _insert_unnest_postgresql(session: Session, model: type[T], rows: list[dict[str, Any]], key: list[str]) -> list[T]:
    """``INSERT … SELECT * FROM unnest(one array per column) ON CONFLICT DO NOTHING RETURNING`` the key.

    Why: a multi-row ``VALUES`` of 500 documents is a 400 kB statement of 12,500 parameters that the driver
    and the server both parse anew each time (benchmarks/scale.py: 0.1–0.3 s a batch, against 12 ms to
    insert the rows); one array per column keeps the statement small, fixed and prepared. The inserted
    rows become objects of the session from the values given, as if loaded (no read back), in the order given.
    """
    table = model.__table__  # type: ignore[attr-defined]
    (pk,) = table.primary_key.columns  # every model inserted here has a one-column key
    names, arrays, params = _unnest_arrays(session, table, rows)
    bind_dialect = session.get_bind().dialect
    quote = bind_dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {bind_dialect.identifier_preparer.format_table(table)} ({', '.join(quote(n) for n in names)}) "
           f"SELECT * FROM unnest({', '.join(arrays)}) "
           f"ON CONFLICT ({', '.join(quote(k) for k in key)}) DO NOTHING RETURNING {quote(pk.name)}")
    inserted = {r[0] for r in session.connection().exec_driver_sql(sql, params)}
    manager = manager_of_class(model)
    out = []
    for row in rows:
        if row[pk.name] in inserted:
            inserted.discard(row[pk.name])  # a key given twice went in once
            # As a query loads a row: values straight into the instance (the constructor's per-attribute
            # events were a tenth of ingest time), then persistent as loaded; columns not given load on access.
            obj = manager.new_instance()
            obj.__dict__.update(row)
            make_transient_to_detached(obj)
            out.append(obj)
    session.add_all(out)
    return out


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
