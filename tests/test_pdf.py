"""The town's report as PDF, printed by headless Chromium and read back with pypdf: the town's
name and numbers in its text, A4 pages, the footer's page numbers and data date, Japanese
fonts embedded, page 1 rendered to PNG by pdftoppm, and no browser left running."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from dashboard import pdf, report
from dashboard.access import PUBLIC, STAFF

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser  # Chromium prints the report

MADE = dt.date(2026, 12, 1)
DATA_DAY = dt.date(2026, 11, 28)
A4 = (595.0, 842.0)  # points; Chromium writes 595.92 x 842.88


@pytest.fixture(scope="module")
def map_png(dataset) -> bytes:
    """A stand-in map picture (a plain PNG), so the PDFs here do not wait for kaleido."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (520, 520), "#9ecae1").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def printed(dataset, map_png) -> dict[str, bytes]:
    return {
        lang: pdf.town_pdf(dataset, "tono", lang, when=DATA_DAY, made=MADE, map_image=map_png)
        for lang in ("en", "ja")
    }


def read(data: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in read(data).pages)


def squashed(text: str) -> str:
    """The text without spaces, NFKC-normalised (the CJK fonts map some ideographs to their
    radicals' code points, ⼈ for 人, when text is read back)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_the_pdf_is_a4_with_a_few_pages(printed):
    for data in printed.values():
        assert data.startswith(b"%PDF-")
        pages = read(data).pages
        assert 2 <= len(pages) <= 8
        for page in pages:
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            assert abs(width - A4[0]) < 2 and abs(height - A4[1]) < 2


def test_the_english_pdf_holds_tonos_name_and_numbers(printed):
    text = text_of(printed["en"])
    assert "Tono: what Sosei Partners brought" in text
    assert "Report made on Dec 1, 2026" in text
    flat = squashed(text)
    for label, value in (
        ("People linked", "11"),
        ("Countries linked", "9"),
        ("Returning participants", "2"),
        ("Person-days here", "44"),
    ):
        assert squashed(value + label) in flat or squashed(label + value) in flat, label
    assert "Trinh Doan" in text  # a quote's byline


def test_the_japanese_pdf_is_in_japanese_with_its_fonts_embedded(printed):
    data = printed["ja"]
    flat = squashed(text_of(data))
    assert "遠野市:SoseiPartnersがもたらしたもの" in flat
    assert "つながった人数" in flat and "滞在人日" in flat
    fonts = fonts_of(data)
    assert fonts and all(embedded for _, embedded in fonts)


def fonts_of(data: bytes) -> list[tuple[str, bool]]:
    """Every font of the PDF: its name and whether its glyphs are in the file (a Type 3 font
    draws them itself; the others carry a font file)."""
    found = []
    for page in read(data).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            kind = font.get("/Subtype")
            if kind == "/Type3":
                found.append(("Type3", "/CharProcs" in font))
                continue
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            has_file = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append((str(font.get("/BaseFont")), has_file))
    return found


def test_the_footer_numbers_the_pages_and_dates_the_data(printed):
    for lang, data in printed.items():
        pages = read(data).pages
        total = len(pages)
        for n, page in enumerate(pages, start=1):
            flat = squashed(page.extract_text())
            assert f"{n}/{total}" in flat
        first = squashed(pages[0].extract_text())
        date = "Nov28,2026" if lang == "en" else "2026年11月28日"
        assert date in first


def test_page_one_renders_to_png(printed, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm not found: apt-get install poppler-utils")
    out = ARTIFACTS / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for lang, data in printed.items():
        source = tmp_path / f"tono-{lang}.pdf"
        source.write_bytes(data)
        target = out / f"pdf-tono-{lang}-page1"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", source, target],
            check=True,
            timeout=120,
        )
        png = Path(f"{target}.png")
        from PIL import Image

        with Image.open(png) as image:
            width, height = image.size
            colours = image.convert("L").getextrema()
        assert abs(height / width - A4[1] / A4[0]) < 0.01
        assert colours[0] < 80  # there is dark text on the white page


def chromium_children() -> set[int]:
    """The Chromium processes below this test process (read from /proc)."""
    me, found = os.getpid(), set()
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            names[int(entry.name)] = (entry / "cmdline").read_bytes().decode(errors="ignore")
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    for pid in names:
        up = parents.get(pid)
        while up and up != me:
            up = parents.get(up)
        if up == me and "chrom" in names[pid] and "Z" not in _state(pid):
            found.add(pid)
    return found


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def test_printing_leaves_no_browser_running(dataset, map_png):
    before = chromium_children()
    pdf.town_pdf(dataset, "yame", "en", map_image=map_png)
    assert chromium_children() <= before


def test_without_chromium_the_reason_is_said_in_both_languages(monkeypatch, dataset):
    monkeypatch.setenv("CHROMIUM_PATH", "/nonexistent/chromium")
    english, japanese = pdf.unavailable("en"), pdf.unavailable("ja")
    assert "Chromium" in english and "/nonexistent/chromium" in english
    assert "Chromium" in japanese and "インストールされていません" in japanese
    with pytest.raises(RuntimeError, match="Chromium"):
        pdf.town_pdf(dataset, "tono", "en", map_image=False)
    monkeypatch.delenv("CHROMIUM_PATH")
    assert pdf.unavailable("en") == ""


def test_the_pdf_is_kept_per_data_and_only_for_who_may_see_every_count(dataset, monkeypatch):
    made = []
    monkeypatch.setattr(pdf, "town_pdf", lambda *a, **k: made.append(a) or b"%PDF-1.4 stand-in")
    pdf.cached_town_pdf.cache_clear()
    first = pdf.cached_town_pdf(dataset, "tono", "en", STAFF, DATA_DAY)
    again = pdf.cached_town_pdf(dataset, "tono", "en", STAFF, DATA_DAY)
    assert first == again and len(made) == 1
    pdf.cached_town_pdf(dataset, "tono", "ja", STAFF, DATA_DAY)
    pdf.cached_town_pdf(dataset.replace(), "tono", "en", STAFF, DATA_DAY)  # new data
    assert len(made) == 3
    with pytest.raises(PermissionError):
        pdf.cached_town_pdf(dataset, "tono", "en", PUBLIC, DATA_DAY)
    pdf.cached_town_pdf.cache_clear()


def test_the_pdf_file_is_named_like_the_report():
    assert report.report_filename({"region_id": "tono"}, MADE, ext="pdf") == (
        "sosei-partners-tono-2026-12-01.pdf"
    )


def test_the_data_date_is_the_newest_table_file(data_copy):
    stamp = dt.datetime(2026, 11, 28, 12, 0).timestamp()
    for path in data_copy.glob("*.csv"):
        os.utime(path, (stamp, stamp))
    assert pdf.data_date(data_copy) == DATA_DAY
    assert pdf.data_date(None) is None
