"""Pure chart builders: tidy DataFrames in, plotly Figures out; titles come in translated."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard.markup import inert_figure
from dashboard.palette import NEUTRAL


@dataclass(frozen=True, eq=False)
class Chart:
    """A figure, the table of exactly what it shows, and the name (no extension) its PNG and
    CSV are saved under. Shared between reruns: read it, do not change it.

    With many towns or programs a figure draws the largest ``DRAWN_AT_MOST`` (a browser takes
    seconds to draw thousands of bars or boxes) and ``note`` says so; the table keeps every row.
    """

    figure: go.Figure
    table: pd.DataFrame
    file_name: str
    note: str = ""  # what the figure leaves out of the table, said under it


@dataclass(frozen=True, eq=False)
class Section:
    """A chart (None when nothing can be drawn) and the names of what it leaves out for the
    viewer (rows of 1 or 2 people they may not see; the page names them under the chart)."""

    chart: Chart | None
    hidden: list[str] = field(default_factory=list)


DRAWN_AT_MOST = 40  # towns or programs a chart draws; its table lists them all


FONT = "Noto Sans JP, Hiragino Sans, Yu Gothic, Meiryo, Arial, sans-serif"


def style(fig: go.Figure, title: str) -> go.Figure:
    """The house style: a title that states the finding, readable on a projector.

    Every builder ends with it: the title and every text the figure takes from the data
    (names, labels, hover values) are then escaped for plotly's label markup
    (``markup.inert_figure``), so texts given to a builder are plain, never pre-escaped.
    """
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": FONT, "size": 15},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend_title_text="",
    )
    return inert_figure(fig)


def export_config(filename: str) -> dict:
    """``st.plotly_chart`` config: PNG export from the toolbar at projector size (1280x720),
    saved as ``filename``.png."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": "png",
            "filename": filename,
            "width": 1280,
            "height": 720,
            "scale": 1,
        },
    }


TITLE_SIZE = 20  # titles read from the back of a room
MARKERS_UP_TO = 200  # points a line chart marks one by one
BARS_IN_DEFAULT_HEIGHT = 15  # bars a chart of default height labels legibly


def _value_room(values: pd.Series, share: float = 0.28) -> list[float]:
    """An axis range from 0 with room after the longest bar for its outside label."""
    top = float(values.max()) if len(values) else 0.0
    return [0, max(top, 1) * (1 + share)]


def nationality_bars(view: pd.DataFrame, *, title: str, labels: dict[str, str]) -> go.Figure:
    """Horizontal bars of people per nationality, in ``view``'s order from the top, coloured by
    world region (unknown nationality in grey), each labelled "count (share %)".

    ``view``: country, people, share, world_region (M49 code), region (its name), text.
    ``labels``: people, country.
    """
    from dashboard.palette import world_region_colours

    colours = {
        row["region"]: world_region_colours().get(row["world_region"], NEUTRAL)
        for row in view.to_dict("records")
    }
    fig = px.bar(
        view,
        x="people",
        y="country",
        orientation="h",
        color="region",
        color_discrete_map=colours,
        text="text",
        labels={"people": labels["people"], "country": labels["country"], "region": ""},
        custom_data=["share"],
        category_orders={"country": list(view["country"]), "region": list(dict.fromkeys(colours))},
    )
    fig.update_traces(
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x} (%{customdata[0]}%)<extra></extra>",
    )
    fig.update_yaxes(title=None)
    fig.update_xaxes(
        range=_value_room(view["people"]), dtick=1 if view["people"].max() <= 10 else None
    )
    fig.update_layout(
        title_font_size=TITLE_SIZE,
        height=max(360, 34 * len(view) + 140),
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
    )
    style(fig, title)
    fig.update_layout(margin={"t": 100})
    return fig


def town_nationality_treemap(
    view: pd.DataFrame, *, title: str, colours: dict[str, str]
) -> go.Figure:
    """A treemap of towns, each split into the nationalities of the people who came.

    ``view``: region_id, town, nationality (``""`` unknown), country, people. A town's box is
    its people added over nationalities; unknown nationality is a grey box of its own.
    ``colours``: ``{region_id: colour}``.
    """
    from dashboard.palette import UNKNOWN_COLOUR

    towns = view.groupby("region_id", sort=False).agg(
        town=("town", "first"), people=("people", "sum")
    )
    ids = [
        *towns.index,
        *(
            f"{r}/{n or 'unknown'}"
            for r, n in zip(view["region_id"], view["nationality"], strict=True)
        ),
    ]
    fig = go.Figure(
        go.Treemap(
            ids=ids,
            labels=[*towns["town"], *view["country"]],
            parents=[*([""] * len(towns)), *view["region_id"]],
            values=[*towns["people"], *view["people"]],
            branchvalues="total",
            marker={
                "colors": [
                    *(colours.get(r, NEUTRAL) for r in towns.index),
                    *(
                        UNKNOWN_COLOUR if not n else colours.get(r, NEUTRAL)
                        for r, n in zip(view["region_id"], view["nationality"], strict=True)
                    ),
                ]
            },
            textinfo="label+value",
            hovertemplate="%{label}: %{value}<extra>%{parent}</extra>",
            tiling={"pad": 2},
            pathbar={"visible": False},
        )
    )
    fig.update_layout(height=520, title_font_size=TITLE_SIZE)
    style(fig, title)
    fig.update_layout(margin={"t": 70})
    return fig


def world_region_bars(view: pd.DataFrame, *, title: str, labels: dict[str, str]) -> go.Figure:
    """Bars of people per world region (unknown nationality last, in grey), each labelled
    "count (share %)"; the hover adds the number of countries.

    ``view``: world_region, region, people, nationalities, share, text. ``labels``: people.
    """
    from dashboard.palette import world_region_colours

    fig = go.Figure(
        go.Bar(
            x=view["region"],
            y=view["people"],
            text=view["text"],
            textposition="outside",
            cliponaxis=False,
            marker_color=[world_region_colours().get(c, NEUTRAL) for c in view["world_region"]],
            customdata=view[["nationalities", "share"]].to_numpy(),
            hovertemplate="%{x}: %{y} (%{customdata[1]}%)<br>"
            + labels["nationalities"]
            + ": %{customdata[0]}<extra></extra>",
        )
    )
    fig.update_yaxes(title=labels["people"], range=_value_room(view["people"], 0.15))
    fig.update_layout(height=420, showlegend=False, title_font_size=TITLE_SIZE)
    return style(fig, title)


def diversity_bars(
    view: pd.DataFrame, *, title: str, labels: dict[str, str], colours: dict[str, str]
) -> go.Figure:
    """Distinct known nationalities per program, coloured by town, each bar labelled with its
    evenness (J, "–" where undefined).

    ``view``: program (label), region_id, nationalities, listed, unknown_nationality,
    evenness_text. ``labels``: nationalities, listed, unknown, evenness.
    """
    fig = go.Figure(
        go.Bar(
            x=view["nationalities"],
            y=view["program"],
            orientation="h",
            text=view["evenness_text"],
            textposition="outside",
            cliponaxis=False,
            marker_color=[colours.get(r, NEUTRAL) for r in view["region_id"]],
            customdata=view[["listed", "unknown_nationality", "evenness_text"]].to_numpy(),
            hovertemplate="%{y}<br>"
            + labels["nationalities"]
            + ": %{x}<br>"
            + labels["listed"]
            + ": %{customdata[0]}<br>"
            + labels["unknown"]
            + ": %{customdata[1]}<br>"
            + labels["evenness"]
            + ": %{customdata[2]}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(
        title=labels["nationalities"], range=_value_room(view["nationalities"]), dtick=1
    )
    fig.update_layout(
        height=max(320, 48 * len(view) + 140), showlegend=False, title_font_size=TITLE_SIZE
    )
    return style(fig, title)


def program_gantt(
    view: pd.DataFrame,
    *,
    title: str,
    labels: dict[str, str],
    colours: dict[str, str],
    date_format: str | None = None,
) -> go.Figure:
    """A Gantt of dated programs, one row per town, coloured by kind.

    ``view``: program_id, town, kind_label, start_date, finish (the day after the last),
    dates, days, listed, countries_text, bar_text (written beside the bar). ``colours``:
    ``{kind_label: colour}``. The hover gives the dates, days, participants and nationalities.
    ``labels``: town, days, participants, nationalities. ``date_format``: the axis' d3 date
    format (e.g. ``"%Y年%-m月"``), plotly's default when None.
    """
    fig = px.timeline(
        view,
        x_start="start_date",
        x_end="finish",
        y="town",
        color="kind_label",
        color_discrete_map=colours,
        custom_data=["program_id", "dates", "days", "listed", "countries_text"],
        text="bar_text",
        category_orders={"town": list(dict.fromkeys(view["town"]))},
        labels={"kind_label": "", "town": labels["town"]},
    )
    fig.update_traces(
        hovertemplate="<b>%{y}</b><br>%{customdata[1]}<br>"
        + labels["days"]
        + ": %{customdata[2]}<br>"
        + labels["participants"]
        + ": %{customdata[3]}<br>"
        + labels["nationalities"]
        + ": %{customdata[4]}<extra></extra>",
        marker_line_width=0,
        textposition="outside",
        cliponaxis=False,
        textfont_size=14,
    )
    fig.update_yaxes(autorange="reversed", title=None)
    if date_format:
        fig.update_xaxes(tickformat=date_format)
    first, last = pd.Timestamp(view["start_date"].min()), pd.Timestamp(view["finish"].max())
    span = max(last - first, pd.Timedelta(days=30))
    # room before the first bar, and after the last for the text written beside it
    fig.update_xaxes(range=[first - span * 0.04, last + span * 0.22])
    fig.update_layout(
        height=max(300, 60 * view["town"].nunique() + 160),
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
        bargap=0.35,
        title_font_size=TITLE_SIZE,
    )
    style(fig, title)
    fig.update_layout(margin={"t": 100})
    return fig


def cumulative_lines(
    view: pd.DataFrame,
    *,
    title: str,
    labels: dict[str, str],
    date_format: str | None = None,
) -> go.Figure:
    """Three stacked step lines over time: participants, nationalities and person-days so far,
    each with its final value written at its end.

    ``view``: date, program (label), participants, nationalities, person_days.
    ``labels``: participants, nationalities, person_days. ``date_format`` as in
    ``program_gantt``.
    """
    from plotly.subplots import make_subplots

    from dashboard.palette import MEASURE_COLOUR

    measures = ["participants", "nationalities", "person_days"]
    many = len(view) > MARKERS_UP_TO
    end = lambda measure: str(view[measure].iloc[-1])  # noqa: E731
    fig = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.09,
        subplot_titles=[labels[m] for m in measures],
    )
    for row, measure in enumerate(measures, start=1):
        fig.add_trace(
            go.Scatter(
                x=view["date"],
                y=view[measure],
                mode="lines" if many else "lines+markers+text",
                line={"shape": "hv", "color": MEASURE_COLOUR, "width": 3},
                text=None if many else ["" for _ in range(len(view) - 1)] + [end(measure)],
                textposition="top center",
                textfont_size=15,
                cliponaxis=False,
                customdata=view[["program"]].to_numpy(),
                name=labels[measure],
                hovertemplate="%{customdata[0]}<br>" + labels[measure] + ": %{y}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        fig.update_yaxes(range=_value_room(view[measure], 0.3), row=row, col=1)
    if date_format:
        fig.update_xaxes(tickformat=date_format)
    fig.update_layout(height=620, showlegend=False, title_font_size=TITLE_SIZE)
    fig.update_annotations(xanchor="left", x=0, font={"size": 14})
    if many:  # the final values as notes, not as a text slot on each of thousands of points
        for row, measure in enumerate(measures, start=1):
            fig.add_annotation(
                x=view["date"].iloc[-1], y=view[measure].iloc[-1], text=end(measure),
                showarrow=False, yshift=14, font={"size": 15}, row=row, col=1,
            )  # fmt: skip
    return style(fig, title)


def participants_by_town(
    table: pd.DataFrame, *, labels: dict[str, str], colours: dict[str, str], title: str
) -> go.Figure:
    """Horizontal bars of people listed per town, a colour per town, with the organisation's
    reported figure as a grey marker where it differs.

    ``table`` is ``metrics.participants_by_town`` with a ``town`` column of display names added;
    ``labels`` maps ``listed``/``reported``/``town`` to axis and legend text. One bar trace for
    all towns: plotly's cost grows with the number of traces, so this stays quick with
    hundreds of towns."""
    table = table.sort_values("listed")
    fallback = px.colors.qualitative.Plotly
    fig = go.Figure(
        go.Bar(
            x=table["listed"],
            y=table["town"],
            orientation="h",
            marker_color=[
                colours.get(rid, fallback[i % len(fallback)])
                for i, rid in enumerate(table["region_id"])
            ],
            text=table["listed"],
            textposition="outside",
            cliponaxis=False,
            customdata=table[["region_id"]].to_numpy(),
            showlegend=False,
            hovertemplate=f"{labels['town']}=%{{y}}<br>{labels['listed']}=%{{x}}<extra></extra>",
        )
    )
    differs = table[table["reported"] != table["listed"]]
    if not differs.empty:
        fig.add_trace(
            go.Scatter(
                x=differs["reported"],
                y=differs["town"],
                mode="markers",
                marker={
                    "symbol": "line-ns-open",
                    "size": 22,
                    "color": NEUTRAL,
                    "line": {"width": 3},
                },
                name=labels["reported"],
            )
        )
    fig.update_yaxes(title=None)
    fig.update_xaxes(
        title=labels["listed"],
        rangemode="tozero",
        tickformat="d",
        dtick=1 if table["listed"].max() <= 12 else None,
    )
    if len(table) > BARS_IN_DEFAULT_HEIGHT:  # each town's name stays readable
        fig.update_layout(height=20 * len(table) + 140)
    # the marker's legend above the bars, so it takes no width from them
    fig.update_layout(legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom"})
    return style(fig, title)
