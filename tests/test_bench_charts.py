"""The town chart is one bar trace with a colour per town, at any number of towns."""

from __future__ import annotations

import plotly.express as px

from dashboard import charts, metrics
from dashboard.palette import town_colours

from .conftest import figure_data


def bars(fig) -> dict:
    """{town: (people, colour)} over every bar trace of a figure."""
    spec = fig.to_dict()
    out = {}
    for i, trace in enumerate(spec["data"]):
        if trace["type"] != "bar":
            continue
        ys, xs = figure_data(spec, i, "y"), figure_data(spec, i, "x")
        colour = trace["marker"]["color"]
        colours = colour if isinstance(colour, list) else [colour] * len(ys)
        out.update({y: (x, c) for y, x, c in zip(ys, xs, colours, strict=True)})
    return out


def test_one_trace_chart_draws_the_same_bars_and_markers(dataset):
    programs = dataset.programs.copy()
    programs.loc[programs["program_id"] == "tono-2017-09", "participants_reported"] = 12
    ds = dataset.replace(programs=programs)
    table = metrics.participants_by_town(ds)
    table["town"] = table["name_en"]
    args = {
        "labels": {"listed": "Listed", "reported": "Reported", "town": "Town"},
        "colours": town_colours(list(ds.regions["region_id"])),
        "title": "Tono welcomed the most participants: 11",
    }
    new = charts.participants_by_town(table, **args)
    colours = args["colours"]
    assert bars(new) == {
        "Tono": (11, colours["tono"]),
        "Ishinomaki": (8, colours["ishinomaki"]),
        "Shimokawa": (4, colours["shimokawa"]),
        "Urahoro": (3, colours["urahoro"]),
        "Yame": (1, colours["yame"]),
    }
    assert sum(tr.type == "bar" for tr in new.data) == 1
    marker = [tr for tr in new.to_dict()["data"] if tr["type"] == "scatter"]
    assert len(marker) == 1
    assert new.layout.title.text == "Tono welcomed the most participants: 11"
    assert new.layout.xaxis.title.text == "Listed"


def test_without_colours_bars_take_plotly_s_own_sequence(dataset):
    table = metrics.participants_by_town(dataset)
    table["town"] = table["name_en"]
    fig = charts.participants_by_town(
        table, labels={"listed": "L", "reported": "R", "town": "T"}, colours={}, title="x"
    )
    assert set(fig.data[0].marker.color) <= set(px.colors.qualitative.Plotly)
