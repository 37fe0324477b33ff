"""Saving: validated, versioned, atomic, locked; restore round-trips; crashes lose nothing."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from dashboard import data, reading, schema, store, upload

from .conftest import DATA, ROOT


def snapshot(folder: Path) -> dict[str, bytes]:
    """The table files of ``folder`` (and any temporary file a save left behind)."""
    names = {f"{t}{s}" for t in schema.TABLES for s in (".csv", ".xlsx")}
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and (p.name in names or p.name.endswith(".tmp"))
    }


def tables_of(folder: Path) -> dict[str, pd.DataFrame]:
    return upload.current_tables(folder)[0]


def renamed(tables: dict[str, pd.DataFrame], old: str, new: str) -> dict[str, pd.DataFrame]:
    """The tables that name programs, with program ``old`` called ``new`` in every one."""
    frames = {}
    for table in ("programs", "participations", "testimonials", "outcomes"):
        frame = tables[table].copy()
        frame["program_id"] = frame["program_id"].replace(old, new)
        frames[table] = frame
    return frames


# --- writing a frame in the contract's format ---------------------------------------------------


@pytest.mark.parametrize("table", schema.TABLES)
def test_a_table_written_back_reads_the_same(table):
    tables = tables_of(DATA)
    body = store.to_csv_bytes(table, tables[table], store.current_columns(DATA, table))
    raw, problems = reading.read_table(f"{table}.csv", body)
    typed, parse_problems = data.parse_table(table, f"{table}.csv", raw)
    assert problems == [] and data.errors(parse_problems) == []
    assert list(raw.columns) == store.current_columns(DATA, table)
    assert upload.diff_table(table, tables[table], typed).empty
    pd.testing.assert_frame_equal(typed, tables[table])


def test_the_csv_uses_iso_dates_true_false_and_empty_for_unknown():
    programs = tables_of(DATA)["programs"]
    text = store.to_csv_bytes("programs", programs).decode("utf-8")
    assert (
        "shimokawa-2017-03,shimokawa,Sosei Partners (Shimokawa),team,2017-03-03,2017-03-13,,"
        in (text)
    )
    ishinomaki = next(line for line in text.splitlines() if line.startswith("ishinomaki-team,"))
    assert ",team,,,," in ishinomaki  # no dates and no count: empty, not invented
    people = store.to_csv_bytes("participants", tables_of(DATA)["participants"]).decode()
    assert people.splitlines()[1].startswith("zak,Zak,,true,")


def test_columns_keep_the_current_files_order():
    regions = tables_of(DATA)["regions"]
    shuffled = regions[list(reversed(regions.columns))]
    body = store.to_csv_bytes("regions", shuffled, store.current_columns(DATA, "regions"))
    assert body.decode().splitlines()[0] == (DATA / "regions.csv").read_text().splitlines()[0]


# --- save, list, restore -------------------------------------------------------------------------


def test_save_list_and_restore_round_trip(data_copy):
    before = snapshot(data_copy)
    programs = tables_of(data_copy)["programs"].copy()
    programs.loc[programs["program_id"] == "tono-2017-09", "title"] = "Tono team 2017"

    saved = store.save_table(data_copy, "programs", programs, actor="aiko")
    assert saved.ok and saved.tables == ("programs",)
    assert data.load_dataset(data_copy).ok
    assert "Tono team 2017" in (data_copy / "programs.csv").read_text()

    (version,) = store.list_versions(data_copy)
    assert (version.id, version.actor, version.tables, version.reason) == (
        saved.version,
        "aiko",
        ("programs",),
        "save",
    )
    # the copy is the folder exactly as it was before the save
    copy = data_copy / ".versions" / version.id
    assert {n: (copy / n).read_bytes() for n in before} == before

    # compare the copy with today: one changed cell
    old = store.version_frames(data_copy, version.id)
    diff = upload.diff_table("programs", tables_of(data_copy)["programs"], old["programs"])
    assert diff.changed[["column", "old", "new"]].values.tolist() == [
        ["title", "Tono team 2017", "Sosei Partners (Tono)"]
    ]

    restored = store.restore_version(data_copy, version.id, actor="aiko")
    assert restored.ok and restored.tables == ("programs",)
    assert snapshot(data_copy) == before
    versions = store.list_versions(data_copy)
    assert [v.reason for v in versions] == ["restore", "save"]  # newest first
    assert store.load_version(data_copy, versions[0].id).ok  # today's edit is kept too


def test_a_table_with_problems_is_refused_and_nothing_is_written(data_copy):
    before = snapshot(data_copy)
    programs = tables_of(data_copy)["programs"].copy()
    programs.loc[programs.index[0], "region_id"] = "atlantis"
    result = store.save_table(data_copy, "programs", programs)
    assert not result.ok and result.version == ""
    assert [(p.code, p.value) for p in result.problems] == [("unknown_reference", "atlantis")]
    assert snapshot(data_copy) == before
    assert store.list_versions(data_copy) == []


def test_tables_are_checked_together(data_copy):
    """Renaming a program in every table that names it is one consistent save."""
    tables = tables_of(data_copy)
    renamed = {}
    for table in ("programs", "participations", "testimonials", "outcomes"):
        frame = tables[table].copy()
        frame["program_id"] = frame["program_id"].replace("yame-2017-03", "yame-2017-spring")
        renamed[table] = frame
    alone = store.save_table(data_copy, "programs", renamed["programs"])
    assert not alone.ok
    together = store.save_tables(data_copy, renamed, actor="staff")
    assert together.ok, [p.line() for p in together.problems]
    assert set(together.tables) == {"programs", "participations", "testimonials"}  # no outcome
    assert "yame-2017-spring" in set(data.load_dataset(data_copy).dataset.programs["program_id"])


def test_saving_the_same_data_writes_nothing(data_copy):
    result = store.save_tables(data_copy, tables_of(data_copy))
    assert result.ok and result.tables == () and result.version == ""
    assert store.list_versions(data_copy) == []


def test_an_xlsx_table_is_replaced_by_its_csv_and_kept_in_the_version(data_copy):
    frame = tables_of(data_copy)["outcomes"]
    (data_copy / "outcomes.csv").unlink()
    frame.to_excel(data_copy / "outcomes.xlsx", index=False)
    assert data.load_dataset(data_copy).ok
    changed = frame.copy()
    changed.loc[changed.index[0], "quantity"] = 2
    result = store.save_table(data_copy, "outcomes", changed)
    assert result.ok
    assert (data_copy / "outcomes.csv").is_file() and not (data_copy / "outcomes.xlsx").exists()
    assert (data_copy / ".versions" / result.version / "outcomes.xlsx").is_file()
    restored = store.restore_version(data_copy, result.version)
    assert restored.ok and data.load_dataset(data_copy).ok


def test_an_unknown_version_is_refused(data_copy):
    with pytest.raises(KeyError):
        store.restore_version(data_copy, "../../etc")


def test_saving_an_unknown_table_is_refused(data_copy):
    result = store.save_tables(data_copy, {"people": tables_of(data_copy)["participants"]})
    assert [p.code for p in result.problems] == ["unknown_table"]


# --- two saves at once ----------------------------------------------------------------------------


def _rename_everywhere(folder: str, new_id: str, rounds: int) -> int:
    """Rename the Tono program in every table that names it; a mix of two renames is invalid."""
    saved = 0
    for i in range(rounds):
        tables = upload.current_tables(folder)[0]
        current = next(p for p in tables["programs"]["program_id"] if p.startswith("tono-"))
        frames = renamed(tables, current, f"{new_id}-{i}")
        # a generous wait: on a busy machine one save can hold the lock for many seconds
        result = store.save_tables(folder, frames, actor=new_id, timeout=600)
        saved += result.ok
        if not result.ok:
            print(new_id, i, [p.line() for p in result.problems])
    return saved


def test_two_processes_saving_at_once_leave_valid_data(data_copy):
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        runs = [
            pool.apply_async(_rename_everywhere, (str(data_copy), name, 4))
            for name in ("tono-a", "tono-b")
        ]
        saved = [run.get(timeout=300) for run in runs]
    # a save reads, checks and writes under the lock, so each one sees the other's result
    # and every save goes through; never a mix of the two that breaks a reference
    assert saved == [4, 4]
    assert data.load_dataset(data_copy).ok
    versions = store.list_versions(data_copy)
    assert len(versions) == 8
    for version in versions:
        assert store.load_version(data_copy, version.id).ok
    assert not list(data_copy.glob(".*.tmp"))


def test_a_save_waits_for_the_lock_and_gives_up_with_a_message(data_copy):
    before = snapshot(data_copy)
    programs = tables_of(data_copy)["programs"].copy()
    programs["title"] = programs["title"] + "!"
    with store.lock(data_copy):
        result = store.save_table(data_copy, "programs", programs, timeout=0.05)
    assert [p.code for p in result.problems] == ["save_busy"]
    assert result.problems[0].message("ja") == "別の保存処理が進行中です"
    assert snapshot(data_copy) == before


# --- crashes ---------------------------------------------------------------------------------


def test_a_failed_rename_leaves_the_previous_version_in_place(data_copy, monkeypatch):
    before = snapshot(data_copy)
    frames = renamed(tables_of(data_copy), "tono-2017-09", "tono-2017-autumn")
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 3:  # two tables are in place, the third fails
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(store.os, "replace", failing_replace)
    result = store.save_tables(data_copy, frames)
    monkeypatch.setattr(store.os, "replace", real_replace)

    assert not result.ok
    assert [p.code for p in result.problems] == ["save_failed"]
    assert "No space left" in result.problems[0].message("en")
    assert snapshot(data_copy) == before
    assert data.load_dataset(data_copy).ok
    assert not list(data_copy.glob(".*.tmp"))


CRASHING_SAVE = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from dashboard import store, upload

    folder = {folder!r}
    tables = upload.current_tables(folder)[0]
    frames = {{}}
    for table in ("programs", "participations", "testimonials", "outcomes"):
        frame = tables[table].copy()
        frame["program_id"] = frame["program_id"].replace("tono-2017-09", "tono-2017-autumn")
        frames[table] = frame
    real_replace = os.replace
    calls = []

    def replace_then_die(src, dst):
        calls.append(dst)
        if len(calls) == {die_at}:
            os.kill(os.getpid(), signal.SIGKILL)  # the power goes out between two files
        return real_replace(src, dst)

    store.os.replace = replace_then_die
    store.save_tables(folder, frames)
    """
)


@pytest.mark.parametrize("die_at", [1, 2, 4])
def test_a_save_killed_half_way_leaves_the_last_good_version(data_copy, die_at):
    before = snapshot(data_copy)
    script = CRASHING_SAVE.format(root=str(ROOT), folder=str(data_copy), die_at=die_at)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert run.returncode == -signal.SIGKILL, run.stderr.decode()

    # the next save, or the loader calling recover(), puts the last good version back
    put_back = store.recover(data_copy)
    assert snapshot(data_copy) == before
    assert data.load_dataset(data_copy).ok
    assert set(put_back) <= {"programs", "participations", "testimonials", "outcomes"}
    assert store.recover(data_copy) == []  # nothing left to do

    # and saving works again
    programs = tables_of(data_copy)["programs"].copy()
    programs["title"] = programs["title"].str.upper()
    assert store.save_table(data_copy, "programs", programs).ok


def test_the_next_save_recovers_by_itself(data_copy):
    before = snapshot(data_copy)
    script = CRASHING_SAVE.format(root=str(ROOT), folder=str(data_copy), die_at=3)
    subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert snapshot(data_copy) != before  # two of four files are new: a broken mix
    regions = tables_of(data_copy)["regions"].copy()
    regions["source"] = regions["source"] + "."
    result = store.save_table(data_copy, "regions", regions)
    assert result.ok
    after = snapshot(data_copy)
    assert {k: v for k, v in after.items() if k != "regions.csv"} == {
        k: v for k, v in before.items() if k != "regions.csv"
    }


def test_reading_the_tables_waits_for_a_save_in_progress(data_copy, monkeypatch):
    import threading

    frames = renamed(tables_of(data_copy), "tono-2017-09", "tono-2017-autumn")
    real_replace = os.replace
    halfway = threading.Event()

    def slow_replace(src, dst):
        real_replace(src, dst)
        if not halfway.is_set():  # one file is in place, the others not yet
            halfway.set()
            time.sleep(1.0)

    monkeypatch.setattr(store.os, "replace", slow_replace)
    saving = threading.Thread(target=store.save_tables, args=(data_copy, frames))
    saving.start()
    assert halfway.wait(30)
    seen, _ = upload.current_tables(data_copy)  # in the middle of the save
    saving.join(30)
    programs = set(seen["programs"]["program_id"])
    named = set(seen["participations"]["program_id"])
    assert named <= programs  # never half of a rename
    assert "tono-2017-autumn" in programs
