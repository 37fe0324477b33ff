"""Hostile data in every text column (``tests/hostile.py``), every page opened in Chromium by
each role: no script runs, nothing is asked of the internet, and the text reads as written.

A payload that runs sets ``window.__pwned`` (checked in every frame, the folium map's iframe
too); a link or image from the data would point at example.org. The one request the app itself
may make outside the machine is the OpenStreetMap basemap tiles of the folium maps
(``dashboard.maps.japan.TILES``): the maps draw without them, so they are cut here like any
other outside request, but their being asked is not a fault.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from dashboard import auth
from dashboard.i18n import t
from dashboard.maps.japan import partner_map, town_map
from dashboard.maps.tables import prefecture_counts, town_summary
from dashboard.markup import WORD_JOINER
from dashboard.pages import PAGES

from .browser_pages import SIDEBAR
from .conftest import ROOT, Server, _local_only, screenshot, wait_for_app
from .hostile import FLAG, OUTSIDE, TOWN_NAMES, write_hostile_data

pytestmark = pytest.mark.browser

ALLOWED_OUTSIDE = {"tile.openstreetmap.org"}  # the basemap tiles, see the module's docstring
FOLIUM = 'iframe[title="streamlit_folium.st_folium"]'
TONO, TONO_JA = TOWN_NAMES["tono"]
STAFF_NAME = "Sosei [staff](https://example.org) **team**"
UPLOAD_NAME = "participants [x](https://example.org) **b** _i_ {x}.csv"
PROBLEMS = re.escape(t("data.problems.count", "en", n="").split(":")[0])

# run in every frame: the flag, and any attribute from the data that links, loads or handles
INERT = r"""(args) => {
  const [flag, outside] = args;
  const bad = [];
  const leaves = (v) => v.toLowerCase().includes(outside) || /^\s*javascript:/i.test(v);
  for (const el of document.querySelectorAll('*')) {
    for (const a of Array.from(el.attributes)) {
      const name = a.name.toLowerCase();
      if (/(^|:)(href|src|srcset|action|formaction|poster|data)$/.test(name) && leaves(a.value))
        bad.push(`${el.tagName} ${a.name}=${a.value}`);
      if (name.startsWith('on') && a.value.includes(flag)) bad.push(`${el.tagName} ${a.name}`);
    }
    if (el.tagName === 'SCRIPT' && el.textContent.trim().startsWith('window.' + flag))
      bad.push('a script element from the data');
  }
  return {flag: window[flag] === undefined ? null : String(window[flag]), bad};
}"""


def shown(text: str) -> str:
    """Text as a reader sees it: the invisible word joiners of ``escape_markdown`` dropped."""
    return text.replace(WORD_JOINER, "")


def assert_inert(page, where: str) -> None:
    """No frame of ``page`` ran a payload or holds a link, image or handler from the data."""
    for frame in page.frames:
        try:
            state = frame.evaluate(INERT, [FLAG, OUTSIDE])
        except PlaywrightError as exc:  # a frame torn down by a rerun while asked
            if "detached" in str(exc) or "destroyed" in str(exc):
                continue
            raise
        assert state == {"flag": None, "bad": []}, (where, frame.url, state)


def wait_for_text(page, selector: str, text: str, frame=None) -> None:
    """Wait until an element matching ``selector`` reads ``text`` (word joiners dropped)."""
    (frame or page).wait_for_function(
        """([selector, text, joiner]) => Array.from(document.querySelectorAll(selector))
             .some(e => e.textContent.split(joiner).join('').includes(text))""",
        arg=[selector, text, WORD_JOINER],
    )


def body_text(page) -> str:
    return shown(page.locator("body").evaluate("b => b.textContent"))


def sign_in(page, username: str, password: str) -> None:
    side = page.locator(SIDEBAR)
    expander = side.locator('[data-testid="stExpander"]', has_text="Sign in")
    if not side.get_by_role("textbox", name="Username").is_visible():
        expander.locator("summary").click()
    side.get_by_role("textbox", name="Username").fill(username)
    side.get_by_role("textbox", name="Password").fill(password)
    side.locator('[data-testid="stBaseButton-secondaryFormSubmit"]').click()
    side.get_by_text("Signed in as").wait_for()
    wait_for_app(page)


def open_nav(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a', has_text=re.compile(f"{title}$")).first.click()
    wait_for_app(page)
    page.locator('[data-testid="stMain"] h1').first.wait_for()
    wait_for_app(page)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    folder = write_hostile_data(tmp_path_factory.mktemp("hostile") / "data")
    users = tmp_path_factory.mktemp("auth") / "auth.yaml"
    auth.add_user(users, "staff", "staff-secret-1", "staff", name=STAFF_NAME)
    auth.add_user(users, "tono", "tono-secret-1", "municipality", town="tono", name="Tono `x`")
    srv = Server({"DASHBOARD_AUTH_FILE": str(users), "DASHBOARD_DATA_DIR": str(folder)})
    yield srv
    srv.stop()


@pytest.fixture
def role_page(browser):
    """A page of a context of its own, recording every request the browser attempts (those
    leaving the machine are cut, as in the ``page`` fixture)."""
    context = browser.new_context(viewport={"width": 1366, "height": 2400}, locale="en-US")
    asked: list[str] = []
    context.on("request", lambda request: asked.append(request.url))
    context.route("**/*", _local_only)
    page = context.new_page()
    page.set_default_timeout(90_000)
    yield page, asked
    context.close()


def outside_hosts(urls: list[str]) -> set[str]:
    hosts = {u.split("/")[2].split(":")[0] for u in urls if "://" in u}
    return {h for h in hosts if h not in ("127.0.0.1", "localhost")}


def check_town_page(page, role: str) -> None:
    if role != "tono":  # the picker first: a button per town, its label Markdown
        wait_for_text(page, ".st-key-town_pick_tono button", f"{TONO} ({TONO_JA})")
        page.locator(".st-key-town_pick_tono button").click()
        wait_for_app(page)
    wait_for_text(page, "h1", f"{TONO} · {TONO_JA}")
    assert_inert(page, "town")
    # the small folium map: the marker's tooltip reads the name as written
    page.wait_for_selector(FOLIUM)
    frame = page.frame_locator(FOLIUM)
    frame.locator("img.leaflet-marker-icon").first.hover()
    expect(frame.locator(".leaflet-tooltip")).to_have_text(TONO)
    assert_inert(page, "town map")


def check_maps_page(page) -> None:
    page.wait_for_selector(FOLIUM)
    frame = page.frame_locator(FOLIUM)
    marker = frame.locator(f'img.leaflet-marker-icon[title="{TONO}"]')
    marker.hover()
    expect(frame.locator(".leaflet-tooltip")).to_contain_text(TONO)
    marker.click()
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(t("maps.popup.open_town", "en", town=TONO))
    expect(popup.locator("a")).to_have_attribute("href", "/town?town=tono&lang=en")
    wait_for_text(page, "h2", TONO)  # the panel beside the map, its heading Markdown
    assert_inert(page, "maps")
    page.get_by_role("tab", name=t("maps.origins.header", "en")).click()
    page.locator('[data-testid="stPlotlyChart"]').nth(1).wait_for()
    wait_for_app(page)
    assert_inert(page, "maps origins")


def check_data_page(page) -> None:
    body = (ROOT / "data" / "participants.csv").read_bytes()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": UPLOAD_NAME, "mimeType": "text/csv", "buffer": body}
    )
    wait_for_app(page)
    # checked: the changes it would make, or what to fix first
    page.locator('[data-testid="stAlert"], h2').filter(
        has_text=re.compile(f"{t('data.diff.title', 'en')}|{PROBLEMS}")
    ).first.wait_for()
    wait_for_text(page, '[data-testid="stMarkdownContainer"]', UPLOAD_NAME)
    assert_inert(page, "data upload")


@pytest.mark.parametrize("role", ["public", "tono", "staff"])
def test_every_page_shows_hostile_data_as_text_and_runs_none_of_it(role_page, hostile_server, role):
    page, asked = role_page
    page.goto(hostile_server.url)
    wait_for_app(page)
    if role != "public":
        sign_in(page, role, f"{role}-secret-1")
        if role == "staff":
            wait_for_text(page, SIDEBAR + " p", f"Signed in as {STAFF_NAME}")
            expect(page.locator(SIDEBAR + " strong", has_text="team")).to_have_count(1)
    page.locator('[data-testid="stSidebarNav"] a').first.wait_for()
    titles = [
        a.inner_text().strip().split("\n")[-1].strip()
        for a in page.locator('[data-testid="stSidebarNav"] a').all()
    ]
    assert len(titles) >= 6 and ("Data" in titles) == (role == "staff"), titles
    visited = [p.name for p in PAGES if t(p.title_key, "en") in titles]
    assert {"overview", "maps", "nationalities", "timeline", "town", "voices"} <= set(visited)
    for name in visited:
        open_nav(page, t(f"nav.{name}", "en"))
        assert_inert(page, name)
        if name == "overview":  # plotly's town names, as written
            page.locator(".js-plotly-plot").first.wait_for()
            wait_for_text(page, ".js-plotly-plot", TOWN_NAMES["urahoro"][0])
        elif name == "town":
            check_town_page(page, role)
        elif name == "maps":
            check_maps_page(page)
        elif name == "timeline":  # the first program's panel: its heading is Markdown
            wait_for_text(page, "h3", TOWN_NAMES["shimokawa"][0])
        elif name == "voices":  # a testimonial's whole text, verbatim
            full = t("voices.full_text", "en")
            page.locator('[data-testid="stExpander"] summary', has_text=full).first.click()
            wait_for_text(page, '[data-testid="stExpander"]', f"<script>window.{FLAG}=1</script>")
        elif name == "data":
            check_data_page(page)
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        assert "Traceback" not in body_text(page), name
        screenshot(page, f"hostile-{role}-{name}")
        assert_inert(page, name)
    assert outside_hosts(asked) <= ALLOWED_OUTSIDE, sorted(
        u for u in asked if any(h in u for h in outside_hosts(asked) - ALLOWED_OUTSIDE)
    )


# --- the folium maps on their own, with names the loader would refuse -----------------------

SCRIPTY = "Tono${window.__pwned=1}`;window.__pwned=2;`</script><img src=x onerror=window.__pwned=3>"
LOCAL = "http://127.0.0.1:9"  # nothing listens there: every request is answered below
ASSETS = f"{LOCAL}/static"


def serve_map(page, fmap, tmp_path: Path) -> None:
    """Open ``fmap`` (made with ``asset_base=ASSETS``) as a page of its own, Leaflet from the
    app's static folder."""
    path = tmp_path / "map.html"
    path.write_text(fmap.get_root().render(), encoding="utf-8")

    def answer(route) -> None:
        url = route.request.url.removeprefix(LOCAL)
        local = path if url == "/map.html" else ROOT / url.lstrip("/").split("?")[0]
        if local.is_file() and (local == path or ROOT / "static" in local.parents):
            route.fulfill(path=str(local))
        else:
            route.fulfill(status=404)

    page.route(f"{LOCAL}/**", answer)
    page.goto(f"{LOCAL}/map.html")


@pytest.fixture
def scripty(dataset):
    regions = dataset.regions.copy()
    regions["name_en"] = [SCRIPTY if rid == "tono" else rid for rid in regions["region_id"]]
    return dataset.replace(regions=regions, programs=dataset.programs.assign(title=SCRIPTY))


def test_a_town_name_with_script_in_it_stays_text_on_the_town_map(page, scripty, tmp_path):
    serve_map(page, town_map(scripty, "tono", "en", asset_base=ASSETS), tmp_path)
    page.locator("img.leaflet-marker-icon").hover()
    expect(page.locator(".leaflet-tooltip")).to_have_text(SCRIPTY)
    assert_inert(page, "town map")


def test_names_and_titles_with_script_in_them_stay_text_on_the_partner_map(page, scripty, tmp_path):
    fmap = partner_map(town_summary(scripty), prefecture_counts(scripty), "en", asset_base=ASSETS)
    serve_map(page, fmap, tmp_path)
    page.locator(".leaflet-overlay-pane path").first.hover()  # Hokkaido's tooltip, as text
    expect(page.locator(".leaflet-tooltip", has_text="Hokkaido")).to_be_visible()
    marker = page.get_by_title(SCRIPTY, exact=True)  # Leaflet sets the name as a title: text
    marker.hover()
    expect(page.locator(".leaflet-tooltip", has_text=SCRIPTY)).to_be_visible()
    marker.click()
    # the popup: the name, and the program's title with its dates
    expect(page.locator(".leaflet-popup-content")).to_contain_text(f"{SCRIPTY} (")
    assert_inert(page, "partner map")
