"""The town page in headless Chromium: opened by its own link, the report downloaded and opened
with no network, an unknown town, and presentation mode."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dashboard.i18n import t

from .conftest import DATA, Server, screenshot, wait_for_app

pytestmark = pytest.mark.browser
PASSWORD = "council meeting 2017"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on the bundled data with two users: Tono's city hall and a staff member."""
    from dashboard import auth

    users = tmp_path_factory.mktemp("town-users") / "auth.yaml"
    auth.add_user(users, "tono-city", PASSWORD, "municipality", town="tono", name="Tono City")
    auth.add_user(users, "aiko", PASSWORD, "staff", name="Aiko")
    srv = Server({"DASHBOARD_DATA_DIR": str(DATA), "DASHBOARD_AUTH_FILE": str(users)})
    yield srv
    srv.stop()


def sign_in(page, user: str, lang: str = "en") -> None:
    """Sign in from the sidebar, as a town official would before opening their page."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text(t("access.sign_in", lang), exact=True).first.click()
    sidebar.get_by_role("textbox", name=t("access.username", lang)).fill(user)
    sidebar.get_by_role("textbox", name=t("access.password", lang)).fill(PASSWORD)
    sidebar.locator('[data-testid="stBaseButton-secondaryFormSubmit"]').click()
    sidebar.get_by_text(t("access.sign_out", lang)).wait_for()
    if lang == "ja" and "lang=ja" not in page.url:  # signing in may drop ?lang=
        sidebar.get_by_text("日本語", exact=True).click()
        page.wait_for_url(lambda url: "lang=ja" in url)
    wait_for_app(page)


def metric_values(page, label: str | None = None) -> dict[str, str]:
    """The page's metrics, once the one called ``label`` is on screen (a rerun can briefly
    show the previous page's elements)."""
    page.wait_for_selector('[data-testid="stMetricValue"]')
    if label:
        page.locator('[data-testid="stMetricLabel"]', has_text=label).first.wait_for()
        wait_for_app(page)
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    return dict(zip([label.strip() for label in labels], values, strict=True))


def open_town(page, server, query: str) -> None:
    page.goto(f"{server.url}/town?{query}")
    wait_for_app(page)
    # the entry script has run once its navigation shows the page titles
    title = re.compile(r"(Town page|市町のページ)$")
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first.wait_for(
        state="attached"
    )
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stMetricValue"], [data-testid="stMain"] h1')


def charts_drawn(page, n: int) -> None:
    page.wait_for_function(
        f"() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length"
        f" >= {n}"
    )


def no_error(page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert "Traceback" not in page.locator('[data-testid="stMain"]').inner_text()


def test_tono_link_opens_the_town_page_in_japanese(page, server):
    open_town(page, server, "town=tono&lang=ja")
    sign_in(page, "tono-city", "ja")
    shown = metric_values(page, "つながった人数")
    assert {
        k: shown[k] for k in ("つながった人数", "つながった国の数", "再び参加した人", "滞在人日")
    } == {
        "つながった人数": "11",
        "つながった国の数": "9",
        "再び参加した人": "2",
        "滞在人日": "44",
    }
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.gtitle')).some(e =>"
        " e.textContent.replace(/\\s+/g, ' ').includes('遠野市は 9 か国とつながっています'))"
    )
    charts_drawn(page, 2)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "岩手県" in main and "関係人口" in main and "参加者の声" in main
    no_error(page)
    screenshot(page, "town-tono-ja")


def test_shimokawa_page_in_english(page, server):
    open_town(page, server, "town=shimokawa")
    sign_in(page, "aiko")
    assert metric_values(page, "People linked")["People linked"] == "4"
    page.get_by_text("Leaflet: 3 in English, Thai, and Chinese").first.wait_for()
    charts_drawn(page, 2)
    no_error(page)
    screenshot(page, "town-shimokawa-en")


def test_a_town_link_works_as_the_first_request_of_a_fresh_server(page, start_server):
    fresh = start_server({"DASHBOARD_DATA_DIR": str(DATA)})
    open_town(page, fresh, "town=urahoro&lang=ja")
    assert metric_values(page, "つながった人数")["つながった人数"] == "3"
    # the entry script ran: the sidebar has the navigation and the filters
    page.locator('[data-testid="stSidebarNav"] a', has_text="市町のページ").first.wait_for()
    assert "/town" in page.url and "town=urahoro" in page.url


def test_an_unknown_town_lists_the_towns_and_a_link_opens_one(page, server):
    open_town(page, server, "town=nowhere")
    links = page.locator('[data-testid="stMain"] [data-testid="stButton"] button')
    links.nth(4).wait_for()
    expect(links).to_have_count(5)
    screenshot(page, "town-unknown-en")
    links.filter(has_text="Yame").first.click()
    page.wait_for_url(lambda url: "town=yame" in url)
    # a visitor who has not signed in: Yame's one participant is not singled out
    assert metric_values(page, "People linked")["People linked"] == "<3"
    screenshot(page, "town-yame-public-en")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_downloaded_report_opens_offline(page, server, browser, lang, tmp_path):
    open_town(page, server, f"town=tono&lang={lang}" if lang == "ja" else "town=tono")
    sign_in(page, "tono-city", lang)
    label = "レポートをダウンロード" if lang == "ja" else "Download report"
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name=label).first.click()
    download = info.value
    assert download.suggested_filename.startswith("sosei-partners-tono-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    html = path.read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in html
    context = browser.new_context(viewport={"width": 900, "height": 1400}, offline=True)
    try:
        report = context.new_page()
        report.goto(path.as_uri())
        report.wait_for_function(
            "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2"
        )
        expect(report.locator("#countries g.point")).to_have_count(10)
        report.screenshot(path=str(screenshot_path(f"town-report-download-{lang}")), full_page=True)
    finally:
        context.close()


def test_the_csv_bundle_downloads(page, server, tmp_path):
    import zipfile

    open_town(page, server, "town=yame")
    sign_in(page, "aiko")
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download tables (CSV, zip)").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".zip"
    with zipfile.ZipFile(path) as zf:
        assert "yame/programs.csv" in zf.namelist()


def screenshot_path(name: str):
    from .conftest import ARTIFACTS

    target = ARTIFACTS / "screenshots" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_present_mode_hides_the_sidebar_and_survives_navigation(page, server, lang):
    query = "town=tono" + ("&lang=ja" if lang == "ja" else "")
    open_town(page, server, query)
    sign_in(page, "tono-city", lang)
    open_town(page, server, query + "&present=1")  # the sign-in cookie carries over
    returning = "再び参加した人" if lang == "ja" else "Returning participants"
    # the cookie signs the new page in with a rerun of its own: wait for the unmasked count
    metric = page.locator('[data-testid="stMetric"]', has_text=returning).first
    expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text("2")
    charts_drawn(page, 2)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(page.locator('[data-testid="stHeader"]')).to_be_hidden()
    size = page.locator('[data-testid="stMetricValue"]').first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 60  # 3.4rem at 20 px: readable from the back of the room
    no_error(page)
    screenshot(page, f"present-town-{lang}")
    overview = "概要" if lang == "ja" else "Overview"
    page.locator('[data-testid="stPageLink"] a', has_text=overview).first.click()
    page.wait_for_url(lambda url: "present=1" in url and "/town" not in url)
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stMetricValue"]')
    charts_drawn(page, 1)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    screenshot(page, f"present-overview-{lang}")
    exit_label = "発表モードを終了" if lang == "ja" else "Exit presentation"
    page.get_by_role("button", name=exit_label).click()
    page.wait_for_url(lambda url: "present=1" not in url)
    page.locator('[data-testid="stSidebar"]').wait_for(state="visible")
