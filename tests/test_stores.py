"""The data store's contract, held by the data folder and by PostgreSQL alike: a save is all or
nothing and makes a version, two saves from one version never lose an edit, restore and
retention work the same, and a pin goes through the store. PostgreSQL is a real throwaway
cluster (``tests/pg.py``), never a mock."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard import sqlstore, stores
from dashboard.data import load_tables
from dashboard.pins import save_pin
from dashboard.stores import FolderStore, Store, url_from_settings

from .voices_data import PIN


@pytest.fixture(params=["folder", "postgres"])
def any_store(request, data_copy) -> Store:
    """The bundled data in a data folder, or imported into a new PostgreSQL database."""
    if request.param == "folder":
        return FolderStore(data_copy)
    url = request.getfixturevalue("database_url")
    sqlstore.init_schema(url)
    target = stores.open_store(url, "")
    assert stores.import_folder(target, data_copy, actor="setup").ok
    return target


def programs(target: Store) -> pd.DataFrame:
    return target.load().dataset.programs.copy()


def titled(target: Store, suffix: str, program: str = "tono-2017-09") -> pd.DataFrame:
    frame = programs(target)
    frame.loc[frame["program_id"] == program, "title"] += suffix
    return frame


def title(target: Store, program: str = "tono-2017-09") -> str:
    frame = programs(target)
    return frame.loc[frame["program_id"] == program, "title"].iloc[0]


def test_a_save_makes_a_version_of_what_it_replaced_and_moves_the_fingerprint(any_store):
    before, old_title = any_store.fingerprint(), title(any_store)
    old_sources = any_store.read_sources()
    result = any_store.save_tables({"programs": titled(any_store, " (2)")}, actor="aiko")
    assert result.ok and result.tables == ("programs",)
    assert any_store.fingerprint() != before
    assert title(any_store) == old_title + " (2)"
    newest = any_store.list_versions()[0]
    assert (newest.id, newest.actor, newest.reason, newest.tables) == (
        result.version,
        "aiko",
        "save",
        ("programs",),
    )
    assert any_store.version_sources(result.version) == old_sources


def test_a_refused_save_leaves_the_last_version(any_store):
    before, sources = any_store.fingerprint(), any_store.read_sources()
    bad = programs(any_store)
    bad.loc[0, "region_id"] = "atlantis"  # a town that is not in regions
    result = any_store.save_tables({"programs": bad}, actor="aiko")
    assert not result.ok
    assert any(p.file == "programs.csv" and p.column == "region_id" for p in result.problems)

    def fails(frame: pd.DataFrame) -> pd.DataFrame:
        raise ValueError("cut short")

    with pytest.raises(ValueError):
        any_store.update_table("programs", fails)
    assert any_store.fingerprint() == before and any_store.read_sources() == sources


def test_a_database_save_failing_half_way_writes_nothing(request, data_copy, monkeypatch):
    url = request.getfixturevalue("database_url")
    sqlstore.init_schema(url)
    target = stores.open_store(url, "")
    assert stores.import_folder(target, data_copy).ok

    def counts() -> tuple[int, int, int]:
        with target.engine.connect() as conn:
            return tuple(
                conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in (sqlstore.states, sqlstore.files, sqlstore.blobs)
            )

    before, head = counts(), target.fingerprint()

    def broken(conn, state):  # the connection drops after the new rows are written
        raise sa.exc.OperationalError("UPDATE dashboard_head", {}, Exception("connection lost"))

    monkeypatch.setattr(sqlstore, "_set_head", broken)
    result = target.save_tables({"programs": titled(target, " (2)")})
    assert not result.ok and result.problems[0].code == "save_failed"
    assert counts() == before and target.fingerprint() == head


def test_two_saves_from_one_version_one_wins_the_other_is_refused(any_store):
    base = any_store.fingerprint()
    edits = {"a": titled(any_store, " (a)"), "b": titled(any_store, " (b)", "shimokawa-2017-03")}
    results, start = {}, threading.Barrier(2)

    def save(name: str) -> None:
        start.wait()
        results[name] = any_store.save_tables({"programs": edits[name]}, expected=base)

    threads = [threading.Thread(target=save, args=(n,)) for n in edits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(r.ok for r in results.values()) == [False, True]
    (loser,) = [n for n, r in results.items() if not r.ok]
    assert [p.code for p in results[loser].problems] == ["changed_since_check"]
    assert len(any_store.list_versions()) == 1  # the data before the one save that won
    # the loser reloads (today's data, its own edit made again) and saves: both edits are kept
    again = (
        titled(any_store, " (a)")
        if loser == "a"
        else titled(any_store, " (b)", "shimokawa-2017-03")
    )
    assert any_store.save_tables({"programs": again}, expected=any_store.fingerprint()).ok
    assert title(any_store).endswith(" (a)")
    assert title(any_store, "shimokawa-2017-03").endswith(" (b)")


def test_a_pin_goes_through_the_store_and_a_save_checked_before_it_is_refused(any_store):
    base = any_store.fingerprint()
    result = save_pin(any_store, "hester", PIN, actor="aiko")
    assert result.ok and any_store.list_versions()[0].reason == "pin"
    voices = any_store.load().dataset.testimonials
    assert voices.loc[voices["testimonial_id"] == "hester", "highlight"].iloc[0] == PIN
    # an upload checked before the pin would undo it: refused
    late = any_store.save_tables({"programs": titled(any_store, " (2)")}, expected=base)
    assert not late.ok and late.problems[0].code == "changed_since_check"
    voices = any_store.load().dataset.testimonials
    assert voices.loc[voices["testimonial_id"] == "hester", "highlight"].iloc[0] == PIN


def test_restore_puts_a_version_back_as_a_new_save(any_store):
    first = title(any_store)
    one = any_store.save_tables({"programs": titled(any_store, " (2)")})
    assert any_store.save_tables({"programs": titled(any_store, " (3)")}).ok
    result = any_store.restore_version(one.version, actor="aiko")
    assert result.ok and result.tables == ("programs",)
    assert title(any_store) == first
    newest = any_store.list_versions()[0]
    assert (newest.reason, newest.actor) == ("restore", "aiko")
    assert title(VersionView(any_store, newest.id)) == first + " (2) (3)"
    with pytest.raises(KeyError):
        any_store.restore_version("19990101T000000.000000Z")
    with pytest.raises(KeyError):
        any_store.restore_version("999999")


class VersionView:
    """A kept version read as a store's current data (for ``title``)."""

    def __init__(self, target: Store, version_id: str):
        self.target, self.version_id = target, version_id

    def load(self):
        return load_tables(self.target.version_sources(self.version_id))


def test_retention_keeps_the_newest_and_prunes_the_rest_the_same_way(any_store, monkeypatch):
    for n in range(4):
        assert any_store.save_tables({"programs": titled(any_store, f" ({n})")}).ok
    listed = any_store.list_versions()
    assert len(listed) == 4  # the data before each of four saves
    dry = any_store.prune(keep=2, days=0, dry_run=True)
    assert [v.id for v in dry.removed] == [v.id for v in reversed(listed[2:])]
    assert len(any_store.list_versions()) == 4
    result = any_store.prune(keep=2, days=0)
    assert result.kept == 2 and len(result.removed) == 2 and result.freed > 0
    assert [v.id for v in any_store.list_versions()] == [v.id for v in listed[:2]]
    with pytest.raises(KeyError):
        any_store.restore_version(listed[-1].id)
    assert title(any_store).endswith(" (0) (1) (2) (3)")
    # the rule a save applies by itself (keep_rule)
    monkeypatch.setenv("DASHBOARD_KEEP_VERSIONS", "1")
    monkeypatch.setenv("DASHBOARD_KEEP_DAYS", "0")
    assert any_store.save_tables({"programs": titled(any_store, " (4)")}).ok
    assert len(any_store.list_versions()) == 1


def test_the_database_fingerprint_is_a_cheap_read(request, data_copy):
    import time

    url = request.getfixturevalue("database_url")
    sqlstore.init_schema(url)
    target = stores.open_store(url, "")
    assert target.fingerprint() == ""  # no data yet
    assert stores.import_folder(target, data_copy).ok
    target.fingerprint()
    start = time.perf_counter()
    for _ in range(200):
        target.fingerprint()
    per_read_ms = (time.perf_counter() - start) / 200 * 1000
    assert per_read_ms < 20, per_read_ms


def test_a_database_without_its_schema_is_a_problem_not_a_traceback(request):
    target = stores.open_store(request.getfixturevalue("database_url"), "")
    result = target.load()
    assert not result.ok and result.problems[0].code == "store_unavailable"
    assert "UndefinedTable" in result.problems[0].message()
    saved = target.save_files({"programs": b"program_id\n"})
    assert not saved.ok and saved.problems[0].code == "save_failed"


@pytest.mark.parametrize(
    ("settings", "url"),
    [
        ({"url": "postgresql+psycopg://u@h/db"}, "postgresql+psycopg://u@h/db"),
        (
            {
                "dialect": "postgresql",
                "host": "db.internal",
                "port": 5433,
                "database": "dashboard",
                "username": "app",
                "password": "p@ss word",
            },
            "postgresql+psycopg://app:p%40ss word@db.internal:5433/dashboard",
        ),
        (
            {"dialect": "postgresql", "driver": "psycopg2", "host": "h", "database": "d"},
            "postgresql+psycopg2://h/d",
        ),
    ],
)
def test_a_secrets_connection_entry_becomes_a_url(settings, url):
    from sqlalchemy.engine import make_url

    assert url_from_settings(settings) == url
    assert make_url(url_from_settings(settings)).password == settings.get("password")


def test_a_database_save_waiting_too_long_for_another_says_busy(request, data_copy):
    url = request.getfixturevalue("database_url")
    sqlstore.init_schema(url)
    target = stores.open_store(url, "")
    assert stores.import_folder(target, data_copy).ok
    quick = sqlstore.SqlStore(url, timeout=0.3)
    with target.engine.begin() as conn:  # another save holds the head
        conn.execute(sa.select(sqlstore.head).with_for_update()).all()
        result = quick.save_tables({"programs": titled(target, " (2)")})
    assert not result.ok and [p.code for p in result.problems] == ["save_busy"]
    assert quick.save_tables({"programs": titled(target, " (2)")}).ok  # free again
