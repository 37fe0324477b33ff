"""Leaflet (folium) maps of Japan: the partner-towns map and the town page's small map.

Leaflet and the marker-cluster plugin come from the app's ``static/`` (``assets``), the
prefecture shapes from the ``japanmap`` package (``dashboard.geo``), the towns' own outlines from
N03 (``dashboard.outlines``, credited in the map's corner): only the OpenStreetMap basemap tiles
need the internet; without it the shapes and markers still draw on a blank background.

Every text from the data reaches the map's script as JSON: the partner map's marker rows
(``MARKER_CALLBACK``, tooltip and popup HTML escaped in Python), the town map's marker tooltip
and the prefecture tooltips (``tooltips``). Nothing from the data is pasted into script text.
"""

from __future__ import annotations

import html
from functools import lru_cache

import folium
import folium.plugins
import pandas as pd
import plotly.express as px

from dashboard import outlines
from dashboard.data import Dataset
from dashboard.geo import prefecture_geojson
from dashboard.i18n import other_lang, t, town_name
from dashboard.maps import legend
from dashboard.maps.assets import STATIC_URL, offline_assets
from dashboard.maps.tooltips import Attribution, TextGeoJsonTooltip, TextTooltip
from dashboard.memo import memo
from dashboard.municipal import COLUMN as CODE

# Above this many towns the markers cluster; below it every town keeps its own marker.
CLUSTER_ABOVE = 30
TILES = "OpenStreetMap"
JAPAN_BOUNDS = [[30.9, 128.6], [45.6, 145.9]]  # Kyushu to Hokkaido (Okinawa lies outside)
OUTLINE_COLOUR = "#D55E00"  # a town's own outline, the colour of its pin in the report


def _shade(values: pd.Series, palette: str = legend.SHADES) -> list[str]:
    """A colour per count from the sequential palette; zero stays neutral.

    From a light blue (never white, so a small count stays visible) to the darkest; the
    palette is sampled once for all the distinct counts (one call per count took seconds at
    1,741 towns)."""
    top = max(int(values.max()), 1) if len(values) else 1
    counts = sorted({int(v) for v in values if v > 0})
    points = [0.3 + 0.7 * (v / top) for v in counts]
    sampled = dict(zip(counts, px.colors.sample_colorscale(palette, points), strict=True))
    return [sampled[int(v)] if v > 0 else legend.NO_PROGRAM_FILL for v in values]


def prefecture_fills(prefectures: pd.DataFrame, masked: pd.Series | None = None) -> dict:
    """``{code: fill colour}``: shades of blue by people hosted (the most, the darkest), the
    neutral grey where no program was held, one light shade for masked counts."""
    masked = masked if masked is not None else pd.Series(False, index=prefectures.index)
    shown = prefectures["people"].where(~masked.to_numpy(), 0)
    fills = dict(zip(prefectures["code"], _shade(shown), strict=True))
    for code in prefectures.loc[masked.to_numpy(), "code"]:
        fills[code] = legend.MASKED_FILL
    return fills


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
        people = legend.small_label() if code in masked_codes else int(row["people"])
        props["people_text"] = (
            t("maps.prefecture.people", lang, n=legend.shown(people, lang))
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

    layer = folium.GeoJson(shapes, name=t("maps.layer.prefectures", lang), style_function=shade)
    return layer.add_child(TextGeoJsonTooltip(["label", "people_text"]))


def _code(value) -> str | None:
    return value if isinstance(value, str) and value else None


def municipality_layer(towns: pd.DataFrame, lang: str) -> folium.GeoJson | None:
    """The towns' own municipalities (``municipality_code``), shaded by people in oranges
    over the blue prefectures they lie in, a masked count in the masked shade; towns sharing a
    municipality are one shape naming them all. None when no town has an outline.

    ``towns`` is ``town_summary`` with the ``*_shown`` columns of ``partner_map``."""
    if CODE not in towns.columns:
        return None
    rows = [r for r in towns.to_dict("records") if outlines.has_outline(_code(r[CODE]) or "")]
    if not rows:
        return None
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row[CODE], []).append(row)
    people = pd.Series(
        [sum(int(r["people"]) for r in g if not isinstance(r["people_shown"], str))
         for g in groups.values()]
    )  # fmt: skip
    fills = dict(zip(groups, _shade(people, legend.TOWN_SHADES), strict=True))
    props = {}
    for code, group in groups.items():
        if all(isinstance(r["people_shown"], str) for r in group):
            fills[code] = legend.MASKED_FILL
        name = outlines.properties(code)["name_ja"]
        shown = [
            t("maps.popup.people", lang, n=legend.shown(r["people_shown"], lang)) for r in group
        ]
        label = ", ".join(town_name(r, lang) for r in group[:5])
        if len(group) > 5:
            label += " …"
        props[code] = {
            "label": label
            if label == name
            else (f"{label}（{name}）" if lang == "ja" else f"{label} ({name})"),
            "people_text": shown[0] if len(shown) == 1 else " / ".join(shown[:5]),
            "fill": fills[code],
        }
    shapes = outlines.outline_geojson(groups, props)

    # many towns side by side: a hairline, or the edges alone would darken the whole country
    edge = 1.2 if len(groups) <= CLUSTER_ABOVE else 0.2

    def shade(feature):
        return {
            "fillColor": feature["properties"]["fill"],
            "color": "#7f2704",
            "weight": edge,
            "fillOpacity": 0.9,
        }

    layer = folium.GeoJson(
        shapes, name=t("municipal.layer.towns", lang), style_function=shade, smooth_factor=0.5
    )
    return layer.add_child(TextGeoJsonTooltip(["label", "people_text"]))


def _program_line(program: tuple, lang: str) -> str:
    title, start, end = program
    return f"{title} ({legend.dates(start, end, lang)})"


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


def town_popup(row: dict, lang: str, link_base: str = "/") -> str:
    """The popup HTML of one town (every data value escaped): names in both languages, its
    programs with dates, people, countries, and a link to the town's page in ``lang``."""
    name, other_name = town_name(row, lang), town_name(row, other_lang(lang))
    e = html.escape
    programs = "".join(f"<li>{e(_program_line(p, lang))}</li>" for p in row["program_list"])
    countries = ", ".join(legend.country(c, lang) for c in row["countries"])
    held = legend.number(int(row["programs"]), lang)
    lines = [
        f"<b>{e(name)}</b> <span style='color:#52606d'>{e(other_name)}</span>",
        f"<div>{e(t('maps.popup.programs', lang, n=held))}</div>",
        f"<ul style='margin:2px 0 4px 16px;padding:0'>{programs}</ul>" if programs else "",
        f"<div>{e(t('maps.popup.people', lang, n=legend.shown(row['people_shown'], lang)))}</div>",
    ]
    if row.get("reported_shown") is not None and row["reported_shown"] != row["people_shown"]:
        reported = legend.shown(row["reported_shown"], lang)
        lines.append(f"<div>{e(t('maps.popup.reported', lang, n=reported))}</div>")
    if countries:
        lines.append(f"<div>{e(t('maps.popup.countries', lang, names=countries))}</div>")
    if row["unknown_shown"]:
        unknown = legend.shown(row["unknown_shown"], lang)
        lines.append(f"<div>{e(t('maps.popup.unknown', lang, n=unknown))}</div>")
    href = f"{link_base}town?town={row['region_id']}&lang={lang}"
    lines.append(
        f"<div style='margin-top:4px'><a href='{e(href)}' target='_blank' rel='noopener'>"
        f"{e(t('maps.popup.open_town', lang, town=name))}</a></div>"
    )
    return "".join(lines)


def town_tooltip(row: dict, lang: str) -> str:
    """The short hover text of one town: both names and its people."""
    name, other_name = town_name(row, lang), town_name(row, other_lang(lang))
    people = t("maps.popup.people", lang, n=legend.shown(row["people_shown"], lang))
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
    """The partner-towns map: prefectures shaded by people hosted, the towns' own
    municipalities shaded inside them (``municipality_layer``), one marker per town.

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
    municipalities = municipality_layer(towns, lang)
    if municipalities is not None:
        municipalities.add_to(fmap)
        # the Japanese credit in the corner; its English gloss is in the notes under the map
        fmap.add_child(Attribution(outlines.CREDIT_JA))
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
    """A small map for one town's page: its prefecture filled, the town's own outline drawn
    (when its ``municipality_code`` has one; ``outline_credit`` is its caption's credit) and
    the town as a marker.

    Works offline like ``partner_map`` (show it with
    ``map_view.show(m, "town_map", 300)``). The view is the town's outline with its
    surroundings, or Japan around the town without one. Raises ``KeyError`` for a region_id not
    in ``ds.regions``.
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
            "fillColor": "#9ecae1" if f["id"] == code else legend.NO_PROGRAM_FILL,
            "color": "#7b8794",
            "weight": 0.6,
            "fillOpacity": 0.8 if f["id"] == code else 0.5,
        },
    ).add_child(TextGeoJsonTooltip(["label"])).add_to(fmap)
    town_code = _code(region.get(CODE))
    box = outlines.bounds(town_code) if town_code else None
    if box is not None:
        own = outlines.outline_geojson([town_code], {town_code: {"label": name}})
        folium.GeoJson(
            own,
            name=t("municipal.layer.town", lang),
            style_function=lambda f: {
                "fillColor": OUTLINE_COLOUR,
                "color": OUTLINE_COLOUR,
                "weight": 2.0,
                "fillOpacity": 0.25,
            },
        ).add_child(TextGeoJsonTooltip(["label"])).add_to(fmap)
        # the credit is in the caption right under this small map (``outline_credit``): in
        # its corner it would cover half of it
    # the name as data: folium's own tooltip pastes it into a template literal, where ` and
    # ${...} would run
    marker = folium.Marker([float(region["lat"]), float(region["lon"])])
    marker.add_child(TextTooltip(name)).add_to(fmap)
    lat, lon = float(region["lat"]), float(region["lon"])
    if box is None:
        fmap.fit_bounds([[lat - 3.0, lon - 4.0], [lat + 3.0, lon + 4.0]])
    else:  # the outline and about as much again around it, at least a degree across
        south, west, north, east = box
        pad_lat = max((north - south) * 0.6, 0.5 - (north - south) / 2)
        pad_lon = max((east - west) * 0.6, 0.5 - (east - west) / 2)
        fmap.fit_bounds([[south - pad_lat, west - pad_lon], [north + pad_lat, east + pad_lon]])
    return offline_assets(fmap, asset_base)


def outline_credit(region: dict, lang: str) -> str:
    """The credit of the outlines (``outlines.credit``) when ``town_map`` draws the town's
    outline, else ""."""
    code = _code(region.get(CODE))
    return outlines.credit(lang) if code and outlines.has_outline(code) else ""
