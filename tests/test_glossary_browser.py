"""In headless Chromium, on a day when Tono's season is still running: the town page's 関係人口 in
the ministries' terms with a figure's help as its tooltip, the Glossary page saying the same
text in both languages, and the provisional marks on the overview and timeline."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dashboard import glossary

from .conftest import DATA, Server, screenshot, wait_for_app

pytestmark = pytest.mark.browser
MAIN = '[data-testid="stMain"]'


@pytest.fixture(scope="module")
def server():
    """The app on the bundled data, on 8 September 2017 (Tono's program ran 6-9 September)."""
    srv = Server({"DASHBOARD_DATA_DIR": str(DATA), "DASHBOARD_TODAY": "2017-09-08"})
    yield srv
    srv.stop()


def metric(page, label: str):
    """The metric whose label is ``label``, once it is on screen."""
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)
    )
    box.first.wait_for()
    return box.first


def no_error(page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert "Traceback" not in page.locator(MAIN).inner_text()


def test_a_visitor_reads_tono_in_the_ministries_terms_and_how_each_number_is_counted(page, server):
    page.goto(f"{server.url}/town?town=tono")
    wait_for_app(page)
    expect(metric(page, "Spent 2–7 days").locator('[data-testid="stMetricValue"]')).to_have_text(
        "11"
    )
    expect(metric(page, "Days unknown").locator('[data-testid="stMetricValue"]')).to_have_text("0")
    # 2 returning people are "<3" for a visitor, so their share is withheld
    expect(metric(page, "Share returning").locator('[data-testid="stMetricValue"]')).to_have_text(
        "–"
    )
    main = page.locator(MAIN)
    expect(main.get_by_text("In the ministries' terms")).to_be_visible()
    expect(main.get_by_text("no population for Tono")).to_be_visible()
    warning = main.locator('[data-testid="stAlertContentWarning"]')
    expect(warning).to_contain_text("Provisional: 1 program(s) not yet over on Sep 8, 2017")
    expect(main.get_by_text("Participation and exchange (参加・交流型)")).to_be_visible()
    # the help beside a figure, as its tooltip, is the catalog's text
    metric(page, "Days unknown").locator('[data-testid="stTooltipIcon"]').hover()
    tooltip = page.locator('[data-testid="stTooltipContent"]')
    expect(tooltip).to_have_text(glossary.help_text("town.days_unknown", "en"))
    no_error(page)
    screenshot(page, "town-tono-ministries-en")

    page.mouse.move(0, 0)
    page.locator('[data-testid="stSidebarNav"] a', has_text="Glossary").first.click()
    page.wait_for_url(lambda url: url.split("?")[0].endswith("/glossary"))
    wait_for_app(page)
    expect(page.locator("h1", has_text="How every number is counted")).to_be_visible()
    tables = page.locator('[data-testid="stTable"]')
    expect(tables).to_have_count(6)  # every page a visitor may open, the Data page not
    row = tables.locator("tr", has_text="Days unknown").first
    expect(row).to_contain_text(glossary.help_text("town.days_unknown", "en"))
    expect(row).to_contain_text("programs.csv, participations.csv")
    expect(page.locator(MAIN)).to_contain_text("関係人口 (relationship population)")
    no_error(page)
    screenshot(page, "glossary-en")

    page.locator('[data-testid="stSidebar"] button', has_text="日本語").first.click()
    wait_for_app(page)
    expect(page.locator("h1", has_text="数字の数え方")).to_be_visible()
    row = page.locator('[data-testid="stTable"] tr', has_text="日数不明").first
    expect(row).to_contain_text(glossary.help_text("town.days_unknown", "ja"))
    no_error(page)
    screenshot(page, "glossary-ja")


@pytest.mark.parametrize(("name", "title"), [("overview", "Overview"), ("timeline", "Timeline")])
def test_the_running_season_is_marked_provisional(page, server, name, title):
    page.goto(f"{server.url}/")
    wait_for_app(page)
    if name != "overview":
        page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
        page.wait_for_url(lambda url: url.split("?")[0].endswith(f"/{name}"))
        wait_for_app(page)
    expect(page.locator(MAIN)).to_contain_text(
        "Provisional: 3 program(s) not yet over on Sep 8, 2017"
    )
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg')
    no_error(page)
    screenshot(page, f"{name}-provisional-en")
