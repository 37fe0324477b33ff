"""Opening a page in Chromium as a visitor does: sign in as staff, follow the navigation link,
choose the language in the sidebar."""

from __future__ import annotations

from .conftest import wait_for_app
from .pages_list import page_title

SIDEBAR = '[data-testid="stSidebar"]'


def sign_in_as_staff(page) -> None:
    side = page.locator(SIDEBAR)
    if not side.get_by_role("textbox", name="Username").is_visible():
        side.locator('[data-testid="stExpander"]', has_text="Sign in").locator("summary").click()
    side.get_by_role("textbox", name="Username").fill("staff")
    side.get_by_role("textbox", name="Password").fill("staff-secret-1")
    side.locator('[data-testid="stBaseButton-secondaryFormSubmit"]').click()
    side.get_by_text("Signed in as").wait_for()
    wait_for_app(page)


def open_page(page, server, name: str, title: str, lang: str, query: str, staff: bool) -> None:
    """Open the app (signed in as staff unless ``staff`` is False), go to page file ``name`` by
    its navigation link, choose ``lang`` in the sidebar, and wait for the heading ``title``."""
    page.set_default_timeout(90_000)  # the first run of a page on a busy machine can be slow
    page.goto(f"{server.url}/{query}")
    wait_for_app(page)
    if staff:
        sign_in_as_staff(page)
    stem = name.removesuffix(".py")
    page.locator('[data-testid="stSidebarNav"] a', has_text=page_title(name, "en")).first.click()
    page.wait_for_url(lambda url: url.split("?")[0].endswith(f"/{stem}"))
    wait_for_app(page)
    if lang != "en":
        page.locator(SIDEBAR + " button", has_text="日本語").first.click()
        wait_for_app(page)
    page.locator("h1", has_text=title).first.wait_for()
