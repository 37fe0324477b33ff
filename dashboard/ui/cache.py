"""The one cached loader: the data store -> its ``Dataset``, read once per version of its data.

The store is the PostgreSQL database of ``DASHBOARD_DATABASE_URL`` or of the
``[connections.dashboard]`` entry of ``.streamlit/secrets.toml`` (as ``st.connection("sql")``
reads it), else the data folder (``DASHBOARD_DATA_DIR``, else the bundled ``data/``). Every
rerun asks the store for its fingerprint (a folder's file stats; a database's current version
id, one indexed SELECT), and the dataset is cached under it: a save made by any server is drawn
by every other on its next rerun, never an older copy.

Streamlit adapters live in ``dashboard/ui/``; the rest of ``dashboard/`` never imports it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dashboard.data import Dataset, LoadResult
from dashboard.problems import Problem
from dashboard.stores import DATABASE_URL_ENV, FolderStore, Store, open_store, url_from_settings

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
SECRETS_CONNECTION = "dashboard"  # [connections.dashboard] in .streamlit/secrets.toml


def data_dir() -> str:
    """The data folder: ``DASHBOARD_DATA_DIR`` when set, else the bundled ``data/``."""
    return os.environ.get("DASHBOARD_DATA_DIR") or str(DEFAULT_DATA_DIR)


def database_url() -> str:
    """The database to use: ``DASHBOARD_DATABASE_URL``, else ``[connections.dashboard]`` of
    the secrets file; empty for none (the data folder is used)."""
    if os.environ.get(DATABASE_URL_ENV):
        return os.environ[DATABASE_URL_ENV]
    try:
        settings = st.secrets.get("connections", {}).get(SECRETS_CONNECTION)
    except Exception:  # no secrets file at all
        return ""
    return url_from_settings(dict(settings)) if settings else ""


@st.cache_resource(show_spinner=False)
def _open(url: str, folder: str) -> Store:
    return open_store(url, folder)


def current() -> Store:
    """The store every page reads and saves through (one per server, with its pool)."""
    return _open(database_url(), data_dir())


@dataclass(frozen=True)
class Loaded:
    """The dataset to show, the problems found on the last read, and whether the dataset is an
    older good version kept because the files on disk now fail validation."""

    dataset: Dataset | None
    problems: tuple[Problem, ...]
    stale: bool


# cache_resource, not cache_data: the Dataset is immutable and shared, and cache_data would
# unpickle a copy of every table on every rerun.
@st.cache_resource(show_spinner=False, max_entries=8)
def _load(key: str, version: str, _store: Store):
    _store.recover()  # a save cut off by a crash is rolled back before anything is read
    return _store.load()


@st.cache_resource(show_spinner=False)
def _last_good() -> dict[str, Dataset]:
    return {}


def unavailable(source: Store) -> Problem | None:
    """None when the store answers (its fingerprint can be read), else the problem saying why."""
    try:
        source.fingerprint()
    except Exception as exc:  # the database is down, or refuses this server
        return _unavailable(source, exc)
    return None


def _unavailable(source: Store, exc: Exception) -> Problem:
    first = str(exc).splitlines()[0] if str(exc) else ""
    detail = (("detail", f"{type(exc).__name__}: {first}"),)
    return Problem(source.key, None, None, "store_unavailable", params=detail)


def _read(source: Store) -> LoadResult:
    try:
        version = source.fingerprint()
    except Exception as exc:  # the database is down: the problem, and the last good data
        return LoadResult(None, (_unavailable(source, exc),))
    return _load(source.key, version, source)


def load(folder: str | None = None) -> Loaded:
    """The store's dataset (``folder``: that data folder instead), re-read only when its
    fingerprint changed.

    When the data now fails validation, the last good dataset this server loaded is kept.
    """
    source = FolderStore(folder) if folder else current()
    result = _read(source)
    good = _last_good()
    if result.ok:
        good[source.key] = result.dataset
        return Loaded(result.dataset, result.problems, stale=False)
    return Loaded(good.get(source.key), result.problems, stale=source.key in good)


def clear() -> None:
    """Forget every loaded dataset (after a save, so every session reads the new data)."""
    _load.clear()
