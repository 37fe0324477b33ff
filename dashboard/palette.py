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


# World regions (UN M49 continent codes, as named by CLDR): one colour each on every page.
WORLD_REGION_COLOURS = {
    "142": "#E69F00",  # Asia
    "150": "#56B4E9",  # Europe
    "019": "#CC79A7",  # Americas
    "002": "#009E73",  # Africa
    "009": "#0072B2",  # Oceania
    "AQ": "#D55E00",  # Antarctica
}
# A single colour for bars that are one measure (not one town, kind or region).
MEASURE_COLOUR = "#0072B2"


def world_region_colours() -> dict[str, str]:
    """``{M49 code: colour}`` for world regions, with ``""`` (unknown) in the unknown grey."""
    return {**WORLD_REGION_COLOURS, "": UNKNOWN_COLOUR}
