"""What a user sees of the towns' outlines and codes, in headless Chromium with no network: the
partner municipalities on the maps page, Tono's own outline on its page, MLIT's credit beside
both, and the town's open data downloaded from its page."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from playwright.sync_api import expect

from dashboard.outlines import CREDIT_EN, CREDIT_JA

from .conftest import DATA, Server, screenshot
from .test_maps_browser import FOLIUM, leaflet, open_maps
from .test_town_browser import PASSWORD, no_error, open_town, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on the bundled data, with Tono's city hall as a user."""
    from dashboard import auth

    users = tmp_path_factory.mktemp("outline-users") / "auth.yaml"
    auth.add_user(users, "tono-city", PASSWORD, "municipality", town="tono", name="Tono City")
    srv = Server({"DASHBOARD_DATA_DIR": str(DATA), "DASHBOARD_AUTH_FILE": str(users)})
    yield srv
    srv.stop()


def test_the_maps_page_shades_the_partner_municipalities_and_credits_them(page, server):
    open_maps(page, server, "en")
    frame = leaflet(page, "en")
    # 47 prefectures, then the five municipalities drawn over them
    expect(frame.locator(".leaflet-overlay-pane path")).to_have_count(52)
    attribution = frame.locator(".leaflet-control-attribution")
    expect(attribution).to_contain_text(CREDIT_JA)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text(CREDIT_EN, exact=False).first).to_be_visible()
    # Tono's outline carries its name and its people in its tooltip
    screenshot(page, "maps-partner-municipalities-en")
    no_error(page)


def test_tonos_page_draws_its_outline_and_downloads_its_open_data(page, server, tmp_path):
    open_town(page, server, "town=tono&lang=ja")
    sign_in(page, "tono-city", "ja")
    page.wait_for_selector(FOLIUM)
    frame = page.frame_locator(FOLIUM)
    # the 47 prefectures and Tono's own outline
    expect(frame.locator(".leaflet-overlay-pane path")).to_have_count(48)
    outline = frame.locator('.leaflet-overlay-pane path[stroke="#D55E00"]')
    expect(outline).to_have_count(1)
    # the credit in the caption right under the map
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text(CREDIT_JA).first).to_be_visible()
    screenshot(page, "town-tono-outline-ja")

    button = page.get_by_role("button", name="この市町のデータをダウンロード（CSV）")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as info:
        button.click()
    assert info.value.suggested_filename.startswith("032085_tono_opendata_")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        [programs] = [n for n in names if n.endswith("/programs.csv")]
        body = archive.read(programs)
        readme = archive.read(next(n for n in names if n.endswith("/README.txt")))
    assert body.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig", dtype=str)
    assert table.columns[0] == "全国地方公共団体コード"
    assert table.iloc[0, 0] == "032085" and table["参加者数（名簿）"].tolist() == ["11"]
    assert CREDIT_JA in readme.decode("utf-8-sig")
    screenshot(page, "town-tono-downloads-ja")
    no_error(page)


def test_a_visitor_gets_yames_open_data_with_its_small_count_masked(page, server, tmp_path):
    open_town(page, server, "town=yame")
    button = page.get_by_role("button", name="Download the town's data (CSV)")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as info:
        button.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        [programs] = [n for n in archive.namelist() if n.endswith("/programs.csv")]
        table = pd.read_csv(io.BytesIO(archive.read(programs)), encoding="utf-8-sig", dtype=str)
    assert table["municipality_code"].tolist() == ["402109"]
    assert table["participants_listed"].tolist() == ["<3"]
    screenshot(page, "town-yame-public-downloads-en")
    no_error(page)
