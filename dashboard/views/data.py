"""What the data page shows: uploads checked against the current files, their changes, the
versions and what restoring one would change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dashboard import schema, upload, versions
from dashboard.i18n import t
from dashboard.stores import Store, as_store, frames_of

# the template formats offered per table: (extension, button label, MIME type)
TEMPLATE_FORMATS = (
    ("csv", "CSV", "text/csv"),
    ("xlsx", "Excel (.xlsx)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
)


def check(
    folder: Store | str,
    uploads: list[upload.Upload],
    on_step: Callable[[int, int, str], None] | None = None,
    on_diff: Callable[[], None] | None = None,
) -> tuple[upload.CheckResult, dict[str, upload.TableDiff], dict[str, tuple[int, int]]]:
    """The uploads checked against the store's (or data folder's) current tables, each
    checked table's changes (none when a problem blocks the save), and the tables the save
    would more than halve (``large_removals``). ``on_step(i, n, file)`` reports each file
    read, ``on_diff()`` the start of the comparison."""
    current, current_files = upload.current_tables(folder)
    checked = upload.check_uploads(uploads, current, current_files, on_step=on_step)
    diffs = {}
    if checked.ok:
        if on_diff:
            on_diff()
        diffs = {
            table: upload.diff_table(table, current.get(table), frame)
            for table, frame in checked.tables.items()
        }
    rows = {table: len(frame) for table, frame in current.items()}
    return checked, diffs, large_removals(diffs, rows)


def large_removals(
    diffs: dict[str, upload.TableDiff], current: dict[str, int]
) -> dict[str, tuple[int, int]]:
    """Tables whose save would remove more than half of their rows (``current``: rows now):
    ``{table: (removed, rows now)}``. Such a save needs an explicit confirmation."""
    return {
        table: (len(diff.removed), current[table])
        for table, diff in diffs.items()
        if current.get(table) and len(diff.removed) * 2 > current[table]
    }


def restore_changes(folder: Store | str, version_id: str) -> dict[str, upload.TableDiff]:
    """What restoring version ``version_id`` would change, by table (unchanged tables left
    out; empty when the version is today's data)."""
    current, _ = upload.current_tables(folder)
    old = frames_of(as_store(folder).version_sources(version_id))
    diffs = {
        table: upload.diff_table(table, current.get(table), old[table])
        for table in schema.TABLES
        if table in old
    }
    return {table: diff for table, diff in diffs.items() if not diff.empty}


def table_label(table: str | None, lang: str) -> str:
    """A table's name in ``lang`` ("Choose a table" for none)."""
    return t(f"data.table.{table}", lang) if table else t("data.table.choose", lang)


def version_label(version: versions.Version, lang: str) -> str:
    """A version as the picker shows it: its time in UTC and the tables it saved."""
    when = version.time.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return t(
        "data.versions.option", lang, time=when, tables=upload.table_list(version.tables, lang)
    )
