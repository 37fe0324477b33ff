"""Map builders without Streamlit: shapes, markers, shading and flow widths against the seed.

Counts made by hand from data/*.csv: Tono 11 people from 9 countries and 2 of unknown
nationality; Hokkaido hosted Shimokawa (4) and Urahoro (3, two of whom were also in Tono) = 7;
Miyagi (Ishinomaki, two programs) 8; Fukuoka (Yame) 1; 4 people of unknown nationality.
"""

from __future__ import annotations

import json
import re

import folium
import pandas as pd
import pytest

from dashboard.geo import country_points, prefecture_geojson, world_geojson
from dashboard.i18n import t
from dashboard.maps import assets, japan, legend, tables, world
from dashboard.metrics import Filters, apply_filters

from .conftest import APP, app_test, figure_data


def rendered(fmap: folium.Map) -> str:
    return fmap.get_root().render()


def marker_rows(fmap: folium.Map) -> list[list]:
    """The rows the marker cluster draws: [lat, lon, name, tooltip, popup]."""
    clusters = [
        c for c in fmap._children.values() if isinstance(c, folium.plugins.FastMarkerCluster)
    ]
    assert len(clusters) == 1
    return clusters[0].data


def partner(ds, lang="en", **kwargs) -> folium.Map:
    return japan.partner_map(tables.town_summary(ds), tables.prefecture_counts(ds), lang, **kwargs)


# --- shapes -------------------------------------------------------------------------------------


def test_there_are_47_prefecture_shapes_with_codes_and_names():
    shapes = prefecture_geojson()
    features = shapes["features"]
    assert len(features) == 47
    assert [f["id"] for f in features] == list(range(1, 48))
    iwate = features[2]["properties"]
    assert (iwate["code"], iwate["name_en"], iwate["name_ja"]) == (3, "Iwate", "岩手県")
    assert features[0]["properties"]["name_ja"] == "北海道"
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)


def test_prefecture_shapes_are_a_fresh_copy_each_time():
    first = prefecture_geojson()
    first["features"][0]["properties"]["name_en"] = "changed"
    assert prefecture_geojson()["features"][0]["properties"]["name_en"] == "Hokkaido"


def test_each_town_lies_inside_its_own_prefecture(dataset):
    from shapely.geometry import Point, shape

    shapes = {f["id"]: shape(f["geometry"]) for f in prefecture_geojson()["features"]}
    for row in dataset.regions.to_dict("records"):
        point = Point(row["lon"], row["lat"])
        assert shapes[int(row["prefecture_code"])].buffer(0.05).contains(point), row["region_id"]


def test_the_world_has_its_countries_and_a_point_for_small_ones():
    ids = {f["id"] for f in world_geojson()["features"]}
    assert {"JP", "TH", "US", "BR", "VN", "TW"} <= ids
    assert "SG" not in ids  # too small for 1:110m: drawn as a dot from its point instead
    points = country_points()
    assert {"SG", "NA"} <= set(points.index)  # Namibia's "NA" is not read as missing
    # no shape runs across the whole map (a band at the antimeridian)
    for feature in world_geojson()["features"]:
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        for polygon in polygons:
            xs = [x for x, _ in polygon[0]]
            assert max(xs) - min(xs) < 300, feature["id"]


# --- partner towns (folium) ---------------------------------------------------------------------


def test_partner_map_has_one_marker_per_town_at_its_coordinates(dataset):
    rows = marker_rows(partner(dataset))
    got = sorted((name, lat, lon) for lat, lon, name, _, _ in rows)
    expected = sorted(
        (r["name_en"], r["lat"], r["lon"]) for r in dataset.regions.to_dict("records")
    )
    assert got == expected


def test_prefectures_are_shaded_by_the_people_they_hosted(dataset):
    counts = tables.prefecture_counts(dataset).set_index("code")["people"]
    assert len(counts) == 47
    assert counts[3] == 11  # Iwate: Tono
    assert counts[1] == 7  # Hokkaido: Shimokawa 4 + Urahoro 3, each person once
    assert counts[4] == 8  # Miyagi: Ishinomaki, two programs
    assert counts[40] == 1  # Fukuoka: Yame
    assert counts.drop([1, 3, 4, 40]).eq(0).all()
    fills = japan.prefecture_fills(tables.prefecture_counts(dataset))
    assert fills[13] == legend.NO_PROGRAM_FILL  # Tokyo hosted nobody: neutral
    assert len({fills[3], fills[4], fills[1], fills[40]}) == 4  # one shade per count
    assert fills[3] == japan._shade(pd.Series([11, 11]))[0]  # the most people: the darkest
    html = rendered(partner(dataset))
    assert fills[3] in html and fills[40] in html


def test_a_town_popup_lists_programs_dates_people_countries_and_links_to_its_page(dataset):
    rows = {r[2]: r for r in marker_rows(partner(dataset, "ja"))}
    popup = rows["遠野市"][4]
    assert "遠野市" in popup and "Tono" in popup  # both names
    assert "2017年9月6日～9日" in popup
    assert "参加者（名簿）：11人" in popup
    assert "団体の発表" not in popup  # 11 listed = 11 reported: no second figure
    for country in ("タイ", "ブラジル", "台湾", "アメリカ合衆国", "スペイン"):
        assert country in popup
    assert "国籍不明：2人" in popup
    assert "href='/town?town=tono&amp;lang=ja'" in popup
    assert "target='_blank'" in popup


def test_popup_text_from_the_data_is_escaped(dataset):
    programs = dataset.programs.copy()
    programs.loc[programs["region_id"] == "yame", "title"] = "<script>alert(1)</script>"
    ds = dataset.replace(programs=programs)
    rows = {r[2]: r for r in marker_rows(partner(ds))}
    assert "<script>" not in rows["Yame"][4]
    assert "&lt;script&gt;" in rows["Yame"][4]


def test_the_town_filter_keeps_only_that_town_and_its_prefecture(dataset):
    ds = apply_filters(dataset, Filters(towns=("tono",)))
    rows = marker_rows(partner(ds))
    assert [r[2] for r in rows] == ["Tono"]
    counts = tables.prefecture_counts(ds).set_index("code")["people"]
    assert counts[3] == 11 and counts.sum() == 11


def test_the_nationality_filter_counts_only_those_people(dataset):
    ds = apply_filters(dataset, Filters(nationalities=("TH",)))
    towns = tables.town_summary(ds).set_index("region_id")
    # Jade (Shimokawa), Gae (Yame), one Thai participant in Tono; Lee is in no program
    assert towns["people"].to_dict() == {"shimokawa": 1, "tono": 1, "yame": 1}
    assert tables.nationality_table(ds)["people"].tolist() == [4]
    assert tables.flow_table(ds)["people"].sum() == 3


def test_the_map_loads_only_what_the_app_serves(dataset):
    fmap = partner(dataset)
    links = assets.asset_links(fmap)
    assert links and all(link.startswith("/app/static/") for link in links)
    for link in links:
        assert (APP.parent / "static" / link.removeprefix("/app/static/")).is_file(), link
    html = rendered(fmap)
    remote = set(re.findall(r"(?:src|href)=\"(https?://[^\"]+)\"", html))
    assert remote == set()
    assert "tile.openstreetmap.org" in html  # basemap tiles: the only thing that needs the net
    assert (APP.parent / "static/leaflet-1.9.3/images/marker-icon.png").is_file()
    assert (APP.parent / "static/leaflet-1.9.3/LICENSE").is_file()
    assert (APP.parent / "static/leaflet.markercluster-1.5.3/LICENSE").is_file()


def test_an_element_that_needs_a_cdn_asset_is_refused():
    fmap = folium.Map()
    folium.Marker([35, 135], icon=folium.Icon(icon="info-sign")).add_to(fmap)
    with pytest.raises(ValueError, match="not vendored"):
        assets.offline_assets(fmap)
    fmap = folium.Map()
    folium.plugins.Fullscreen().add_to(fmap)
    with pytest.raises(ValueError, match="not vendored"):
        assets.offline_assets(fmap)


def test_many_towns_cluster_and_few_do_not(dataset):
    few = marker_rows(partner(dataset))
    assert len(few) == 5
    cluster = next(
        c
        for c in partner(dataset)._children.values()
        if isinstance(c, folium.plugins.FastMarkerCluster)
    )
    assert cluster.options.get("disableClusteringAtZoom") == 1
    towns = synthetic_towns(1741)
    fmap = japan.partner_map(towns, tables.prefecture_counts(dataset), "en")
    big = next(
        c for c in fmap._children.values() if isinstance(c, folium.plugins.FastMarkerCluster)
    )
    assert len(big.data) == 1741
    assert "disableClusteringAtZoom" not in big.options


def synthetic_towns(n: int) -> pd.DataFrame:
    """A quick town table of ``n`` towns spread over Honshu, in ``town_summary``'s shape."""
    rows = []
    for i in range(n):
        rows.append(
            {
                "region_id": f"t{i:04d}",
                "name_en": f"Town {i}",
                "name_ja": f"町{i}",
                "prefecture_code": 13,
                "lat": 34.0 + (i % 50) * 0.1,
                "lon": 132.0 + (i // 50) * 0.2,
                "programs": 1,
                "people": i % 7,
                "reported": i % 7,
                "countries": ("TH",),
                "unknown": 0,
                "program_list": (("Program", pd.Timestamp("2020-01-01"), pd.NaT),),
            }
        )
    return pd.DataFrame(rows)


def test_the_view_fits_the_towns_shown(dataset):
    html = rendered(partner(apply_filters(dataset, Filters(towns=("yame", "shimokawa")))))
    bounds = json.loads(re.search(r"fitBounds\(\s*(\[\[.*?\]\])", html, re.S).group(1))
    (south, west), (north, east) = bounds
    assert south < 33.2119 < 44.3036 < north
    assert west < 130.5581 < 142.6357 < east


def test_clicking_a_marker_selects_its_town(dataset):
    towns = tables.town_summary(dataset)
    assert tables.select_town(towns, {"lat": 39.3276, "lng": 141.5334}) == "tono"
    assert tables.select_town(towns, {"lat": 39.0, "lng": 141.0}) is None  # a prefecture
    assert tables.select_town(towns, None) is None


def test_the_town_map_fills_the_towns_prefecture(dataset):
    fmap = japan.town_map(dataset, "tono", "ja")
    html = rendered(fmap)
    assert "39.3276" in html and "141.5334" in html
    assert all(link.startswith("/app/static/") for link in assets.asset_links(fmap))
    assert '"fillColor": "#9ecae1"' in html
    with pytest.raises(KeyError):
        japan.town_map(dataset, "atlantis", "en")


# --- where participants come from (plotly) ------------------------------------------------------


def test_the_world_map_shades_each_country_by_its_people(dataset):
    table = tables.nationality_table(dataset)
    fig = world.world_figure(table, "en", "t")
    spec = fig.to_plotly_json()
    shaded = dict(zip(figure_data(spec, 1, "locations"), figure_data(spec, 1, "z"), strict=True))
    assert shaded["TH"] == 4 and shaded["SG"] == 3 and shaded["US"] == 3 and shaded["ES"] == 2
    assert sum(shaded.values()) == 23  # 27 people, 4 of unknown nationality not placed
    assert "" not in shaded
    assert len(shaded) == 15
    assert fig.layout.map.style == "white-bg"  # no tiles needed
    assert all(trace.type in ("choroplethmap", "scattermap") for trace in fig.data)


def test_unknown_nationality_is_counted_not_dropped(dataset):
    table = tables.nationality_table(dataset)
    assert table.loc[table["nationality"] == "", "people"].tolist() == [4]
    fig = world.nationality_bars(table, "en", "t", axis="People")
    spec = fig.to_plotly_json()
    bars = {}
    for i in range(len(spec["data"])):
        bars.update(zip(figure_data(spec, i, "y"), figure_data(spec, i, "x"), strict=True))
    assert bars["Unknown nationality"] == 4
    assert bars["Thailand"] == 4
    assert sum(bars.values()) == 27


def test_flow_widths_follow_the_people_from_each_country_to_each_town(dataset):
    flows = tables.flow_table(dataset)
    by_pair = flows.set_index(["nationality", "region_id"])["people"]
    # in the seed every home country sent at most one person to each town
    assert by_pair[("TH", "tono")] == 1
    assert by_pair[("VN", "tono")] == 1 and by_pair[("VN", "urahoro")] == 1  # trinh-doan twice
    assert len(flows) == 23 and set(flows["people"]) == {1}
    assert tables.unknown_in_flows(dataset) == 4
    fig = world.flow_figure(flows, dataset.regions, "en", "t")
    assert drawn_lines(fig) == {1: 23}


def test_a_thicker_line_stands_for_more_people(dataset):
    flows = pd.DataFrame(
        {
            "nationality": ["TH", "US", "VN"],
            "region_id": ["tono", "tono", "yame"],
            "people": [5, 2, 2],
        }
    )
    fig = world.flow_figure(flows, dataset.regions, "en", "t")
    assert drawn_lines(fig) == {5: 1, 2: 2}
    assert tables.flow_width(5) > tables.flow_width(2) > tables.flow_width(1)


def drawn_lines(fig) -> dict:
    """{people: number of lines drawn at that width}, checking each width against the count."""
    drawn = {}
    for trace in fig.data:
        if trace.type == "scattermap" and trace.mode == "lines":
            assert trace.line.width == tables.flow_width(trace.meta)
            drawn[trace.meta] = len([x for x in trace.lat if x is None])
    return drawn


def test_a_line_from_the_americas_crosses_the_pacific(dataset):
    flows = tables.flow_table(dataset)
    fig = world.flow_figure(flows[flows["nationality"] == "US"], dataset.regions, "en", "t")
    line = next(tr for tr in fig.data if tr.type == "scattermap" and tr.mode == "lines")
    start, end = line.lon[0], line.lon[1]
    assert abs(end - start) < 180


def test_masked_counts_are_drawn_alike_and_say_less_than_three(dataset):
    table = tables.nationality_table(dataset)
    masked = table["people"] < 3
    fig = world.world_figure(table, "en", "t", masked=masked)
    spec = fig.to_plotly_json()
    assert set(figure_data(spec, 1, "locations")) == {"TH", "SG", "US"}
    assert "FR" in figure_data(spec, 2, "locations")
    assert "&lt;3" in spec["data"][2]["hovertemplate"]  # plotly shows "<3"
    flows = tables.flow_table(dataset)
    fig = world.flow_figure(flows, dataset.regions, "en", "t", masked=flows["people"] < 3)
    metas = {tr.meta for tr in fig.data if tr.type == "scattermap" and tr.mode == "lines"}
    assert metas == {"<3"}


# --- the page (AppTest) -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def maps_page():
    at = app_test({"lang": "ja"})
    at.run()
    at.switch_page("app_pages/maps.py").run()
    return at


def test_maps_page_opens_on_the_folium_map_alone(maps_page):
    at = maps_page
    assert not at.exception
    folium_maps = [e for e in at.main if type(e).__name__ == "UnknownElement"]
    args = [json.loads(getattr(e.proto, "json_args", "") or "{}") for e in folium_maps]
    script = next(a["script"] for a in args if "script" in a)
    assert json.dumps("遠野市")[1:-1] in script and "39.3276" in script  # as JS escapes
    assert next(a for a in args if "script" in a)["returned_objects"] == ["last_object_clicked"]
    # the world maps' tab is not run until it is opened
    assert not at.get("plotly_chart")


def test_the_origins_tab_shows_the_world_map_and_bars():
    at = app_test({"lang": "ja", "origins": "world"}).run()
    at.switch_page("app_pages/maps.py").run()
    assert not at.exception
    args = [getattr(e.proto, "json_args", "") for e in at.main]
    assert not any('"script"' in a for a in args if a)  # no folium map: its tab is closed
    charts = at.get("plotly_chart")
    assert len(charts) == 2  # one world map at a time, and the bars
    world = json.loads(charts[0].proto.spec)
    assert world["layout"]["map"]["style"] == "white-bg"
    assert not any(trace.get("mode") == "lines" for trace in world["data"])  # no flow lines
    assert at.query_params["origins"] in ("world", ["world"])


@pytest.mark.parametrize("how", ["link", "control"])
def test_the_flow_map_opens_from_its_link_or_the_switch(how):
    at = app_test({"lang": "ja", "origins": "flows" if how == "link" else "world"}).run()
    at.switch_page("app_pages/maps.py").run()
    if how == "control":
        at.segmented_control(key="maps_origins").set_value("flows").run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    flows = json.loads(charts[0].proto.spec)
    assert any(trace["type"] == "scattermap" for trace in flows["data"])
    assert at.query_params["origins"] in ("flows", ["flows"])
    assert any(c.value == t("maps.flow.unknown", "ja", n="4") for c in at.caption)


def test_maps_page_says_how_many_nationalities_are_unknown():
    at = app_test({"lang": "ja", "origins": "world"}).run()
    at.switch_page("app_pages/maps.py").run()
    captions = " ".join(c.value for c in at.caption)
    assert "国籍不明の4人" in captions


def test_maps_page_panel_shows_the_town_picked(maps_page):
    at = maps_page
    at.selectbox(key="maps_town").select("tono").run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["プログラム"] == "1"
    assert values["参加者（名簿）"] == "11"
    assert values["国・地域"] == "9"


def test_the_open_tab_stays_open_when_the_language_changes():
    at = app_test({"lang": "en", "origins": "flows"}).run()
    at.switch_page("app_pages/maps.py").run()
    assert len(at.get("plotly_chart")) == 2
    at.sidebar.segmented_control(key="lang").set_value("ja").run()
    assert not at.exception
    assert at.session_state["maps_tab"] == t("maps.origins.header", "ja")
    flows = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert any(trace["type"] == "scattermap" for trace in flows["data"])
    assert flows["layout"]["title"]["text"] == t("maps.flow.title", "ja")
