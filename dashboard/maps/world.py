"""plotly MapLibre maps of where people come from, and their ranked bars.

``choroplethmap``/``scattermap`` traces with the world's countries from ``data/geo/`` and
``map_style="white-bg"``: no tiles at all, so they draw offline. Figures are returned, not
drawn: ``world_figure``, ``flow_figure``, ``nationality_bars``.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard import metrics
from dashboard.charts import style
from dashboard.geo import country_points, world_geojson, world_ids
from dashboard.i18n import country_name, format_number, t
from dashboard.maps import legend
from dashboard.maps.tables import flow_width
from dashboard.markup import escape_plotly
from dashboard.palette import MEASURE_COLOUR, UNKNOWN_COLOUR

# The flow map draws at most this many home-country-to-town lines, the largest first.
MAX_FLOWS = 400
LAND = "#e9edf1"
BORDER = "#ffffff"
JAPAN_LON = 138.0  # the flow map is centred here; home countries are placed on its side


def _land_trace() -> go.Choroplethmap:
    """Every country in a neutral grey, so the world is visible under the data."""
    ids = list(world_ids())
    return go.Choroplethmap(
        geojson=world_geojson(),
        locations=ids,
        z=[0] * len(ids),
        featureidkey="id",
        colorscale=[[0, LAND], [1, LAND]],
        showscale=False,
        marker_line_color=BORDER,
        marker_line_width=0.5,
        hoverinfo="skip",
        name="land",
    )


@lru_cache(maxsize=64)
def _world_subset(codes: tuple[str, ...]) -> dict:
    """Only the countries ``codes`` of ``world_geojson()``: a trace carries its own copy of the
    shapes it is given, and the grey land layer already carries them all."""
    wanted = set(codes)
    features = [f for f in world_geojson()["features"] if f["id"] in wanted]
    return {"type": "FeatureCollection", "features": features}


def _map_layout(fig: go.Figure, center: dict, zoom: float, height: int) -> go.Figure:
    fig.update_layout(
        map={"style": "white-bg", "center": center, "zoom": zoom},
        height=height,
        showlegend=False,
        paper_bgcolor="white",
    )
    return fig


def world_figure(
    table: pd.DataFrame,
    lang: str,
    title: str,
    *,
    masked: pd.Series | None = None,
    height: int = 460,
) -> go.Figure:
    """A world map of people by nationality: countries shaded by people, a dot on each
    country's point (so small countries such as Singapore show), unknown left out.

    ``table`` is ``nationality_table``; rows where ``masked`` is True are drawn in one light
    shade with "<3" in the hover, not their count. Trace 1 holds the shaded countries
    (``locations`` = codes, ``z`` = people), trace 2 the masked ones, trace 3 the dots.
    """
    known = table[table["nationality"] != metrics.UNKNOWN].copy()
    masked = masked.loc[known.index] if masked is not None else pd.Series(False, index=known.index)
    shown, hidden = known[~masked.to_numpy()], known[masked.to_numpy()]
    names = {c: country_name(c, lang) for c in known["nationality"]}
    people = t("maps.world.people_label", lang)
    fig = go.Figure(_land_trace())
    fig.add_trace(
        go.Choroplethmap(
            geojson=_world_subset(tuple(shown["nationality"])),
            locations=list(shown["nationality"]),
            z=list(shown["people"].astype(int)),
            featureidkey="id",
            colorscale=legend.SHADES,
            zmin=0,
            zmax=max(int(shown["people"].max()), 1) if len(shown) else 1,
            marker_line_color=BORDER,
            marker_line_width=0.5,
            colorbar={"title": {"text": people}, "thickness": 12, "len": 0.6},
            text=[names[c] for c in shown["nationality"]],
            hovertemplate="%{text}: %{z}<extra></extra>",
            name="people",
        )
    )
    small = legend.small_label()
    fig.add_trace(
        go.Choroplethmap(
            geojson=_world_subset(tuple(hidden["nationality"])),
            locations=list(hidden["nationality"]),
            z=[1] * len(hidden),
            featureidkey="id",
            colorscale=[[0, legend.MASKED_FILL], [1, legend.MASKED_FILL]],
            showscale=False,
            marker_line_color=BORDER,
            marker_line_width=0.5,
            text=[names[c] for c in hidden["nationality"]],
            hovertemplate=f"%{{text}}: {escape_plotly(small)}<extra></extra>",
            name="masked",
        )
    )
    dots = known.dropna(subset=["lat", "lon"])
    dot_masked = masked.loc[dots.index].to_numpy()
    labels = [
        f"{names[c]}: {small if m else format_number(int(n), lang)}"
        for c, n, m in zip(dots["nationality"], dots["people"], dot_masked, strict=True)
    ]
    fig.add_trace(
        go.Scattermap(
            lat=list(dots["lat"]),
            lon=list(dots["lon"]),
            mode="markers",
            marker={"size": 7, "color": MEASURE_COLOUR, "opacity": 0.9},
            text=labels,
            hovertemplate="%{text}<extra></extra>",
            name="countries",
        )
    )
    _map_layout(fig, {"lat": 25, "lon": 40}, 0.0, height)
    return style(fig, title)


def _wrap_towards(lon: float, target: float) -> float:
    """``lon`` moved by 360° so that a straight line to ``target`` takes the short way round."""
    while lon - target > 180:
        lon -= 360
    while target - lon > 180:
        lon += 360
    return lon


def flow_figure(
    flows: pd.DataFrame,
    towns: pd.DataFrame,
    lang: str,
    title: str,
    *,
    masked: pd.Series | None = None,
    max_flows: int = MAX_FLOWS,
    height: int = 460,
) -> go.Figure:
    """Lines from each home country to the towns its people went to, width by people.

    ``flows`` is ``flow_table`` (nationality, region_id, people); ``towns`` has region_id,
    name_en, name_ja, lat, lon. Lines of the same width share one trace (``meta`` = the people
    count it stands for, ``line.width`` = ``flow_width(people)``); masked rows are drawn at the
    width of one person with "<3" in the hover (``meta`` = "<3"). Only the ``max_flows`` largest
    flows are drawn (a map of thousands of lines reads as a smudge; the page says how many are
    left out). The last two traces are the home countries and the towns.
    """
    points = country_points()
    towns = towns.set_index("region_id")
    flows = flows[flows["nationality"].isin(points.index) & flows["region_id"].isin(towns.index)]
    flows = flows.sort_values("people", ascending=False, kind="stable").head(max_flows)
    masked = masked.loc[flows.index] if masked is not None else pd.Series(False, index=flows.index)
    small = legend.small_label()
    name_col = "name_ja" if lang == "ja" else "name_en"
    fig = go.Figure(_land_trace())
    groups: dict[object, list] = {}
    for (code, rid, n), m in zip(
        flows[["nationality", "region_id", "people"]].itertuples(index=False),
        masked.to_numpy(),
        strict=True,
    ):
        groups.setdefault(small if m else int(n), []).append((code, rid))
    town_lat = towns["lat"].astype(float).to_dict()
    town_lon = towns["lon"].astype(float).to_dict()
    town_names = towns[name_col].to_dict()
    home_lat = points["lat"].to_dict()
    home_lon = points["lon"].to_dict()
    for key in sorted(groups, key=lambda k: (isinstance(k, int), k if isinstance(k, int) else 0)):
        lats, lons, texts = [], [], []
        count = key if isinstance(key, str) else legend.number(key, lang)
        for code, rid in groups[key]:
            tlat, tlon = town_lat[rid], town_lon[rid]
            olon = _wrap_towards(float(home_lon[code]), tlon)
            label = t(
                "maps.flow.hover",
                lang,
                country=legend.country(code, lang),
                town=town_names[rid],
                n=count,
            )
            lats += [float(home_lat[code]), tlat, None]
            lons += [olon, tlon, None]
            texts += [label, label, None]
        fig.add_trace(
            go.Scattermap(
                lat=lats,
                lon=lons,
                mode="lines",
                line={"width": flow_width(1 if isinstance(key, str) else key), "color": "#0072B2"},
                opacity=0.55,
                text=texts,
                hovertemplate="%{text}<extra></extra>",
                meta=key,
                name=str(key),
            )
        )
    origins = sorted(set(flows["nationality"]))
    fig.add_trace(
        go.Scattermap(
            lat=[float(home_lat[c]) for c in origins],
            # on the same side of the map as the lines that start there
            lon=[_wrap_towards(float(home_lon[c]), JAPAN_LON) for c in origins],
            mode="markers",
            marker={"size": 7, "color": "#0072B2"},
            text=[country_name(c, lang) for c in origins],
            hovertemplate="%{text}<extra></extra>",
            name="homes",
        )
    )
    shown = towns.loc[sorted(set(flows["region_id"]))] if len(flows) else towns.iloc[:0]
    fig.add_trace(
        go.Scattermap(
            lat=list(shown["lat"].astype(float)),
            lon=list(shown["lon"].astype(float)),
            mode="markers",
            marker={"size": 10, "color": "#D55E00"},
            text=list(shown[name_col]),
            hovertemplate="%{text}<extra></extra>",
            name="towns",
        )
    )
    _map_layout(fig, {"lat": 25, "lon": JAPAN_LON}, 0.0, height)
    return style(fig, title)


def nationality_bars(
    table: pd.DataFrame,
    lang: str,
    title: str,
    *,
    axis: str,
    limit: int = 25,
) -> go.Figure:
    """Ranked horizontal bars of people per nationality, most at the top; unknown kept as its
    own grey bar. At most ``limit`` bars (the rest are named in the page's caption)."""
    table = table.head(limit).copy()
    table["country"] = [country_name(c, lang) for c in table["nationality"]]
    table["colour"] = ["unknown" if c == metrics.UNKNOWN else "known" for c in table["nationality"]]
    table = table.iloc[::-1]
    fig = px.bar(
        table,
        x="people",
        y="country",
        orientation="h",
        text="people",
        color="colour",
        color_discrete_map={"known": MEASURE_COLOUR, "unknown": UNKNOWN_COLOUR},
        custom_data=["nationality"],
        labels={"people": axis, "country": ""},
    )
    fig.update_traces(textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x}")
    fig.update_layout(
        height=max(260, 60 + 26 * len(table)),
        showlegend=False,
        yaxis={"categoryorder": "array", "categoryarray": list(table["country"])},
        xaxis={"tickformat": "d", "rangemode": "tozero"},
        bargap=0.25,
        plot_bgcolor="white",
    )
    top = int(table["people"].max()) if len(table) else 1
    # room to the right of the longest bar for its number
    fig.update_xaxes(
        showgrid=True, gridcolor="#eef1f4", dtick=_tick(table["people"]), range=[0, top * 1.18]
    )
    return style(fig, title)


def _tick(values: pd.Series) -> int | None:
    top = int(values.max()) if len(values) else 0
    return 1 if top <= 10 else None
