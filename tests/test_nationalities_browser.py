"""The nationalities page in headless Chromium, in both languages, with screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .browser_pages import open_page
from .conftest import screenshot

pytestmark = pytest.mark.browser
TITLES = {"en": "Where participants came from", "ja": "参加者の出身国"}


def open_nationalities(page, server, lang: str, query: str = "", staff: bool = True) -> None:
    open_page(page, server, "nationalities.py", TITLES[lang], lang, query, staff)


@pytest.mark.parametrize(
    ("lang", "bar_title", "town_title"),
    [
        (
            "en",
            "27 participants from 15 countries; most from Thailand (4)",
            "Tono brought together 9 nationalities",
        ),
        ("ja", "15か国から27人が参加、最多はタイ（4人）", "遠野市には9か国の人が集まりました"),
    ],
)
def test_nationalities_page_draws_every_chart(page, staff_server, lang, bar_title, town_title):
    open_nationalities(page, staff_server, lang)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    bars = charts.filter(has_text=bar_title).first
    bars.locator(".main-svg").first.wait_for()
    expect(bars.locator("g.point")).to_have_count(16)  # 15 countries and the unknown
    treemap = charts.filter(has_text=town_title).first
    treemap.locator("g.slice").first.wait_for()
    assert treemap.locator("g.slice").count() >= 5 + 26  # 5 towns, 26 town-nationality boxes
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert not re.search(
        r"\bnationalities\.[a-z_]+", page.locator('[data-testid="stMain"]').inner_text()
    )
    screenshot(page, f"nationalities-page-{lang}")
    page.set_viewport_size({"width": 1280, "height": 720})
    bars.scroll_into_view_if_needed()
    screenshot(page, f"nationalities-projector-{lang}")


def test_the_table_is_one_click_from_the_chart(page, staff_server):
    open_nationalities(page, staff_server, "en")
    page.get_by_role("tab", name="Table").first.click()
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    downloads = page.get_by_role("button", name="Download CSV")
    downloads.nth(4).wait_for(state="attached")  # the page has drawn all five charts' buttons
    expect(downloads).to_have_count(5)


def test_a_filtered_link_opens_the_filtered_page(page, staff_server):
    open_nationalities(page, staff_server, "en", "?town=urahoro")
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(
        has_text="Urahoro brought together 3 nationalities"
    )
    chart.first.locator("g.slice").first.wait_for()
    assert "town=urahoro" in page.url
    screenshot(page, "nationalities-urahoro-en")


def test_the_public_sees_only_groups_of_three_or_more(page, server):
    open_nationalities(page, server, "en", staff=False)
    bars = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="most from Thailand (4)")
    bars.first.locator("g.point").first.wait_for()
    expect(bars.first.locator("g.point")).to_have_count(4)  # Thailand, Singapore, USA, unknown
    page.get_by_text("Not drawn, so that nobody can be singled out").first.wait_for()
    screenshot(page, "nationalities-public-en")
