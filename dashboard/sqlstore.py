"""The data in PostgreSQL (SQLAlchemy 2, psycopg 3): the same contract as the data folder.

Every state of the data is a row of ``dashboard_versions`` (who saved it, when, why, which tables
it changed, the state it was saved over) naming one stored file per table
(``dashboard_version_files``); a file's bytes are stored once, by their SHA-256
(``dashboard_blobs``), exactly as uploaded or written by a save, so the loader and its contracts
read them as they read a folder. ``dashboard_head`` (one row) names the current state: its id is
the store's ``fingerprint``, one indexed SELECT, cheap enough for every rerun of every replica.

A save is one transaction. It locks the head row (``SELECT ... FOR UPDATE``), so two saves never
interleave; a save whose caller checked another state (``expected``) is refused
(``changed_since_check``) once the lock is its own. A change made to the data as it is (a pin)
reads it under the same lock, so nothing saved meanwhile is undone.

As in the folder, the versions listed are the data as it was before each save: the state a save
replaced, with that save's time, author, reason and tables; the current state is not listed.
The schema is made by ``python -m dashboard db init`` (Alembic, ``dashboard/migrations``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from dashboard import schema, store
from dashboard.data import LoadResult, load_tables
from dashboard.problems import Problem
from dashboard.store import SaveResult
from dashboard.versions import LOCK_TIMEOUT_S, PruneResult, Version, keep_rule

MIGRATIONS = Path(__file__).parent / "migrations"
metadata = sa.MetaData()
blobs = sa.Table(
    "dashboard_blobs",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
states = sa.Table(
    "dashboard_versions",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("parent_id", sa.BigInteger, sa.ForeignKey("dashboard_versions.id")),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("tables", sa.JSON, nullable=False),
)
files = sa.Table(
    "dashboard_version_files",
    metadata,
    sa.Column(
        "version_id", sa.BigInteger, sa.ForeignKey("dashboard_versions.id"), primary_key=True
    ),
    sa.Column("table_name", sa.Text, primary_key=True),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), sa.ForeignKey("dashboard_blobs.sha256"), nullable=False),
)
head = sa.Table(
    "dashboard_head",
    metadata,
    sa.Column("id", sa.SmallInteger, primary_key=True),
    sa.Column("version_id", sa.BigInteger, sa.ForeignKey("dashboard_versions.id")),
)

_engines: dict[str, Engine] = {}


class NoSchemaError(SQLAlchemyError):
    """The database is reachable but ``db init`` has not made the schema in it."""


_engines_lock = threading.Lock()


def engine_for(url: str) -> Engine:
    """One pooled engine per URL for the process (every session of a server shares it)."""
    with _engines_lock:
        if url not in _engines:
            _engines[url] = sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
        return _engines[url]


def init_schema(url: str) -> str:
    """Create the schema, or bring it to the newest migration (Alembic ``upgrade head``);
    several servers starting at once take turns (an advisory lock). Returns the revision."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine_for(url).begin() as conn:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(4242017)"))
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        return MigrationContext.configure(conn).get_current_revision() or ""


class SqlStore:
    """The data in a PostgreSQL database; see the module's docstring."""

    def __init__(self, url: str, timeout: float = LOCK_TIMEOUT_S):
        self.url = url
        self.key = make_url(url).render_as_string(hide_password=True)
        self.timeout = timeout
        self.engine = engine_for(url)

    # --- reading -------------------------------------------------------------------------------

    def fingerprint(self) -> str:
        with self.engine.connect() as conn:
            return _head_id(conn)

    def read_sources(self) -> dict[str, tuple[str, bytes]]:
        with self.engine.connect() as conn:
            current = _head_id(conn)
            return _sources(conn, int(current)) if current else {}

    def load(self) -> LoadResult:
        try:
            sources = self.read_sources()
        except SQLAlchemyError as exc:
            detail = (("detail", _reason(exc)),)
            return LoadResult(
                None, (Problem(self.key, None, None, "store_unavailable", params=detail),)
            )
        return load_tables(sources)

    def recover(self) -> list[str]:
        return []  # a transaction cut short is rolled back by PostgreSQL itself

    def list_versions(self) -> list[Version]:
        with self.engine.connect() as conn:
            return _listed(conn)

    def version_sources(self, version_id: str) -> dict[str, tuple[str, bytes]]:
        with self.engine.connect() as conn:
            return _kept_sources(conn, version_id)

    # --- saving --------------------------------------------------------------------------------

    def save_tables(self, frames, *, actor="", expected=None) -> SaveResult:
        unknown = [name for name in frames if name not in schema.TABLES]
        if unknown:
            return SaveResult(
                False, tuple(Problem(n, None, None, "unknown_table") for n in unknown)
            )
        return self._commit(store.frames_build(frames), actor, "save", expected)

    def save_files(self, files, *, actor="", reason="import", expected=None) -> SaveResult:
        return self._commit(lambda current: dict(files), actor, reason, expected)

    def update_table(self, table, change, *, actor="", reason="save") -> SaveResult:
        if table not in schema.TABLES:
            return SaveResult(False, (Problem(table, None, None, "unknown_table"),))
        return self._commit(store.change_build(table, change, f"{table}.csv"), actor, reason, None)

    def restore_version(self, version_id, *, actor="", expected=None) -> SaveResult:
        self.version_sources(version_id)  # an unknown id fails at once

        def build(current, conn: Connection) -> dict[str, bytes]:
            return store.csv_files(_kept_sources(conn, version_id))

        return self._commit(build, actor, "restore", expected, with_conn=True)

    def _commit(
        self,
        build: Callable,
        actor: str,
        reason: str,
        expected: str | None,
        with_conn: bool = False,
    ) -> SaveResult:
        """One transaction: lock the head, refuse when it is not ``expected``, ``build`` the new
        files from the current ones, check them with the other tables, write the new state and
        move the head to it; then prune. ``build``'s own exceptions propagate, nothing written."""
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.text(f"SET LOCAL lock_timeout = '{int(self.timeout * 1000)}ms'"))
                current_id = _lock_head(conn)
                if expected is not None and current_id != expected:
                    return SaveResult(
                        False, (Problem(self.key, None, None, "changed_since_check"),)
                    )
                current = _sources(conn, int(current_id)) if current_id else {}
                new = dict(build(current, conn) if with_conn else build(current))
                done, problems, changed = store.check_save(current, new)
                if done is not None:
                    return done
                sources = dict(current)
                sources.update({t: (f"{t}.csv", new[t]) for t in changed})
                state = _write_state(conn, current_id, sources, actor, reason, changed)
                _set_head(conn, state)
        except OperationalError as exc:
            if _lock_timed_out(exc):
                return SaveResult(False, (Problem(self.key, None, None, "save_busy"),))
            return self._failed(exc)
        except (DBAPIError, NoSchemaError) as exc:
            return self._failed(exc)
        try:
            self.prune()
        except SQLAlchemyError:  # the save is done; the next prune retries
            pass
        return SaveResult(True, problems, current_id, tuple(changed))

    def _failed(self, exc: Exception) -> SaveResult:
        detail = (("detail", _reason(exc)),)
        return SaveResult(False, (Problem(self.key, None, None, "save_failed", params=detail),))

    # --- retention -----------------------------------------------------------------------------

    def prune(self, *, keep=None, days=None, dry_run=False, now=None) -> PruneResult:
        rule = keep_rule()
        keep = rule[0] if keep is None else max(1, keep)
        days = rule[1] if days is None else max(0, days)
        cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=days)
        with self.engine.begin() as conn:
            _lock_head(conn)  # no save in between
            listed = _listed(conn)  # newest first
            kept = [v for i, v in enumerate(listed) if i < keep or v.time >= cutoff]
            kept_ids = {v.id for v in kept}
            removed = [v for v in reversed(listed) if v.id not in kept_ids]
            gone = [int(v.id) for v in removed]
            unused = (
                sa.select(blobs.c.sha256, sa.func.length(blobs.c.data))
                .where(
                    ~sa.exists().where(
                        files.c.sha256 == blobs.c.sha256, files.c.version_id.not_in(gone)
                    )
                )
                .order_by(blobs.c.sha256)
            )
            orphans = conn.execute(unused).all()
            freed = sum(size for _, size in orphans)
            if not dry_run and gone:
                conn.execute(files.delete().where(files.c.version_id.in_(gone)))
                conn.execute(
                    states.update().where(states.c.parent_id.in_(gone)).values(parent_id=None)
                )
                conn.execute(states.delete().where(states.c.id.in_(gone)))
            if not dry_run and orphans:
                conn.execute(blobs.delete().where(blobs.c.sha256.in_([s for s, _ in orphans])))
        return PruneResult(tuple(removed), (), len(orphans), freed, len(kept))


# --- the queries ---------------------------------------------------------------------------------


def _head_id(conn: Connection) -> str:
    value = conn.execute(sa.select(head.c.version_id).where(head.c.id == 1)).scalar()
    return "" if value is None else str(value)


def _lock_head(conn: Connection) -> str:
    query = sa.select(head.c.version_id).where(head.c.id == 1).with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise NoSchemaError("the database has no dashboard schema: run python -m dashboard db init")
    return "" if row[0] is None else str(row[0])


def _set_head(conn: Connection, state: int) -> None:
    conn.execute(head.update().where(head.c.id == 1).values(version_id=state))


def _sources(conn: Connection, state: int) -> dict[str, tuple[str, bytes]]:
    query = (
        sa.select(files.c.table_name, files.c.file_name, blobs.c.data)
        .join(blobs, blobs.c.sha256 == files.c.sha256)
        .where(files.c.version_id == state)
    )
    found = {table: (name, bytes(data)) for table, name, data in conn.execute(query)}
    return {table: found[table] for table in schema.TABLES if table in found}


def _kept_sources(conn: Connection, version_id: str) -> dict[str, tuple[str, bytes]]:
    """The sources of a state that exists; ``KeyError`` for an id that is not one."""
    try:
        state = int(version_id)
    except (TypeError, ValueError):
        raise KeyError(version_id) from None
    if conn.execute(sa.select(states.c.id).where(states.c.id == state)).first() is None:
        raise KeyError(version_id)
    return _sources(conn, state)


def _write_state(
    conn: Connection,
    parent: str,
    sources: Mapping[str, tuple[str, bytes]],
    actor: str,
    reason: str,
    changed: list[str],
) -> int:
    """A new state holding ``sources`` (each file's bytes stored once) -> its id."""
    digests = {table: hashlib.sha256(data).hexdigest() for table, (_, data) in sources.items()}
    have = set(
        conn.execute(sa.select(blobs.c.sha256).where(blobs.c.sha256.in_(digests.values())))
        .scalars()
        .all()
    )
    new_blobs = {}
    for table, (_, data) in sources.items():
        if digests[table] not in have:
            new_blobs[digests[table]] = data
    if new_blobs:
        conn.execute(blobs.insert(), [{"sha256": k, "data": v} for k, v in new_blobs.items()])
    state = conn.execute(
        states.insert()
        .values(
            parent_id=int(parent) if parent else None,
            saved_at=dt.datetime.now(dt.UTC),
            actor=actor,
            reason=reason,
            tables=list(changed),
        )
        .returning(states.c.id)
    ).scalar_one()
    rows = [
        {"version_id": state, "table_name": t, "file_name": name, "sha256": digests[t]}
        for t, (name, _) in sources.items()
    ]
    conn.execute(files.insert(), rows)
    return state


def _listed(conn: Connection) -> list[Version]:
    """The states some save replaced, each with that save's time, author, reason and tables,
    newest first."""
    later = states.alias("later")
    query = (
        sa.select(states.c.id, later.c.saved_at, later.c.actor, later.c.reason, later.c.tables)
        .join(later, later.c.parent_id == states.c.id)
        .order_by(later.c.saved_at.desc(), states.c.id.desc())
    )
    names = {}
    rows = conn.execute(query).all()
    if rows:
        query = sa.select(files.c.version_id, files.c.file_name).where(
            files.c.version_id.in_([r.id for r in rows])
        )
        for state, name in conn.execute(query):
            names.setdefault(state, []).append(name)
    return [
        Version(
            id=str(r.id),
            time=r.saved_at.astimezone(dt.UTC),
            actor=r.actor,
            tables=tuple(r.tables or ()),
            reason=r.reason,
            files=tuple(sorted(names.get(r.id, ()))),
        )
        for r in rows
    ]


def _lock_timed_out(exc: OperationalError) -> bool:
    return getattr(getattr(exc, "orig", None), "sqlstate", None) == "55P03"


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    return f"{type(orig).__name__}: {str(orig).strip().splitlines()[0] if str(orig) else ''}"
