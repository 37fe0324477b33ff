"""The deck (``dashboard.deck.sections``) as a 16:9 PowerPoint file, with python-pptx.

One slide per section: the title; the headline numbers as cards with their notes; the map and
the charts as pictures (plotly drawn by kaleido, ``mapshot``), or a table when the viewer may
not see a chart's counts; the quotes with who said them; the sources. Text is set in a CJK
font for East Asian script (``CJK_FONT``), so Japanese reads right in PowerPoint, Keynote and
LibreOffice alike; every slide carries its number.
"""

from __future__ import annotations

import datetime as dt
import io

import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from dashboard import deck, mapshot
from dashboard import town as towns
from dashboard.access import Viewer
from dashboard.data import Dataset
from dashboard.deck import Section
from dashboard.i18n import t
from dashboard.memo import memo
from dashboard.palette import MEASURE_COLOUR as NETWORK
from dashboard.palette import NEUTRAL, town_colours

WIDTH, HEIGHT = Emu(12_192_000), Emu(6_858_000)  # 16:9, 13.33 by 7.5 inches
MARGIN = Inches(0.6)
LATIN_FONT = "Noto Sans"
CJK_FONT = "Noto Sans CJK JP"
INK, MUTED, LINE = RGBColor(0x1F, 0x29, 0x33), RGBColor(0x5F, 0x6B, 0x7A), "D9DEE4"
CHART_PX = (1200, 540)  # a chart's picture, drawn at twice this for a sharp projection
MAP_PX = 520
BLANK_LAYOUT = 6


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper()[:6])


def _font(run, size: float, lang: str, *, bold: bool = False, colour: RGBColor = INK) -> None:
    """Size, weight, colour and fonts of one run: ``LATIN_FONT`` for Latin script and
    ``CJK_FONT`` for East Asian (python-pptx sets only the Latin one; ``a:ea`` is added)."""
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = colour
    run.font.name = LATIN_FONT
    props = run._r.get_or_add_rPr()
    props.set("lang", "ja-JP" if lang == "ja" else "en-US")
    for tag, face in (("a:ea", CJK_FONT), ("a:cs", LATIN_FONT)):
        found = props.find(qn(tag))
        if found is None:
            found = props.makeelement(qn(tag), {})
            props.append(found)
        found.set("typeface", face)


def _text(
    slide,
    left,
    top,
    width,
    height,
    paragraphs: list[tuple[str, float, dict]],
    lang: str,
    *,
    align=PP_ALIGN.LEFT,
    anchor=MSO_ANCHOR.TOP,
):
    """A text box of ``paragraphs`` (text, size in points, options for ``_font``), wrapped."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    for i, (text, size, options) in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        paragraph.space_after = Pt(size * 0.35)
        run = paragraph.add_run()
        run.text = text
        _font(run, size, lang, **options)
    return box


def _heading(slide, title: str, lang: str, colour: RGBColor) -> None:
    _text(
        slide,
        MARGIN,
        Inches(0.35),
        WIDTH - 2 * MARGIN,
        Inches(0.9),
        [(title, 30 if len(title) <= 40 else 24, {"bold": True})],
        lang,
    )
    bar = slide.shapes.add_shape(1, MARGIN, Inches(1.2), Inches(1.4), Inches(0.08))
    bar.fill.solid()
    bar.fill.fore_color.rgb = colour
    bar.line.fill.background()


def _number(slide, n: int, total: int, lang: str) -> None:
    _text(
        slide,
        WIDTH - MARGIN - Inches(1.5),
        HEIGHT - Inches(0.5),
        Inches(1.5),
        Inches(0.35),
        [(t("meeting.deck.page", lang, n=n, total=total), 11, {"colour": MUTED})],
        lang,
        align=PP_ALIGN.RIGHT,
    )


def _picture(slide, png: bytes | None, left, top, width, height, lang: str) -> None:
    """``png`` fitted (aspect kept) and centred in the box; a sentence when it is missing."""
    if not png:
        _text(
            slide,
            left,
            top,
            width,
            height,
            [(t("meeting.deck.no_picture", lang), 16, {"colour": MUTED})],
            lang,
        )
        return
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        w, h = image.size
    scale = min(width / w, height / h)
    shown_w, shown_h = Emu(int(w * scale)), Emu(int(h * scale))
    slide.shapes.add_picture(
        io.BytesIO(png),
        left + (width - shown_w) // 2,
        top + (height - shown_h) // 2,
        shown_w,
        shown_h,
    )


def chart_png(fig: go.Figure) -> bytes | None:
    """A chart as a picture for a slide: a copy of ``fig`` at ``CHART_PX``, twice as sharp."""
    fig = go.Figure(fig)
    # the slide's heading says the title; the picture's text is made larger for a projector
    fig.update_layout(
        width=CHART_PX[0],
        height=CHART_PX[1],
        autosize=False,
        title_text="",
        font={"size": 16},
        margin={"t": 40},
    )
    fig.update_annotations(font={"size": 15})
    return mapshot.figure_png(fig, *CHART_PX, scale=2)


def map_png(section: Section, region: dict | None, lang: str) -> bytes | None:
    """The map's picture: a town's from ``mapshot.map_png`` (drawn once per town and
    language), the network's drawn from the section's figure."""
    if region is not None:
        return mapshot.map_png(region, lang)
    return mapshot.figure_png(section.figure, MAP_PX, MAP_PX, scale=2) if section.figure else None


# --- one slide per kind ----------------------------------------------------------------------


def _title_slide(slide, section: Section, lang: str, colour: RGBColor) -> None:
    band = slide.shapes.add_shape(1, 0, 0, Inches(0.35), HEIGHT)
    band.fill.solid()
    band.fill.fore_color.rgb = colour
    band.line.fill.background()
    _text(
        slide,
        Inches(1.0),
        Inches(2.0),
        WIDTH - Inches(2.0),
        Inches(3.6),
        [
            (section.title, 40 if len(section.title) <= 28 else 34, {"bold": True}),
            (section.subtitle, 24, {"colour": MUTED}),
            *((line, 16, {"colour": MUTED}) for line in section.lines),
        ],
        lang,
        anchor=MSO_ANCHOR.MIDDLE,
    )


def _numbers_slide(slide, section: Section, lang: str, colour: RGBColor) -> None:
    _heading(slide, section.title, lang, colour)
    top = Inches(1.5)
    if section.subtitle:
        _text(
            slide,
            MARGIN,
            top,
            WIDTH - 2 * MARGIN,
            Inches(0.5),
            [(section.subtitle, 16, {"colour": MUTED})],
            lang,
        )
        top += Inches(0.6)
    per_row = 3 if len(section.numbers) > 4 else max(1, len(section.numbers))
    gap = Inches(0.25)
    card_w = (WIDTH - 2 * MARGIN - gap * (per_row - 1)) // per_row
    card_h = Inches(1.45)
    for i, number in enumerate(section.numbers):
        row, col = divmod(i, per_row)
        left, y = MARGIN + col * (card_w + gap), top + row * (card_h + gap)
        card = slide.shapes.add_shape(1, left, y, card_w, card_h)
        card.fill.solid()
        card.fill.fore_color.rgb = RGBColor(0xF6, 0xF7, 0xF9)
        card.line.color.rgb = _rgb(LINE)
        _text(
            slide,
            left + Inches(0.2),
            y + Inches(0.1),
            card_w - Inches(0.4),
            card_h - Inches(0.2),
            [
                (number.value, 40, {"bold": True, "colour": colour}),
                (number.label, 16, {"colour": MUTED}),
            ],
            lang,
        )
    rows = -(-len(section.numbers) // per_row)
    notes_top = top + rows * (card_h + gap)
    if section.notes:
        _text(
            slide,
            MARGIN,
            notes_top,
            WIDTH - 2 * MARGIN,
            HEIGHT - notes_top - Inches(0.6),
            [(note, 13, {"colour": MUTED}) for note in section.notes],
            lang,
        )


def _map_slide(slide, section: Section, png: bytes | None, lang: str, colour: RGBColor) -> None:
    _heading(slide, section.title, lang, colour)
    box = Inches(5.3)
    _picture(slide, png, (WIDTH - box) // 2, Inches(1.45), box, box, lang)
    _text(
        slide,
        MARGIN,
        HEIGHT - Inches(0.75),
        WIDTH - 2 * MARGIN - Inches(1.6),
        Inches(0.4),
        [(section.subtitle, 14, {"colour": MUTED})],
        lang,
        align=PP_ALIGN.CENTER,
    )


def _chart_slide(slide, section: Section, lang: str, colour: RGBColor) -> None:
    _heading(slide, section.title, lang, colour)
    notes_h = Inches(0.45) * len(section.notes)
    area_top, area_h = Inches(1.45), HEIGHT - Inches(1.45) - Inches(0.6) - notes_h
    if section.figure is not None:
        _picture(
            slide, chart_png(section.figure), MARGIN, area_top, WIDTH - 2 * MARGIN, area_h, lang
        )
    elif section.table is not None:
        _table(slide, section.table, area_top, area_h, lang)
    if section.notes:
        _text(
            slide,
            MARGIN,
            area_top + area_h,
            WIDTH - 2 * MARGIN - Inches(1.6),
            notes_h,
            [(note, 13, {"colour": MUTED}) for note in section.notes],
            lang,
        )


def _table(slide, frame, top, height, lang: str) -> None:
    rows, cols = len(frame) + 1, len(frame.columns)
    row_h = min(Inches(0.5), height // max(rows, 1))
    shape = slide.shapes.add_table(rows, cols, MARGIN, top, WIDTH - 2 * MARGIN, row_h * rows)
    table = shape.table
    for c, name in enumerate(frame.columns):
        cell = table.cell(0, c)
        cell.text = ""
        _font(
            cell.text_frame.paragraphs[0].add_run(),
            14,
            lang,
            bold=True,
            colour=RGBColor(255, 255, 255),
        )
        cell.text_frame.paragraphs[0].runs[0].text = str(name)
    for r, values in enumerate(frame.itertuples(index=False), start=1):
        for c, value in enumerate(values):
            run = table.cell(r, c).text_frame.paragraphs[0].add_run()
            run.text = str(value)
            _font(run, 14, lang)


def _quotes_slide(slide, section: Section, lang: str, colour: RGBColor) -> None:
    _heading(slide, section.title, lang, colour)
    if not section.quotes:
        notes = section.notes or (t("meeting.deck.no_quotes", lang),)
        _text(
            slide,
            MARGIN,
            Inches(1.6),
            WIDTH - 2 * MARGIN,
            Inches(1),
            [(n, 18, {"colour": MUTED}) for n in notes],
            lang,
        )
        return
    count, gap = len(section.quotes), Inches(0.3)
    box_w = (WIDTH - 2 * MARGIN - gap * (count - 1)) // count
    top, box_h = Inches(1.6), HEIGHT - Inches(1.6) - Inches(0.8)
    for i, quote in enumerate(section.quotes):
        left = MARGIN + i * (box_w + gap)
        rule = slide.shapes.add_shape(1, left, top, Inches(0.06), box_h)
        rule.fill.solid()
        rule.fill.fore_color.rgb = colour
        rule.line.fill.background()
        size = 20 if len(quote.text) < 140 else 16
        _text(
            slide,
            left + Inches(0.2),
            top,
            box_w - Inches(0.25),
            box_h,
            [(f"“{quote.text}”", size, {"bold": True}), (quote.by, 14, {"colour": MUTED})],
            lang,
        )


def _sources_slide(slide, section: Section, lang: str, colour: RGBColor) -> None:
    _heading(slide, section.title, lang, colour)
    _text(
        slide,
        MARGIN,
        Inches(1.6),
        WIDTH - 2 * MARGIN,
        HEIGHT - Inches(2.4),
        [(line, 16, {}) for line in section.lines],
        lang,
    )


# --- the file --------------------------------------------------------------------------------


def render(
    sections: tuple[Section, ...], lang: str, region: dict | None = None, colour: str = NEUTRAL
) -> bytes:
    """The sections as a 16:9 .pptx file's bytes; ``region`` the town of a town's deck (its map
    is the one the report uses), ``colour`` its accent."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    accent = _rgb(colour)
    layout = prs.slide_layouts[BLANK_LAYOUT]
    for n, section in enumerate(sections, start=1):
        slide = prs.slides.add_slide(layout)
        if section.kind == "title":
            _title_slide(slide, section, lang, accent)
        elif section.kind == "numbers":
            _numbers_slide(slide, section, lang, accent)
        elif section.kind == "map":
            _map_slide(slide, section, map_png(section, region, lang), lang, accent)
        elif section.kind == "chart":
            _chart_slide(slide, section, lang, accent)
        elif section.kind == "quotes":
            _quotes_slide(slide, section, lang, accent)
        else:
            _sources_slide(slide, section, lang, accent)
        if n > 1:
            _number(slide, n, len(sections), lang)
    prs.core_properties.title = sections[0].title if sections else ""
    prs.core_properties.language = "ja-JP" if lang == "ja" else "en-US"
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def deck_pptx(
    ds: Dataset,
    viewer: Viewer,
    lang: str,
    region_id: str | None = None,
    filters=None,
    made: dt.date | None = None,
) -> bytes:
    """The deck of a town (``region_id``) or of the network as .pptx bytes (``deck.sections``,
    same arguments)."""
    sections = deck.sections(ds, viewer, lang, region_id, filters=filters, made=made)
    region = towns.find_town(ds, region_id) if region_id else None
    colour = town_colours(towns.town_ids(ds)).get(region_id, NEUTRAL) if region_id else NETWORK
    return render(sections, lang, region, colour)


@memo(maxsize=8)
def cached_deck(
    ds: Dataset, viewer: Viewer, lang: str, region_id: str | None = None, filters=None
) -> bytes:
    """``deck_pptx`` made once per dataset (a new version of the data is a new dataset),
    viewer, language, town and filters."""
    return deck_pptx(ds, viewer, lang, region_id, filters)
