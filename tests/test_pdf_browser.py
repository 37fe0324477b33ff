"""The meeting files from the browser: on the town page the PDF report and the town's slides,
on the overview the network's slides; each built by its button, downloaded through
Playwright's download API and opened as a PDF (pypdf) or a PPTX (python-pptx)."""

from __future__ import annotations

import io
import unicodedata

import pytest
from playwright.sync_api import expect

from dashboard.i18n import t

from .conftest import DATA, Server, screenshot, wait_for_app
from .test_town_browser import PASSWORD, open_town, sign_in

pytestmark = pytest.mark.browser
BUILD_TIMEOUT = 240_000  # ms: Chromium prints, kaleido draws, on a shared machine


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on the bundled data with a staff member."""
    from dashboard import auth

    users = tmp_path_factory.mktemp("meeting-users") / "auth.yaml"
    auth.add_user(users, "aiko", PASSWORD, "staff", name="Aiko")
    srv = Server({"DASHBOARD_DATA_DIR": str(DATA), "DASHBOARD_AUTH_FILE": str(users)})
    yield srv
    srv.stop()


def build_and_download(page, what: str, lang: str, tmp_path):
    """Click the build button of ``what`` ("pdf" or "slides"), wait for its download button,
    download the file; returns (suggested file name, bytes)."""
    build = page.get_by_role("button", name=t(f"meeting.{what}.build", lang))
    build.click()
    download_button = page.get_by_role("button", name=t(f"meeting.{what}.download", lang))
    expect(download_button).to_be_visible(timeout=BUILD_TIMEOUT)
    expect(build).to_have_count(0)  # the download takes the build button's place
    with page.expect_download(timeout=120_000) as info:
        download_button.click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, path.read_bytes()


def pptx_texts(data: bytes) -> tuple[int, str]:
    from pptx import Presentation

    prs = Presentation(io.BytesIO(data))
    texts = [
        p.text
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
    ]
    return len(prs.slides), "\n".join(texts)


def test_the_town_page_gives_the_report_as_pdf_and_the_slides(page, server, tmp_path):
    from pypdf import PdfReader

    open_town(page, server, "town=tono")
    sign_in(page, "aiko")
    name, data = build_and_download(page, "pdf", "en", tmp_path)
    assert name.startswith("sosei-partners-tono-") and name.endswith(".pdf")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    text = "".join(unicodedata.normalize("NFKC", reader.pages[0].extract_text()).split())
    assert "Tono:whatSoseiPartnersbrought" in text and "11Peoplelinked" in text

    name, data = build_and_download(page, "slides", "en", tmp_path)
    assert name.startswith("sosei-partners-tono-slides-") and name.endswith(".pptx")
    count, text = pptx_texts(data)
    assert count == 7
    assert "Tono: what Sosei Partners brought" in text and "People linked" in text
    screenshot(page, "town-meeting-files-en")


def test_the_public_town_page_offers_masked_slides_and_no_pdf(page, server, tmp_path):
    open_town(page, server, "town=tono")
    expect(page.get_by_role("button", name=t("meeting.pdf.build", "en"))).to_have_count(0)
    _, data = build_and_download(page, "slides", "en", tmp_path)
    _, text = pptx_texts(data)
    lines = text.splitlines()
    assert lines[lines.index("Returning participants") - 1] == "<3"


def test_the_overview_gives_the_networks_slides_in_japanese(page, server, tmp_path):
    page.goto(f"{server.url}/?lang=ja")
    wait_for_app(page)
    page.locator("h1", has_text="Sosei Partners").first.wait_for()
    name, data = build_and_download(page, "slides", "ja", tmp_path)
    assert name.startswith("sosei-partners-network-slides-")
    count, text = pptx_texts(data)
    assert count == 8
    assert "Sosei Partners: 留学生と日本の地方" in text and "主な数字" in text
    screenshot(page, "overview-meeting-slides-ja")


def test_without_chromium_the_town_page_says_why_instead_of_a_button(
    page, start_server, tmp_path_factory
):
    from dashboard import auth

    users = tmp_path_factory.mktemp("meeting-no-browser") / "auth.yaml"
    auth.add_user(users, "aiko", PASSWORD, "staff", name="Aiko")
    srv = start_server(
        {
            "DASHBOARD_DATA_DIR": str(DATA),
            "DASHBOARD_AUTH_FILE": str(users),
            "CHROMIUM_PATH": "/nonexistent/chromium",
        }
    )
    open_town(page, srv, "town=tono&lang=ja")
    sign_in(page, "aiko", "ja")
    reason = t("meeting.pdf.no_browser", "ja", path="/nonexistent/chromium")
    expect(page.get_by_text(reason)).to_be_visible()
    expect(page.get_by_role("button", name=t("meeting.pdf.build", "ja"))).to_have_count(0)
    expect(page.get_by_role("button", name=t("town.download.report", "ja"))).to_be_visible()
    page.get_by_text(reason).scroll_into_view_if_needed()
    screenshot(page, "town-meeting-no-chromium-ja")
