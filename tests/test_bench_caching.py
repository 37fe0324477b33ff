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
