"""The timeline page in headless Chromium, in both languages, with screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .browser_pages import open_page
from .conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser
TITLES = {"en": "Programs over time", "ja": "プログラムの歩み"}


def open_timeline(page, server, lang: str, query: str = "", staff: bool = True) -> None:
    open_page(page, server, "timeline.py", TITLES[lang], lang, query, staff)


@pytest.mark.parametrize(
    ("lang", "gantt_title", "undated"),
    [
        ("en", "5 programs in 5 towns", "Ishinomaki · Team project"),
        ("ja", "5市町で5件のプログラム", "石巻市 · チームプロジェクト"),
    ],
)
def test_timeline_page_draws_the_gantt_and_lists_the_undated(
    page, staff_server, lang, gantt_title, undated
):
    open_timeline(page, staff_server, lang)
    gantt = page.locator('[data-testid="stPlotlyChart"]').filter(has_text=gantt_title).first
    gantt.locator(".main-svg").first.wait_for()
    expect(gantt.locator("g.point")).to_have_count(5)  # the five dated programs
    page.get_by_text(undated).first.wait_for()
    cumulative = page.locator('[data-testid="stPlotlyChart"]').nth(1)
    cumulative.locator("g.trace.scatter").nth(2).wait_for(state="attached")  # drawn by now
    expect(cumulative.locator("g.trace.scatter")).to_have_count(3)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert not re.search(
        r"\btimeline\.[a-z_]+", page.locator('[data-testid="stMain"]').inner_text()
    )
    screenshot(page, f"timeline-page-{lang}")
    page.set_viewport_size({"width": 1280, "height": 720})
    gantt.scroll_into_view_if_needed()
    screenshot(page, f"timeline-projector-{lang}")


def test_clicking_a_bar_shows_that_program(page, staff_server):
    open_timeline(page, staff_server, "en")
    gantt = page.locator('[data-testid="stPlotlyChart"]').first
    gantt.locator("g.point").first.wait_for()
    # the team projects' trace holds Shimokawa, Yame, Tono, Urahoro in date order
    box = gantt.locator("g.point path").nth(2).bounding_box()  # a 4-day bar is thin
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    gantt.locator(".hoverlayer", has_text="Participants: 11").first.wait_for()  # Tono's hover
    page.mouse.click(x, y)
    page.get_by_text("Tono: Team project").first.wait_for()
    wait_for_app(page)
    page.get_by_text("Alejandro, Hakim, Leandro, Roger, Trinh Doan").first.wait_for()
    screenshot(page, "timeline-tono-detail-en")


def test_the_public_sees_every_program_without_small_head_counts(page, server):
    open_timeline(page, server, "en", staff=False)
    gantt = page.locator('[data-testid="stPlotlyChart"]').first
    gantt.locator("g.point").first.wait_for()
    expect(gantt.locator("g.point")).to_have_count(5)
    expect(gantt.get_by_text("42 days")).to_have_count(1)  # the residency's bar, no head count
    screenshot(page, "timeline-public-en")
