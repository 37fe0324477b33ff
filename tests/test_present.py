"""Presentation mode: the projector's colours keep 7:1, and the keys walk the deck's sections
(``dashboard.deck.KINDS``) on the live page."""

from __future__ import annotations

import re
import tomllib

import pytest
from playwright.sync_api import TimeoutError as WaitTimeout
from playwright.sync_api import expect

from dashboard import contrast, deck
from dashboard.i18n import t
from dashboard.ui import present

from .conftest import ROOT, screenshot, wait_for_app
from .test_a11y import axe_violations

PRIMARY = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]["primaryColor"]


def test_every_text_colour_of_the_projector_keeps_seven_to_one():
    for name, colour in present.TEXT_COLOURS.items():
        assert contrast.ratio(colour, present.BACKGROUND) >= contrast.AAA, name
    # a chosen option is drawn on the primary colour at 10 %
    chosen = contrast.tint(PRIMARY, present.BACKGROUND, 0.1)
    assert contrast.ratio(present.ACCENT, chosen) >= contrast.AAA


def test_every_colour_the_presentation_style_sheet_sets_is_one_of_those():
    colours = re.findall(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{3,8})", present.CSS)
    assert len(colours) >= 3
    assert set(colours) <= set(present.TEXT_COLOURS.values())
    for colour in colours:
        assert contrast.ratio(colour, present.BACKGROUND) >= contrast.AAA


def test_the_keys_walk_the_deck_order_numbers_map_charts_quotes():
    order = present.order()
    assert order == deck.KINDS
    walked = [kind for kind in order if kind in ("numbers", "map", "chart", "quotes")]
    assert walked == ["numbers", "map", "chart", "quotes"]
    script = present.keys_script()
    assert "__ORDER__" not in script and '["title", "numbers", "map"' in script
    # st.html's sanitiser drops a script whose text holds something like a tag
    body = script.removeprefix("<script>").removesuffix("</script>")
    assert not re.search(r"<[/\w!]", body)


def test_a_mark_of_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="numbers"):
        present.mark("slide")


def deck_state(page) -> dict:
    """The step the keys last took, and where each anchor's top is in the window."""
    return page.evaluate(
        """() => ({
            step: document.documentElement.dataset.deckStep || null,
            tops: Array.from(document.querySelectorAll('[data-deck-section]')).map(
                e => [e.dataset.deckSection, Math.round(e.getBoundingClientRect().top)]),
        })"""
    )


def press_and_see(page, key: str, kind: str, nth: int = 0) -> None:
    """Press ``key``; the step shown is ``kind`` and its anchor (``nth`` of that kind) stands
    at the top of the window, or the page cannot scroll further."""
    page.keyboard.press(key)
    page.wait_for_function("kind => document.documentElement.dataset.deckStep === kind", arg=kind)
    page.wait_for_timeout(200)  # one frame for the instant scroll to settle
    tops = [top for name, top in deck_state(page)["tops"] if name == kind]
    assert -5 <= tops[nth] <= 80 or tops[nth] < 768, (key, kind, deck_state(page))
    assert tops[nth] >= -5, (key, kind, deck_state(page))


@pytest.mark.browser
def test_the_arrow_keys_and_a_clicker_step_through_the_town_page(page, server):
    page.set_viewport_size({"width": 1366, "height": 768})  # a projector's window
    page.goto(f"{server.url}/town?town=tono&present=1")
    wait_for_app(page)
    page.locator("[data-deck-section='sources']").wait_for(state="attached")
    kinds = [name for name, _ in deck_state(page)["tops"]]
    assert kinds[:3] == ["title", "numbers", "map"] and {"chart", "quotes"} <= set(kinds)
    page.locator("h1").first.click()  # the presenter's focus is on the page
    press_and_see(page, "PageDown", "numbers")
    press_and_see(page, "ArrowRight", "map")
    press_and_see(page, "PageDown", "chart")
    press_and_see(page, "ArrowDown", "quotes")
    expect(page.get_by_role("heading", name=t("town.section.voices", "en"))).to_be_in_viewport()
    screenshot(page, "present-keys-town-quotes")
    press_and_see(page, "PageUp", "chart")
    press_and_see(page, "ArrowLeft", "map")
    press_and_see(page, "ArrowUp", "numbers")
    expect(page.locator('[data-testid="stMetric"]').first).to_be_in_viewport()


@pytest.mark.browser
def test_on_the_quote_wall_left_and_right_stay_with_the_quotes(page, server):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{server.url}/voices?present=1")
    wait_for_app(page)
    position = t("voices.wall.position", "en", n=1, total=11)
    page.get_by_text(position).wait_for()
    # the buttons' shortcuts answer once Streamlit has drawn them with their shortcut
    page.locator('[data-has-shortcut="true"]').first.wait_for(state="attached")
    wait_for_app(page)
    page.locator("h1").first.click()
    second = page.get_by_text(t("voices.wall.position", "en", n=2, total=11))
    page.keyboard.press("ArrowRight")
    try:
        second.wait_for(timeout=15_000)
    except WaitTimeout:  # pressed while the page was still being drawn: once more, by hand
        if page.get_by_text(position).count():
            page.keyboard.press("ArrowRight")
        second.wait_for()
    wait_for_app(page)
    press_and_see(page, "PageDown", "quotes")


@pytest.mark.browser
@pytest.mark.parametrize("path", ["town?town=tono&present=1", "voices?present=1&lang=ja"])
def test_presentation_text_passes_axe_enhanced_contrast(page, server, path):
    page.goto(f"{server.url}/{path}")
    wait_for_app(page)
    page.locator("h1").first.wait_for()
    page.locator("[data-deck-section]").first.wait_for(state="attached")
    wait_for_app(page)
    found = axe_violations(page, rules=["color-contrast-enhanced", "color-contrast"])
    assert not found, found
