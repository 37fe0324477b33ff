"""The voices page in headless Chromium: cards, search in the link, the quote wall, and a
testimonial full of markup that must show as characters and run nothing."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from playwright.sync_api import expect

from dashboard.i18n import t

from .conftest import DATA, Server, screenshot, wait_for_app
from .pages_list import page_title

pytestmark = pytest.mark.browser

CARD = '[data-testid="stMain"] .voices-card'


def open_voices(page, server, query: str = "", lang: str = "en"):
    """Open the voices page by its link (``/voices?q=tea`` is how a found quote is shared)."""
    page.goto(f"{server.url}/voices{query}")
    wait_for_app(page)
    page.locator("h1", has_text=t("voices.title", lang)).wait_for()


def test_the_page_opens_from_the_navigation(page, server):
    page.goto(server.url)
    wait_for_app(page)
    page.locator('[data-testid="stSidebarNav"] a', has_text=page_title("voices.py", "en")).click()
    page.wait_for_url(re.compile(r"/voices$"))
    page.locator(CARD).nth(10).wait_for()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_testimonial_is_a_card_with_its_highlight(page, server, lang):
    open_voices(page, server, f"?lang={lang}", lang)
    page.locator(CARD).nth(10).wait_for()
    expect(page.locator(CARD)).to_have_count(11)
    hester = page.locator(f'{CARD}[data-testimonial="hester"]')
    assert (
        hester.locator(".voices-quote").inner_text() == "I have never felt so welcomed in my life."
    )
    meta = hester.locator(".voices-meta").inner_text()
    assert (
        ("United Kingdom" in meta and "Shimokawa" in meta)
        if lang == "en"
        else ("イギリス" in meta and "下川町" in meta)
    )
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.locator(".main-svg").first.wait_for()
    assert chart.locator(".bars path").count() >= 7
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    screenshot(page, f"voices-cards-{lang}")
    chart.scroll_into_view_if_needed()
    screenshot(page, f"voices-themes-{lang}")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_search_goes_into_the_link_and_marks_the_matches(page, server, lang):
    open_voices(page, server, f"?lang={lang}", lang)
    page.locator(CARD).nth(10).wait_for()
    box = page.locator('[data-testid="stMain"] .st-key-q input')
    box.fill("tea")
    box.press("Enter")
    page.wait_for_url(re.compile(r"[?&]q=tea(&|$)"))
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stMain\"] .voices-card').length === 1"
    )
    card = page.locator(f'{CARD}[data-testimonial="gae"]')
    expect(card).to_have_count(1)
    expander = page.locator('[data-testid="stExpander"]', has_text="Yame").first
    page.locator('[data-testid="stExpander"] summary').first.click()
    marks = page.locator('[data-testid="stMain"] .voices-para mark')
    marks.first.wait_for()
    assert marks.all_inner_texts() == ["tea"] * 4
    expect(expander).to_have_count(1)
    screenshot(page, f"voices-search-{lang}")

    # the link reopens the same find in a new tab
    link = page.url
    other = page.context.new_page()
    other.goto(link)
    wait_for_app(other)
    other.locator(CARD).first.wait_for()
    expect(other.locator(CARD)).to_have_count(1)
    other.wait_for_function(
        "() => document.querySelector('[data-testid=\"stMain\"] .st-key-q input')?.value === 'tea'"
    )
    other.close()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_search_that_finds_nothing_says_so(page, server, lang):
    open_voices(page, server, f"?lang={lang}&q=xylophone", lang)
    alert = page.locator('[data-testid="stAlert"]').first
    alert.wait_for()
    assert ("No testimonial matches" if lang == "en" else "一致する推薦文はありません") in (
        alert.inner_text()
    )
    expect(page.locator(CARD)).to_have_count(0)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_quote_wall_shows_one_quote_and_steps_with_the_arrow_keys(page, server, lang):
    open_voices(page, server, f"?lang={lang}&view=wall", lang)
    quote = page.locator('[data-testid="stMain"] .voices-wall')
    quote.wait_for()
    expect(quote).to_have_count(1)
    first = quote.get_attribute("data-testimonial")
    assert first == "chao-ping"
    expect(page.locator(CARD)).to_have_count(0)
    screenshot(page, f"voices-wall-{lang}")
    page.locator("h1").first.click()  # focus the page, not a text box
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stMain\"] .voices-wall')"
        "?.dataset.testimonial === 'lee'"
    )
    page.get_by_role("button", name="Previous" if lang == "en" else "前へ").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stMain\"] .voices-wall')"
        "?.dataset.testimonial === 'chao-ping'"
    )

    # presentation mode (?present=1) opens the wall with no sidebar, for a projector
    page.goto(f"{server.url}/voices?lang={lang}&present=1")
    wait_for_app(page)
    page.locator('[data-testid="stMain"] .voices-wall').wait_for()
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    screenshot(page, f"voices-wall-present-{lang}")


# no full stop inside, so the whole text is one sentence and the highlight carries it all
ATTACK = (
    "I loved Tono <script>pwned = 1</script> and "
    '<img src=x onerror="pwned = 2"> the best [click me](javascript:pwned=3) **trip** ever!'
)


@pytest.fixture(scope="module")
def attacked_server(tmp_path_factory):
    """The app on a copy of the data where Lee's testimonial is full of markup."""
    copy = tmp_path_factory.mktemp("attack") / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns(".versions", ".lock", "source"))
    path = copy / "testimonials.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame["testimonial_id"] == "lee", "text"] = ATTACK
    frame.to_csv(path, index=False)
    server = Server({"DASHBOARD_DATA_DIR": str(copy)})
    yield server
    server.stop()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_testimonial_full_of_markup_shows_the_characters_and_runs_nothing(
    page, attacked_server, lang
):
    server = attacked_server
    # the card and the full text with search marks, then the wall (no marks)
    for query in (f"?lang={lang}&q=script", f"?lang={lang}&view=wall"):
        open_voices(page, server, query, lang)
        if "wall" in query:
            quote = page.locator('[data-testid="stMain"] .voices-wall')
            quote.wait_for()
            page.get_by_role("button", name="Next" if lang == "en" else "次へ").click()
            page.wait_for_function(
                "() => document.querySelector('[data-testid=\"stMain\"] .voices-wall')"
                "?.dataset.testimonial === 'lee'"
            )
            shown = quote.inner_text()
        else:
            card = page.locator(f'{CARD}[data-testimonial="lee"]')
            card.wait_for()
            page.locator('.st-key-voices_card_lee [data-testid="stExpander"] summary').click()
            para = page.locator('[data-testid="stMain"] .voices-para', has_text="loved Tono")
            para.first.wait_for()
            shown = card.inner_text() + para.first.inner_text()
            assert para.first.locator("mark").all_inner_texts() == ["script", "script"]
            screenshot(page, f"voices-injection-{lang}")
        assert "<script>pwned = 1</script>" in shown
        assert '<img src=x onerror="pwned = 2">' in shown
        assert "[click me](javascript:pwned=3)" in shown and "**trip**" in shown
        main = page.locator('[data-testid="stMain"]')
        expect(main.locator('img[src="x"]')).to_have_count(0)
        expect(main.locator('a[href^="javascript"]')).to_have_count(0)
        expect(main.locator("script")).to_have_count(0)
        assert page.evaluate("() => window.pwned") is None
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
