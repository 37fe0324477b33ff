"""A town's map as a PNG for its report: Japan's prefectures (the town's filled in), the town's
own outline (N03, credited in the picture) and the town as a dot, drawn by kaleido with Debian's
Chromium, once per town and language and process."""

from __future__ import annotations

import os
import threading
import warnings
from functools import lru_cache

import plotly.graph_objects as go

from dashboard import outlines
from dashboard.geo import prefecture_geojson
from dashboard.i18n import town_name
from dashboard.municipal import COLUMN as CODE

CHROMIUM = "/usr/bin/chromium"
SIZE = 520  # px, width and height of the image
ZOOM = 4.2  # Japan around a town without an outline
OUTLINE_ZOOM = 6.3  # a town with one: its outline readable, its region of Japan around it
OUTLINE_COLOUR = "#D55E00"


def _credit_lines(lang: str) -> str:
    """The credit broken into lines that fit the picture (plotly's ``<br>``)."""
    import textwrap

    if lang == "ja":
        return outlines.CREDIT_JA
    gloss = textwrap.wrap(f"({outlines.CREDIT_EN})", 95)
    return "<br>".join([outlines.CREDIT_JA, *gloss])


def _town_code(region: dict) -> str | None:
    code = region.get(CODE)
    return code if isinstance(code, str) and outlines.has_outline(code) else None


def _prefectures(filled: set[int]) -> go.Figure:
    """A figure of the prefectures (``dashboard.geo``), those coded in ``filled`` filled in."""
    geojson = prefecture_geojson()
    ids = [feature["id"] for feature in geojson["features"]]
    return go.Figure(
        go.Choroplethmap(
            geojson=geojson,
            locations=ids,
            featureidkey="id",
            z=[1 if i in filled else 0 for i in ids],
            colorscale=[[0, "#eef1f4"], [1, "#9ecae1"]],
            zmin=0,
            zmax=1,
            showscale=False,
            marker_line_color="#8a96a3",
            marker_line_width=0.5,
            hoverinfo="skip",
        )
    )


def _framed(fig: go.Figure, lat: float, lon: float, zoom: float) -> go.Figure:
    """``fig`` as a square picture centred on (lat, lon) on a blank background."""
    fig.update_layout(
        map={"style": "white-bg", "center": {"lat": lat, "lon": lon}, "zoom": zoom},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        width=SIZE,
        height=SIZE,
        showlegend=False,
        paper_bgcolor="white",
    )
    return fig


def map_figure(region: dict, lang: str) -> go.Figure:
    """A plotly map of the prefectures (``dashboard.geo``), the town's filled in, the town's
    own outline when its ``municipality_code`` has one (with the credit MLIT asks for along the
    bottom), and the town as a labelled dot in ``lang``, on a blank background (draws
    offline)."""
    fig = _prefectures({int(region["prefecture_code"])})
    town_code = _town_code(region)
    if town_code:
        fig.add_trace(
            go.Choroplethmap(
                geojson=outlines.outline_geojson([town_code]),
                locations=[town_code],
                featureidkey="id",
                z=[1],
                colorscale=[[0, OUTLINE_COLOUR], [1, OUTLINE_COLOUR]],
                marker_opacity=0.35,
                marker_line_color=OUTLINE_COLOUR,
                marker_line_width=2,
                showscale=False,
                hoverinfo="skip",
                name="outline",
            )
        )
        fig.add_annotation(
            text=_credit_lines(lang),
            x=0.01,
            y=0.01,
            xref="paper",
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            align="left",
            font={"size": 9, "color": "#52606d"},
            bgcolor="rgba(255,255,255,0.8)",
        )
    fig.add_trace(
        go.Scattermap(
            lat=[float(region["lat"])],
            lon=[float(region["lon"])],
            mode="markers+text",
            marker={"size": 16, "color": "#D55E00"},
            text=[town_name(region, lang)],
            textposition="middle right",
            textfont={"size": 16, "color": "#1f2933"},
            hoverinfo="skip",
        )
    )
    return _framed(
        fig, float(region["lat"]), float(region["lon"]), OUTLINE_ZOOM if town_code else ZOOM
    )


def towns_map_figure(regions: list[dict], lang: str) -> go.Figure:
    """Like ``map_figure`` for many towns at once (a network's deck): their prefectures filled
    in, each town a labelled dot, centred on them; towns without coordinates are left out."""
    placed = [r for r in regions if r.get("lat") == r.get("lat") and r.get("lon") == r.get("lon")]
    fig = _prefectures(
        {int(r["prefecture_code"]) for r in placed if r.get("prefecture_code") is not None}
    )
    labelled = len(placed) <= 12  # names beside the dots while they stay readable
    fig.add_trace(
        go.Scattermap(
            lat=[float(r["lat"]) for r in placed],
            lon=[float(r["lon"]) for r in placed],
            mode="markers+text" if labelled else "markers",
            marker={"size": 12 if labelled else 6, "color": "#D55E00"},
            text=[town_name(r, lang) for r in placed],
            textposition="middle right",
            textfont={"size": 14, "color": "#1f2933"},
            hoverinfo="skip",
        )
    )
    lat = [float(r["lat"]) for r in placed] or [37.5]
    lon = [float(r["lon"]) for r in placed] or [137.5]
    return _framed(fig, (min(lat) + max(lat)) / 2, (min(lon) + max(lon)) / 2, 3.6)


def _map_key(region: dict, lang: str) -> tuple:
    return (
        str(region["region_id"]),
        int(region["prefecture_code"]),
        float(region["lat"]),
        float(region["lon"]),
        str(region["name_en"]),
        str(region["name_ja"]),
        str(region.get(CODE)),
        lang,
    )


_MAP_LOCK = threading.Lock()
_MAPS: dict[tuple, bytes | None] = {}


def map_png(region: dict, lang: str) -> bytes | None:
    """``map_figure`` as PNG bytes; None when it cannot be drawn (no browser or kaleido).

    Drawn once per town and language and process (a few seconds), then remembered.
    """
    key = _map_key(region, lang)
    with _MAP_LOCK:
        drawn = _MAPS  # checked and filled alike, even if the store is swapped meanwhile (tests)
        if key not in drawn:
            drawn[key] = _draw_map(region, lang)
        return drawn[key]


def warm_map(region: dict, lang: str) -> None:
    """Start ``map_png`` in a background thread, so the report is quick to build."""
    if _map_key(region, lang) not in _MAPS:
        threading.Thread(target=map_png, args=(dict(region), lang), daemon=True).start()


@lru_cache(maxsize=1)
def _kaleido_started() -> bool:
    """Point kaleido at Debian's Chromium (unless BROWSER_PATH says otherwise) and keep one
    browser running for every image (starting one per image costs several seconds)."""
    if not os.environ.get("BROWSER_PATH") and os.path.exists(CHROMIUM):
        os.environ["BROWSER_PATH"] = CHROMIUM
    try:
        import kaleido

        kaleido.start_sync_server(silence_warnings=True)
        return True
    except Exception:  # noqa: BLE001 - one browser per image still works
        return False


_DRAW_LOCK = threading.Lock()


def figure_png(fig: go.Figure, width: int, height: int, scale: float = 2) -> bytes | None:
    """Any figure as PNG bytes through the same kaleido browser as the maps; None when it
    cannot be drawn (no browser or kaleido). One image at a time."""
    _kaleido_started()
    try:
        with _DRAW_LOCK, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fig.to_image(format="png", width=width, height=height, scale=scale)
    except Exception:  # noqa: BLE001 - the caller says the picture is missing
        return None


def _draw_map(region: dict, lang: str) -> bytes | None:
    fig = map_figure(region, lang)
    _kaleido_started()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # kaleido's notes about its server
            return fig.to_image(format="png", width=SIZE, height=SIZE, scale=1)
    except Exception:  # noqa: BLE001 - no browser or kaleido: the report shows the map inline
        return None
