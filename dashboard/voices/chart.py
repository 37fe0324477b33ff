"""Themes per town: counts of testimonials per theme and town, and their stacked bar chart."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard.charts import style
from dashboard.i18n import format_number, t
from dashboard.voices.themes import Theme

NO_TOWN = ""  # the town of a testimonial that names no program


def theme_counts(
    table: pd.DataFrame, themes: tuple[Theme, ...], regions: pd.DataFrame, lang: str
) -> pd.DataFrame:
    """How many testimonials touch each theme, per town they are about.

    Columns: theme_id, theme, region_id (``NO_TOWN`` when the text names no program), town,
    count. A testimonial about two towns counts once for each. Every theme is listed (count 0
    when no testimonial touches it); only towns with testimonials appear.
    """
    names = dict(
        zip(regions["region_id"], regions["name_ja" if lang == "ja" else "name_en"], strict=True)
    )
    counts: dict[tuple[str, str], int] = {}
    for found, region_ids in zip(table["themes"], table["region_ids"], strict=True):
        for region_id in region_ids or [NO_TOWN]:
            for theme_id in found:
                counts[(theme_id, region_id)] = counts.get((theme_id, region_id), 0) + 1
    towns = sorted(
        {r for ids in table["region_ids"] for r in (ids or [NO_TOWN])},
        key=lambda r: (r == NO_TOWN, names.get(r, r)),
    )
    rows = []
    for theme in themes:
        for region_id in towns:
            rows.append(
                {
                    "theme_id": theme.theme_id,
                    "theme": theme.label(lang),
                    "region_id": region_id,
                    "town": names.get(region_id, region_id)
                    if region_id
                    else t("voices.no_town", lang),
                    "count": counts.get((theme.theme_id, region_id), 0),
                }
            )
    return pd.DataFrame(rows, columns=["theme_id", "theme", "region_id", "town", "count"])


def theme_totals(table: pd.DataFrame, themes: tuple[Theme, ...]) -> dict[str, int]:
    """``{theme_id: testimonials tagged with it}`` in lexicon order (each testimonial once)."""
    return {
        theme.theme_id: sum(theme.theme_id in found for found in table["themes"])
        for theme in themes
    }


def chart_title(totals: Mapping[str, int], themes: tuple[Theme, ...], found: int, lang: str) -> str:
    """The theme chart's title: the theme that comes up most, a tie, or none at all."""
    top = max(totals.values(), default=0)
    if top == 0:
        return t("voices.chart.title_none", lang)
    if found == 1:
        return t("voices.chart.title_single", lang)
    leaders = [theme for theme in themes if totals.get(theme.theme_id) == top]
    numbers = {"n": format_number(top, lang), "total": format_number(found, lang)}
    if len(leaders) > 1:
        return t("voices.chart.title_tie", lang, k=format_number(len(leaders), lang), **numbers)
    return t("voices.chart.title", lang, theme=leaders[0].label(lang), **numbers)


def theme_chart(
    counts: pd.DataFrame, *, colours: dict[str, str], title: str, labels: dict[str, str]
) -> go.Figure:
    """Stacked horizontal bars: testimonials per theme, one colour per town (the house colours).

    ``labels`` maps ``count``, ``theme`` and ``town`` to axis and legend text.
    """
    colours = {**colours, NO_TOWN: "#9E9E9E"}
    # longest bar on top; ties keep the lexicon's order
    totals = counts.groupby("theme", sort=False)["count"].sum()
    order = totals.sort_values(ascending=False, kind="stable").index.tolist()
    fig = px.bar(
        counts,
        x="count",
        y="theme",
        color="region_id",
        orientation="h",
        color_discrete_map=colours,
        category_orders={"theme": order},
        labels={"count": labels["count"], "theme": labels["theme"], "region_id": labels["town"]},
        custom_data=["town", "theme_id"],
        hover_data={"town": True, "region_id": False},
    )
    names = dict(zip(counts["region_id"], counts["town"], strict=False))
    # px hides the legend entry of the empty id (testimonials that name no town): show it
    fig.for_each_trace(lambda tr: tr.update(name=names.get(tr.name, tr.name), showlegend=True))
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.15})
    fig.update_xaxes(dtick=1, tickformat="d", rangemode="tozero")
    return style(fig, title)
