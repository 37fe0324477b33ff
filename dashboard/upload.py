"""Uploaded sheets: which table each file is, size and row limits, checks, diffs, templates.

Pure functions, no Streamlit. The Data page reads the uploader, calls ``check_uploads`` and
``diff_table``, and hands the typed frames to ``dashboard.store.save_tables``.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard import exports, schema
from dashboard.data import cross_table_problems, parse_table
from dashboard.i18n import t
from dashboard.problems import Problem, errors
from dashboard.reading import XLSX_MAGIC, read_table, xlsx_archive_problems
from dashboard.store import cell_text, column_text
from dashboard.stores import Store, as_store

DEFAULT_MAX_UPLOAD_MB = 20.0
DEFAULT_MAX_ROWS = 200_000
MB = 1024 * 1024

# File names staff may use, besides the table's own name (regions.csv, programs.xlsx, ...).
# Matched on the first word of the file name, so "参加者_2025.xlsx" and "programs (1).csv" work.
TABLE_NAMES_JA: dict[str, str] = {
    "地域": "regions",
    "町": "regions",
    "プログラム": "programs",
    "参加者": "participants",
    "参加記録": "participations",
    "参加": "participations",
    "推薦文": "testimonials",
    "体験談": "testimonials",
    "成果": "outcomes",
}

# What identifies a row of each table, for the preview of changes.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "regions": ("region_id",),
    "programs": ("program_id",),
    "participants": ("participant_id",),
    "participations": ("participant_id", "program_id"),
    "testimonials": ("testimonial_id",),
    "outcomes": ("outcome_id",),
}

# The row each template shows as its example: a real row of the current data (the first row
# when this one is gone), so a template uploaded unchanged adds nothing that is not true.
EXAMPLE_IDS: dict[str, tuple[str, ...]] = {
    "regions": ("tono",),
    "programs": ("tono-2017-09",),
    "participants": ("trinh-doan",),
    "participations": ("trinh-doan", "tono-2017-09"),
    "testimonials": ("trinh-doan",),
    "outcomes": ("tono-online-reviews",),
}


def max_upload_bytes() -> int:
    """The largest upload accepted: ``DASHBOARD_MAX_UPLOAD_MB`` megabytes (default 20)."""
    try:
        mb = float(os.environ.get("DASHBOARD_MAX_UPLOAD_MB") or DEFAULT_MAX_UPLOAD_MB)
    except ValueError:
        mb = DEFAULT_MAX_UPLOAD_MB
    return int(mb * MB)


def max_rows() -> int:
    """The most data rows accepted in one file: ``DASHBOARD_MAX_UPLOAD_ROWS`` (default 200,000)."""
    try:
        return int(os.environ.get("DASHBOARD_MAX_UPLOAD_ROWS") or DEFAULT_MAX_ROWS)
    except ValueError:
        return DEFAULT_MAX_ROWS


# --- which table a file is ---------------------------------------------------------------


def guess_table(file_name: str) -> str | None:
    """The table a file's name says it holds (``programs.csv``, ``参加者_2025.xlsx``), or None."""
    stem = unicodedata.normalize("NFKC", Path(file_name).stem).strip().lower()
    words = [w for w in re.split(r"[\s_\-.()\[\]（）]+", stem) if w]
    for candidate in (stem, *words[:1]):
        if candidate in schema.TABLES:
            return candidate
        if candidate in TABLE_NAMES_JA:
            return TABLE_NAMES_JA[candidate]
    return None


# --- limits, checked before anything is parsed ---------------------------------------------


def count_rows(data: bytes, stop_after: int | None = None) -> int:
    """Data rows in a file, counted without parsing it: newlines in a CSV (an upper bound when
    cells hold line breaks), the rows of an .xlsx's first sheet as they stream past (not the
    size the file declares, which it may lie about); minus the header row. With
    ``stop_after``, counting an .xlsx stops once it has seen more rows than that."""
    if data.startswith(XLSX_MAGIC):
        return _xlsx_rows(data, stop_after)
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    return max(lines - 1, 0)


def _xlsx_rows(data: bytes, stop_after: int | None) -> int:
    try:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True)
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()  # the declared size means nothing: read the rows
            rows = -1  # the header
            for _ in sheet.iter_rows(values_only=True):
                rows += 1
                if stop_after is not None and rows > stop_after:
                    break
            return max(rows, 0)
        finally:
            book.close()
    except Exception:  # a damaged file: read_table says what is wrong with it
        return 0


def check_limits(file: str, size: int, data: bytes | None = None) -> list[Problem]:
    """Problems with the file's size (from the upload's size) and row count, before parsing."""
    limit = max_upload_bytes()
    if size > limit:
        return [
            Problem(
                file,
                None,
                None,
                "too_large",
                params=(("size", size_label(size)), ("limit", size_label(limit))),
            )
        ]
    if data is not None and data.startswith(XLSX_MAGIC):
        packed = xlsx_archive_problems(file, data)  # before the workbook is opened
        if packed:
            return packed
    if data is not None:
        most = max_rows()
        rows = count_rows(data, stop_after=most)
        if rows > most:
            return [
                Problem(
                    file,
                    None,
                    None,
                    "too_many_rows",
                    params=(("rows", f"{rows:,}"), ("limit", f"{most:,}")),
                )
            ]
    return []


# --- checking a set of uploads --------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name, bytes, and the table it is for (None: not known)."""

    name: str
    data: bytes
    table: str | None
    size: int | None = None  # the upload's size as the browser reported it; len(data) if None


@dataclass
class CheckResult:
    """What checking the uploads found.

    ``tables`` holds the typed frame of each uploaded table that could be read (indexed by
    spreadsheet row), ``files`` the file each came from, ``problems`` every problem (uploads
    first, then rules across tables, then anything wrong in the folder's other tables).
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there is something to save and no error blocks it."""
        return bool(self.tables) and not errors(self.problems)


def read_upload(upload: Upload) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Limits, then reading and typing one file; never raises for bad bytes."""
    if upload.table not in schema.TABLES:
        return None, [Problem(upload.name, None, None, "unknown_table")]
    size = len(upload.data) if upload.size is None else upload.size
    problems = check_limits(upload.name, size, upload.data)
    if problems:
        return None, problems
    raw, problems = read_table(upload.name, upload.data)
    if raw is None:
        return None, problems
    typed, parse_problems = parse_table(upload.table, upload.name, raw)
    problems += parse_problems
    if any(p.code == "missing_column" for p in parse_problems):
        return None, problems
    return typed, problems


def current_tables(folder: Store | str | Path) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """The store's (or data folder's) tables typed as the loader types them (indexed by
    spreadsheet row), and the file each came from (never half a save). Tables that cannot
    be read are left out."""
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    for table, (name, body) in as_store(folder).read_sources().items():
        raw, _ = read_table(name, body)
        if raw is None:
            continue
        typed, problems = parse_table(table, name, raw)
        if not any(p.code == "missing_column" for p in problems):
            tables[table] = typed
            files[table] = name
    return tables, files


def keep_missing_columns(
    table: str, file: str, typed: pd.DataFrame, current: Mapping[str, pd.DataFrame]
) -> tuple[pd.DataFrame, list[Problem]]:
    """An upload with the current table's optional columns that it lacks (``highlight``, a
    column of the office's own), taken from the current rows by key (empty for new rows), and
    a warning per column saying so; an upload must not drop every pin by leaving one out."""
    old = current[table]
    required = set(schema.required_columns(table))
    missing = [c for c in old.columns if c not in typed.columns and c not in required]
    key = list(TABLE_KEYS[table])
    if not missing or not set(key) <= set(typed.columns) | set(old.columns) - set(missing):
        return typed, []
    kept = old[[*key, *missing]].drop_duplicates(key)
    merged = typed.reset_index().merge(kept, on=key, how="left").set_index(typed.index.name)
    merged.index = typed.index
    problems = [
        Problem(file, None, column, "column_kept", severity="warning") for column in missing
    ]
    return merged, problems


def check_uploads(
    uploads: Iterable[Upload],
    current: Mapping[str, pd.DataFrame],
    current_files: Mapping[str, str],
    *,
    on_step=None,
) -> CheckResult:
    """Every problem in the uploads, each on its own and together with the current tables.

    ``on_step(i, n, name)`` is called before each file is read, for a progress bar.
    """
    uploads = list(uploads)
    result = CheckResult()
    seen: dict[str, str] = {}
    for i, upload in enumerate(uploads):
        if on_step is not None:
            on_step(i, len(uploads), upload.name)
        if upload.table in seen:
            result.problems.append(
                Problem(
                    upload.name,
                    None,
                    None,
                    "duplicate_table",
                    params=(("other", seen[upload.table]),),
                )
            )
            continue
        typed, problems = read_upload(upload)
        result.problems += problems
        if upload.table in schema.TABLES:
            seen[upload.table] = upload.name
        if typed is not None and upload.table in current:
            typed, kept = keep_missing_columns(upload.table, upload.name, typed, current)
            result.problems += kept
        if typed is not None:
            result.tables[upload.table] = typed
            result.files[upload.table] = upload.name
            result.columns[upload.table] = list(typed.columns)
    if result.tables:
        combined = {**current, **result.tables}
        files = {t: f"{t}.csv" for t in schema.TABLES}
        files.update(current_files)
        files.update(result.files)
        unread = [
            u.table for u in uploads if u.table in schema.TABLES and u.table not in result.tables
        ]
        for table in unread:  # a file that could not be read: do not check others against it
            combined.pop(table, None)
        result.problems += cross_table_problems(combined, files)
    return result


# --- what changes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TableDiff:
    """Rows added, removed and changed between two versions of a table, matched by key.

    ``changed`` is long: one row per changed cell, with the key, the column, old and new value.
    """

    table: str
    key: tuple[str, ...]
    added: pd.DataFrame
    removed: pd.DataFrame
    changed: pd.DataFrame

    @property
    def changed_rows(self) -> int:
        """How many rows have at least one changed cell."""
        return 0 if self.changed.empty else len(self.changed.drop_duplicates(list(self.key)))

    @property
    def empty(self) -> bool:
        return self.added.empty and self.removed.empty and self.changed.empty


def _text(value: object) -> str:
    """A cell as the CSV writes it, so that 3, 3.0 and "3" compare equal in a diff."""
    return cell_text(value, "str")


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {c: column_text(frame[c]) for c in frame.columns}, index=frame.index, dtype=object
    )


def diff_table(table: str, old: pd.DataFrame | None, new: pd.DataFrame) -> TableDiff:
    """What saving ``new`` over ``old`` changes, row by row, keyed by the table's id."""
    key = TABLE_KEYS[table]
    new_text = _as_text(new).reset_index(drop=True)
    old_text = (
        _as_text(old).reset_index(drop=True)
        if old is not None
        else pd.DataFrame(columns=list(new.columns), dtype=object)
    )
    columns = list(new_text.columns) + [c for c in old_text.columns if c not in new_text.columns]
    for frame in (new_text, old_text):
        for c in columns:
            if c not in frame.columns:
                frame[c] = ""
    new_text = new_text[columns].drop_duplicates(list(key)).set_index(list(key), drop=False)
    old_text = old_text[columns].drop_duplicates(list(key)).set_index(list(key), drop=False)
    added = new_text.loc[~new_text.index.isin(old_text.index)].reset_index(drop=True)
    removed = old_text.loc[~old_text.index.isin(new_text.index)].reset_index(drop=True)
    both = new_text.index[new_text.index.isin(old_text.index)]
    compared = [c for c in columns if c not in key]
    before = old_text.loc[both, compared].to_numpy(dtype=object)
    after = new_text.loc[both, compared].to_numpy(dtype=object)
    rows, cols = np.nonzero(before != after)  # row by row, columns in order
    keys = new_text.loc[both, list(key)].to_numpy(dtype=object)
    records = [
        {
            **dict(zip(key, keys[r], strict=True)),
            "column": compared[c],
            "old": before[r, c],
            "new": after[r, c],
        }
        for r, c in zip(rows, cols, strict=True)
    ]
    changed = pd.DataFrame(records, columns=[*key, "column", "old", "new"], dtype=object)
    return TableDiff(table, key, added, removed, changed)


# --- templates and downloads --------------------------------------------------------------------


def template_columns(table: str) -> list[str]:
    """The contract's columns for ``table``, then the optional ones the app uses."""
    columns = schema.required_columns(table)
    return columns + [c for c in schema.OPTIONAL.get(table, {}) if c not in columns]


def headers_ja() -> dict[str, str]:
    """Contract column name -> its Japanese header (the inverse of HEADER_ALIASES_JA)."""
    return {column: ja for ja, column in schema.HEADER_ALIASES_JA.items()}


def example_row(table: str, current: pd.DataFrame | None) -> dict[str, str]:
    """The example row for ``table``'s template, taken from the current data (or empty)."""
    if current is None or current.empty:
        return {}
    key = list(TABLE_KEYS[table])
    if set(key) <= set(current.columns):
        match = current[(current[key].astype(str) == list(EXAMPLE_IDS[table])).all(axis=1)]
        row = match.iloc[0] if len(match) else current.iloc[0]
    else:
        row = current.iloc[0]
    return {c: _text(v) for c, v in row.items()}


def template_frame(
    table: str, lang: str = "en", current: pd.DataFrame | None = None
) -> pd.DataFrame:
    """An empty sheet for ``table`` with one example row from ``current``; Japanese headers
    when ``lang`` is ja."""
    columns = template_columns(table)
    example = example_row(table, current)
    rows = [[example.get(c, "") for c in columns]] if example else []
    if lang == "ja":
        ja = headers_ja()
        columns = [ja.get(c, c) for c in columns]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def template_bytes(
    table: str, fmt: str, lang: str = "en", current: pd.DataFrame | None = None
) -> bytes:
    """The template as ``csv`` (UTF-8 with BOM, so Excel opens Japanese text) or ``xlsx``."""
    frame = template_frame(table, lang, current)
    if fmt == "csv":
        return exports.csv_bytes(frame)
    return exports.xlsx_bytes({table: frame})


def zip_tables(folder: Store | str | Path) -> bytes:
    """Every current table of the store (or data folder) in one zip, as ``<table>.csv`` in
    UTF-8 with a BOM: the cells as written in the files, formulas neutralised (``exports``);
    it uploads back unchanged."""
    files = {}
    for table, (name, body) in as_store(folder).read_sources().items():
        raw, _ = read_table(name, body)
        if raw is not None:
            files[f"{table}.csv"] = exports.csv_bytes(raw.reset_index(drop=True))
    return exports.zip_bytes(files)


def header_mapping() -> pd.DataFrame:
    """The Japanese headers accepted for each column, as a table for the page."""
    rows = [{"ja": ja, "column": column} for ja, column in schema.HEADER_ALIASES_JA.items()]
    return pd.DataFrame(rows)


def file_name_mapping() -> pd.DataFrame:
    """The file names recognised for each table, as a table for the page."""
    rows = []
    for table in schema.TABLES:
        names = [f"{table}.csv", f"{table}.xlsx"]
        names += [f"{ja}.csv / {ja}.xlsx" for ja, t in TABLE_NAMES_JA.items() if t == table]
        rows.append({"table": table, "names": ", ".join(names)})
    return pd.DataFrame(rows)


# --- tables for the page, in the viewer's language ----------------------------------------------


def table_list(tables, lang: str) -> str:
    """Table names joined for a sentence: ``Programs, Participants``."""
    sep = "、" if lang == "ja" else ", "
    return sep.join(t(f"data.table.{name}", lang) for name in tables)


def size_label(size: float) -> str:
    """A file size for people: ``812 KB``, ``3.4 MB``."""
    if size < MB:
        return f"{round(size / 1024, 1):g} KB"
    return f"{round(size / MB, 1):g} MB"


def problems_frame(problems: Iterable[Problem], lang: str) -> pd.DataFrame:
    """Every problem as a row: file, row, column, value, what is wrong, how to fix it."""
    rows = []
    for problem in problems:
        row = problem.as_dict(lang)
        row["severity"] = t(f"data.severity.{problem.severity}", lang)
        row["row"] = "" if problem.row is None else str(problem.row)
        rows.append(row)
    columns = ["file", "row", "column", "value", "problem", "fix", "severity"]
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    return frame.rename(columns={c: t(f"problems.col.{c}", lang) for c in columns})


def diff_frames(diff: TableDiff, lang: str) -> dict[str, pd.DataFrame]:
    """The parts of a diff ready to show: added, changed (with old and new value), removed."""
    changed = diff.changed.rename(
        columns={
            "column": t("data.diff.col.column", lang),
            "old": t("data.diff.col.old", lang),
            "new": t("data.diff.col.new", lang),
        }
    )
    return {"added": diff.added, "changed": changed, "removed": diff.removed}


def versions_frame(versions, lang: str) -> pd.DataFrame:
    """The saved versions as a table: when, by whom, what the save replaced, and why."""
    rows = [
        {
            t("data.versions.col.time", lang): v.time.strftime("%Y-%m-%d %H:%M:%S UTC"),
            t("data.versions.col.tables", lang): table_list(v.tables, lang),
            t("data.versions.col.reason", lang): t(f"data.versions.reason.{v.reason}", lang),
            t("data.versions.col.actor", lang): v.actor or t("common.unknown", lang),
            t("data.versions.col.id", lang): v.id,
        }
        for v in versions
    ]
    return pd.DataFrame(rows, dtype=object)


def file_names_frame(lang: str) -> pd.DataFrame:
    """The file names recognised for each table."""
    frame = file_name_mapping()
    frame["table"] = [t(f"data.table.{name}", lang) for name in frame["table"]]
    return frame.rename(
        columns={
            "table": t("data.mapping.col.table", lang),
            "names": t("data.mapping.col.names", lang),
        }
    )


def headers_frame(lang: str) -> pd.DataFrame:
    """The Japanese headers accepted for each contract column."""
    frame = header_mapping()
    return frame.rename(
        columns={"ja": t("data.mapping.col.ja", lang), "column": t("data.mapping.col.column", lang)}
    )
