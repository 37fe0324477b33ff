"""The nationalities page in headless Chromium, in both languages, with screenshots."""

from __future__ import annotations

import re

import pytest

from dashboard import auth

from .conftest import DATA, Server, screenshot, wait_for_app
from .pages_list import page_title

pytestmark = pytest.mark.browser
TITLES = {"en": "Where participants came from", "ja": "参加者の出身国"}


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


def open_nationalities(page, server, lang: str, query: str = "", staff: bool = True) -> None:
    """Open the app (signed in as staff unless ``staff`` is False), go to the page by its
    navigation link, then choose the language in the sidebar, as a visitor does."""
    page.set_default_timeout(90_000)  # the first run of a page on a busy machine can be slow
    page.goto(f"{server.url}/{query}")
    wait_for_app(page)
    if staff:
        sign_in_as_staff(page)
    page.locator(
        '[data-testid="stSidebarNav"] a', has_text=page_title("nationalities.py", "en")
    ).first.click()
    page.wait_for_url(lambda url: url.split("?")[0].endswith("/nationalities"))
    wait_for_app(page)
    if lang != "en":
        page.locator(SIDEBAR + " button", has_text="日本語").first.click()
        wait_for_app(page)
    page.locator("h1", has_text=TITLES[lang]).first.wait_for()


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
    assert bars.locator("g.point").count() == 16  # 15 countries and the unknown
    treemap = charts.filter(has_text=town_title).first
    treemap.locator("g.slice").first.wait_for()
    assert treemap.locator("g.slice").count() >= 5 + 26  # 5 towns, 26 town-nationality boxes
    assert page.locator('[data-testid="stException"]').count() == 0
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
    assert page.get_by_role("button", name="Download CSV").count() == 5


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
    assert bars.first.locator("g.point").count() == 4  # Thailand, Singapore, USA, unknown
    page.get_by_text("Not drawn, so that nobody can be singled out").first.wait_for()
    screenshot(page, "nationalities-public-en")
