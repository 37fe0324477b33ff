"""Caching as the performance work needs it: one load, no CSV read on a rerun."""

from __future__ import annotations

import pandas as pd

from dashboard import data
from dashboard.ui import cache

from .conftest import app_test


def test_a_rerun_reads_no_csv_file(monkeypatch):
    reads: list[str] = []
    read_table, read_csv = data.read_table, pd.read_csv

    def counting_read_table(file, raw):
        reads.append(file)
        return read_table(file, raw)

    def counting_read_csv(*args, **kwargs):
        reads.append(str(args[0]) if args else "read_csv")
        return read_csv(*args, **kwargs)

    monkeypatch.setattr(data, "read_table", counting_read_table)
    monkeypatch.setattr(pd, "read_csv", counting_read_csv)
    cache.clear()
    at = app_test(role="staff").run()
    assert not at.exception
    first = list(reads)
    assert {"regions.csv", "participants.csv"} <= set(first)
    at.run()
    at.multiselect(key="town").set_value(["tono"]).run()
    assert reads == first  # neither a rerun nor a filter change reads a file


def test_the_loaded_dataset_is_the_same_object_on_every_rerun():
    cache.clear()
    first = cache.load().dataset
    assert cache.load().dataset is first


def test_visitors_loading_at_once_read_the_folder_once(monkeypatch, data_copy):
    import threading

    calls, gate = [], threading.Event()
    from dashboard import stores

    load = stores.load_dataset

    def slow_load(folder):
        calls.append(folder)
        gate.wait(5)
        return load(folder)

    monkeypatch.setattr(stores, "load_dataset", slow_load)
    cache.clear()
    loaded, start = [], threading.Barrier(6)

    def visit() -> None:
        start.wait()
        loaded.append(cache.load(str(data_copy)).dataset)

    threads = [threading.Thread(target=visit) for _ in range(6)]
    for thread in threads:
        thread.start()
    threading.Event().wait(0.5)  # every visitor has asked by now; the first is reading
    gate.set()
    for thread in threads:
        thread.join(30)
    assert len(calls) == 1 and len({id(ds) for ds in loaded}) == 1 and len(loaded) == 6
