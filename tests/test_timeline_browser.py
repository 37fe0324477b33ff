"""The timeline page in headless Chromium, in both languages, with screenshots."""

from __future__ import annotations

import re

import pytest

from dashboard import auth

from .conftest import DATA, Server, screenshot, wait_for_app
from .pages_list import page_title

pytestmark = pytest.mark.browser
TITLES = {"en": "Programs over time", "ja": "プログラムの歩み"}


SIDEBAR = '[data-testid="stSidebar"]'


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory):
    """The app on the bundled data with one staff user, who sees every count."""
    path = tmp_path_factory.mktemp("auth") / "auth.yaml"
    auth.add_user(path, "staff", "staff-secret-1", "staff", name="Sosei staff")
    srv = Server({"DASHBOARD_AUTH_FILE": str(path), "DASHBOARD_DATA_DIR": str(DATA)})
    yield srv
    srv.stop()


def sign_in_as_staff(page) -> None:
    side = page.locator(SIDEBAR)
    if not side.get_by_role("textbox", name="Username").is_visible():
        side.locator('[data-testid="stExpander"]', has_text="Sign in").locator("summary").click()
    side.get_by_role("textbox", name="Username").fill("staff")
    side.get_by_role("textbox", name="Password").fill("staff-secret-1")
    side.locator('[data-testid="stBaseButton-secondaryFormSubmit"]').click()
    side.get_by_text("Signed in as").wait_for()
    wait_for_app(page)


def open_timeline(page, server, lang: str, query: str = "", staff: bool = True) -> None:
    """Open the app (signed in as staff unless ``staff`` is False), go to the page by its
    navigation link, then choose the language in the sidebar, as a visitor does."""
    page.set_default_timeout(90_000)  # the first run of a page on a busy machine can be slow
    page.goto(f"{server.url}/{query}")
    wait_for_app(page)
    if staff:
        sign_in_as_staff(page)
    page.locator(
        '[data-testid="stSidebarNav"] a', has_text=page_title("timeline.py", "en")
    ).first.click()
    page.wait_for_url(lambda url: url.split("?")[0].endswith("/timeline"))
    wait_for_app(page)
    if lang != "en":
        page.locator(SIDEBAR + " button", has_text="日本語").first.click()
        wait_for_app(page)
    page.locator("h1", has_text=TITLES[lang]).first.wait_for()


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
    assert gantt.locator("g.point").count() == 5  # the five dated programs
    page.get_by_text(undated).first.wait_for()
    cumulative = page.locator('[data-testid="stPlotlyChart"]').nth(1)
    assert cumulative.locator("g.trace.scatter").count() == 3
    assert page.locator('[data-testid="stException"]').count() == 0
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
    assert gantt.locator("g.point").count() == 5
    assert gantt.get_by_text("42 days").count() == 1  # the residency's bar, no head count
    screenshot(page, "timeline-public-en")
