"""Pinning a highlight through the data store (``dashboard.pins``)."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.data import load_dataset
from dashboard.pins import save_pin
from dashboard.store import list_versions

from .conftest import DATA
from .voices_data import PIN


def test_a_pin_is_saved_in_the_data_with_a_version_kept(data_copy):
    before = (data_copy / "testimonials.csv").read_text(encoding="utf-8")
    result = save_pin(data_copy, "hester", PIN, actor="staff-test")
    assert result.ok, result.problems
    loaded = load_dataset(data_copy)
    assert loaded.ok
    rows = loaded.dataset.testimonials.set_index("testimonial_id")
    assert rows.at["hester", "highlight"] == PIN
    assert pd.isna(rows.at["charles", "highlight"])
    assert list(rows["text"]) == list(load_dataset(DATA).dataset.testimonials["text"])
    (version,) = list_versions(data_copy)
    assert version.actor == "staff-test" and version.tables == ("testimonials",)
    copy = data_copy / ".versions" / version.id / "testimonials.csv"
    assert copy.read_text(encoding="utf-8") == before
    # and back to the automatic choice
    assert save_pin(data_copy, "hester", "").ok
    assert pd.isna(
        load_dataset(data_copy)
        .dataset.testimonials.set_index("testimonial_id")
        .at["hester", "highlight"]
    )


def test_a_pin_must_be_the_participants_own_words(data_copy):
    with pytest.raises(ValueError):
        save_pin(data_copy, "hester", "Sosei Partners changed my life.")
    with pytest.raises(KeyError):
        save_pin(data_copy, "nobody", PIN)
    assert list_versions(data_copy) == []
