"""Pure chart builders: tidy DataFrames in, plotly Figures out; titles come in translated."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard.palette import NEUTRAL

FONT = "Noto Sans JP, Hiragino Sans, Yu Gothic, Meiryo, Arial, sans-serif"


def style(fig: go.Figure, title: str) -> go.Figure:
    """The house style: a title that states the finding, readable on a projector."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": FONT, "size": 15},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend_title_text="",
    )
    return fig


def participants_by_town(
    table: pd.DataFrame, *, labels: dict[str, str], colours: dict[str, str], title: str
) -> go.Figure:
    """Horizontal bars of people listed per town, with the organisation's reported figure as a
    grey marker where it differs.

    ``table`` is ``metrics.participants_by_town`` with a ``town`` column of display names added;
    ``labels`` maps ``listed``/``reported``/``town`` to axis and legend text.
    """
    table = table.sort_values("listed")
    fig = px.bar(
        table,
        x="listed",
        y="town",
        orientation="h",
        color="region_id",
        color_discrete_map=colours,
        text="listed",
        labels={"listed": labels["listed"], "town": labels["town"]},
        custom_data=["region_id"],
    )
    fig.update_traces(showlegend=False, textposition="outside", cliponaxis=False)
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
    return style(fig, title)
