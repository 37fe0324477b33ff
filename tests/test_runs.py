"""``dashboard.ui.runs``: at most a few script runs at once, the others served in turn."""

from __future__ import annotations

import importlib
import threading
import time

import pytest


@pytest.fixture
def runs(monkeypatch):
    monkeypatch.setenv("DASHBOARD_CONCURRENT_RUNS", "3")
    from dashboard.ui import runs

    yield importlib.reload(runs)
    monkeypatch.delenv("DASHBOARD_CONCURRENT_RUNS")
    importlib.reload(runs)


def test_no_more_runs_at_once_than_allowed_and_every_run_is_served(runs):
    inside, most, served = [0], [0], []
    lock = threading.Lock()

    def run(i: int) -> None:
        with runs.turn():
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.02)
            with runs.turn():  # nested use in the same run takes no second turn
                pass
            with lock:
                inside[0] -= 1
                served.append(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most[0] == 3 and sorted(served) == list(range(20))


def test_a_run_that_fails_or_stops_gives_its_turn_back(runs):
    for _ in range(5):  # more than the three turns
        with pytest.raises(RuntimeError), runs.turn():
            raise RuntimeError("the page stopped")
    done = threading.Event()
    threading.Thread(target=lambda: (runs.turn().__enter__(), done.set())).start()
    assert done.wait(5)


@pytest.mark.parametrize(("value", "expected"), [("", 4), ("0", 1), ("x", 4), ("8", 8)])
def test_the_number_comes_from_the_environment(monkeypatch, value, expected):
    from dashboard.ui import runs

    monkeypatch.setenv("DASHBOARD_CONCURRENT_RUNS", value)
    assert runs.allowed() == expected
