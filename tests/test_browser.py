"""The served app in headless Chromium: every page opens, shows real numbers, no error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dashboard import access

from .conftest import screenshot, wait_for_app
from .pages_list import page_title, registered_pages

pytestmark = pytest.mark.browser


def open_app(page, server, query: str = ""):
    page.goto(f"{server.url}/{query}")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stMetric"]')


def metric_values(page) -> dict[str, str]:
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    return dict(zip([label.strip() for label in labels], values, strict=True))


def test_overview_shows_the_headline_numbers_and_a_chart(page, server):
    open_app(page, server)
    assert metric_values(page) == {
        "Programs": "6",
        "Partner towns": "5",
        "Participants listed": "27",
        "Nationalities": "15",
        "Person-days": "152",
        "Outcomes made": "6",
    }
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.locator(".main-svg").first.wait_for()
    assert chart.locator("g.point, .bars path").count() >= 5  # one bar per town
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    screenshot(page, "overview-en")


def test_overview_in_japanese(page, server):
    open_app(page, server, "?lang=ja")
    assert metric_values(page)["滞在人日"] == "152"
    page.get_by_text("参加者が最も多かったのは遠野市").first.wait_for()
    screenshot(page, "overview-ja")


def test_the_town_filter_travels_in_the_url(page, server):
    open_app(page, server, "?town=tono")
    assert metric_values(page)["Participants listed"] == "11"
    assert "town=tono" in page.url


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_page_opens_from_the_navigation(page, server, lang):
    open_app(page, server, f"?lang={lang}")
    # a visitor with no sign-in sees the public pages (the data page is for staff)
    pages = [name for name in registered_pages() if access.can_open(access.PUBLIC, name)]
    assert len(pages) >= 6
    for name in pages:
        if len(pages) > 1:  # Streamlit shows no navigation for a single page
            title = page_title(name, lang)
            page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
            path = "/" if name == pages[0] else f"/{name.removesuffix('.py')}"
            page.wait_for_url(lambda url, path=path: url.split("?")[0].endswith(path))
        main = page.locator('[data-testid="stMain"]')
        main.locator("h1").first.wait_for()
        # every page draws something beyond its title: numbers, a chart, a map, a table (the
        # glossary's are static) or the town page's list of towns
        main.locator(
            '[data-testid="stMetric"], [data-testid="stPlotlyChart"] .main-svg, iframe,'
            ' [data-testid="stDataFrame"], [data-testid="stTable"], [data-testid="stHtml"],'
            ' [data-testid="stButton"]'
        ).first.wait_for(state="attached")
        wait_for_app(page)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        assert "Traceback" not in page.locator('[data-testid="stMain"]').inner_text()
        screenshot(page, f"page-{name.removesuffix('.py')}-{lang}")


def test_language_and_filters_stay_when_switching_pages(page, server):
    open_app(page, server, "?lang=ja&town=tono")
    page.locator('[data-testid="stSidebarNav"] a', has_text=page_title("timeline.py", "ja")).click()
    page.wait_for_url("**/timeline?*")
    wait_for_app(page)
    assert "lang=ja" in page.url and "town=tono" in page.url
    expect(page.locator("h1").first).to_have_text("プログラムの歩み")
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "遠野市" in sidebar.split("市町", 1)[1]  # the chosen town, named in Japanese


def test_switching_language_keeps_the_chosen_town_and_renames_it(page, server):
    open_app(page, server, "?town=tono")
    page.get_by_text("日本語").click()
    page.wait_for_url("**lang=ja**")
    page.get_by_text("絞り込み").wait_for()
    wait_for_app(page)
    assert "town=tono" in page.url
    assert "遠野市" in page.locator('[data-testid="stSidebar"]').inner_text().split("市町", 1)[1]
    # the page's rerun in Japanese may end after the sidebar's: wait for its last metric
    page.locator('[data-testid="stMetricLabel"]', has_text="参加者（名簿）").wait_for()
    wait_for_app(page)
    assert metric_values(page)["参加者（名簿）"] == "11"
