"""Sign-in and URL tampering in headless Chromium, against a served app with a users file."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dashboard import auth

from .conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

SIDEBAR = '[data-testid="stSidebar"]'


@pytest.fixture
def users_file(tmp_path):
    path = tmp_path / "auth.yaml"
    auth.add_user(path, "tono", "tono-secret-1", "municipality", town="tono", name="Tono city hall")
    auth.add_user(path, "staff", "staff-secret-1", "staff", name="Sosei staff")
    return path


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]', has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def submit_sign_in(page, username: str, password: str) -> None:
    side = page.locator(SIDEBAR)
    expander = side.locator('[data-testid="stExpander"]', has_text="Sign in")
    if not side.get_by_role("textbox", name="Username").is_visible():
        expander.locator("summary").click()
    side.get_by_role("textbox", name="Username").fill(username)
    side.get_by_role("textbox", name="Password").fill(password)
    side.locator('[data-testid="stBaseButton-secondaryFormSubmit"]').click()


def nav_titles(page) -> list[str]:
    """The pages in the sidebar's navigation, by title (the icon's name dropped)."""
    links = page.locator('[data-testid="stSidebarNav"] a').all()
    return [a.inner_text().strip().split("\n")[-1].strip() for a in links]


def open_overview(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.locator('[data-testid="stMetric"]').first.wait_for()


def test_tono_cannot_see_more_by_editing_the_link(page, start_server, users_file):
    server = start_server({"DASHBOARD_AUTH_FILE": str(users_file)})
    open_overview(page, server.url)
    assert "Data" not in nav_titles(page)

    # a wrong password and an unknown user get the same refusal, and nothing more
    for username, password in [("tono", "not-the-password"), ("nobody", "tono-secret-1")]:
        submit_sign_in(page, username, password)
        page.locator(SIDEBAR).get_by_text("Wrong username or password.").wait_for()
        expect(page.locator(SIDEBAR).get_by_text("Signed in as")).to_have_count(0)
    screenshot(page, "access-wrong-password-en")

    submit_sign_in(page, "tono", "tono-secret-1")
    page.locator(SIDEBAR).get_by_text("Signed in as").wait_for()
    wait_for_app(page)
    expect(page.locator(SIDEBAR)).to_contain_text("Tono city hall")
    # the signed re-authentication cookie is what keeps Tono signed in on a new link
    page.wait_for_function(f"() => document.cookie.includes('{auth.COOKIE_NAME}=')")
    assert "Data" not in nav_titles(page)

    # a new link for another town: still Tono, and Yame's one person stays "<3"
    open_overview(page, f"{server.url}/?town=yame")
    page.locator(SIDEBAR).get_by_text("Signed in as").wait_for()
    assert metric(page, "Participants listed") == "<3"
    screenshot(page, "access-tono-asks-for-yame-en")

    open_overview(page, f"{server.url}/?town=tono&lang=ja")
    page.locator(SIDEBAR).get_by_text("としてログイン中").wait_for()
    expect(page.locator('[data-testid="stMetric"]', has_text="参加者").first).to_be_visible()
    screenshot(page, "access-tono-own-town-ja")

    # the data page's address leads nowhere for a municipality
    page.goto(f"{server.url}/data")
    wait_for_app(page)
    expect(page.get_by_text("Data", exact=True)).to_have_count(0)
    expect(page.locator('[data-testid="stFileUploader"]')).to_have_count(0)

    # every page as Tono, asking for Urahoro: no hidden person of another town anywhere
    open_overview(page, f"{server.url}/?town=urahoro")
    for title in nav_titles(page):
        page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
        wait_for_app(page)
        page.locator('[data-testid="stMain"] h1').first.wait_for()
        text = page.locator("body").inner_text()
        assert not re.search(r"(?<![\w-])(Joy|urahoro-us|ishinomaki-mn)(?![\w-])", text), title
        assert "Traceback" not in text

    # signing out ends it for good: a reload is the public view
    page.locator(SIDEBAR).get_by_role("button", name="Sign out").click()
    page.locator(SIDEBAR).get_by_text("Signed out").wait_for()
    page.wait_for_function(f"() => !document.cookie.includes('{auth.COOKIE_NAME}=')")
    open_overview(page, f"{server.url}/?town=tono")
    expect(page.locator(SIDEBAR).get_by_text("Signed in as")).to_have_count(0)
    screenshot(page, "access-signed-out-en")


def test_staff_see_the_data_page_after_signing_in(page, start_server, users_file):
    server = start_server({"DASHBOARD_AUTH_FILE": str(users_file)})
    open_overview(page, f"{server.url}/?town=yame")
    assert metric(page, "Participants listed") == "<3"
    submit_sign_in(page, "staff", "staff-secret-1")
    page.locator(SIDEBAR).get_by_text("Signed in as").wait_for()
    page.locator('[data-testid="stSidebarNav"] a', has_text="Data").first.wait_for()
    page.wait_for_function(f"() => document.cookie.includes('{auth.COOKIE_NAME}=')")
    open_overview(page, f"{server.url}/?town=yame")
    page.locator(SIDEBAR).get_by_text("Signed in as").wait_for()
    assert metric(page, "Participants listed") == "1"
    screenshot(page, "access-staff-en")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_fresh_clone_is_public_and_says_how_to_sign_in(page, start_server, tmp_path, lang):
    server = start_server({"DASHBOARD_AUTH_FILE": str(tmp_path / "no-such-file.yaml")})
    open_overview(page, server.url + ("/?lang=ja" if lang == "ja" else ""))
    side = page.locator(SIDEBAR)
    note = "add-user"
    side.get_by_text(note, exact=False).first.wait_for()
    assert "Data" not in nav_titles(page) and "データ管理" not in nav_titles(page)
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text().strip() == (
        "6"
    )  # programs: a network total stays
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
    screenshot(page, f"access-public-mode-{lang}")
