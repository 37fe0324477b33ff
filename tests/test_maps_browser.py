"""The maps page in headless Chromium with every non-local request cut: shapes and markers draw.

The ``page`` fixture aborts every request that does not go to the local server, so a map that
needs a CDN (Leaflet, plotly's topojson) would come up blank here.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot, wait_for_app
from .pages_list import page_title

pytestmark = pytest.mark.browser

FOLIUM = 'iframe[title="streamlit_folium.st_folium"]'


def open_maps(page, server, lang: str):
    external: list[str] = []
    page.on(
        "requestfailed",
        lambda r: external.append(r.url) if "127.0.0.1" not in r.url else None,
    )
    page.goto(f"{server.url}/?lang={lang}")
    wait_for_app(page)
    # the navigation's own title, matched with its case
    title = re.compile(f"{re.escape(page_title('maps.py', lang))}$")
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    page.wait_for_url(lambda url: url.split("?")[0].endswith("/maps"))
    wait_for_app(page)
    # choose the language on the page itself as well (the sidebar's switch), so the test does
    # not depend on how the language travels between pages
    label = {"en": "English", "ja": "日本語"}[lang]
    page.locator('[data-testid="stSidebar"] button', has_text=label).first.click()
    wait_for_app(page)
    page.locator("h1", has_text=page_title("maps.py", lang)).first.wait_for()
    return external


# a plotly MapLibre map that has drawn its shapes
MAP_LOADED = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).some(p => {
  const map = p._fullLayout && p._fullLayout.map && p._fullLayout.map._subplot;
  return !!(map && map.map && map.map.loaded());
})"""


def leaflet(page, lang: str = "en"):
    page.wait_for_selector(FOLIUM)
    frame = page.frame_locator(FOLIUM)
    # 47 prefecture outlines and 5 town markers, drawn by the Leaflet the app serves itself
    frame.locator(".leaflet-overlay-pane path").nth(46).wait_for()
    tono = "遠野市" if lang == "ja" else "Tono"
    frame.locator(f'img.leaflet-marker-icon[title="{tono}"]').wait_for()
    frame.locator("img.leaflet-marker-icon").nth(4).wait_for()
    return frame


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_maps_draw_prefectures_towns_and_the_world_offline(page, server, lang):
    external = open_maps(page, server, lang)
    frame = leaflet(page, lang)
    # 47 prefectures and the 5 partner municipalities inside them
    expect(frame.locator(".leaflet-overlay-pane path")).to_have_count(52)
    titles = frame.locator("img.leaflet-marker-icon").evaluate_all(
        "els => els.map(e => e.title).sort()"
    )
    expected = (
        ["八女市", "下川町", "浦幌町", "石巻市", "遠野市"]
        if lang == "ja"
        else ["Ishinomaki", "Shimokawa", "Tono", "Urahoro", "Yame"]
    )
    assert titles == sorted(expected)
    screenshot(page, f"maps-towns-{lang}")
    # the second tab: the world map, then the flow map, MapLibre canvases (plotly) drawn from
    # bundled shapes
    page.get_by_role("tab", name="参加者の出身国" if lang == "ja" else "Where participants").click()
    page.wait_for_url("**origins=world**")
    canvas = page.locator('[data-testid="stPlotlyChart"] canvas.maplibregl-canvas')
    canvas.first.wait_for()
    page.locator('[data-testid="stPlotlyChart"]').nth(1).wait_for()  # and the bars
    page.wait_for_function(MAP_LOADED)
    screenshot(page, f"maps-page-{lang}")
    flows = "出身国 → 地域" if lang == "ja" else "Home country → town"
    page.locator('[data-testid="stButtonGroup"]').get_by_text(flows).click()
    page.wait_for_url("**origins=flows**")
    page.get_by_text(
        "出身国からパートナー地域へ" if lang == "ja" else "From home country to"
    ).wait_for()
    canvas.first.wait_for()
    wait_for_app(page)
    page.wait_for_function(MAP_LOADED)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert "Traceback" not in page.locator('[data-testid="stMain"]').inner_text()
    # only basemap tiles may have been asked of the internet
    assert [u for u in external if "tile.openstreetmap.org" not in u] == []
    screenshot(page, f"maps-flows-{lang}")


def test_clicking_a_town_selects_it_without_reloading_the_map(page, server):
    open_maps(page, server, "en")
    frame = leaflet(page)
    # a mark on the map's window: it survives only if the map is not rebuilt on the rerun
    frame.locator("body").evaluate("() => { window.__kept = true; }")
    zoom = frame.locator("body").evaluate("() => window.map.getZoom()")
    frame.locator('img.leaflet-marker-icon[title="Tono"]').click()
    frame.locator(".leaflet-popup-content", has_text="Open the page of Tono").wait_for()
    main = page.locator('[data-testid="stMain"]')
    main.locator("h2", has_text="Tono").wait_for()
    # the panel's four numbers come after its heading: wait for the last of them
    main.locator('[data-testid="stMetricValue"]').nth(3).wait_for()
    wait_for_app(page)
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    metrics = dict(zip([label.strip() for label in labels], values, strict=True))
    assert metrics["Programs"] == "1"
    assert metrics["People listed"] == "11"
    assert metrics["Countries"] == "9"
    assert frame.locator("body").evaluate("() => window.__kept === true")
    assert frame.locator("body").evaluate("() => window.map.getZoom()") == zoom
    popup_link = frame.locator(".leaflet-popup-content a").get_attribute("href")
    assert popup_link == "/town?town=tono&lang=en"
    screenshot(page, "maps-selected-tono-en")


def test_1741_towns_open_as_clusters(page, start_server, tmp_path):
    from dashboard.synth import write_dataset

    write_dataset(tmp_path / "data", towns=1741, participants=3000, seed=7)
    server = start_server({"DASHBOARD_DATA_DIR": str(tmp_path / "data")})
    open_maps(page, server, "en")
    page.wait_for_selector(FOLIUM)
    frame = page.frame_locator(FOLIUM)
    frame.locator(".leaflet-overlay-pane path").nth(46).wait_for()
    # nearby towns are grouped: numbered clusters, far fewer than 1,741 markers on screen
    frame.locator(".marker-cluster").first.wait_for()
    counts = frame.locator(".marker-cluster span").all_inner_texts()
    assert counts and all(text.isdigit() for text in counts)
    assert frame.locator("img.leaflet-marker-icon").count() < 200
    page.get_by_text("1,741 towns: nearby markers are grouped").wait_for()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    screenshot(page, "maps-1741-towns-en")
