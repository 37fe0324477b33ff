"""Pinning a testimonial's highlight: one cell of ``testimonials.csv`` changed and saved
through the data store (validated, locked, versioned, atomic)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard import store
from dashboard.data import table_path
from dashboard.reading import read_table
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


def current_testimonials(folder: str | Path) -> pd.DataFrame:
    """The testimonials file of ``folder`` as it is on disk now, as text (every column kept)."""
    path = table_path(Path(folder), "testimonials")
    if path is None:
        raise FileNotFoundError(Path(folder) / "testimonials.csv")
    raw, problems = read_table(path.name, path.read_bytes())
    if raw is None:
        raise ValueError(problems[0].message() if problems else "unreadable testimonials file")
    return raw.reset_index(drop=True)


def save_pin(folder: str | Path, testimonial_id: str, sentence: str, *, actor: str = ""):
    """Pin ``sentence`` as the highlight of one testimonial, through the data store.

    Reads the file as it is now (so other edits are kept), changes one cell and saves it with
    ``dashboard.store.save_table`` (validated, locked, versioned, atomic). Returns its
    ``SaveResult``; the caller clears the data cache after a successful save.
    """
    frame = pin_highlight(current_testimonials(folder), testimonial_id, sentence)
    return store.save_table(folder, "testimonials", frame, actor=actor)
