"""Pinning a testimonial's highlight: one cell of ``testimonials.csv`` changed and saved
through the data store, a folder or the database (read and written under its lock, validated,
versioned, atomic)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.stores import Store, as_store
from dashboard.voices.highlights import pin_is_valid


def pin_highlight(frame: pd.DataFrame, testimonial_id: str, sentence: str) -> pd.DataFrame:
    """A copy of the testimonials table with ``sentence`` pinned (empty: back to automatic).

    Raises ``KeyError`` for an unknown id and ``ValueError`` when the sentence is not in the
    text (a highlight is always the participant's own words).
    """
    out = frame.copy()
    if "highlight" not in out.columns:
        out["highlight"] = ""
    where = out["testimonial_id"] == testimonial_id
    if not where.any():
        raise KeyError(testimonial_id)
    sentence = (sentence or "").strip()
    if sentence and not pin_is_valid(str(out.loc[where, "text"].iloc[0]), sentence):
        raise ValueError("the highlight is not a passage of the testimonial")
    out["highlight"] = out["highlight"].astype("object")
    out.loc[where, "highlight"] = sentence
    return out


def save_pin(where: Store | str | Path, testimonial_id: str, sentence: str, *, actor: str = ""):
    """Pin ``sentence`` as the highlight of one testimonial, through the data store (a
    ``Store``, or a data folder's path).

    The store's ``update_table`` reads the file as it is now, changes one cell and saves
    it under one hold of the store's lock, so a save made meanwhile (an upload) is kept, never
    undone; validated, versioned, atomic as every save. Returns its ``SaveResult``; the caller
    clears the data cache after a successful save. Raises as ``pin_highlight`` does, and
    ``FileNotFoundError`` when the folder has no testimonials file.
    """
    return as_store(where).update_table(
        "testimonials",
        lambda frame: pin_highlight(frame, testimonial_id, sentence),
        actor=actor,
        reason="pin",
    )
