"""The benchmark runs at size S and prints a row for every measurement (nothing is timed)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench.run import markdown, registered_pages

from .conftest import ROOT


@pytest.mark.apptest  # the benchmark runs the app in a process of its own
def test_the_benchmark_at_size_s_prints_every_row(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--sizes", "S", "--repeat", "1", "--no-browser",
         "--soak-rounds", "2", "--workdir", str(tmp_path), "--json", str(tmp_path / "bench.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    table = done.stdout
    for label in ("load + validate", "peak memory", "app first run", "filter change"):
        assert label in table
    soak = next(r for r in table.splitlines() if "peak memory after reruns" in r)
    assert f"after {1 + 2 * 3 * len(registered_pages())} runs (2 rounds)" in soak
    for name in registered_pages():
        line = next(r for r in table.splitlines() if f"page {name.removesuffix('.py')}:" in r)
        assert " ms / " in line and "error" not in line, line
    assert (tmp_path / "bench.json").exists()


def fake_result(pages: list[str]) -> dict:
    page = {"cold": 0.3, "warm": 0.1, "warm_runs": [0.1], "charts": 1, "error": None}
    return {
        "server": {
            "sizes": {
                "regions": 1741,
                "participants": 100_000,
                "participations": 150_000,
                "testimonials": 20_000,
                "programs": 5223,
            },  # fmt: skip
            "load": {"median": 2.0, "runs": [2.0]},
            "first_run": 4.0,
            "pages": {name: dict(page) for name in pages},
            "filter_change": 0.2,
            "peak_rss_mb": 700.0,
            "soak": {"rounds": 20, "runs": 421, "peak_rss_mb": 1100.0},
        },
        "browser": {
            "app_first_chart": 3.0,
            "floor_first_chart": 2.5,
            "first_chart_ratio": 1.2,
            "app_filter": 0.6,
            "floor_filter": 0.4,
            "filter_ratio": 1.5,
            "page_open": {"maps.py": 2.5},
            "map_open": 1.5,
            "errors": [],
        },  # fmt: skip
    }


def test_the_table_marks_targets_met_and_missed_at_l():
    table = markdown({"L": fake_result(["overview.py", "maps.py"])}, repeat=3)
    lines = {line.split(" | ")[0].strip("| "): line for line in table.splitlines()}
    assert "2.00 s ✓" in lines["load + validate (median)"]
    assert "700 MB ✓" in lines["peak memory (ru_maxrss, load + a page, largest)"]
    soak = lines["peak memory after reruns (every page, a town chosen and cleared, N rounds)"]
    assert "1100 MB after 421 runs (20 rounds) ✗" in soak
    stopped = fake_result(["overview.py"])
    stopped["server"]["soak"] = {"error": "stopped after 300 s"}
    assert "| stopped after 300 s |" in markdown({"L": stopped}, repeat=3)
    assert "1.20× ✓" in lines["browser: first chart"]
    assert "1.50× ✗" in lines["browser: filter change → updated chart"]
    assert "2.50 s ✗" in lines["browser: open page maps from the navigation → partner map drawn"]
    new_tab = lines["browser: maps page opened by its link in a new tab → partner map drawn"]
    assert "1.50 s ✓" in new_tab and "2.50 s" in new_tab  # beside the floor's first chart
    assert "300 ms / 100 ms ✓" in lines["page maps: cold / warm rerun (server)"]
