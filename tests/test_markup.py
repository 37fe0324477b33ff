"""Data made inert where it lands: Markdown (``escape_markdown``, ``md``), plotly's label markup
(``escape_plotly``, ``inert_figure``, every figure of every page) and the folium maps' script."""

from __future__ import annotations

import html
import json
import re

import plotly.graph_objects as go
import pytest

from dashboard.i18n import t
from dashboard.maps.japan import partner_map, town_map
from dashboard.maps.tables import prefecture_counts, town_summary
from dashboard.markup import (
    WORD_JOINER,
    escape_markdown,
    escape_plotly,
    inert_figure,
    md,
    md_translator,
)
from dashboard.metrics import Filters, apply_filters
from dashboard.views import maps as maps_view
from dashboard.views import nationalities, overview, timeline
from dashboard.views import town as town_view
from dashboard.views import voices as voices_view
from dashboard.voices.tables import VoicesQuery
from dashboard.voices.themes import load_themes

from .conftest import DATA
from .hostile import NAME_PAYLOADS, TEXT_PAYLOADS, TOWN_NAMES, hostile_dataset

HOSTILE = (
    *NAME_PAYLOADS,
    *TEXT_PAYLOADS,
    *(name for pair in TOWN_NAMES.values() for name in pair),
    "Tono${alert(1)}`",
    "a\\b \\[x]",
    "    four spaces",
    "a\nb\n\n# heading\n- item\n> quote",
    "mail a@example.org, www.example.org, HTTPS://EXAMPLE.ORG",
    ":smile: :+1: :streamlit: :material/home:",
    "a -> b <- c <-> d -- e >= f <= g ~= h",
)
ASCII_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def text_node(markdown: str) -> str:
    """The text CommonMark makes of a paragraph of ``markdown`` holding no construct but
    backslash escapes and ``&#32;``: what Streamlit's text-rewriting plugins then see."""
    out = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)
    return out.replace("&#32;", " ")


# the rewrites Streamlit's Markdown makes on text after parsing (remark-gfm's bare links and
# e-mail addresses, remark-emoji, its own :streamlit: and arrows), as its bundle writes them
REWRITES = (
    re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE),
    re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)"),
    re.compile(r":[\w+-][\w_+-]*:"),
    re.compile(r":streamlit:"),
    re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)"),
)


@pytest.mark.parametrize("value", HOSTILE)
def test_escaped_markdown_is_only_escapes_and_reads_as_written(value):
    escaped = escape_markdown(value)
    # every punctuation mark Markdown reads is escaped: no link, image, emphasis, code, HTML,
    # entity, math, directive, list or heading can start
    unescaped_marks = re.sub(r"\\[!-/:-@\[-`{-~]", "", escaped.replace("&#32;", ""))
    assert not set(unescaped_marks) & (ASCII_PUNCTUATION - set(",;?'\"%@=^"))
    assert "\n" not in escaped and not escaped[:1].isspace()
    shown = text_node(escaped)
    for rewrite in REWRITES:
        assert not rewrite.search(shown), (rewrite.pattern, shown)
    # once parsed, it reads as the value (line breaks as spaces, the joiners invisible)
    assert shown.replace(WORD_JOINER, "") == re.sub(r"\s*\n\s*", " ", value)


def test_md_escapes_the_values_and_keeps_the_catalogs_markdown():
    text = md("access.signed_in", "en", name="**Zak** [x](https://example.org)", role="staff")
    assert text.startswith("Signed in as **\\*\\*Zak\\*\\* \\[x\\]\\(https")
    assert (
        text_node(text)
        .replace(WORD_JOINER, "")
        .startswith("Signed in as **" + "**Zak** [x](https://example.org)**")
    )
    assert md_translator("ja")("access.signed_in", name="_a_", role="r") == t(
        "access.signed_in", "ja", name="\\_a\\_", role="r"
    )
    assert md("overview.title", "en") == t("overview.title", "en")  # no values: as it is


@pytest.mark.parametrize("value", HOSTILE)
def test_escaped_plotly_text_has_no_tag_or_entity(value):
    escaped = escape_plotly(value)
    assert "<" not in escaped and ">" not in escaped
    assert not re.search(r"&(?!amp;|lt;|gt;)", escaped)
    assert html.unescape(escaped) == value


def test_inert_figure_escapes_data_and_keeps_our_own_hover_markup():
    fig = go.Figure(
        go.Bar(
            x=[1, 2],
            y=["<b>Tono</b>", "&lt;"],
            text=["<a href='https://example.org'>x</a>", 3],
            customdata=[["<img src=x>", 1], ["ok", 2]],
            name="<i>name</i>",
            hovertemplate="<b>%{y}</b><br>%{customdata[0]}<extra></extra>",
        )
    )
    fig.update_layout(title={"text": "<a href='https://example.org'>t</a>"})
    fig.update_yaxes(categoryarray=["<b>Tono</b>", "&lt;"], title={"text": "<sup>y</sup>"})
    fig.add_annotation(text="<img src=x>", x=1, y=1)
    inert_figure(fig)
    bar = fig.data[0]
    assert list(bar.y) == ["&lt;b&gt;Tono&lt;/b&gt;", "&amp;lt;"]
    assert list(bar.text) == ["&lt;a href='https://example.org'&gt;x&lt;/a&gt;", "3"]
    assert [list(row) for row in bar.customdata] == [["&lt;img src=x&gt;", 1], ["ok", 2]]
    assert bar.name == "&lt;i&gt;name&lt;/i&gt;"
    assert bar.hovertemplate == "<b>%{y}</b><br>%{customdata[0]}<extra></extra>"
    assert fig.layout.title.text.startswith("&lt;a href=")
    assert list(fig.layout.yaxis.categoryarray) == list(bar.y)
    assert fig.layout.yaxis.title.text == "&lt;sup&gt;y&lt;/sup&gt;"
    assert fig.layout.annotations[0].text == "&lt;img src=x&gt;"
    inert_figure(fig)  # once only: not escaped twice
    assert bar.name == "&lt;i&gt;name&lt;/i&gt;"


def test_text_written_on_a_maplibre_map_stays_plain():
    fig = go.Figure(go.Scattermap(lat=[1], lon=[1], mode="markers+text", text=["A & <B>"]))
    inert_figure(fig)
    assert list(fig.data[0].text) == ["A & <B>"]  # MapLibre writes it as text, not markup


# --- every figure of every page, on data full of markup ------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return hostile_dataset(tmp_path_factory.mktemp("hostile") / "data")


def all_figures(ds) -> dict[str, go.Figure]:
    """Every plotly figure the pages and the report draw from ``ds`` (as staff, in English
    and Japanese)."""
    from dashboard.access import STAFF

    figures = {}
    data = apply_filters(ds, Filters())
    for lang in ("en", "ja"):
        sections = {
            "overview": overview.town_bars(data, ds, lang, STAFF),
            "by_country": nationalities.by_country(data, lang, STAFF),
            "by_town": nationalities.by_town(data, ds, lang, STAFF),
            "by_region": nationalities.by_world_region(data, lang, STAFF),
            "diversity": nationalities.diversity(data, ds, lang, STAFF),
        }
        for name, section in sections.items():
            figures[f"{name}-{lang}"] = section.chart.figure
        figures[f"gantt-{lang}"] = timeline.gantt_chart(data, ds, lang, STAFF).figure
        figures[f"cumulative-{lang}"] = timeline.cumulative_chart(data, ds, lang, STAFF).figure
        found = maps_view.origins(data, ds, lang, STAFF)
        figures[f"world-{lang}"], figures[f"flows-{lang}"] = found.world, found.flows
        figures[f"bars-{lang}"] = found.bars
        for rid in ds.regions["region_id"]:
            figures[f"countries-{rid}-{lang}"] = town_view.countries_chart(ds, rid, lang)
            figures[f"network-{rid}-{lang}"] = town_view.network_chart(ds, rid, lang)
        query = VoicesQuery(ds, data, Filters(), load_themes(DATA), lang, "")
        figures[f"themes-{lang}"] = voices_view.theme_section(query).figure
    return figures


TEMPLATES = {"hovertemplate", "texttemplate"}
SKIPPED = {"geojson", "meta", "locations", "legendgroup", "featureidkey", "template"}
OUR_TAGS = {"<br>", "<b>", "</b>", "<extra>", "</extra>"}


def strings(value, path=()):
    """Every (path, string) in a figure's JSON, shapes and plotly's theme left out."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in SKIPPED:
                yield from strings(item, (*path, key))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item, path)


def test_no_figure_carries_markup_from_the_data(hostile):
    figures = all_figures(hostile)
    assert all(fig is not None for fig in figures.values())
    texts = set()
    for name, fig in figures.items():
        for path, text in strings(json.loads(fig.to_json())):
            if path[-1] in TEMPLATES:
                # our own tags only, and no text from the data in a template
                assert set(re.findall(r"<[^>]*>", text)) <= OUR_TAGS, (name, path, text)
                assert "example.org" not in text and "7*7" not in text, (name, path, text)
                continue
            assert "<" not in text and ">" not in text, (name, path, text)
            assert not re.search(r"&(?!amp;|lt;|gt;)", text), (name, path, text)
            texts.add(text)
    # the towns' names are drawn, escaped: "&lt;b&gt;" in a name shows as written
    for en, ja in TOWN_NAMES.values():
        assert any(escape_plotly(en) in text for text in texts), en
        assert any(escape_plotly(ja) in text for text in texts), ja


def unescaped_marks(markdown: str) -> set[str]:
    """The Markdown marks of ``markdown`` that are not escaped (those these texts of the
    catalogs never use themselves)."""
    return set(re.sub(r"\\.", "", markdown)) & set("[]*_`<>!~$|&")


def test_what_the_views_give_markdown_elements_carries_the_data_escaped(hostile):
    from dashboard.access import STAFF

    tono, tono_ja = TOWN_NAMES["tono"]
    page = town_view.town_page(hostile, "tono", "en", STAFF)
    assert page.title == escape_markdown(f"{tono} · {tono_ja}")
    assert page.name == tono  # plain: the page's ``t`` escapes it where it fills it in
    markdown = [page.title, page.subtitle, page.map_caption, *page.outcome_items]
    markdown += [voice.related for voice in page.voices]
    assert all(not unescaped_marks(text) for text in markdown), markdown
    assert escape_markdown(tono) in page.map_caption
    buttons = town_view.picker(hostile, "en", STAFF).buttons
    assert buttons["tono"].startswith(escape_markdown(tono))
    assert not unescaped_marks(buttons["tono"])
    partner = maps_view.partner_view(hostile, "en", STAFF)
    panel = maps_view.town_panel(partner, "tono", "en", STAFF)
    assert (panel.name, panel.other_name) == (tono, tono_ja)
    assert not unescaped_marks(panel.countries) and not unescaped_marks(panel.prefecture)
    heading = timeline.program_panel(hostile, "tono-2017-09", "en", STAFF)["heading"]
    assert heading.startswith(escape_markdown(tono)) and not unescaped_marks(heading)


# --- the folium maps' script ---------------------------------------------------------------

SCRIPTY = "Tono${window.__pwned=1}`;window.__pwned=2;`</script><img src=x onerror=window.__pwned=3>"


@pytest.fixture(scope="module")
def scripty(dataset):
    """The bundled data with names the loader would refuse, as a dataset made in memory: the
    maps must hold even then."""
    regions = dataset.regions.copy()
    regions["name_en"] = [f"{SCRIPTY} {rid}" for rid in regions["region_id"]]
    regions["name_ja"] = [f"{SCRIPTY}遠野 {rid}" for rid in regions["region_id"]]
    programs = dataset.programs.assign(title=SCRIPTY)
    return dataset.replace(regions=regions, programs=programs)


def map_html(fmap) -> str:
    return fmap.get_root().render()


def code_outside_strings(page: str) -> str:
    """The map's script with every double-quoted string literal (its data, as JSON) emptied."""
    scripts = "\n".join(re.findall(r"<script[^>]*>(.*?)</script>", page, re.S))
    return re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', scripts)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_town_maps_script_holds_names_as_json_strings(scripty, lang):
    page = map_html(town_map(scripty, "tono", lang))
    code = code_outside_strings(page)  # no template literal: nothing for ` or ${ to break
    assert "`" not in code and "${" not in code and "window.__pwned" not in code
    assert "<img src=x" not in page and page.count("</script>") == page.count("<script")
    (argument,) = re.findall(r"marker_\w+\.bindTooltip\(\s*(\"(?:[^\"\\]|\\.)*\")", page)
    column = "name_ja" if lang == "ja" else "name_en"
    name = scripty.regions.set_index("region_id").loc["tono", column]
    assert html.unescape(json.loads(argument)) == name  # shown as written
    assert "innerHTML" not in page  # the prefecture tooltip sets text, not HTML


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_partner_maps_script_holds_names_and_titles_as_json(scripty, lang):
    fmap = partner_map(town_summary(scripty), prefecture_counts(scripty), lang)
    page = map_html(fmap)
    code = code_outside_strings(page)
    assert "`" not in code and "${" not in code and "window.__pwned" not in code
    assert "<img src=x" not in page and "innerHTML" not in page
    assert page.count("</script>") == page.count("<script")
    (rows,) = re.findall(r"var data = (\[.*?\]);\n", page)
    for _lat, _lon, name, tooltip, popup in json.loads(rows):
        assert name.startswith(SCRIPTY)  # Leaflet sets it as a title attribute: text
        for fragment in (tooltip, popup):  # HTML, with every data value escaped
            assert "<img" not in fragment and "<script" not in fragment.lower()
            assert html.escape(SCRIPTY) in fragment
