"""The slides read back with python-pptx: one slide per deck section, 16:9, the town's name
and numbers in the text, the map and charts as pictures, Japanese set in a CJK font, and a
count masked for the public still masked in the file."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from dashboard import access, deck, slides
from dashboard.metrics import Filters

pytestmark = pytest.mark.browser  # kaleido draws the pictures with Chromium

MADE = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def decks(dataset) -> dict[str, bytes]:
    public = access.scope(dataset, access.PUBLIC)
    return {
        "tono-staff-en": slides.deck_pptx(dataset, access.STAFF, "en", "tono", made=MADE),
        "tono-staff-ja": slides.deck_pptx(dataset, access.STAFF, "ja", "tono", made=MADE),
        "tono-public-en": slides.deck_pptx(public, access.PUBLIC, "en", "tono", made=MADE),
        "network-public-ja": slides.deck_pptx(public, access.PUBLIC, "ja", made=MADE),
    }


def opened(data: bytes):
    from pptx import Presentation

    return Presentation(io.BytesIO(data))


def slide_texts(slide) -> list[str]:
    """Every paragraph of the slide's text boxes and table cells."""
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out += [p.text for p in shape.text_frame.paragraphs if p.text]
        if shape.has_table:
            out += [cell.text for row in shape.table.rows for cell in row.cells]
    return out


def pictures(slide) -> list:
    return [shape for shape in slide.shapes if shape.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE


def test_one_slide_per_section_at_16_by_9(dataset, decks):
    sections = deck.sections(dataset, access.STAFF, "en", "tono", made=MADE)
    prs = opened(decks["tono-staff-en"])
    assert len(prs.slides) == len(sections) == 7
    assert prs.slide_width * 9 == prs.slide_height * 16
    assert prs.core_properties.title == "Tono: what Sosei Partners brought"
    for n, (slide, section) in enumerate(zip(prs.slides, sections, strict=True), start=1):
        texts = slide_texts(slide)
        assert section.title in texts
        if n > 1:
            assert f"{n} / 7" in texts


def test_tonos_slides_hold_its_numbers_map_charts_quotes_and_sources(decks):
    prs = opened(decks["tono-staff-en"])
    title, numbers, the_map, countries, network, quotes, sources = prs.slides
    assert "Tono · 遠野市" in slide_texts(title)
    shown = slide_texts(numbers)
    for value, label in (
        ("11", "People linked"),
        ("9", "Countries linked"),
        ("2", "Returning participants"),
        ("44", "Person-days here"),
    ):
        assert shown[shown.index(label) - 1] == value
    for slide in (the_map, countries, network):
        (picture,) = pictures(slide)
        assert picture.image.content_type == "image/png"
        assert picture.width > 0 and picture.height > 0
    assert "Tono, Iwate" in slide_texts(the_map)
    said = slide_texts(quotes)
    assert sum(text.startswith("“") for text in said) == 3
    assert "— Trinh Doan (Vietnam)" in said
    assert any(deck.outline_credit("en") in text for text in slide_texts(sources))


def test_the_chart_pictures_are_drawn_sharp(decks):
    from PIL import Image

    countries = opened(decks["tono-staff-en"]).slides[3]
    (picture,) = pictures(countries)
    with Image.open(io.BytesIO(picture.image.blob)) as image:
        assert image.size == (slides.CHART_PX[0] * 2, slides.CHART_PX[1] * 2)
        assert len(image.convert("RGB").getcolors(1 << 20)) > 10  # drawn, not blank


def test_japanese_text_is_set_in_a_cjk_font(decks):
    prs = opened(decks["tono-staff-ja"])
    title = prs.slides[0]
    texts = slide_texts(title)
    assert "遠野市: Sosei Partners がもたらしたもの" in texts
    runs = [
        run
        for shape in title.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        for run in p.runs
    ]
    assert runs
    for run in runs:
        props = run._r.rPr
        assert props.get("lang") == "ja-JP"
        assert (
            props.find("{http://schemas.openxmlformats.org/drawingml/2006/main}ea").get("typeface")
            == slides.CJK_FONT
        )
    assert "つながった人数" in slide_texts(prs.slides[1])


def test_a_masked_count_stays_masked_for_the_public(decks):
    prs = opened(decks["tono-public-en"])
    shown = slide_texts(prs.slides[1])
    assert shown[shown.index("Returning participants") - 1] == "<3"
    assert "2" not in shown
    # the network slide is a table (no chart of small counts), its small counts masked
    network = prs.slides[3]
    assert not pictures(network)
    cells = slide_texts(network)
    assert "<3" in cells
    assert any("Counts under 3" in text for text in cells)


def test_the_networks_slides_are_in_japanese_with_three_charts(decks):
    prs = opened(decks["network-public-ja"])
    assert len(prs.slides) == 8  # title, numbers, map, three charts, quotes, sources
    assert "Sosei Partners: 留学生と日本の地方" in slide_texts(prs.slides[0])
    assert all(len(pictures(prs.slides[i])) == 1 for i in (2, 3, 4, 5))
    notes = "\n".join(slide_texts(prs.slides[3]))
    assert "八女市" in notes  # 2 people: left out of the chart, named under it


def test_a_deck_is_kept_per_data_viewer_language_town_and_filters(dataset, monkeypatch):
    made = []
    monkeypatch.setattr(slides, "deck_pptx", lambda *a, **k: made.append(a) or b"PK")
    slides.cached_deck.cache_clear()
    slides.cached_deck(dataset, access.STAFF, "en", "tono")
    slides.cached_deck(dataset, access.STAFF, "en", "tono")
    assert len(made) == 1
    slides.cached_deck(dataset, access.PUBLIC, "en", "tono")
    slides.cached_deck(dataset, access.STAFF, "en", None, Filters(towns=("tono",)))
    assert len(made) == 3
    slides.cached_deck.cache_clear()
