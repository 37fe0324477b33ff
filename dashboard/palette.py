"""One palette for the whole app, so a town or a program kind keeps its colour on every page."""

from __future__ import annotations

import plotly.express as px

# Colour-blind-safe qualitative colours (Okabe–Ito, then Plotly's Safe set for more towns).
TOWN_COLOURS = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#56B4E9",
    "#F0E442",
    *px.colors.qualitative.Safe,
]
KIND_COLOURS = {"team": "#0072B2", "residency": "#D55E00"}
NEUTRAL = "#B0B0B0"
UNKNOWN_COLOUR = "#9E9E9E"
SEQUENTIAL = "Blues"


def town_colours(region_ids: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``{region_id: colour}``, assigned in sorted id order so it is the same on every page.

    Pass *all* towns of the dataset (not a filtered subset), or colours shift with filters.
    """
    ordered = sorted(set(region_ids))
    return {rid: TOWN_COLOURS[i % len(TOWN_COLOURS)] for i, rid in enumerate(ordered)}
