"""The load benchmark at size S: every row printed, every run finished, no exception (no timing
is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.load import summary
from bench.protocol import Run

from .conftest import ROOT


@pytest.mark.apptest  # serves the app and the floor, each in a process of its own
def test_the_load_benchmark_at_size_s_finishes_every_run_without_exceptions(tmp_path):
    out = tmp_path / "load.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "load", "--sizes", "S", "--pages", "overview",
         "--sessions", "1,3", "--cases", "herd,warm", "--steady-seconds", "3", "--timeout", "120",
         "--workdir", str(tmp_path), "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    for case in ("herd", "warm"):
        for sessions in (1, 3):
            assert any(f"| S | public | overview | {case} | {sessions} |" in line for line in lines)
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert sorted((r["case"], r["sessions"]) for r in rows) == [
        ("herd", 1), ("herd", 3), ("warm", 1), ("warm", 3)
    ]  # fmt: skip
    for row in rows:
        for kind in ("app", "floor"):
            result = row[kind]
            assert result["finished"] == result["runs"] == row["sessions"], (kind, row)
            assert result["exceptions"] == 0, (kind, result["errors"])
            assert result["bytes_per_session"] > 0 and result["rss_mb"] > 0


def test_a_run_that_never_finished_counts_as_an_exception():
    runs = [Run(seconds=0.2, bytes=100), Run(exceptions=["no script_finished within 5 s"])]
    row = summary(runs, seconds=5.0, sessions=2)
    assert (row["runs"], row["finished"], row["exceptions"]) == (2, 1, 1)
    assert row["p95"] == row["max"] == 0.2 and row["bytes_per_session"] == 50
