"""Accessibility: the theme's and captions' contrast, axe-core on every page (English and
Japanese, signed in and not), the keyboard, and every page at a phone's width."""

from __future__ import annotations

import re
import tomllib

import pytest
from playwright.sync_api import expect

from dashboard import access, contrast
from dashboard.i18n import t

from .browser_pages import SIDEBAR, sign_in_as_staff
from .conftest import ROOT, screenshot, wait_for_app
from .pages_list import page_title, registered_pages

THEME = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
STYLE = (ROOT / "static" / "dashboard.css").read_text()
# Streamlit 1.67's light theme, measured in Chromium: the page and the sidebar behind the text
WHITE, SIDEBAR_BACKGROUND = "#FFFFFF", "#F8F8F7"
SERIOUS = ("serious", "critical")
ALL = ("minor", "moderate", "serious", "critical")
FOLIUM = 'iframe[title="streamlit_folium.st_folium"]'


def test_the_chosen_language_and_options_keep_four_and_a_half_to_one():
    primary = THEME["primaryColor"]
    for background in (WHITE, SIDEBAR_BACKGROUND):
        # a chosen segmented-control option: the primary colour on a 10 % tint of itself
        chosen = contrast.tint(primary, background, 0.1)
        assert contrast.ratio(primary, chosen) >= contrast.AA, background
        assert contrast.ratio(primary, background) >= contrast.AA


def test_captions_are_drawn_opaque_in_a_grey_that_passes():
    rule = re.search(r"stCaptionContainer[^{]*\{([^}]*)\}", STYLE).group(1)
    assert re.search(r"opacity:\s*1\s*;", rule)
    colour = re.search(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{6})", rule).group(1)
    for background in (WHITE, SIDEBAR_BACKGROUND):
        assert contrast.ratio(colour, background) >= contrast.AA
    # what Streamlit's own 60 % caption gave, and why the rule is there
    assert contrast.ratio("#2F2D2B", WHITE, opacity=0.6) < contrast.AA


def test_the_contrast_ratio_matches_wcag_reference_values():
    assert contrast.ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast.ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert contrast.ratio("#0072B2", "#DFEBF0") == pytest.approx(4.26, abs=0.01)  # axe's number
    assert contrast.parse("rgba(0, 0, 0, 0.5)") == ((0, 0, 0), 0.5)
    assert contrast.tint("#0072B2", "#F8F8F7", 0.1) == "#dfebf0"
    with pytest.raises(ValueError, match="blue-ish"):
        contrast.parse("blue-ish")


def axe_violations(page, rules: list[str] | None = None, impacts=SERIOUS) -> list[str]:
    """axe-core's violations of impact in ``impacts`` on the page as drawn now, one line per
    element (rule, impact, element, axe's message). The folium map's frame is Leaflet's own
    markup and is left out (``iframes: false``)."""
    from axe_playwright_python.sync_playwright import Axe

    wait_for_app(page)  # a faded (stale) element of a late rerun is not the page's contrast
    options: dict = {"resultTypes": ["violations"], "iframes": False}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    found = Axe().run(page, options=options).response["violations"]
    lines = []
    for rule in found:
        if rule["impact"] not in impacts:
            continue
        for node in rule["nodes"]:
            message = (node.get("any") or node.get("all") or node.get("none") or [{}])[0]
            lines.append(
                f"{rule['id']} ({rule['impact']}) {node['target']}: {message.get('message', '')}"
            )
    return lines


def visit_every_page(page, server, lang: str, staff: bool):
    """Open the app in ``lang`` (signed in as staff or not) and yield each page's file name
    once the page has finished drawing, following the navigation."""
    page.goto(f"{server.url}/" if staff else f"{server.url}/?lang={lang}")
    wait_for_app(page)
    if staff:  # the sign-in helper reads the English form; the language is chosen after
        sign_in_as_staff(page)
        if lang != "en":
            page.locator(SIDEBAR + " button", has_text="日本語").first.click()
            page.wait_for_url(f"**lang={lang}**")
            wait_for_app(page)
    viewer = access.STAFF if staff else access.PUBLIC
    for name in [n for n in registered_pages() if access.can_open(viewer, n)]:
        link = page.locator('[data-testid="stSidebarNav"] a', has_text=page_title(name, lang))
        link.first.click()
        stem = name.removesuffix(".py")
        path = "/" if name == registered_pages()[0] else f"/{stem}"
        page.wait_for_url(lambda url, path=path: url.split("?")[0].endswith(path))
        page.locator('[data-testid="stMain"] h1').first.wait_for()
        wait_for_app(page)
        yield name


@pytest.mark.browser
@pytest.mark.parametrize("staff", [False, True], ids=["visitor", "staff"])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_axe_finds_no_serious_violation_on_any_page(page, staff_server, lang, staff):
    found = {}
    for name in visit_every_page(page, staff_server, lang, staff):
        # and no heading level skipped (a "moderate" rule, fixed here and kept so)
        headings = axe_violations(page, rules=["heading-order"], impacts=ALL)
        if problems := axe_violations(page) + headings:
            found[name] = problems
    # the town page with a town chosen: its numbers, map, charts and voices
    page.goto(f"{staff_server.url}/town?town=tono&lang={lang}")
    wait_for_app(page)
    if staff:  # the sign-in cookie signs the new page in with a rerun of its own
        page.locator(SIDEBAR).get_by_text("Sosei staff").first.wait_for()
        wait_for_app(page)
    page.locator('[data-testid="stMetric"]').first.wait_for()
    if problems := axe_violations(page):
        found["town?town=tono"] = problems
    assert not found, found


FOCUSED = """() => { const e = document.activeElement;
    return {where: e.closest('[data-testid="stSidebar"]') ? 'sidebar' : 'main',
            role: e.getAttribute('role') || e.tagName.toLowerCase(),
            text: (e.innerText || e.getAttribute('aria-label') || '').trim().split('\\n').pop()}
}"""


@pytest.mark.browser
def test_the_keyboard_reaches_the_language_switch_the_filters_and_the_page(page, server):
    page.goto(f"{server.url}/")
    wait_for_app(page)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for()
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(FOCUSED))
    seen = {(f["where"], f["text"]) for f in reached}
    assert ("sidebar", "English") in seen, reached  # the language switch (its chosen option)
    assert ("sidebar", page_title("maps.py", "en")) in seen  # the navigation
    assert ("sidebar", "Towns") in seen and ("sidebar", "Nationalities") in seen  # the filters
    assert ("main", "Chart") in seen  # the chart's tabs
    assert ("main", t("nationalities.download_csv", "en")) in seen  # the chart's CSV
    # the switch answers the keyboard: Tab to it, → to 日本語, Enter
    page.locator(SIDEBAR + " button", has_text="English").first.focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate(FOCUSED)["text"] == "日本語"
    page.keyboard.press("Enter")
    page.wait_for_url("**lang=ja**")
    expect(page.locator('[data-testid="stMetricLabel"]', has_text="滞在人日")).to_be_visible()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_page_at_a_phone_width(page, server, lang):
    page.set_viewport_size({"width": 390, "height": 844})
    for name in visit_every_page_on_a_phone(page, server, lang):
        if name in ("maps.py", "town.py"):  # the folium map, drawn at the phone's width
            leaflet = page.frame_locator(FOLIUM).locator(".leaflet-container")
            expect(leaflet).to_be_visible()
            assert leaflet.bounding_box()["width"] >= 300, name
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, (name, width)
        screenshot(page, f"phone-{name.removesuffix('.py')}-{lang}")


def visit_every_page_on_a_phone(page, server, lang: str):
    """Each public page opened by its own link (the town page with Tono) at the current
    viewport, yielding its file name once drawn."""
    for name in [n for n in registered_pages() if access.can_open(access.PUBLIC, n)]:
        stem = name.removesuffix(".py")
        path = "" if name == registered_pages()[0] else stem
        page.goto(f"{server.url}/{path}?lang={lang}" + ("&town=tono" if stem == "town" else ""))
        page.locator('[data-testid="stMain"] h1').first.wait_for()
        wait_for_app(page)
        yield name
