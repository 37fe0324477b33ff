"""Pinning a highlight through the data store (``dashboard.pins``)."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.data import load_dataset
from dashboard.pins import save_pin
from dashboard.versions import list_versions, version_sources

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
    assert (version.actor, version.tables, version.reason) == (
        "staff-test",
        ("testimonials",),
        "pin",
    )
    assert version_sources(data_copy, version.id)["testimonials"][1].decode("utf-8") == before
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


def test_a_pin_and_an_upload_at_the_same_moment_lose_neither(data_copy, monkeypatch):
    """An upload saved after the pin has read the file and before the pin writes it back: the
    interleaving that used to undo the upload without a word. Forced here: as soon as the pin
    has read the file, an upload starts; if the pin read it without holding the store's lock,
    the pin waits until the upload is saved."""
    import threading

    from filelock import Timeout

    from dashboard import pins, store, upload, versions

    saved = []

    def upload_a_sheet():  # checked against the files as they are, then saved
        frame = upload.current_tables(data_copy)[0]["testimonials"].copy()
        frame.loc[frame["testimonial_id"] == "charles", "source"] = "letter of 2024"
        saved.append(store.save_tables(data_copy, {"testimonials": frame}, actor="office"))

    uploading = threading.Thread(target=upload_a_sheet)
    real_pin_highlight = pins.pin_highlight

    def upload_meanwhile(frame, *args):  # the pin has read the file
        uploading.start()
        probe = versions.lock(data_copy, timeout=0)
        try:
            probe.acquire()
        except Timeout:
            pass  # the pin holds the lock: the upload waits until the pin is saved
        else:
            probe.release()
            uploading.join(60)  # nobody holds it: the upload is saved first
        return real_pin_highlight(frame, *args)

    monkeypatch.setattr(pins, "pin_highlight", upload_meanwhile)
    pinned = save_pin(data_copy, "hester", PIN, actor="staff")
    uploading.join(60)
    assert pinned.ok and [r.ok for r in saved] == [True]
    rows = load_dataset(data_copy).dataset.testimonials.set_index("testimonial_id")
    assert rows.at["hester", "highlight"] == PIN  # the pin
    assert rows.at["charles", "source"] == "letter of 2024"  # and the upload
    assert [v.reason for v in list_versions(data_copy)] == ["save", "pin"]
