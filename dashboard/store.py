"""Save tables into a data folder safely: validated, locked, versioned, atomic.

A save (1) checks the new tables together with the folder's other current tables against the
same contracts the loader uses, and refuses with every problem if any is an error; (2) holds a
file lock on the folder (``<folder>/.lock``), so two saves cannot interleave; (3) copies the
folder's current table files into ``<folder>/.versions/<UTC timestamp>/``; (4) writes each new
file to a temporary file in the same folder, fsyncs it and renames it over the old one
(``os.replace``). A crash before the rename leaves the old file; a failed rename puts back the
files already replaced, from the version copy.

No Streamlit here: the page clears the cache after a successful save.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from filelock import FileLock, Timeout

from dashboard import schema
from dashboard.data import LoadResult, load_tables, parse_table, table_path
from dashboard.problems import Problem, errors
from dashboard.reading import read_table

VERSIONS_DIR = ".versions"
LOCK_FILE = ".lock"
META_FILE = "version.json"
JOURNAL_FILE = "PENDING"
LOCK_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class SaveResult:
    """What a save did: ``ok``, every problem found, the version id holding the previous
    files (empty when nothing was written), and the tables whose files changed."""

    ok: bool
    problems: tuple[Problem, ...] = ()
    version: str = ""
    tables: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Version:
    """A saved copy of the folder's tables as they were before a save."""

    id: str
    time: dt.datetime
    actor: str
    tables: tuple[str, ...]  # the tables the save that made this copy replaced
    reason: str  # "save" or "restore"
    files: tuple[str, ...]  # the table files held in the copy


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


def lock(folder: str | Path, timeout: float = LOCK_TIMEOUT_S) -> FileLock:
    """The folder's save lock (``<folder>/.lock``); use as a context manager."""
    return FileLock(str(Path(folder) / LOCK_FILE), timeout=timeout)


def read_sources(
    folder: str | Path, timeout: float = LOCK_TIMEOUT_S
) -> dict[str, tuple[str, bytes]]:
    """``{table: (file name, bytes)}`` of the folder's table files, read under the save lock:
    a save renames its files one by one, and a read between two renames would mix old and new."""
    with lock(folder, timeout):
        return _current_sources(Path(folder))


def _new_version_dir(folder: Path) -> Path:
    root = folder / VERSIONS_DIR
    root.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    for n in range(1000):
        path = root / (stamp if n == 0 else f"{stamp}-{n}")
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"cannot create a version folder in {root}")


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform lets a folder be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_temp(folder: Path, name: str, data: bytes) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _commit(
    folder: Path, new: Mapping[str, bytes], *, actor: str, reason: str, timeout: float
) -> SaveResult:
    """Validate ``{table: csv bytes}`` with the folder's other tables, then write them."""
    unknown = [name for name in new if name not in schema.TABLES]
    if unknown:
        return SaveResult(
            False, tuple(Problem(f"{name}", None, None, "unknown_table") for name in unknown)
        )
    try:
        with lock(folder, timeout):
            if _journal(folder).exists():  # an earlier save died half-way
                _roll_back(folder)
            _remove_temps(folder)
            current = _current_sources(folder)
            sources = dict(current)
            for table, data in new.items():
                sources[table] = (f"{table}.csv", data)
            result = load_tables(sources)
            if errors(list(result.problems)):
                return SaveResult(False, result.problems)
            changed = [t for t, data in new.items() if not _same(t, current.get(t), data)]
            if not changed:
                return SaveResult(True, result.problems, "", ())
            version = _snapshot(folder, current, actor=actor, reason=reason, tables=changed)
            _replace_files(folder, {table: new[table] for table in changed}, version)
            return SaveResult(True, result.problems, version.name, tuple(changed))
    except Timeout:
        return SaveResult(False, (Problem(folder.name, None, None, "save_busy"),))
    except OSError as exc:  # disk full, permissions: the files were put back as they were
        detail = (("detail", f"{type(exc).__name__}: {exc}"),)
        return SaveResult(False, (Problem(folder.name, None, None, "save_failed", params=detail),))


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


def _snapshot(
    folder: Path,
    current: dict[str, tuple[str, bytes]],
    *,
    actor: str,
    reason: str,
    tables: list[str],
) -> Path:
    """Copy every current table file into a new version folder, with a note of who and why."""
    target = _new_version_dir(folder)
    for name, _ in current.values():
        shutil.copy2(folder / name, target / name)
    meta = {
        "time": dt.datetime.now(dt.UTC).isoformat(),
        "actor": actor,
        "tables": tables,
        "reason": reason,
        "files": sorted(name for name, _ in current.values()),
    }
    (target / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    _fsync_dir(target)
    return target


def _replace_files(folder: Path, new: Mapping[str, bytes], version: Path) -> None:
    """Write every file to a temporary file first, then rename each over its old file.

    A journal (``.versions/PENDING``, naming the version and the tables) is written before the
    first rename and removed after the last: if the process dies in between, ``recover`` puts
    the replaced files back from the version copy. If a rename fails here, they are put back
    at once.
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
            # a .xlsx beside the new .csv would be shadowed; the version copy keeps it
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


def _journal(folder: Path) -> Path:
    return folder / VERSIONS_DIR / JOURNAL_FILE


def _write_journal(folder: Path, version: Path, tables: list[str]) -> None:
    tmp = _write_temp(
        folder / VERSIONS_DIR,
        JOURNAL_FILE,
        json.dumps({"version": version.name, "tables": tables}).encode(),
    )
    os.replace(tmp, _journal(folder))
    _fsync_dir(folder / VERSIONS_DIR)


def _roll_back(folder: Path) -> list[str]:
    """Undo a save cut short: put back, from its version copy, every table it named."""
    journal = _journal(folder)
    try:
        note = json.loads(journal.read_text("utf-8"))
        version = folder / VERSIONS_DIR / str(note["version"])
        tables = [t for t in note["tables"] if t in schema.TABLES]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    for table in tables:
        for suffix in (".csv", ".xlsx"):
            old, target = version / f"{table}{suffix}", folder / f"{table}{suffix}"
            if old.is_file():
                tmp = _write_temp(folder, target.name, old.read_bytes())
                os.replace(tmp, target)
            else:
                target.unlink(missing_ok=True)
    _fsync_dir(folder)
    journal.unlink()
    return tables


def _remove_temps(folder: Path) -> None:
    for tmp in folder.glob(".*.tmp"):
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
) -> SaveResult:
    """Save several tables at once: all of them, or (on any error) none.

    Each frame is written as CSV in the contract's format, in the column order of the table's
    current file. Returns the problems found when the new tables, with the folder's other
    tables, break a contract.
    """
    folder = Path(folder)
    new = {}
    for table, frame in frames.items():
        if table not in schema.TABLES:
            new[table] = b""
            continue
        new[table] = to_csv_bytes(table, frame, current_columns(folder, table))
    return _commit(folder, new, actor=actor, reason="save", timeout=timeout)


def save_table(
    folder: str | Path,
    table_name: str,
    frame: pd.DataFrame,
    *,
    actor: str = "",
    timeout: float = LOCK_TIMEOUT_S,
) -> SaveResult:
    """Save one table (see ``save_tables``)."""
    return save_tables(folder, {table_name: frame}, actor=actor, timeout=timeout)


def list_versions(folder: str | Path) -> list[Version]:
    """The saved copies of the folder, newest first."""
    root = Path(folder) / VERSIONS_DIR
    if not root.is_dir():
        return []
    versions = []
    for path in root.iterdir():
        if not path.is_dir():
            continue
        try:
            meta = json.loads((path / META_FILE).read_text("utf-8"))
            time = dt.datetime.fromisoformat(meta["time"])
        except (OSError, ValueError, KeyError):
            continue  # a copy cut short by a crash, or not ours
        versions.append(
            Version(
                id=path.name,
                time=time,
                actor=str(meta.get("actor", "")),
                tables=tuple(meta.get("tables", ())),
                reason=str(meta.get("reason", "save")),
                files=tuple(meta.get("files", ())),
            )
        )
    return sorted(versions, key=lambda v: (v.time, v.id), reverse=True)


def _version_dir(folder: str | Path, version_id: str) -> Path:
    root = (Path(folder) / VERSIONS_DIR).resolve()
    path = (root / version_id).resolve()
    if path.parent != root or not (path / META_FILE).is_file():
        raise KeyError(version_id)
    return path


def version_sources(folder: str | Path, version_id: str) -> dict[str, tuple[str, bytes]]:
    """``{table: (file name, bytes)}`` of a saved copy."""
    path = _version_dir(folder, version_id)
    return _current_sources(path)


def load_version(folder: str | Path, version_id: str) -> LoadResult:
    """A saved copy read and checked as the loader would."""
    return load_tables(version_sources(folder, version_id))


def version_frames(folder: str | Path, version_id: str) -> dict[str, pd.DataFrame]:
    """The typed tables of a saved copy, indexed by spreadsheet row (as ``parse_table`` gives)."""
    frames = {}
    for table, (name, data) in version_sources(folder, version_id).items():
        raw, _ = read_table(name, data)
        if raw is not None:
            frames[table] = parse_table(table, name, raw)[0]
    return frames


def restore_version(
    folder: str | Path, version_id: str, *, actor: str = "", timeout: float = LOCK_TIMEOUT_S
) -> SaveResult:
    """Put a saved copy back. A restore is a save: today's files are versioned first."""
    folder = Path(folder)
    new: dict[str, bytes] = {}
    for table, (name, data) in version_sources(folder, version_id).items():
        if name.endswith(".csv"):
            new[table] = data
        else:  # an .xlsx copy comes back as CSV
            raw, _ = read_table(name, data)
            if raw is not None:
                typed = parse_table(table, name, raw)[0]
                new[table] = to_csv_bytes(table, typed, list(raw.columns))
    return _commit(folder, new, actor=actor, reason="restore", timeout=timeout)
