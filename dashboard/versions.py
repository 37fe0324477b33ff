"""The versions of a data folder: content-addressed blobs, manifests, reading a version back, the
journal that undoes a save cut short, and retention; with the folder's lock and the durable writes
``dashboard.store`` builds its saves on.

A version keeps a folder's table files as they were before a save: each file's bytes stored once,
as a content-addressed blob (``.versions/blobs/<sha256>.csv``), named by the version's manifest
(``.versions/<UTC timestamp>/version.json``). Retention (``keep_rule``: the last 20, and those of
the last 90 days) decides which versions a prune keeps; it then removes blobs no version names.

Nothing is relied on before it is on disk: each blob is fsynced before it gets its name, and the
blob folder before the manifest that names it. A version folder written before blobs existed (the
files copied beside ``version.json``) is read as it is, and turned into blobs by the next prune.

No Streamlit here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from filelock import FileLock

from dashboard import schema
from dashboard.data import LoadResult, load_tables, parse_table
from dashboard.reading import read_table

VERSIONS_DIR = ".versions"
BLOBS_DIR = "blobs"
LOCK_FILE = ".lock"
META_FILE = "version.json"
JOURNAL_FILE = "PENDING"
LOCK_TIMEOUT_S = 60.0
KEEP_VERSIONS = 20  # DASHBOARD_KEEP_VERSIONS: the newest versions always kept
KEEP_DAYS = 90  # DASHBOARD_KEEP_DAYS: and every version younger than this
VERSION_ID = re.compile(r"\d{8}T\d{6}\.\d{6}Z(-\d+)?")
BLOB_NAME = re.compile(r"[0-9a-f]{64}(\.csv|\.xlsx)?")
TABLE_FILES = frozenset(f"{t}{s}" for t in schema.TABLES for s in (".csv", ".xlsx"))


@dataclass(frozen=True)
class Version:
    """A saved copy of the folder's tables as they were before a save."""

    id: str
    time: dt.datetime
    actor: str
    tables: tuple[str, ...]  # the tables the save that made this copy replaced
    reason: str  # "save", "pin" or "restore"
    files: tuple[str, ...]  # the table files held in the copy


@dataclass(frozen=True)
class PruneResult:
    """What a prune removed (or, in a dry run, would remove): versions past the retention rule
    (oldest first), version folders a crash cut short, blobs no kept version names, and the
    bytes freed; ``kept`` counts the versions left."""

    removed: tuple[Version, ...] = ()
    incomplete: tuple[str, ...] = ()
    blobs: int = 0
    freed: int = 0
    kept: int = 0


# --- the folder: its lock and durable writes -----------------------------------------------------


def lock(folder: str | Path, timeout: float = LOCK_TIMEOUT_S) -> FileLock:
    """The folder's save lock (``<folder>/.lock``); use as a context manager."""
    return FileLock(str(Path(folder) / LOCK_FILE), timeout=timeout)


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


def _write_file(path: Path, data: bytes) -> None:
    """``data`` as ``path``, whole or not at all: a fsynced temporary file renamed over it
    (fsyncing the folder, which makes the new name last, is the caller's)."""
    tmp = _write_temp(path.parent, path.name, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# --- versions: blobs and manifests ---------------------------------------------------------------


def _blob_dir(folder: Path) -> Path:
    return folder / VERSIONS_DIR / BLOBS_DIR


def _store_blobs(folder: Path, files: Mapping[str, bytes]) -> dict[str, str]:
    """Each file's bytes as a blob named by their SHA-256, written only when no blob holds them
    yet; each new blob fsynced before it is renamed into place, then the blob folder.
    Returns ``{file name: blob name}``."""
    root = _blob_dir(folder)
    root.mkdir(parents=True, exist_ok=True)
    names, wrote = {}, False
    for name, data in files.items():
        blob = root / f"{hashlib.sha256(data).hexdigest()}{Path(name).suffix.lower()}"
        if not (blob.is_file() and blob.stat().st_size == len(data)):
            _write_file(blob, data)
            wrote = True
        names[name] = blob.name
    if wrote:
        _fsync_dir(root)
    return names


def _write_meta(path: Path, meta: dict) -> None:
    _write_file(path / META_FILE, json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))
    _fsync_dir(path)


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


def _snapshot(
    folder: Path,
    current: dict[str, tuple[str, bytes]],
    *,
    actor: str,
    reason: str,
    tables: list[str],
) -> Path:
    """Keep every current table file as a version: its bytes as blobs (a file unchanged since an
    earlier version is not stored again), and a manifest of who, why and which blobs."""
    root = folder / VERSIONS_DIR
    if not root.is_dir():
        root.mkdir()
        _fsync_dir(folder)  # the new folder's own name
    blobs = _store_blobs(folder, dict(current.values()))
    target = _new_version_dir(folder)
    meta = {
        "time": dt.datetime.now(dt.UTC).isoformat(),
        "actor": actor,
        "tables": tables,
        "reason": reason,
        "files": sorted(blobs),
        "blobs": blobs,
    }
    try:
        _write_meta(target, meta)
        _fsync_dir(folder / VERSIONS_DIR)  # the version folder's own name
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target


def _read_meta(path: Path) -> dict:
    meta = json.loads((path / META_FILE).read_text("utf-8"))
    if not isinstance(meta, dict):
        raise ValueError(f"{path / META_FILE} is not a version manifest")
    return meta


def _manifest_blobs(meta: dict) -> dict[str, str] | None:
    """``{file name: blob name}`` of a manifest; None for a version written before blobs."""
    blobs = meta.get("blobs")
    if blobs is None:
        return None
    if not isinstance(blobs, dict) or not all(
        name in TABLE_FILES and isinstance(blob, str) and BLOB_NAME.fullmatch(blob)
        for name, blob in blobs.items()
    ):
        raise ValueError("a version manifest names files or blobs that are not its own")
    return blobs


def _version_files(folder: Path, path: Path) -> dict[str, bytes]:
    """``{file name: bytes}`` of the version in ``path``: the blobs its manifest names, or the
    files copied beside it (a version written before blobs)."""
    blobs = _manifest_blobs(_read_meta(path))
    if blobs is None:
        return {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.name in TABLE_FILES}
    return {name: (_blob_dir(folder) / blob).read_bytes() for name, blob in blobs.items()}


# --- the journal: a save cut short, undone from its version --------------------------------------


def _journal(folder: Path) -> Path:
    return folder / VERSIONS_DIR / JOURNAL_FILE


def _write_journal(folder: Path, version: Path, tables: list[str]) -> None:
    note = json.dumps({"version": version.name, "tables": tables}).encode()
    _write_file(_journal(folder), note)
    _fsync_dir(folder / VERSIONS_DIR)


def _roll_back(folder: Path) -> list[str]:
    """Undo a save cut short: put back, from its version, every table it named.

    The journal is written only once the version is on disk; should the version be unreadable
    all the same (removed by hand), the files are left as they are and the journal removed."""
    journal = _journal(folder)
    try:
        note = json.loads(journal.read_text("utf-8"))
        version = folder / VERSIONS_DIR / str(note["version"])
        tables = [t for t in note["tables"] if t in schema.TABLES]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    try:
        files = _version_files(folder, version)
    except (OSError, ValueError):
        journal.unlink()
        return []
    for table in tables:
        for suffix in (".csv", ".xlsx"):
            name = f"{table}{suffix}"
            if name in files:
                _write_file(folder / name, files[name])
            else:
                (folder / name).unlink(missing_ok=True)
    _fsync_dir(folder)
    journal.unlink()
    _fsync_dir(folder / VERSIONS_DIR)
    return tables


def _remove_temps(folder: Path) -> None:
    for tmp in folder.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)


# --- reading a version ---------------------------------------------------------------------------


def list_versions(folder: str | Path) -> list[Version]:
    """The saved copies of the folder, newest first."""
    root = Path(folder) / VERSIONS_DIR
    if not root.is_dir():
        return []
    versions = []
    for path in root.iterdir():
        if not path.is_dir() or path.name == BLOBS_DIR:
            continue
        try:
            meta = _read_meta(path)
            time = dt.datetime.fromisoformat(meta["time"])
        except (OSError, ValueError, KeyError, TypeError):
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
    if path.parent != root or path.name == BLOBS_DIR or not (path / META_FILE).is_file():
        raise KeyError(version_id)
    return path


def _sources_of(files: Mapping[str, bytes]) -> dict[str, tuple[str, bytes]]:
    """``{file name: bytes}`` -> ``{table: (file name, bytes)}``, ``.csv`` before ``.xlsx``
    as ``table_path`` chooses."""
    sources = {}
    for table in schema.TABLES:
        for suffix in (".csv", ".xlsx"):
            name = f"{table}{suffix}"
            if name in files:
                sources[table] = (name, files[name])
                break
    return sources


def _version_sources(folder: Path, version_id: str) -> dict[str, tuple[str, bytes]]:
    path = _version_dir(folder, version_id)
    try:
        return _sources_of(_version_files(folder, path))
    except (OSError, ValueError) as exc:  # pruned meanwhile, or damaged
        raise KeyError(version_id) from exc


def version_sources(
    folder: str | Path, version_id: str, timeout: float = LOCK_TIMEOUT_S
) -> dict[str, tuple[str, bytes]]:
    """``{table: (file name, bytes)}`` of a saved copy (read under the lock, so a prune cannot
    remove its blobs half-way); ``KeyError`` for a version that is not kept."""
    with lock(folder, timeout):
        return _version_sources(Path(folder), version_id)


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


# --- retention -----------------------------------------------------------------------------------


def _env_int(name: str, default: int, least: int) -> int:
    try:
        value = int(os.environ.get(name) or default)
    except ValueError:
        return default
    return max(least, value)


def keep_rule() -> tuple[int, int]:
    """``(versions, days)``: the newest ``DASHBOARD_KEEP_VERSIONS`` versions (default 20, at
    least 1, so the last save can always be undone) and every version of the last
    ``DASHBOARD_KEEP_DAYS`` days (default 90) are kept; prunes remove the others."""
    return (
        _env_int("DASHBOARD_KEEP_VERSIONS", KEEP_VERSIONS, 1),
        _env_int("DASHBOARD_KEEP_DAYS", KEEP_DAYS, 0),
    )


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _migrate(folder: Path, path: Path) -> None:
    """A version folder written before blobs: its files stored as blobs, its manifest naming
    them (written, and fsynced, before the copies are removed)."""
    meta = _read_meta(path)
    if _manifest_blobs(meta) is None:
        meta["blobs"] = _store_blobs(folder, _version_files(folder, path))
        meta["files"] = sorted(meta["blobs"])
        _write_meta(path, meta)
    for copy in path.iterdir():  # the copies (and any a crash left after the manifest)
        if copy.name in TABLE_FILES:
            copy.unlink()


def _prune(
    folder: Path, keep: int, days: int, now: dt.datetime, dry_run: bool = False
) -> PruneResult:
    """``prune`` with the lock held and no save half-done."""
    root = folder / VERSIONS_DIR
    if not root.is_dir():
        return PruneResult()
    before = _size(root)
    versions = list_versions(folder)  # newest first
    cutoff = now - dt.timedelta(days=days)
    kept = [v for i, v in enumerate(versions) if i < keep or v.time >= cutoff]
    kept_ids = {v.id for v in kept}
    removed = [v for v in reversed(versions) if v.id not in kept_ids]
    listed = {v.id for v in versions}
    # a folder named like a version but without a readable manifest: a snapshot a crash cut short
    incomplete = sorted(
        p.name
        for p in root.iterdir()
        if p.is_dir() and VERSION_ID.fullmatch(p.name) and p.name not in listed
    )
    gone = [v.id for v in removed] + incomplete
    freed = sum(_size(root / name) for name in gone)
    if not dry_run:
        for name in gone:
            shutil.rmtree(root / name)
        _remove_temps(root)
        for version in kept:
            _migrate(folder, root / version.id)
    named = set()
    for version in kept:
        named |= set((_manifest_blobs(_read_meta(root / version.id)) or {}).values())
    blob_root = _blob_dir(folder)
    unnamed = [b for b in blob_root.iterdir() if b.name not in named] if blob_root.is_dir() else []
    if dry_run:
        freed += sum(_size(b) for b in unnamed)
    else:
        for blob in unnamed:
            blob.unlink()
        _fsync_dir(blob_root)
        _fsync_dir(root)
        freed = before - _size(root)
    return PruneResult(tuple(removed), tuple(incomplete), len(unnamed), freed, len(kept))


def prune(
    folder: str | Path,
    *,
    keep: int | None = None,
    days: int | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    timeout: float = LOCK_TIMEOUT_S,
) -> PruneResult:
    """Remove the versions past the retention rule (``keep_rule``, or ``keep`` / ``days``),
    then every blob no kept version names; a save does this after each write. Version folders
    written before blobs are turned into blobs on the way."""
    folder = Path(folder)
    if not folder.is_dir():  # the lock would create it
        raise FileNotFoundError(f"no data folder {folder}")
    rule = keep_rule()
    keep = rule[0] if keep is None else max(1, keep)
    days = rule[1] if days is None else max(0, days)
    with lock(folder, timeout):
        if _journal(folder).exists() and not dry_run:  # a save died half-way: undo it first
            _remove_temps(folder)
            _roll_back(folder)
        return _prune(folder, keep, days, now or dt.datetime.now(dt.UTC), dry_run)
