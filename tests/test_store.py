"""Saving: validated, versioned, atomic, locked; restore round-trips; crashes lose nothing."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from dashboard import data, reading, schema, store, upload, versions

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

    (version,) = versions.list_versions(data_copy)
    assert (version.id, version.actor, version.tables, version.reason) == (
        saved.version,
        "aiko",
        ("programs",),
        "save",
    )
    # the copy is the folder exactly as it was before the save
    assert dict(versions.version_sources(data_copy, version.id).values()) == before

    # compare the copy with today: one changed cell
    old = versions.version_frames(data_copy, version.id)
    diff = upload.diff_table("programs", tables_of(data_copy)["programs"], old["programs"])
    assert diff.changed[["column", "old", "new"]].values.tolist() == [
        ["title", "Tono team 2017", "Sosei Partners (Tono)"]
    ]

    restored = store.restore_version(data_copy, version.id, actor="aiko")
    assert restored.ok and restored.tables == ("programs",)
    assert snapshot(data_copy) == before
    listed = versions.list_versions(data_copy)
    assert [v.reason for v in listed] == ["restore", "save"]  # newest first
    assert versions.load_version(data_copy, listed[0].id).ok  # today's edit is kept too


def test_a_table_with_problems_is_refused_and_nothing_is_written(data_copy):
    before = snapshot(data_copy)
    programs = tables_of(data_copy)["programs"].copy()
    programs.loc[programs.index[0], "region_id"] = "atlantis"
    result = store.save_table(data_copy, "programs", programs)
    assert not result.ok and result.version == ""
    assert [(p.code, p.value) for p in result.problems] == [("unknown_reference", "atlantis")]
    assert snapshot(data_copy) == before
    assert versions.list_versions(data_copy) == []


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
    assert versions.list_versions(data_copy) == []


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
    assert versions.version_sources(data_copy, result.version)["outcomes"][0] == "outcomes.xlsx"
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
    listed = versions.list_versions(data_copy)
    assert len(listed) == 8
    for version in listed:
        assert versions.load_version(data_copy, version.id).ok
    assert not list(data_copy.glob(".*.tmp"))


def test_a_save_waits_for_the_lock_and_gives_up_with_a_message(data_copy):
    before = snapshot(data_copy)
    programs = tables_of(data_copy)["programs"].copy()
    programs["title"] = programs["title"] + "!"
    with versions.lock(data_copy):
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
        if Path(dst).parent == data_copy:  # a table file (not a version's blob or manifest)
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
        if os.path.dirname(dst) == folder:  # a table file (not a version's blob or manifest)
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
        if Path(dst).parent == data_copy and not halfway.is_set():  # one table in place
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


# --- lost edits: a save checked against files that changed since ---------------------------------


def test_a_save_checked_against_files_that_changed_since_is_refused(data_copy):
    """The data page checks an upload, then saves it when asked: a save in between (a pinned
    highlight, another upload) must not be undone by it without a word."""
    base = data.fingerprint(data_copy)  # what the page's check saw
    checked = tables_of(data_copy)["testimonials"].copy()
    checked["source"] = checked["source"] + " (checked)"
    programs = tables_of(data_copy)["programs"].copy()
    programs["title"] = programs["title"] + "!"
    assert store.save_table(data_copy, "programs", programs, actor="someone else").ok
    meanwhile = snapshot(data_copy)

    result = store.save_table(data_copy, "testimonials", checked, expected=base)
    assert not result.ok and result.version == ""
    (problem,) = result.problems
    assert problem.code == "changed_since_check"
    assert "after you checked it" in problem.message("en") and "save again" in problem.fix("en")
    assert "確認した後" in problem.message("ja") and "もう一度保存" in problem.fix("ja")
    assert snapshot(data_copy) == meanwhile and len(versions.list_versions(data_copy)) == 1

    # checked again against today's files, it goes through and keeps the other save
    again = store.save_table(
        data_copy, "testimonials", checked, expected=data.fingerprint(data_copy)
    )
    assert again.ok and again.tables == ("testimonials",)
    assert "Sosei Partners (Tono)!" in (data_copy / "programs.csv").read_text(encoding="utf-8")


def test_a_restore_is_refused_when_the_files_changed_since_they_were_shown(data_copy):
    programs = tables_of(data_copy)["programs"].copy()
    programs["title"] = programs["title"] + "!"
    version = store.save_table(data_copy, "programs", programs).version
    shown = data.fingerprint(data_copy)
    programs["title"] = programs["title"] + "?"
    assert store.save_table(data_copy, "programs", programs).ok  # after the page was drawn
    meanwhile = snapshot(data_copy)
    result = store.restore_version(data_copy, version, expected=shown)
    assert [p.code for p in result.problems] == ["changed_since_check"]
    assert snapshot(data_copy) == meanwhile
    assert store.restore_version(data_copy, version, expected=data.fingerprint(data_copy)).ok


# --- growth: files stored once, versions pruned -------------------------------------------------


def stored_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in (folder / ".versions").rglob("*") if p.is_file())


def edit_programs(folder: Path, times: int) -> list[str]:
    """``times`` saves, each changing every program title: the version ids, oldest first."""
    programs = tables_of(folder)["programs"].copy()
    ids = []
    for _ in range(times):
        programs["title"] = programs["title"] + "!"
        result = store.save_table(folder, "programs", programs)
        assert result.ok, result.problems
        ids.append(result.version)
    return ids


def aged(folder: Path, version_id: str, days: float) -> None:
    """Make a version look ``days`` old."""
    path = folder / ".versions" / version_id / "version.json"
    meta = json.loads(path.read_text("utf-8"))
    meta["time"] = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat()
    path.write_text(json.dumps(meta), "utf-8")


def test_a_file_unchanged_since_an_earlier_version_is_stored_once(data_copy):
    blobs = data_copy / ".versions" / "blobs"
    (first,) = edit_programs(data_copy, 1)
    assert len(list(blobs.iterdir())) == 6  # the first version holds all six files
    before, replaced = stored_bytes(data_copy), (data_copy / "programs.csv").stat().st_size
    (second,) = edit_programs(data_copy, 1)
    manifest = (data_copy / ".versions" / second / "version.json").stat().st_size
    # the next one adds only the file it replaced, and its manifest
    assert stored_bytes(data_copy) - before == replaced + manifest
    assert len(list(blobs.iterdir())) == 7
    assert sorted((data_copy / ".versions" / second).iterdir()) == [
        data_copy / ".versions" / second / "version.json"
    ]
    old = versions.version_sources(data_copy, first)
    new = versions.version_sources(data_copy, second)
    assert old["regions"] == new["regions"] and old["programs"] != new["programs"]
    assert store.restore_version(data_copy, first).ok


def old_format_version(folder: Path, version_id: str = "20200102T030405.000006Z") -> str:
    """A version as saves wrote them before blobs: the files copied beside version.json."""
    path = folder / ".versions" / version_id
    path.mkdir(parents=True)
    names = sorted(f"{table}.csv" for table in schema.TABLES)
    for name in names:
        shutil.copy2(folder / name, path / name)
    meta = {"time": "2020-01-02T03:04:05+00:00", "actor": "aiko", "tables": ["programs"]}
    meta |= {"reason": "save", "files": names}
    (path / "version.json").write_text(json.dumps(meta), "utf-8")
    return version_id


def test_versions_written_before_blobs_are_read_restored_and_then_stored_as_blobs(data_copy):
    before = snapshot(data_copy)
    old = old_format_version(data_copy)
    (version,) = versions.list_versions(data_copy)
    assert (version.id, version.actor, version.tables) == (old, "aiko", ("programs",))
    assert versions.load_version(data_copy, old).ok
    assert dict(versions.version_sources(data_copy, old).values()) == before
    # today's programs edited by hand; restoring the old version puts them back
    (data_copy / "programs.csv").write_text(
        (data_copy / "programs.csv").read_text("utf-8").replace("Tono", "Touno"), "utf-8"
    )
    assert store.restore_version(data_copy, old).ok
    assert snapshot(data_copy) == before
    # the save's prune stored the old version's files as blobs (named by its manifest)
    assert [p.name for p in (data_copy / ".versions" / old).iterdir()] == ["version.json"]
    assert dict(versions.version_sources(data_copy, old).values()) == before
    assert [v.id for v in versions.list_versions(data_copy)][1:] == [old]


def test_prune_keeps_the_newest_versions_and_those_of_the_last_days(data_copy):
    ids = edit_programs(data_copy, 5)  # oldest first
    for version_id, days in zip(ids, (200, 150, 30), strict=False):
        aged(data_copy, version_id, days)
    blobs = data_copy / ".versions" / "blobs"
    assert len(list(blobs.iterdir())) == 5 + 5  # five shared files, five programs files
    gone = {ids[0]: versions.version_sources(data_copy, ids[0])["programs"][1]}
    gone[ids[1]] = versions.version_sources(data_copy, ids[1])["programs"][1]
    before = stored_bytes(data_copy)

    result = versions.prune(data_copy, keep=2, days=90)
    # the two newest, and the one of 30 days ago; the programs files only the others held
    assert [v.id for v in result.removed] == ids[:2]
    assert [v.id for v in versions.list_versions(data_copy)] == list(reversed(ids[2:]))
    assert result.blobs == 2 and result.kept == 3
    assert len(list(blobs.iterdir())) == 8
    assert result.freed == before - stored_bytes(data_copy) > sum(map(len, gone.values()))
    for version_id in ids[2:]:
        assert versions.load_version(data_copy, version_id).ok
    with pytest.raises(KeyError):
        versions.version_sources(data_copy, ids[0])
    assert versions.prune(data_copy, keep=2, days=90).removed == ()


def test_each_save_prunes_to_the_rule_set_in_the_environment(data_copy, monkeypatch):
    monkeypatch.setenv("DASHBOARD_KEEP_VERSIONS", "2")
    monkeypatch.setenv("DASHBOARD_KEEP_DAYS", "0")
    assert versions.keep_rule() == (2, 0)
    ids = edit_programs(data_copy, 4)
    assert [v.id for v in versions.list_versions(data_copy)] == [ids[3], ids[2]]
    assert len(list((data_copy / ".versions" / "blobs").iterdir())) == 5 + 2
    assert store.restore_version(data_copy, ids[2]).ok
    # at least the last version is kept; nonsense falls back to the defaults
    monkeypatch.setenv("DASHBOARD_KEEP_VERSIONS", "0")
    monkeypatch.setenv("DASHBOARD_KEEP_DAYS", "ninety")
    assert versions.keep_rule() == (1, 90)
    monkeypatch.delenv("DASHBOARD_KEEP_VERSIONS")
    monkeypatch.delenv("DASHBOARD_KEEP_DAYS")
    assert versions.keep_rule() == (20, 90)


def test_the_prune_command_says_what_it_removed(data_copy, monkeypatch, capsys):
    from dashboard.__main__ import main

    ids = edit_programs(data_copy, 3)
    aged(data_copy, ids[0], 300)
    aged(data_copy, ids[1], 200)
    crashed = data_copy / ".versions" / "20240101T000000.000000Z"  # a snapshot cut short
    crashed.mkdir()

    assert main(["prune", str(data_copy), "--keep", "1", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"would remove version {ids[0]}" in out and f"would remove version {ids[1]}" in out
    assert len(versions.list_versions(data_copy)) == 3 and crashed.is_dir()

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_copy))
    monkeypatch.setenv("DASHBOARD_KEEP_VERSIONS", "1")
    assert main(["prune"]) == 0
    out = capsys.readouterr().out
    assert out.index(f"removed version {ids[0]}") < out.index(f"removed version {ids[1]}")
    assert "removed incomplete version folder 20240101T000000.000000Z" in out
    assert "removed 2 stored file(s) no kept version uses" in out
    assert "kept 1 version(s)" in out and "freed" in out
    assert [v.id for v in versions.list_versions(data_copy)] == [ids[2]] and not crashed.exists()
    assert main(["prune", str(data_copy)]) == 0
    assert "nothing to remove" in capsys.readouterr().out
    assert main(["prune", str(data_copy / "typo")]) == 2
    assert "no data folder" in capsys.readouterr().err and not (data_copy / "typo").exists()


# --- durability: nothing relied on before it is on disk -------------------------------------------


def test_every_file_is_fsynced_before_the_next_step_relies_on_it(data_copy, monkeypatch):
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.path.realpath(os.readlink(f"/proc/self/fd/{fd}"))))
        return real_fsync(fd)

    def replace(src, dst):
        events.append(("from", os.path.realpath(src)))
        events.append(("to", os.path.realpath(dst)))
        return real_replace(src, dst)

    # one os module: every fsync (versions' temporary files and folders) and every rename (the
    # tables', in store; the blobs', manifests' and journal's, in versions) is seen
    monkeypatch.setattr(versions.os, "fsync", fsync)
    monkeypatch.setattr(store.os, "replace", replace)
    frames = renamed(tables_of(data_copy), "tono-2017-09", "tono-2017-autumn")
    result = store.save_tables(data_copy, frames)
    monkeypatch.undo()
    assert result.ok

    folder = Path(os.path.realpath(data_copy))
    root, blobs = folder / ".versions", folder / ".versions" / "blobs"
    manifest = root / result.version / "version.json"

    def at(kind: str, path: Path, after: int = -1) -> int:
        """The first event of ``kind`` on ``path`` after event ``after``."""
        return next(i for i, e in enumerate(events) if i > after and e == (kind, str(path)))

    def fsynced_then_renamed(path: Path) -> int:
        """``path`` got its name by a rename of a file fsynced before; the rename's index."""
        named = at("to", path)
        assert at("fsync", Path(events[named - 1][1])) < named
        return named

    journal = fsynced_then_renamed(root / "PENDING")
    blob_names = sorted(blobs.iterdir())
    assert len(blob_names) == 6
    last_blob = max(fsynced_then_renamed(blob) for blob in blob_names)
    named = fsynced_then_renamed(manifest)
    assert last_blob < at("fsync", blobs, last_blob) < named  # the blobs' names, then manifest
    assert named < at("fsync", manifest.parent, named) < at("fsync", root, named) < journal
    first_table = min(
        i
        for i, e in enumerate(events)
        if e[0] == "to" and e[1].endswith(".csv") and Path(e[1]).parent == folder
    )
    assert journal < at("fsync", root, journal) < first_table
    for i, (kind, path) in enumerate(events):
        if kind == "to" and Path(path).parent == folder:  # each table file, written and fsynced
            assert at("fsync", Path(events[i - 1][1])) < journal
