"""``python -m dashboard db init / import / export`` and ``validate`` against a real PostgreSQL
database, as the cluster scripts and staff run them: separate processes, the URL in
``DASHBOARD_DATABASE_URL``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard import schema, stores
from dashboard.data import load_dataset

ROOT = Path(__file__).resolve().parent.parent


def dashboard(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DASHBOARD_DATABASE_URL": url}
    env.pop("DASHBOARD_DATA_DIR", None)
    command = [sys.executable, "-m", "dashboard", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def ready(database_url) -> str:
    done = dashboard(database_url, "db", "init")
    assert done.returncode == 0, done.stderr
    assert "revision 0001" in done.stdout
    return database_url


def test_init_twice_import_validate_export_round_trip(ready, data_copy, tmp_path):
    assert dashboard(ready, "db", "init").returncode == 0  # a second init migrates nothing
    done = dashboard(ready, "db", "import", str(data_copy))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("imported regions, programs")
    again = dashboard(ready, "db", "import", str(data_copy))
    assert again.returncode == 0 and again.stdout.startswith("nothing to import")

    checked = dashboard(ready, "validate")
    assert checked.returncode == 0, checked.stdout
    lines = checked.stdout.splitlines()
    assert lines[0] == "OK" and "participants: 27" in lines

    out = tmp_path / "exported"
    done = dashboard(ready, "db", "export", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.csv" for t in schema.TABLES)
    assert dashboard(ready, "validate", str(out)).stdout.splitlines()[0] == "OK"
    back, original = load_dataset(out).dataset, load_dataset(data_copy).dataset
    for table in schema.TABLES:
        pd.testing.assert_frame_equal(back.table(table), original.table(table))
    for table in schema.TABLES:  # the files themselves, byte for byte
        assert (out / f"{table}.csv").read_bytes() == (data_copy / f"{table}.csv").read_bytes()


def test_import_refuses_a_bad_folder_with_file_row_and_column(ready, data_copy):
    assert dashboard(ready, "db", "import", str(data_copy)).returncode == 0
    target = stores.open_store(ready, "")
    before = target.fingerprint()
    path = data_copy / "programs.csv"
    path.write_text(path.read_text("utf-8").replace("2017-09-06", "2017/09/06"), "utf-8")
    done = dashboard(ready, "db", "import", str(data_copy))
    assert done.returncode == 1
    assert 'programs.csv:4:start_date: "2017/09/06" is not written as YYYY-MM-DD' in done.stdout
    assert "nothing imported" in done.stderr
    assert target.fingerprint() == before and target.list_versions() == []


def test_an_import_over_data_is_a_new_version_and_prune_works_on_the_database(ready, data_copy):
    assert dashboard(ready, "db", "import", str(data_copy)).returncode == 0
    path = data_copy / "programs.csv"
    path.write_text(path.read_text("utf-8").replace("Tono", "Tōno", 1), "utf-8")
    done = dashboard(ready, "db", "import", "--actor", "office", str(data_copy))
    assert done.returncode == 0, done.stderr
    (version,) = stores.open_store(ready, "").list_versions()
    assert (version.reason, version.actor, version.tables) == ("import", "office", ("programs",))
    pruned = dashboard(ready, "prune", "--keep", "1", "--days", "0", "--dry-run")
    assert pruned.returncode == 0 and "nothing to remove" in pruned.stdout


def test_commands_need_a_database_and_say_so(database_url):
    env = {k: v for k, v in os.environ.items() if k != "DASHBOARD_DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "db", "init"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "DASHBOARD_DATABASE_URL" in done.stderr
    # a database without its schema: a problem line, no traceback
    done = dashboard(database_url, "validate")
    assert done.returncode == 1 and "could not be read" in done.stdout
    assert "Traceback" not in done.stderr
