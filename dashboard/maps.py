"""Map builders: tables in, ``folium.Map`` or plotly ``go.Figure`` out, no Streamlit.

Two kinds of map, both drawing their geography without the internet:

- **folium / Leaflet** (partner towns, the town page's small map): Leaflet and the marker-cluster
  plugin are served by the app itself from ``static/`` (Streamlit static serving, at
  ``/app/static/...``); ``offline_assets`` points a map's ``default_js``/``default_css`` there and
  refuses any other remote asset. Prefecture shapes come from the ``japanmap`` package
  (``dashboard.geo``). Only the OpenStreetMap basemap tiles need the internet; without it the
  shapes and markers still draw on a blank background.
- **plotly MapLibre** (world and flow maps): ``choroplethmap``/``scattermap`` traces with the
  world's countries from ``data/geo/`` and ``map_style="white-bg"`` (no tiles at all).

Public, reused by the town page: ``prefecture_geojson()`` (from ``dashboard.geo``) and
``town_map(ds, region_id, lang)``.

Tables (cached per dataset; a ``Dataset`` hashes by identity, so each data version or filter
gets its own entry): ``town_summary``, ``prefecture_counts``, ``nationality_table``,
``flow_table``. Counts are counts of distinct people (rows of participants.csv).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from functools import lru_cache

import folium
import folium.plugins
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from branca.element import MacroElement
from jinja2 import Template

from dashboard import metrics
from dashboard.access import Viewer, mask_count, mask_small_counts, small_cells
from dashboard.charts import style
from dashboard.data import Dataset
from dashboard.geo import country_points, prefecture_geojson, world_geojson, world_ids
from dashboard.i18n import country_name, format_date_range, format_number, t
from dashboard.memo import memo
from dashboard.palette import MEASURE_COLOUR, UNKNOWN_COLOUR

__all__ = [
    "STATIC_URL",
    "flow_figure",
    "flow_table",
    "flow_width",
    "nationality_bars",
    "nationality_table",
    "offline_assets",
    "partner_map",
    "prefecture_counts",
    "prefecture_geojson",
    "select_town",
    "town_map",
    "town_summary",
    "world_figure",
]

# Where Streamlit serves ./static (server.enableStaticServing = true). An absolute path: the
# folium map lives in an iframe under /component/..., where a relative URL would miss.
STATIC_URL = "/app/static"
LEAFLET_DIR = "leaflet-1.9.3"
CLUSTER_DIR = "leaflet.markercluster-1.5.3"
# Leaflet finds marker-icon.png through leaflet.css (images/ beside it).
ASSETS_JS = {
    "leaflet": f"{LEAFLET_DIR}/leaflet.js",
    "markerclusterjs": f"{CLUSTER_DIR}/leaflet.markercluster.js",
}
ASSETS_CSS = {
    "leaflet_css": f"{LEAFLET_DIR}/leaflet.css",
    "markerclustercss": f"{CLUSTER_DIR}/MarkerCluster.css",
    "markerclusterdefaultcss": f"{CLUSTER_DIR}/MarkerCluster.Default.css",
}
# Above this many towns the markers cluster; below it every town keeps its own marker.
CLUSTER_ABOVE = 30
# The flow map draws at most this many home-country-to-town lines, the largest first.
MAX_FLOWS = 400
SHADES = "Blues"
NO_PROGRAM_FILL = "#f1f3f5"
MASKED_FILL = "#c6dbef"
LAND = "#e9edf1"
BORDER = "#ffffff"
TILES = "OpenStreetMap"
JAPAN_BOUNDS = [[30.9, 128.6], [45.6, 145.9]]  # Kyushu to Hokkaido (Okinawa lies outside)
JAPAN_LON = 138.0  # the flow map is centred here; home countries are placed on its side


# --- offline assets ---------------------------------------------------------------------------


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


class _IconPath(MacroElement):
    """Tells Leaflet where its marker images are. Leaflet guesses the folder from leaflet.css,
    which the map's iframe may not have applied yet when the first marker is drawn; the guess
    then falls back to the iframe's own folder (/component/...), where there is no image."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        L.Icon.Default.imagePath = {{ this.path|tojson }};
        {% endmacro %}"""
    )

    def __init__(self, path: str) -> None:
        super().__init__()
        self._name = "IconPath"
        self.path = path


def offline_assets(fmap: folium.Map, base: str = STATIC_URL) -> folium.Map:
    """Point every JS/CSS asset of ``fmap`` and its children at the app's own copies.

    Folium's defaults (Leaflet, jQuery, Bootstrap, awesome-markers, Font Awesome from CDNs) are
    replaced by Leaflet alone: the maps here use Leaflet's own markers, so the rest is not
    needed. The marker-cluster plugin is served too. Raises ``ValueError`` if an element needs
    an asset that is not vendored (it would leave the map blank offline).
    """
    base = base.rstrip("/")
    fmap.default_js = [("leaflet", f"{base}/{ASSETS_JS['leaflet']}")]
    fmap.default_css = [("leaflet_css", f"{base}/{ASSETS_CSS['leaflet_css']}")]
    if not any(isinstance(c, _IconPath) for c in fmap._children.values()):
        icon_path = _IconPath(f"{base}/{LEAFLET_DIR}/images/")
        # first among the map's children, so it runs before any marker is made
        fmap._children = {icon_path.get_name(): icon_path, **fmap._children}
        icon_path._parent = fmap
    for element in _walk(fmap):
        if element is fmap:
            continue
        if isinstance(element, folium.Icon):  # L.AwesomeMarkers, dropped with the CDN defaults
            raise ValueError("folium.Icon needs Leaflet.awesome-markers, not vendored")
        for attr, known in (("default_js", ASSETS_JS), ("default_css", ASSETS_CSS)):
            links = getattr(element, attr, None)
            if not links:
                continue
            local = []
            for name, url in links:
                if name not in known:
                    raise ValueError(f"{type(element).__name__} needs {url}, not vendored")
                local.append((name, f"{base}/{known[name]}"))
            setattr(element, attr, local)
    return fmap


def asset_links(fmap: folium.Map) -> list[str]:
    """Every JS and CSS link the map will load (what streamlit-folium passes to the browser)."""
    links: list[str] = []
    for element in _walk(fmap):
        links += [url for _, url in getattr(element, "default_js", []) or []]
        links += [url for _, url in getattr(element, "default_css", []) or []]
    return list(dict.fromkeys(links))


# --- tables -----------------------------------------------------------------------------------


def _people_by_town(ds: Dataset) -> pd.DataFrame:
    """participant_id, region_id, nationality: one row per person and town."""
    pairs = ds.participations[["participant_id", "program_id"]].merge(
        ds.programs[["program_id", "region_id"]], on="program_id"
    )
    pairs = pairs.merge(ds.participants[["participant_id", "nationality"]], on="participant_id")
    return pairs.drop_duplicates(["participant_id", "region_id"])[
        ["participant_id", "region_id", "nationality"]
    ]


@memo
def town_summary(ds: Dataset) -> pd.DataFrame:
    """One row per town of ``ds.regions``: region_id, name_en, name_ja, prefecture_code, lat,
    lon, programs, people (distinct people listed), reported (the organisation's head count
    added over programs where it gave one, else listed, as ``metrics.participants_by_town``),
    countries (sorted tuple of known alpha-2 codes), unknown (people of unknown nationality),
    program_list (tuple of (title, start_date, end_date) sorted by start, undated last).
    """
    by_town = metrics.participants_by_town(ds).set_index("region_id")
    people = _people_by_town(ds)
    countries = (
        people.dropna(subset=["nationality"])
        .groupby("region_id")["nationality"]
        .agg(lambda s: tuple(sorted(set(s))))
    )
    unknown = people[people["nationality"].isna()].groupby("region_id")["participant_id"].nunique()
    programs = ds.programs.sort_values(["start_date", "program_id"], na_position="last")
    lists: dict[str, list] = {}
    for rid, title, start, end in programs[
        ["region_id", "title", "start_date", "end_date"]
    ].itertuples(index=False, name=None):
        lists.setdefault(rid, []).append((title, start, end))
    program_list = {rid: tuple(items) for rid, items in lists.items()}
    out = ds.regions[["region_id", "name_en", "name_ja", "prefecture_code", "lat", "lon"]].copy()
    ids = out["region_id"]
    out["programs"] = ids.map(by_town["programs"]).fillna(0).astype(int).to_numpy()
    out["people"] = ids.map(by_town["listed"]).fillna(0).astype(int).to_numpy()
    out["reported"] = ids.map(by_town["reported"]).fillna(0).astype(int).to_numpy()
    out["countries"] = [countries.get(r, ()) for r in ids]
    out["unknown"] = ids.map(unknown).fillna(0).astype(int).to_numpy()
    out["program_list"] = [program_list.get(r, ()) for r in ids]
    return out.reset_index(drop=True)


@memo
def prefecture_counts(ds: Dataset) -> pd.DataFrame:
    """All 47 prefectures: code, name_en, name_ja, towns, programs, people (distinct people who
    took part in a program in a town of that prefecture; 0 where no program was held)."""
    shapes = prefecture_geojson()["features"]
    out = pd.DataFrame([f["properties"] for f in shapes])[["code", "name_en", "name_ja"]]
    region_pref = ds.regions.set_index("region_id")["prefecture_code"]
    people = _people_by_town(ds)
    people = people.assign(code=people["region_id"].map(region_pref))
    by_people = people.groupby("code")["participant_id"].nunique()
    programs = ds.programs.assign(code=ds.programs["region_id"].map(region_pref))
    by_programs = programs.groupby("code")["program_id"].count()
    with_program = set(programs["region_id"])
    towns = ds.regions[ds.regions["region_id"].isin(with_program)]
    by_towns = towns.groupby("prefecture_code")["region_id"].count()
    for column, counts in (("towns", by_towns), ("programs", by_programs), ("people", by_people)):
        counts.index = counts.index.astype(int)
        out[column] = out["code"].map(counts).fillna(0).astype(int)
    return out


@memo
def nationality_table(ds: Dataset) -> pd.DataFrame:
    """People per nationality (``metrics.nationality_counts``; "" = unknown, kept) with lat/lon
    of the country's point (NaN for unknown), most first."""
    table = metrics.nationality_counts(ds)
    points = country_points()
    codes = table["nationality"]
    table["lat"] = codes.map(points["lat"]).astype(float)
    table["lon"] = codes.map(points["lon"]).astype(float)
    return table


@memo
def flow_table(ds: Dataset) -> pd.DataFrame:
    """Home country to town: nationality, region_id, people (distinct people of that nationality
    who took part in a program in that town). People of unknown nationality have no home to
    draw a line from: they are left out here and counted by ``unknown_by_town``."""
    people = _people_by_town(ds).dropna(subset=["nationality"])
    out = (
        people.groupby(["nationality", "region_id"])["participant_id"]
        .nunique()
        .reset_index(name="people")
    )
    return out.sort_values(["people", "nationality", "region_id"], ascending=[False, True, True])


@memo
def unknown_in_flows(ds: Dataset) -> int:
    """Distinct people in programs whose nationality is unknown (no line drawn for them)."""
    people = _people_by_town(ds)
    return int(people.loc[people["nationality"].isna(), "participant_id"].nunique())


def flow_width(people: int) -> float:
    """Line width in pixels for ``people`` people: the area of a line grows with the count."""
    return round(1.0 + 2.0 * math.sqrt(max(int(people), 0)), 2)


def select_town(towns: pd.DataFrame, clicked: dict | None, tolerance: float = 1e-6) -> str | None:
    """The region_id of the town whose marker was clicked (streamlit-folium's
    ``last_object_clicked`` = ``{"lat": .., "lng": ..}``), or None when the click was elsewhere
    (a prefecture, the sea). A click on a Leaflet marker reports the marker's own coordinates."""
    if not clicked or clicked.get("lat") is None or towns.empty:
        return None
    lat, lng = float(clicked["lat"]), float(clicked.get("lng", clicked.get("lon")))
    hit = towns[((towns["lat"] - lat).abs() < tolerance) & ((towns["lon"] - lng).abs() < tolerance)]
    return str(hit["region_id"].iloc[0]) if len(hit) else None


# --- folium: partner towns --------------------------------------------------------------------


def _shade(values: pd.Series) -> list[str]:
    """A colour per count from the sequential palette; zero stays neutral."""
    top = max(int(values.max()), 1) if len(values) else 1
    colours = []
    for v in values:
        if v <= 0:
            colours.append(NO_PROGRAM_FILL)
        else:
            # from a light blue (never white, so a small count stays visible) to the darkest
            colours.append(px.colors.sample_colorscale(SHADES, 0.3 + 0.7 * (v / top))[0])
    return colours


def prefecture_fills(prefectures: pd.DataFrame, masked: pd.Series | None = None) -> dict:
    """``{code: fill colour}``: shades of blue by people hosted (the most, the darkest), the
    neutral grey where no program was held, one light shade for masked counts."""
    masked = masked if masked is not None else pd.Series(False, index=prefectures.index)
    shown = prefectures["people"].where(~masked.to_numpy(), 0)
    fills = dict(zip(prefectures["code"], _shade(shown), strict=True))
    for code in prefectures.loc[masked.to_numpy(), "code"]:
        fills[code] = MASKED_FILL
    return fills


def _shown(value, lang: str) -> str:
    return value if isinstance(value, str) else _num(int(value), lang)


def _prefecture_layer(
    prefectures: pd.DataFrame, lang: str, masked: pd.Series | None = None
) -> folium.GeoJson:
    """The 47 prefectures, shaded by people hosted; masked counts in one light shade."""
    shapes = prefecture_geojson()
    table = prefectures.set_index("code")
    masked = masked if masked is not None else pd.Series(False, index=prefectures.index)
    masked_codes = set(prefectures.loc[masked.to_numpy(), "code"])
    fills = prefecture_fills(prefectures, masked)
    name_col = "name_ja" if lang == "ja" else "name_en"
    for feature in shapes["features"]:
        code = feature["id"]
        row = table.loc[code]
        props = feature["properties"]
        props["label"] = row[name_col]
        people = f"<{_small()}" if code in masked_codes else int(row["people"])
        props["people_text"] = (
            t("maps.prefecture.people", lang, n=_shown(people, lang))
            if row["programs"]
            else t("maps.prefecture.none", lang)
        )
        props["fill"] = fills[code]
        props["hosted"] = bool(row["programs"])

    def shade(feature):
        props = feature["properties"]
        return {
            "fillColor": props["fill"],
            "color": "#7b8794",
            "weight": 0.8 if props["hosted"] else 0.5,
            "fillOpacity": 0.8 if props["hosted"] else 0.5,
        }

    return folium.GeoJson(
        shapes,
        name=t("maps.layer.prefectures", lang),
        style_function=shade,
        tooltip=folium.GeoJsonTooltip(fields=["label", "people_text"], labels=False),
    )


def _small() -> int:
    from dashboard.access import SMALL_COUNT_THRESHOLD

    return SMALL_COUNT_THRESHOLD


def _program_line(program: tuple, lang: str) -> str:
    title, start, end = program
    return f"{title} ({_dates(start, end, lang)})"


@lru_cache(maxsize=8192)  # the popups of 1,741 towns date some 5,000 programs
def _dates(start, end, lang: str) -> str:
    return format_date_range(start, end, lang)


@lru_cache(maxsize=2048)
def _country(code: str, lang: str) -> str:
    return country_name(code, lang)


_POPUP_FIELDS = (
    "region_id",
    "name_en",
    "name_ja",
    "programs",
    "program_list",
    "countries",
    "people_shown",
    "reported_shown",
    "unknown_shown",
)


@lru_cache(maxsize=16384)
def _popup_cached(values: tuple, lang: str, link_base: str) -> str:
    return town_popup(dict(zip(_POPUP_FIELDS, values, strict=True)), lang, link_base)


def _popup(row: dict, lang: str, link_base: str) -> str:
    """``town_popup``, remembered by the row's values (a town that did not change is not
    formatted again on the next data version)."""
    values = tuple(row[f] for f in _POPUP_FIELDS)
    return _popup_cached(values, lang, link_base)


@lru_cache(maxsize=4096)
def _num(value, lang: str) -> str:
    return format_number(value, lang)


def town_popup(row: dict, lang: str, link_base: str = "/") -> str:
    """The popup HTML of one town (every data value escaped): names in both languages, its
    programs with dates, people, countries, and a link to the town's page in ``lang``."""
    other = "en" if lang == "ja" else "ja"
    name = row["name_ja"] if lang == "ja" else row["name_en"]
    other_name = row["name_ja"] if other == "ja" else row["name_en"]
    e = html.escape
    programs = "".join(f"<li>{e(_program_line(p, lang))}</li>" for p in row["program_list"])
    countries = ", ".join(_country(c, lang) for c in row["countries"])
    lines = [
        f"<b>{e(name)}</b> <span style='color:#52606d'>{e(other_name)}</span>",
        f"<div>{e(t('maps.popup.programs', lang, n=_num(int(row['programs']), lang)))}</div>",
        f"<ul style='margin:2px 0 4px 16px;padding:0'>{programs}</ul>" if programs else "",
        f"<div>{e(t('maps.popup.people', lang, n=_shown(row['people_shown'], lang)))}</div>",
    ]
    if row.get("reported_shown") is not None and row["reported_shown"] != row["people_shown"]:
        reported = _shown(row["reported_shown"], lang)
        lines.append(f"<div>{e(t('maps.popup.reported', lang, n=reported))}</div>")
    if countries:
        lines.append(f"<div>{e(t('maps.popup.countries', lang, names=countries))}</div>")
    if row["unknown_shown"]:
        unknown = _shown(row["unknown_shown"], lang)
        lines.append(f"<div>{e(t('maps.popup.unknown', lang, n=unknown))}</div>")
    href = f"{link_base}town?town={row['region_id']}&lang={lang}"
    lines.append(
        f"<div style='margin-top:4px'><a href='{e(href)}' target='_blank' rel='noopener'>"
        f"{e(t('maps.popup.open_town', lang, town=name))}</a></div>"
    )
    return "".join(lines)


def town_tooltip(row: dict, lang: str) -> str:
    """The short hover text of one town: both names and its people."""
    other = "en" if lang == "ja" else "ja"
    name = row["name_ja"] if lang == "ja" else row["name_en"]
    other_name = row["name_ja"] if other == "ja" else row["name_en"]
    people = t("maps.popup.people", lang, n=_shown(row["people_shown"], lang))
    return f"<b>{html.escape(name)}</b> {html.escape(other_name)}<br>{html.escape(people)}"


# FastMarkerCluster writes ``var callback = <this>;``: a function expression. Each row is
# [lat, lon, name, tooltip HTML, popup HTML].
MARKER_CALLBACK = """function (row) {
    var marker = L.marker(new L.LatLng(row[0], row[1]), {title: row[2], alt: row[2]});
    marker.bindTooltip(row[3]);
    marker.bindPopup(row[4], {maxWidth: 340});
    return marker;
}"""


def _fit(fmap: folium.Map, lats, lons, pad: float = 0.6) -> None:
    lats, lons = list(lats), list(lons)
    if not lats:
        fmap.fit_bounds(JAPAN_BOUNDS)
        return
    south, north = min(lats) - pad, max(lats) + pad
    west, east = min(lons) - pad, max(lons) + pad
    # one town (or towns close together): keep some of the country around it in view
    if north - south < 3:
        mid = (north + south) / 2
        south, north = mid - 1.5, mid + 1.5
    if east - west < 3:
        mid = (east + west) / 2
        west, east = mid - 1.5, mid + 1.5
    fmap.fit_bounds([[south, west], [north, east]])


def partner_map(
    towns: pd.DataFrame,
    prefectures: pd.DataFrame,
    lang: str,
    *,
    link_base: str = "/",
    asset_base: str = STATIC_URL,
    prefecture_masked: pd.Series | None = None,
    cluster_above: int = CLUSTER_ABOVE,
    height: int = 560,
) -> folium.Map:
    """The partner-towns map: prefectures shaded by people hosted, one marker per town.

    ``towns`` is ``town_summary`` (optionally with ``people_shown``/``reported_shown``/
    ``unknown_shown`` columns holding masked counts such as "<3"); ``prefectures`` is
    ``prefecture_counts``. Each marker has a tooltip (names, people) and a popup (programs with
    dates, people, countries, a link to ``{link_base}town?town=<id>&lang=<lang>``). Above
    ``cluster_above`` towns the markers cluster. The view fits the towns shown.
    """
    towns = _with_shown(towns)
    fmap = folium.Map(
        location=[37.5, 137.5],
        zoom_start=5,
        tiles=TILES,
        height=height,
        prefer_canvas=False,
        control_scale=True,
    )
    _prefecture_layer(prefectures, lang, prefecture_masked).add_to(fmap)
    rows = towns.to_dict("records")
    data = [
        [
            float(r["lat"]),
            float(r["lon"]),
            r["name_ja"] if lang == "ja" else r["name_en"],
            town_tooltip(r, lang),
            _popup(r, lang, link_base),
        ]
        for r in rows
    ]
    options = {"maxClusterRadius": 60, "spiderfyOnMaxZoom": True}
    if len(data) <= cluster_above:
        options["disableClusteringAtZoom"] = 1  # few towns: every marker stands on its own
    folium.plugins.FastMarkerCluster(
        data, callback=MARKER_CALLBACK, name=t("maps.layer.towns", lang), **options
    ).add_to(fmap)
    _fit(fmap, towns["lat"], towns["lon"])
    return offline_assets(fmap, asset_base)


def _with_shown(towns: pd.DataFrame) -> pd.DataFrame:
    out = towns.copy()
    for column in ("people", "reported", "unknown"):
        if f"{column}_shown" not in out:
            out[f"{column}_shown"] = out[column]
    return out


@memo(maxsize=16)
def town_map(
    ds: Dataset,
    region_id: str,
    lang: str,
    *,
    asset_base: str = STATIC_URL,
    height: int = 300,
) -> folium.Map:
    """A small map of Japan for one town's page: its prefecture filled, the town as a marker.

    Works offline like ``partner_map`` (show it with
    ``map_view.show(m, "town_map", 300)``). The view is Japan around
    the town. Raises ``KeyError`` for a region_id not in ``ds.regions``.
    """
    regions = ds.regions.set_index("region_id")
    if region_id not in regions.index:
        raise KeyError(region_id)
    region = regions.loc[region_id]
    code = int(region["prefecture_code"]) if pd.notna(region["prefecture_code"]) else None
    name = region["name_ja"] if lang == "ja" else region["name_en"]
    shapes = prefecture_geojson()
    name_col = "name_ja" if lang == "ja" else "name_en"
    for feature in shapes["features"]:
        feature["properties"]["label"] = feature["properties"][name_col]
    fmap = folium.Map(
        location=[float(region["lat"]), float(region["lon"])],
        zoom_start=5,
        tiles=TILES,
        height=height,
        control_scale=False,
    )
    folium.GeoJson(
        shapes,
        name=t("maps.layer.prefectures", lang),
        style_function=lambda f: {
            "fillColor": "#9ecae1" if f["id"] == code else NO_PROGRAM_FILL,
            "color": "#7b8794",
            "weight": 0.6,
            "fillOpacity": 0.8 if f["id"] == code else 0.5,
        },
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(fmap)
    folium.Marker(
        [float(region["lat"]), float(region["lon"])],
        tooltip=html.escape(name),
    ).add_to(fmap)
    lat, lon = float(region["lat"]), float(region["lon"])
    fmap.fit_bounds([[lat - 3.0, lon - 4.0], [lat + 3.0, lon + 4.0]])
    return offline_assets(fmap, asset_base)


# --- plotly: where people come from -----------------------------------------------------------


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
            colorscale=SHADES,
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
    small = f"<{_small()}"
    fig.add_trace(
        go.Choroplethmap(
            geojson=_world_subset(tuple(hidden["nationality"])),
            locations=list(hidden["nationality"]),
            z=[1] * len(hidden),
            featureidkey="id",
            colorscale=[[0, MASKED_FILL], [1, MASKED_FILL]],
            showscale=False,
            marker_line_color=BORDER,
            marker_line_width=0.5,
            text=[names[c] for c in hidden["nationality"]],
            hovertemplate=f"%{{text}}: {small}<extra></extra>",
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
    small = f"<{_small()}"
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
        count = key if isinstance(key, str) else _num(key, lang)
        for code, rid in groups[key]:
            tlat, tlon = town_lat[rid], town_lon[rid]
            olon = _wrap_towards(float(home_lon[code]), tlon)
            label = t(
                "maps.flow.hover", lang, country=_country(code, lang), town=town_names[rid], n=count
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


# --- what the maps page shows -----------------------------------------------------------------
# Built once per dataset, language and viewer (and, for the folium map, the app's URL paths): a
# rerun that changes none of them builds nothing.


@dataclass(frozen=True, eq=False)
class PartnerView:
    """The partner-towns map with the tables beside it: ``towns`` (``town_summary`` plus
    ``people_shown``, ``reported_shown``, ``unknown_shown``: counts as the viewer may see them),
    ``prefectures`` (``prefecture_counts``) and ``prefecture_masked`` (True where a prefecture's
    count is hidden from the viewer). Shared between reruns: read it, do not change it."""

    map: folium.Map | None
    towns: pd.DataFrame
    prefectures: pd.DataFrame
    prefecture_masked: pd.Series


@memo(maxsize=8)
def partner_view(
    ds: Dataset, lang: str, viewer: Viewer, link_base: str = "/", asset_base: str = STATIC_URL
) -> PartnerView:
    """``partner_map`` of ``ds`` for ``viewer``: counts of 1 or 2 people become "<3" where the
    viewer may not see those people one by one (``map`` is None when there are no towns)."""
    towns = town_summary(ds)
    prefectures = prefecture_counts(ds)
    shown = mask_small_counts(towns, ["people", "reported", "unknown"], viewer)
    towns = towns.assign(
        people_shown=shown["people"],
        reported_shown=shown["reported"],
        unknown_shown=shown["unknown"],
    )
    masked = small_cells(prefectures, ["people"], viewer)["people"]
    fmap = None
    if not towns.empty:
        fmap = partner_map(
            towns,
            prefectures,
            lang,
            link_base=link_base,
            asset_base=asset_base,
            prefecture_masked=masked,
        )
    return PartnerView(fmap, towns, prefectures, masked)


@dataclass(frozen=True, eq=False)
class Origins:
    """Where participants come from, as the maps page shows it.

    ``world``: the world map; ``unknown``: people of unknown nationality (a count, or "<3");
    ``flows``: the flow map (None when no one of known nationality took part in a program);
    ``flow_count``: home-country-to-town pairs; ``no_line``: people in programs whose
    nationality is unknown (count or "<3"); ``bars``: the ranked bars (None when every country
    is hidden); ``more``: countries beyond the bars' limit; ``hidden``: countries hidden from
    the viewer (1 or 2 people). Country lists are names in the page's language.
    """

    world: go.Figure
    unknown: int | str
    flows: go.Figure | None
    flow_count: int
    no_line: int | str
    bars: go.Figure | None
    more: list[str]
    hidden: list[str]


BARS_LIMIT = 25  # bars beside the maps; the rest are named under them


@memo(maxsize=8)
def origins(ds: Dataset, full: Dataset, lang: str, viewer: Viewer) -> Origins | None:
    """The world map, flows and ranked bars of ``ds`` for ``viewer`` (None when no one is
    listed)."""
    nat = nationality_table(ds)
    if nat.empty:
        return None
    masked = small_cells(nat, ["people"], viewer)["people"]
    known = nat[nat["nationality"] != ""]
    count = format_number(len(known), lang)
    title = t("maps.world.title", lang, n=count) if len(known) else t("maps.world.title_none", lang)
    world = world_figure(nat, lang, title, masked=masked)
    unknown = mask_count(int(nat.loc[nat["nationality"] == "", "people"].sum()), viewer)

    flows = flow_table(ds)
    flow_fig = None
    if not flows.empty:
        flow_masked = small_cells(flows, ["people"], viewer)["people"]
        flow_fig = flow_figure(
            flows, full.regions, lang, t("maps.flow.title", lang), masked=flow_masked
        )
    no_line = mask_count(unknown_in_flows(ds), viewer)

    bars = nat[~masked.to_numpy()]
    bars_fig = None
    if not bars.empty:
        bars_fig = nationality_bars(
            bars, lang, t("maps.bars.title", lang), axis=t("maps.bars.axis", lang),
            limit=BARS_LIMIT,
        )  # fmt: skip
    names = lambda codes: [country_name(c, lang) for c in codes]  # noqa: E731
    return Origins(
        world=world,
        unknown=unknown,
        flows=flow_fig,
        flow_count=len(flows),
        no_line=no_line,
        bars=bars_fig,
        more=names(bars["nationality"].iloc[BARS_LIMIT:]),
        hidden=names(nat.loc[masked.to_numpy(), "nationality"]),
    )
