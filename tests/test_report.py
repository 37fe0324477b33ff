"""The town report: one self-contained HTML file (parsed and checked, then opened in headless
Chromium with the network cut) and the zip of the town's tables."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from html.parser import HTMLParser

import pandas as pd
import pytest

from dashboard import mapshot, report

from .conftest import ARTIFACTS

MADE = dt.date(2026, 11, 24)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


class Page(HTMLParser):
    """What a test needs from the report: scripts, links, images, the lang, the cells of every
    element marked with a data attribute (``rows["key:people"]``, ``rows["code:VN"]``), and all
    visible text."""

    CELLS = ("td", "span", "p")

    def __init__(self, html: str) -> None:
        super().__init__()
        self.scripts: list[dict] = []
        self.links: list[dict] = []
        self.images: list[dict] = []
        self.lang = ""
        self.rows: dict[str, list[str]] = {}
        self._open: list[tuple[str, int, str]] = []  # (tag, depth, row name)
        self._depth = 0
        self._cell: list[str] | None = None
        self._hidden = 0
        self._texts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("meta", "link", "img", "br", "input"):
            {"link": self.links, "img": self.images}.get(tag, []).append(attrs)
            return
        self._depth += 1
        if tag == "html":
            self.lang = attrs.get("lang", "")
        if tag == "script":
            self.scripts.append(attrs)
        if tag in ("script", "style"):
            self._hidden += 1
        marks = [(k[5:], v) for k, v in attrs.items() if k.startswith("data-")]
        if marks and tag in ("div", "tr", "blockquote"):
            name = f"{marks[0][0]}:{marks[0][1]}"
            self.rows[name] = []
            self._open.append((tag, self._depth, name))
        elif tag in self.CELLS and self._open:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in self.CELLS and self._cell is not None and self._open:
            self.rows[self._open[-1][2]].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if self._open and self._open[-1][0] == tag and self._open[-1][1] == self._depth:
            self._open.pop()
        if tag in ("script", "style"):
            self._hidden -= 1
        self._depth -= 1

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if not self._hidden:
            self._texts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self._texts).split())


@pytest.fixture(scope="module")
def tono_en(dataset) -> str:
    return report.town_report(dataset, "tono", "en", made=MADE, map_image=PNG)


@pytest.fixture(scope="module")
def tono_ja(dataset) -> str:
    return report.town_report(dataset, "tono", "ja", made=MADE, map_image=PNG)


def test_the_report_embeds_plotly_once_and_loads_nothing_from_outside(tono_en):
    page = Page(tono_en)
    assert [s for s in page.scripts if s.get("src")] == []
    assert [ln for ln in page.links if ln.get("href", "").startswith(("http", "//"))] == []
    # plotly.js names its topojson CDN as a default; only geo traces would use it, and none is here
    assert "scattergeo" not in tono_en.split("</script>")[-1]
    assert tono_en.count("plotly.js v") == 1  # the library's banner: embedded exactly once
    assert tono_en.count("Plotly.newPlot") == 2  # two charts
    assert all(img["src"].startswith("data:image/png;base64,") for img in page.images)


def test_the_report_numbers_match_the_hand_counts(tono_en):
    page = Page(tono_en)
    assert page.lang == "en"
    numbers = {k[4:]: v[0] for k, v in page.rows.items() if k.startswith("key:")}
    assert numbers == {
        "people": "11",
        "countries": "9",
        "returning": "2",
        "person_days": "44",
        "programs": "1",
        "outcomes": "3",
    }
    assert page.rows["code:unknown"] == ["Unknown nationality", "2"]
    assert page.rows["code:VN"] == ["Vietnam", "1"]
    assert len([k for k in page.rows if k.startswith("code:")]) == 10
    assert page.rows["kind:review"][:3] == ["Online reviews", "English", "number not given"]
    assert page.rows["measure:people"] == ["People", "11", "5.4"]
    assert page.rows["measure:person_days"] == ["Person-days", "44", "30.4"]
    assert "Tono: what Sosei Partners brought" in page.text
    assert "Report made on Nov 24, 2026" in page.text
    assert "Data source" in page.text


def test_the_report_shows_all_five_testimonials_with_byline(tono_en):
    page = Page(tono_en)
    for tid, byline in (
        ("trinh-doan", "— Trinh Doan (Vietnam)"),
        ("alejandro", "— Alejandro (Spain)"),
        ("leandro", "— Leandro (Brazil)"),
        ("hakim", "— Hakim (Malaysia)"),
        ("roger", "— Roger (United States)"),
    ):
        assert byline in page.rows[f"id:{tid}"], tid


def test_the_report_in_japanese(tono_ja):
    page = Page(tono_ja)
    assert page.lang == "ja"
    assert "遠野市: Sosei Partners がもたらしたもの" in page.text
    assert "作成日: 2026年11月24日" in page.text
    assert page.rows["code:unknown"] == ["国籍不明", "2"]
    assert page.rows["key:countries"][0] == "9"
    assert page.rows["measure:people"] == ["人数", "11", "5.4"]
    assert "岩手県" in page.text
    assert "うち 2 人は国籍不明です" in page.text


def test_the_report_has_print_styles_for_a4(tono_en):
    assert "@page { size: A4" in tono_en
    assert "@media print" in tono_en


def test_testimonial_text_is_escaped(dataset):
    texts = dataset.testimonials.copy()
    texts.loc[texts["testimonial_id"] == "roger", "text"] = (
        'Nice <script>alert("x")</script> & <img src=x onerror=alert(1)>. More.'
    )
    html = report.town_report(
        dataset.replace(testimonials=texts), "tono", "en", made=MADE, map_image=False
    )
    assert '<script>alert("x")</script>' not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_ishinomaki_report_says_the_team_has_no_dates(dataset):
    page = Page(report.town_report(dataset, "ishinomaki", "en", made=MADE, map_image=False))
    assert page.rows["key:person_days"][0] == "42"
    assert "1 program(s) here have no known dates, so their 7 participant(s)" in page.text
    assert "No testimonials mention Ishinomaki yet." in page.text


def test_a_report_for_an_unknown_town_is_refused(dataset):
    with pytest.raises(KeyError):
        report.town_report(dataset, "nowhere", "en")


def test_the_csv_zip_holds_the_towns_tables(dataset):
    data = report.town_csv_zip(dataset, "tono")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert names == [
            f"tono/{n}.csv"
            for n in (
                "summary",
                "programs",
                "countries",
                "returning",
                "outcomes",
                "testimonials",
                "network",
            )
        ]
        summary = pd.read_csv(io.BytesIO(zf.read("tono/summary.csv")), encoding="utf-8-sig")
        countries = pd.read_csv(
            io.BytesIO(zf.read("tono/countries.csv")), encoding="utf-8-sig", keep_default_na=False
        )
        texts = pd.read_csv(io.BytesIO(zf.read("tono/testimonials.csv")), encoding="utf-8-sig")
    values = dict(zip(summary["measure"], summary["value"], strict=True))
    assert (values["people"], values["countries"], values["person_days"]) == (11, 9, 44)
    assert (values["returning"], values["reported"], values["unknown_nationality"]) == (2, 11, 2)
    assert countries["people"].sum() == 11 and len(countries) == 10
    assert len(texts) == 5
    assert "participant_id" not in texts.columns


def test_the_download_buttons_ask_for_the_data_only_when_pressed(dataset):
    asked = []

    def data():
        asked.append(1)
        return dataset

    region = dataset.regions.set_index("region_id").loc["tono"].to_dict() | {"region_id": "tono"}
    html, csv = report.download_args(data, region, "ja")
    assert not asked  # a button held by the session must not hold the viewer's data
    assert html["file_name"].startswith("sosei-partners-tono-") and html["mime"] == "text/html"
    assert "遠野" in html["data"]().decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(csv["data"]())) as zf:
        assert "tono/summary.csv" in zf.namelist()
    assert len(asked) == 2
    assert html["label"] != csv["label"] and html["key"] != csv["key"]


def test_without_an_image_the_map_is_drawn_inline_and_plotly_still_embedded_once(
    dataset, monkeypatch
):
    monkeypatch.setattr(mapshot, "_draw_map", lambda region, lang: None)
    monkeypatch.setattr(mapshot, "_MAPS", {})
    html = report.town_report(dataset, "yame", "en", made=MADE)
    assert html.count("plotly.js v") == 1
    assert html.count("Plotly.newPlot") == 3  # map, countries, network
    assert html.index("choroplethmap") < html.index('id="countries"')
    assert Page(html).images == []


@pytest.mark.browser  # kaleido drives Chromium
def test_the_report_map_is_a_png_of_the_prefecture_and_town(dataset):
    import struct

    region = report.towns.find_town(dataset, "tono")
    png = mapshot.map_png(region, "ja")
    assert png is not None and png.startswith(b"\x89PNG")
    assert struct.unpack(">II", png[16:24]) == (520, 520)
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "screenshots" / "report-map-tono-ja.png").write_bytes(png)
    page = Page(report.town_report(dataset, "tono", "ja", made=MADE))
    assert len(page.images) == 1
    assert page.images[0]["src"].startswith("data:image/png;base64,")
    assert page.images[0]["alt"] == "岩手県遠野市の位置を示す日本地図"


# --- opened in a real browser with no network ---------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_report_renders_offline_in_chromium(browser, dataset, lang, tmp_path):
    html = report.town_report(dataset, "tono", lang, made=MADE)  # with the kaleido map if any
    path = tmp_path / f"tono-{lang}.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 900, "height": 1200}, offline=True)
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    try:
        page.goto(path.as_uri())
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length === 2")
        page.locator(".js-plotly-plot .main-svg").first.wait_for()
        bars = page.locator("#countries .js-plotly-plot g.point")
        assert bars.count() == 10  # nine countries and the unknown
        assert page.locator("#network .js-plotly-plot g.point").count() == 12  # 6 measures x 2
        assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []
        target = ARTIFACTS / "screenshots" / f"report-tono-{lang}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target), full_page=True)
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", print_background=True)
        (ARTIFACTS / f"report-tono-{lang}.pdf").write_bytes(pdf)
        pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
        assert 2 <= pages <= 6
    finally:
        context.close()
