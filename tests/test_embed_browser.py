"""Pages embedded in another site: a static page on another port frames the town page (with
the snippet the town page itself gives), the overview, the maps and the quote wall."""

from __future__ import annotations

import functools
import html
import http.server
import threading
import urllib.request

import pytest
from playwright.sync_api import expect

from bench.server import free_port
from dashboard.i18n import t

from .conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture
def host_site(tmp_path):
    """A municipality's website: ``publish(name, body)`` writes a page and returns its
    address on a port of its own (another origin than the app's)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()

    def publish(name: str, body: str) -> str:
        page = f"<!doctype html><html lang='ja'><head><meta charset='utf-8'><title>{name}"
        page += f"</title></head><body><h1>Tono City</h1>{body}</body></html>"
        (tmp_path / f"{name}.html").write_text(page, encoding="utf-8")
        return f"http://127.0.0.1:{httpd.server_address[1]}/{name}.html"

    yield publish
    httpd.shutdown()
    httpd.server_close()


def frame_metrics(frame) -> dict[str, str]:
    labels = frame.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = frame.locator('[data-testid="stMetricValue"]').all_inner_texts()
    return dict(zip([label.strip() for label in labels], values, strict=True))


def test_streamlit_does_not_refuse_to_be_framed(server):
    with urllib.request.urlopen(f"{server.url}/town?town=tono&embed=true") as reply:
        headers = {k.lower(): v for k, v in reply.headers.items()}
    assert "x-frame-options" not in headers
    assert "frame-ancestors" not in headers.get("content-security-policy", "")


def test_the_town_page_drawn_inside_a_municipal_site_from_its_own_embed_code(
    page, server, host_site
):
    page.goto(f"{server.url}/town?town=tono&lang=ja")
    wait_for_app(page)
    page.get_by_role("button", name=t("embed.button", "ja")).click()
    code = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]')
    expect(code).to_contain_text("<iframe")
    snippet = code.inner_text().strip()
    src = f"{server.url}/town?town=tono&amp;lang=ja&amp;embed=true"
    assert snippet.startswith(f'<iframe src="{src}"'), snippet
    assert 'width="100%" height="900"' in snippet
    screenshot(page, "embed-code-town-ja")

    page.goto(host_site("tono", snippet))
    assert page.locator("iframe").get_attribute("src") == html.unescape(src)
    frame = page.frame_locator("iframe")
    people = t("town.metric.people", "ja")
    frame.locator('[data-testid="stMetricLabel"]', has_text=people).wait_for()
    expect(frame.locator("h1").first).to_contain_text("遠野市")
    # the town's figures, drawn inside the frame: its numbers and its countries chart
    expect(frame.locator('[data-testid="stMetric"]', has_text=people)).to_contain_text("11")
    metrics = frame_metrics(frame)
    assert metrics[t("town.metric.countries", "ja")] == "9"
    # (a visitor sees the countries by name: their small counts are not drawn as a chart)
    expect(frame.locator('[data-testid="stMain"]')).to_contain_text("ベトナム")
    expect(frame.locator('[data-testid="stDataFrame"]').first).to_be_visible()  # programs
    town_map = frame.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    expect(town_map.locator(".leaflet-container")).to_be_visible()
    expect(
        town_map.locator("path.leaflet-interactive, img.leaflet-marker-icon").first
    ).to_be_attached()
    # no sidebar, no header, and no embed code inside the frame
    expect(frame.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(frame.get_by_role("button", name=t("embed.button", "ja"))).to_have_count(0)
    expect(frame.locator('[data-testid="stException"]')).to_have_count(0)
    screenshot(page, "embed-town-ja")


def test_overview_maps_and_quote_wall_embed_with_their_parameters(page, server, host_site):
    frames = {
        "overview": f"{server.url}/?town=tono&embed=true",
        "maps": f"{server.url}/maps?lang=ja&embed=true",
        "voices": f"{server.url}/voices?view=wall&embed=true",
    }
    body = "".join(
        f'<iframe id="{name}" title="{name}" src="{html.escape(src)}" width="1200"'
        ' height="900"></iframe>'
        for name, src in frames.items()
    )
    page.goto(host_site("pages", body))
    overview = page.frame_locator("#overview")
    listed = overview.locator('[data-testid="stMetric"]', has_text="Participants listed")
    expect(listed.locator('[data-testid="stMetricValue"]')).to_have_text("11")  # Tono only
    maps = page.frame_locator("#maps")
    expect(maps.locator("h1").first).to_have_text(t("maps.title", "ja"))
    maps.locator('iframe[title="streamlit_folium.st_folium"]').wait_for()
    voices = page.frame_locator("#voices")
    expect(voices.locator("h1").first).to_have_text(t("voices.title", "en"))
    expect(voices.locator('[data-testid="stMain"]')).to_contain_text(
        t("voices.wall.position", "en", n=1, total=11)
    )
    for name in frames:
        frame = page.frame_locator(f"#{name}")
        expect(frame.locator('[data-testid="stSidebar"]')).to_be_hidden()
        expect(frame.locator('[data-testid="stException"]')).to_have_count(0)
    screenshot(page, "embed-overview-maps-voices")
