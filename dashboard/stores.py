"""Where the data lives: one ``Store`` interface, a data folder (the default) or a PostgreSQL
database (``DASHBOARD_DATABASE_URL``), chosen in one place (``open_store``).

Both keep the six tables as the bytes of their files, so the same loader (``load_tables``) and
the same contracts apply; both version every save (who, when, which tables), refuse a save
whose caller checked other data than today's (``expected``: the store's ``fingerprint``),
restore and prune the same way (``versions.keep_rule``). The page, the pins, the command line
and the cached loader go through a ``Store``; the folder functions of ``dashboard.store`` and
``dashboard.versions`` stay as they are, and ``FolderStore`` hands every call to them.

No Streamlit here: reading ``.streamlit/secrets.toml`` is ``dashboard.ui.cache``'s; this module
gets a URL (``url_from_settings`` turns a ``[connections.<name>]`` table into one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol, runtime_checkable

import pandas as pd

from dashboard import store, versions
from dashboard.data import LoadResult, fingerprint, load_dataset, parse_table
from dashboard.reading import read_table
from dashboard.store import SaveResult
from dashboard.versions import PruneResult, Version

DATABASE_URL_ENV = "DASHBOARD_DATABASE_URL"


@runtime_checkable
class Store(Protocol):
    """The data's home: its current tables, their versions, saves and retention."""

    key: str  # names the store in caches and messages (a folder, or a URL without password)

    def fingerprint(self) -> str:
        """A cheap key that changes with every save (a folder's file stats, a database's
        current version id); ``expected`` of a save is one of these."""

    def read_sources(self) -> dict[str, tuple[str, bytes]]:
        """``{table: (file name, bytes)}`` of the current tables, never half a save."""

    def load(self) -> LoadResult:
        """The current tables read and checked by the loader; never raises for bad data."""

    def recover(self) -> list[str]:
        """Undo a save a crash cut short (tables put back); cheap when there is none."""

    def save_tables(
        self, frames: Mapping[str, pd.DataFrame], *, actor: str = "", expected: str | None = None
    ) -> SaveResult:
        """Save typed frames (all or none), as ``dashboard.store.save_tables``."""

    def save_files(
        self,
        files: Mapping[str, bytes],
        *,
        actor: str = "",
        reason: str = "import",
        expected: str | None = None,
    ) -> SaveResult:
        """Save ``{table: csv bytes}`` as they are (an import)."""

    def update_table(
        self,
        table: str,
        change: Callable[[pd.DataFrame], pd.DataFrame],
        *,
        actor: str = "",
        reason: str = "save",
    ) -> SaveResult:
        """Read, change and save one table as one step, as ``dashboard.store.update_table``."""

    def restore_version(
        self, version_id: str, *, actor: str = "", expected: str | None = None
    ) -> SaveResult:
        """Put a kept version back (a save); ``KeyError`` for one not kept."""

    def list_versions(self) -> list[Version]:
        """The kept versions (the data as it was before each save), newest first."""

    def version_sources(self, version_id: str) -> dict[str, tuple[str, bytes]]:
        """``{table: (file name, bytes)}`` of a kept version; ``KeyError`` for one not kept."""

    def prune(
        self,
        *,
        keep: int | None = None,
        days: int | None = None,
        dry_run: bool = False,
        now: dt.datetime | None = None,
    ) -> PruneResult:
        """Remove the versions past the retention rule, and the stored files none names."""


class FolderStore:
    """A data folder: the table files, ``.versions/`` beside them (``dashboard.store``)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.key = str(folder)

    def fingerprint(self) -> str:
        return fingerprint(self.folder)

    def read_sources(self) -> dict[str, tuple[str, bytes]]:
        return store.read_sources(self.folder)

    def load(self) -> LoadResult:
        return load_dataset(self.folder)

    def recover(self) -> list[str]:
        return store.recover(self.folder)

    def save_tables(self, frames, *, actor="", expected=None) -> SaveResult:
        return store.save_tables(self.folder, frames, actor=actor, expected=expected)

    def save_files(self, files, *, actor="", reason="import", expected=None) -> SaveResult:
        return store.save_files(self.folder, files, actor=actor, reason=reason, expected=expected)

    def update_table(self, table, change, *, actor="", reason="save") -> SaveResult:
        return store.update_table(self.folder, table, change, actor=actor, reason=reason)

    def restore_version(self, version_id, *, actor="", expected=None) -> SaveResult:
        return store.restore_version(self.folder, version_id, actor=actor, expected=expected)

    def list_versions(self) -> list[Version]:
        return versions.list_versions(self.folder)

    def version_sources(self, version_id: str) -> dict[str, tuple[str, bytes]]:
        return versions.version_sources(self.folder, version_id)

    def prune(self, *, keep=None, days=None, dry_run=False, now=None) -> PruneResult:
        return versions.prune(self.folder, keep=keep, days=days, dry_run=dry_run, now=now)


def open_store(url: str | None, folder: str | Path) -> Store:
    """The store to use: the database at ``url`` when one is given, else the data folder."""
    if url:
        from dashboard.sqlstore import SqlStore  # SQLAlchemy only where a database is used

        return SqlStore(url)
    return FolderStore(folder)


def as_store(where: Store | str | Path) -> Store:
    """A ``Store`` as it is; a folder path as its ``FolderStore``."""
    return where if isinstance(where, Store) else FolderStore(where)


def url_from_settings(settings: Mapping[str, object]) -> str:
    """A ``[connections.<name>]`` table as ``st.connection("sql")`` reads it -> a URL:
    ``url`` as it is, else ``dialect`` (+ ``driver``), ``host``, ``port``, ``database``,
    ``username``, ``password``. PostgreSQL without a driver is reached through psycopg 3."""
    from sqlalchemy.engine import URL

    if settings.get("url"):
        return str(settings["url"])
    dialect = str(settings.get("dialect") or "postgresql")
    driver = settings.get("driver") or ("psycopg" if dialect == "postgresql" else "")
    port = settings.get("port")
    url = URL.create(
        f"{dialect}+{driver}" if driver else dialect,
        username=settings.get("username") or None,
        password=settings.get("password") or None,
        host=settings.get("host") or None,
        port=int(port) if port else None,
        database=settings.get("database") or None,
    )
    return url.render_as_string(hide_password=False)


def frames_of(sources: Mapping[str, tuple[str, bytes]]) -> dict[str, pd.DataFrame]:
    """The typed tables of ``{table: (file name, bytes)}``, indexed by spreadsheet row."""
    frames = {}
    for table, (name, data) in sources.items():
        raw, _ = read_table(name, data)
        if raw is not None:
            frames[table] = parse_table(table, name, raw)[0]
    return frames


def import_folder(target: Store, folder: str | Path, *, actor: str = "") -> SaveResult:
    """A data folder checked by the loader and saved into ``target`` as one new version:
    refused, with every problem (file, row, column), when it breaks a contract."""
    checked = load_dataset(folder)
    if not checked.ok:
        return SaveResult(False, checked.problems)
    sources = FolderStore(folder).read_sources()
    return target.save_files(store.csv_files(sources), actor=actor, reason="import")


def export_folder(source: Store, folder: str | Path) -> list[Path]:
    """The current tables of ``source`` written into ``folder`` as their files (created when
    missing; another file of the same table, which the loader would read instead, removed).
    Returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table, (name, data) in source.read_sources().items():
        for suffix in (".csv", ".xlsx"):
            other = folder / f"{table}{suffix}"
            if other.name != name:
                other.unlink(missing_ok=True)
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written
