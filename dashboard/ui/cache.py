"""The one cached loader: a data folder -> its ``Dataset``, read once per change of its files.

Streamlit adapters live in ``dashboard/ui/``; the rest of ``dashboard/`` never imports it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dashboard import store
from dashboard.data import Dataset, fingerprint, load_dataset
from dashboard.problems import Problem

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def data_dir() -> str:
    """The data folder: ``DASHBOARD_DATA_DIR`` when set, else the bundled ``data/``."""
    return os.environ.get("DASHBOARD_DATA_DIR") or str(DEFAULT_DATA_DIR)


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
def _load(folder: str, key: str):
    store.recover(folder)  # a save cut off by a crash is rolled back before anything is read
    return load_dataset(folder)


@st.cache_resource(show_spinner=False)
def _last_good() -> dict[str, Dataset]:
    return {}


def load(folder: str | None = None) -> Loaded:
    """The folder's dataset, re-read only when a file's size or modification time changed.

    When the files now fail validation, the last good dataset this server loaded is kept.
    """
    folder = folder or data_dir()
    result = _load(folder, fingerprint(folder))
    good = _last_good()
    if result.ok:
        good[folder] = result.dataset
        return Loaded(result.dataset, result.problems, stale=False)
    return Loaded(good.get(folder), result.problems, stale=folder in good)


def clear() -> None:
    """Forget every loaded dataset (after a save, so every session reads the new files)."""
    _load.clear()
