"""Towns' own outlines on every map, and MLIT's credit wherever they are drawn."""

from __future__ import annotations

import folium
import plotly.express as px

from dashboard import access, outlines
from dashboard.data import load_dataset
from dashboard.maps import legend
from dashboard.maps.japan import municipality_layer, town_map
from dashboard.maps.tables import town_summary
from dashboard.maps.tooltips import Attribution
from dashboard.mapshot import map_figure
from dashboard.report import town_report
from dashboard.town import find_town
from dashboard.views import maps
from dashboard.views import town as town_view

from .conftest import DATA

CODES = {"014681", "016497", "032085", "042021", "402109"}


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _layers(fmap):
    return [e for e in _walk(fmap) if isinstance(e, folium.GeoJson)]


def _credits(fmap):
    return [e.text for e in _walk(fmap) if isinstance(e, Attribution)]


def test_the_credit_is_mlits_text_with_an_english_gloss_on_english_pages():
    assert outlines.CREDIT_JA == "「国土数値情報（行政区域データ）」（国土交通省）を加工して作成"
    assert outlines.credit("ja") == outlines.CREDIT_JA
    assert outlines.credit("en").startswith(outlines.CREDIT_JA + " (Created by processing")


def test_the_shipped_file_has_every_municipality_with_a_point_inside_its_outline():
    from shapely.geometry import Point

    codes = outlines.codes()
    assert len(codes) == 1747  # 1,741 municipalities, 6 villages of the Northern Territories
    assert CODES <= set(codes)
    assert sum(outlines.has_outline(c) for c in codes) == 1736
    for code in ("032085", "041009", "131016", "473821"):
        props = outlines.properties(code)
        assert outlines.shape(code).contains(Point(props["lon"], props["lat"])), code
    assert outlines.properties("041009")["name_ja"] == "仙台市"  # a designated city, whole
    assert outlines.bounds("999997") is None


def test_tonos_page_map_draws_tonos_outline_and_credits_it():
    ds = load_dataset(DATA).dataset
    fmap = town_map(ds, "tono", "en")
    own = [layer for layer in _layers(fmap) if layer.data["features"][0]["id"] == "032085"]
    assert len(own) == 1 and len(own[0].data["features"]) == 1
    assert own[0].data["features"][0]["properties"]["label"] == "Tono"
    assert _credits(fmap) == []  # the caption under the small map carries it
    caption = town_view.town_page(ds, "tono", "en", access.STAFF).map_caption
    assert caption.endswith("Transport and Tourism\\)") and outlines.CREDIT_JA in caption
    # the view is the outline with its surroundings, not the whole country
    [fit] = [e for e in _walk(fmap) if type(e).__name__ == "FitBounds"]
    (south, west), (north, east) = fit.bounds
    assert north - south < 3 and east - west < 3
    assert south < 39.3276 < north and west < 141.5334 < east


def test_a_town_without_a_code_keeps_its_pin_and_no_credit():
    ds = load_dataset(DATA).dataset
    regions = ds.regions.assign(municipality_code=[None] * len(ds.regions))
    fmap = town_map(ds.replace(regions=regions), "tono", "ja")
    assert all(len(layer.data["features"]) == 47 for layer in _layers(fmap))
    assert _credits(fmap) == []


def test_the_partner_map_shades_the_five_partner_municipalities():
    ds = load_dataset(DATA).dataset
    partner = maps.partner_view(ds, "ja", access.STAFF)
    [layer] = [x for x in _layers(partner.map) if len(x.data["features"]) == 5]
    features = {f["id"]: f["properties"] for f in layer.data["features"]}
    assert set(features) == CODES
    assert features["032085"]["label"] == "遠野市"
    assert features["032085"]["people_text"] == "参加者（名簿）：11人"
    # Tono's eleven people, the most of any town: the darkest shade
    darkest = px.colors.sample_colorscale(legend.TOWN_SHADES, 1.0)[0]
    assert features["032085"]["fill"] == darkest
    assert [c for c, p in features.items() if p["fill"] == darkest] == ["032085"]
    assert _credits(partner.map) == [outlines.CREDIT_JA]
    assert outlines.credit("ja") in partner.notes


def test_the_public_sees_masked_towns_in_the_masked_shade():
    ds = load_dataset(DATA).dataset
    towns = access.mask_towns(town_summary(ds), access.PUBLIC)
    layer = municipality_layer(towns, "en")
    fills = {f["id"]: f["properties"]["fill"] for f in layer.data["features"]}
    masked = set(towns.loc[towns["people_shown"].map(lambda v: isinstance(v, str)), "region_id"])
    codes = dict(zip(towns["region_id"], towns["municipality_code"], strict=True))
    assert masked, "the bundled data has a town of one or two people"
    for rid in masked:
        assert fills[codes[rid]] == "#c6dbef"


def test_the_reports_map_picture_draws_the_outline_with_the_credit():
    ds = load_dataset(DATA).dataset
    fig = map_figure(find_town(ds, "tono"), "en")
    outline = [trace for trace in fig.data if trace.name == "outline"]
    assert len(outline) == 1 and list(outline[0].locations) == ["032085"]
    assert outline[0].geojson["features"][0]["id"] == "032085"
    assert outlines.CREDIT_JA in fig.layout.annotations[0].text
    assert fig.layout.map.zoom > 6  # close enough to see the town's shape


def test_the_report_credits_the_outline_in_both_languages():
    ds = load_dataset(DATA).dataset
    for lang in ("en", "ja"):
        html = town_report(ds, "tono", lang, map_image=False)
        assert outlines.credit(lang) in html
