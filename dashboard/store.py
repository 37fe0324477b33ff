"""Save tables into a data folder safely: locked, checked, validated, versioned, atomic, durable.

A save holds a file lock on the folder (``<folder>/.lock``) from the moment it reads the current
files until its last file is in place, so two saves cannot interleave and a change made to the
files as they are (a pinned highlight, ``update_table``) cannot undo a save made in between.
Under the lock a save (1) refuses when the caller checked other files than today's (``expected``:
the ``dashboard.data.fingerprint`` its check saw), with a "changed since you checked" problem;
(2) checks the new tables together with the folder's other current tables against the contracts
the loader uses, and refuses with every problem if any is an error; (3) keeps the current files
as a version (``dashboard.versions``): each file's bytes stored once, as a content-addressed blob
(``.versions/blobs/<sha256>.csv``), named by the version's manifest
(``.versions/<UTC timestamp>/version.json``); (4) writes each new file to a temporary file and
renames it over the old one (``os.replace``), under a journal (``.versions/PENDING``) that lets
``recover`` put the old files back after a crash; (5) prunes the versions to the retention rule
(``keep_rule``: the last 20, and those of the last 90 days) and removes blobs no version names.

Nothing is relied on before it is on disk: each blob is fsynced before it gets its name, and the
blob folder before the manifest that names it; the manifest and its folders before the journal;
the journal before the first rename. A version folder written before blobs existed (the files
copied beside ``version.json``) is read as it is, and turned into blobs by the next prune.

No Streamlit here: the page clears the cache after a successful save.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from filelock import Timeout

from dashboard import schema
from dashboard.data import fingerprint, load_tables, parse_table, table_path
from dashboard.problems import Problem, errors
from dashboard.reading import read_table
from dashboard.versions import (
    LOCK_TIMEOUT_S,
    VERSIONS_DIR,
    _fsync_dir,
    _journal,
    _prune,
    _remove_temps,
    _roll_back,
    _snapshot,
    _version_dir,
    _version_sources,
    _write_journal,
    _write_temp,
    keep_rule,
    lock,
)


@dataclass(frozen=True)
class SaveResult:
    """What a save did: ``ok``, every problem found, the version id holding the previous
    files (empty when nothing was written), and the tables whose files changed."""

    ok: bool
    problems: tuple[Problem, ...] = ()
    version: str = ""
    tables: tuple[str, ...] = field(default=())


# --- serialising a frame in the contract's format --------------------------------------------


def cell_text(value: object, kind: str) -> str:
    """One value as the contract writes it: ISO dates, true/false, empty for unknown."""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    elif isinstance(value, np.generic):
        value = value.item()
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if kind == "int" and value.is_integer() else repr(value)
    return str(value)


def column_text(series: pd.Series, kind: str = "str") -> list:
    """``cell_text`` of every cell of a column, a whole column at a time for the dtypes
    ``parse_table`` makes (dates, booleans, whole numbers, text)."""
    dtype = series.dtype
    if pd.api.types.is_object_dtype(dtype):
        return [cell_text(v, kind) for v in series]
    if pd.api.types.is_datetime64_any_dtype(dtype):
        out = series.dt.strftime("%Y-%m-%d")
    elif pd.api.types.is_bool_dtype(dtype):
        out = series.map({True: "true", False: "false"})
    elif pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        out = series.astype(str)
    else:  # floats, written as repr: one cell at a time
        return [cell_text(v, kind) for v in series]
    return list(out.astype(object).where(series.notna().to_numpy(), ""))


def current_columns(folder: str | Path, table: str) -> list[str]:
    """The header of ``table``'s current file in ``folder`` (contract names), or []."""
    path = table_path(Path(folder), table)
    if path is None:
        return []
    raw, _ = read_table(path.name, path.read_bytes())
    return [] if raw is None else list(raw.columns)


def to_csv_bytes(table: str, frame: pd.DataFrame, columns: list[str] | None = None) -> bytes:
    """``frame`` as the CSV the contract describes (UTF-8, ``\\n`` line ends).

    Columns come in the order of ``columns`` (e.g. the current file's header) where the frame
    has them, then any other columns of the frame, in its order.
    """
    order = [c for c in (columns or []) if c in frame.columns]
    order += [c for c in frame.columns if c not in order]
    kinds = schema.column_kinds(table)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(order)
    columns = [column_text(frame[c], kinds.get(c, "str")) for c in order]
    writer.writerows(zip(*columns, strict=True))
    return out.getvalue().encode("utf-8")


# --- the folder ------------------------------------------------------------------------------


def _current_sources(folder: Path) -> dict[str, tuple[str, bytes]]:
    sources = {}
    for table in schema.TABLES:
        path = table_path(folder, table)
        if path is not None:
            sources[table] = (path.name, path.read_bytes())
    return sources


def read_sources(
    folder: str | Path, timeout: float = LOCK_TIMEOUT_S
) -> dict[str, tuple[str, bytes]]:
    """``{table: (file name, bytes)}`` of the folder's table files, read under the save lock:
    a save renames its files one by one, and a read between two renames would mix old and new."""
    with lock(folder, timeout):
        return _current_sources(Path(folder))


def _failed(folder: Path, exc: OSError) -> SaveResult:
    detail = (("detail", f"{type(exc).__name__}: {exc}"),)
    return SaveResult(False, (Problem(folder.name, None, None, "save_failed", params=detail),))


def _commit(
    folder: Path,
    build: Callable[[dict[str, tuple[str, bytes]]], Mapping[str, bytes]],
    *,
    actor: str,
    reason: str,
    timeout: float,
    expected: str | None = None,
) -> SaveResult:
    """Under the lock: ``build(current sources)`` -> ``{table: csv bytes}``, validated with the
    folder's other tables, then written. ``expected``: the fingerprint the caller's check saw;
    the save is refused when today's files are others. ``build``'s own exceptions (an unknown
    testimonial, a version pruned meanwhile) propagate, the lock released."""
    held = lock(folder, timeout)
    try:
        held.acquire()
    except Timeout:
        return SaveResult(False, (Problem(folder.name, None, None, "save_busy"),))
    except OSError as exc:  # no folder, no permission to create the lock file
        return _failed(folder, exc)
    try:
        try:
            if _journal(folder).exists():  # an earlier save died half-way
                _roll_back(folder)
            _remove_temps(folder)
            if expected is not None and fingerprint(folder) != expected:
                return SaveResult(False, (Problem(folder.name, None, None, "changed_since_check"),))
            current = _current_sources(folder)
        except OSError as exc:
            return _failed(folder, exc)
        new = dict(build(current))
        done, problems, changed = check_save(current, new)
        if done is not None:
            return done
        try:
            version = _snapshot(folder, current, actor=actor, reason=reason, tables=changed)
            _replace_files(folder, {table: new[table] for table in changed}, version)
        except OSError as exc:  # disk full, permissions: the files were put back as they were
            return _failed(folder, exc)
        with contextlib.suppress(OSError, ValueError):  # the save is done; the next prune retries
            _prune(folder, *keep_rule(), dt.datetime.now(dt.UTC))
        return SaveResult(True, problems, version.name, tuple(changed))
    finally:
        held.release()


def check_save(
    current: Mapping[str, tuple[str, bytes]], new: Mapping[str, bytes]
) -> tuple[SaveResult | None, tuple[Problem, ...], list[str]]:
    """What every store checks before it writes: ``new`` (``{table: csv bytes}``) with the
    ``current`` sources' other tables against the contracts. Returns (the result to return at
    once when the save must stop here, else None; the problems found; the tables that change).
    A save that changes nothing stops here as a success."""
    unknown = [name for name in new if name not in schema.TABLES]
    if unknown:
        problems = tuple(Problem(n, None, None, "unknown_table") for n in unknown)
        return SaveResult(False, problems), problems, []
    sources = dict(current)
    for table, data in new.items():
        sources[table] = (f"{table}.csv", data)
    result = load_tables(sources)
    if errors(list(result.problems)):
        return SaveResult(False, result.problems), result.problems, []
    changed = [t for t, data in new.items() if not _same(t, current.get(t), data)]
    if not changed:
        return SaveResult(True, result.problems, "", ()), result.problems, []
    return None, result.problems, changed


def _same(table: str, current: tuple[str, bytes] | None, data: bytes) -> bool:
    """True when ``data`` holds what the current file holds (written the way a save writes)."""
    if current is None:
        return False
    name, old = current
    if name == f"{table}.csv" and old == data:
        return True
    raw, _ = read_table(name, old)
    if raw is None or name != f"{table}.csv":
        return False
    typed, _ = parse_table(table, name, raw)
    return to_csv_bytes(table, typed, list(raw.columns)) == data


def _columns_of(source: tuple[str, bytes] | None) -> list[str]:
    """The header of a ``(file name, bytes)`` source (contract names), or []."""
    if source is None:
        return []
    raw, _ = read_table(*source)
    return [] if raw is None else list(raw.columns)


# --- replacing the files, and putting them back after a crash ------------------------------------


def _replace_files(folder: Path, new: Mapping[str, bytes], version: Path) -> None:
    """Write every file to a temporary file first, then rename each over its old file.

    A journal (``.versions/PENDING``, naming the version and the tables) is written before the
    first rename and removed after the last: if the process dies in between, ``recover`` puts
    the replaced files back from the version. If a rename fails here, they are put back at once.
    """
    temps: dict[str, Path] = {}
    try:
        for table, data in new.items():
            temps[table] = _write_temp(folder, f"{table}.csv", data)
        _write_journal(folder, version, list(new))
        try:
            for table, tmp in temps.items():
                os.replace(tmp, folder / f"{table}.csv")
            _fsync_dir(folder)
            # a .xlsx beside the new .csv would be shadowed; the version keeps it
            for table in new:
                (folder / f"{table}.xlsx").unlink(missing_ok=True)
        except BaseException:
            _roll_back(folder)
            raise
        _journal(folder).unlink()
        _fsync_dir(folder / VERSIONS_DIR)
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)


def recover(folder: str | Path, timeout: float = LOCK_TIMEOUT_S) -> list[str]:
    """After a crash in the middle of a save, put the last good version back.

    Cheap when there is nothing to do (one file check), so the loader may call it on every
    read. Returns the tables put back.
    """
    folder = Path(folder)
    if not _journal(folder).exists() and not any(folder.glob(".*.tmp")):
        return []
    try:
        with lock(folder, timeout):
            _remove_temps(folder)
            return _roll_back(folder)
    except Timeout:  # a save is running; it will finish or recover itself
        return []


# --- the public API --------------------------------------------------------------------------


def save_tables(
    folder: str | Path,
    frames: Mapping[str, pd.DataFrame],
    *,
    actor: str = "",
    timeout: float = LOCK_TIMEOUT_S,
    expected: str | None = None,
) -> SaveResult:
    """Save several tables at once: all of them, or (on any error) none.

    Each frame is written as CSV in the contract's format, in the column order of the table's
    current file. Returns the problems found when the new tables, with the folder's other
    tables, break a contract. ``expected``: the ``dashboard.data.fingerprint`` of the files the
    frames were checked against; when today's files are others (a save in between), nothing is
    written and the problem ``changed_since_check`` asks to check again.
    """
    folder = Path(folder)
    unknown = [name for name in frames if name not in schema.TABLES]
    if unknown:
        return SaveResult(False, tuple(Problem(n, None, None, "unknown_table") for n in unknown))

    build = frames_build(frames)
    return _commit(folder, build, actor=actor, reason="save", timeout=timeout, expected=expected)


def save_table(
    folder: str | Path,
    table_name: str,
    frame: pd.DataFrame,
    *,
    actor: str = "",
    timeout: float = LOCK_TIMEOUT_S,
    expected: str | None = None,
) -> SaveResult:
    """Save one table (see ``save_tables``)."""
    return save_tables(folder, {table_name: frame}, actor=actor, timeout=timeout, expected=expected)


def update_table(
    folder: str | Path,
    table: str,
    change: Callable[[pd.DataFrame], pd.DataFrame],
    *,
    actor: str = "",
    reason: str = "save",
    timeout: float = LOCK_TIMEOUT_S,
) -> SaveResult:
    """Change one table as it is on disk: ``change(frame)`` gets the current file as text
    (every column, rows from 0) and returns the frame to save. The file is read, changed and
    written under one hold of the lock, so a save in between cannot be undone. ``change``'s
    exceptions propagate; a missing table file raises ``FileNotFoundError``."""
    folder = Path(folder)
    if table not in schema.TABLES:
        return SaveResult(False, (Problem(table, None, None, "unknown_table"),))

    build = change_build(table, change, folder / f"{table}.csv")
    return _commit(folder, build, actor=actor, reason=reason, timeout=timeout)


def restore_version(
    folder: str | Path,
    version_id: str,
    *,
    actor: str = "",
    timeout: float = LOCK_TIMEOUT_S,
    expected: str | None = None,
) -> SaveResult:
    """Put a saved copy back. A restore is a save: today's files are versioned first.
    ``expected`` as for ``save_tables``; ``KeyError`` for a version that is not kept."""
    folder = Path(folder)
    _version_dir(folder, version_id)  # an unknown id fails at once

    def build(current: dict[str, tuple[str, bytes]]) -> dict[str, bytes]:
        return csv_files(_version_sources(folder, version_id))

    return _commit(folder, build, actor=actor, reason="restore", timeout=timeout, expected=expected)


def save_files(
    folder: str | Path,
    files: Mapping[str, bytes],
    *,
    actor: str = "",
    reason: str = "import",
    timeout: float = LOCK_TIMEOUT_S,
    expected: str | None = None,
) -> SaveResult:
    """Save ``{table: csv bytes}`` as they are (an import): checked and versioned as every save."""
    folder = Path(folder)
    return _commit(
        folder,
        lambda current: dict(files),
        actor=actor,
        reason=reason,
        timeout=timeout,
        expected=expected,
    )


# --- what a save writes, from what it is given (shared by every store) -------------------------


def frames_build(frames: Mapping[str, pd.DataFrame]) -> Callable[[dict], dict[str, bytes]]:
    """``build`` for ``save_tables``: each frame as CSV in the column order of the current file."""

    def build(current: dict[str, tuple[str, bytes]]) -> dict[str, bytes]:
        return {
            table: to_csv_bytes(table, frame, _columns_of(current.get(table)))
            for table, frame in frames.items()
        }

    return build


def change_build(
    table: str, change: Callable[[pd.DataFrame], pd.DataFrame], where: object
) -> Callable[[dict], dict[str, bytes]]:
    """``build`` for ``update_table``: ``change`` applied to the current file read as text;
    ``FileNotFoundError(where)`` when there is none."""

    def build(current: dict[str, tuple[str, bytes]]) -> dict[str, bytes]:
        if table not in current:
            raise FileNotFoundError(where)
        name, body = current[table]
        raw, problems = read_table(name, body)
        if raw is None:
            raise ValueError(problems[0].message() if problems else f"{name} cannot be read")
        frame = change(raw.reset_index(drop=True))
        return {table: to_csv_bytes(table, frame, list(raw.columns))}

    return build


def csv_files(sources: Mapping[str, tuple[str, bytes]]) -> dict[str, bytes]:
    """``{table: (file name, bytes)}`` -> ``{table: csv bytes}``: a CSV as it is, an .xlsx
    written as CSV (its cells as the loader reads them)."""
    new: dict[str, bytes] = {}
    for table, (name, data) in sources.items():
        if name.endswith(".csv"):
            new[table] = data
        else:
            raw, _ = read_table(name, data)
            if raw is not None:
                typed = parse_table(table, name, raw)[0]
                new[table] = to_csv_bytes(table, typed, list(raw.columns))
    return new
