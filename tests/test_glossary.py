"""The figure catalog and the Glossary page: every figure on every page has its entry, its help
text is the catalog's, its chart title is one the catalog names, both languages; seasons still
running are marked provisional on the overview, timeline and town pages."""

from __future__ import annotations

import json

import pytest

from dashboard import glossary
from dashboard.access import PUBLIC, STAFF
from dashboard.i18n import catalogs
from dashboard.pages import PAGES, page
from dashboard.relations import TODAY_ENV
from dashboard.views import glossary as glossary_view

from .conftest import app_test

# --- the catalog (unit) ------------------------------------------------------------------------


@pytest.mark.unit
def test_every_entry_has_its_texts_in_both_languages():
    for lang in ("en", "ja"):
        texts = catalogs()[lang]
        for figure in glossary.FIGURES:
            for key in (figure.label, figure.help, *figure.titles):
                assert texts.get(key), (lang, figure.key, key)
            assert set(figure.leaves_out) <= set(glossary.LEAVES_OUT), figure.key
            assert set(figure.sources) <= set(glossary.SOURCES), figure.key
            assert figure.page in {p.name for p in PAGES}, figure.key
    for reason in (*glossary.LEAVES_OUT, "nothing"):
        assert catalogs()["ja"][f"glossary.leaves.{reason}"]


@pytest.mark.unit
def test_a_chart_is_told_by_its_title_in_either_language():
    en = "Tono is linked to 9 countries (and 2 people of unknown nationality)"
    assert glossary.figure_for_title(en, "en") == "town.countries_chart"
    assert glossary.figure_for_title("遠野市と全 5 市町の平均", "ja") == "town.network"
    assert glossary.figure_for_title("Something no chart says", "en") is None


@pytest.mark.unit
def test_the_glossary_says_what_the_figures_help_says():
    rows = {row["key"]: row for row in glossary.rows("ja")}
    assert (
        rows["town.days_unknown"]["counts"] == catalogs()["ja"]["glossary.help.town_days_unknown"]
    )
    assert rows["overview.person_days"]["counts"] == catalogs()["ja"]["overview.help.person_days"]
    assert "日付の分からないプログラム" in rows["overview.person_days"]["leaves_out"]
    assert rows["town.per_residents"]["tables"] == "participations.csv, regions.csv"


@pytest.mark.unit
def test_the_public_glossary_leaves_out_the_staff_only_data_page():
    public = glossary_view.glossary_page("en", PUBLIC)
    staff = glossary_view.glossary_page("en", STAFF)
    assert "data" not in {s.page for s in public.sections}
    assert [s.page for s in staff.sections] == [p.name for p in PAGES if p.name != "glossary"]
    town = next(s for s in staff.sections if s.page == "town").table
    assert list(town.columns) == [
        "Figure",
        "What it counts",
        "Counted from",
        "Leaves out",
        "Data from",
    ]
    days = town[town["Figure"] == "Spent 2–7 days"].iloc[0]
    assert days["What it counts"] == glossary.help_text("town.days_2_7", "en")
    assert days["Leaves out"].startswith("programs without known dates")


# --- every page, as a user sees it (AppTest) ---------------------------------------------------


def run_page(name: str, lang: str):
    query = {"lang": lang, **({"town": "tono"} if name == "town" else {})}
    at = app_test(query, role="staff").run()
    if name != PAGES[0].name:
        at.switch_page(page(name).path).run()
    if name == "maps":  # the town panel's figures show once a town is chosen
        at.selectbox(key="maps_town").set_value("tono").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("name", [p.name for p in PAGES])
def test_every_figure_on_every_page_has_its_catalog_entry(name, lang):
    at = run_page(name, lang)
    for metric in at.metric:
        helped = glossary.figure_for_help(metric.proto.help, name, lang)
        assert helped is not None, (name, metric.label, metric.proto.help)
        if helped != "town.engagement":  # labelled by type; the help is the entry's
            assert metric.label == glossary.label(helped, lang)
    for chart in at.get("plotly_chart"):
        title = json.loads(chart.proto.spec)["layout"]["title"]["text"]
        key = glossary.figure_for_title(title, lang)
        assert key is not None and key.startswith(f"{name}."), (name, title)
    if name in ("overview", "town", "nationalities", "timeline", "maps"):
        assert len(at.metric), name  # the walk saw the page's figures


def shown_text(at) -> str:
    """The page's captions, warnings, Markdown and texts, as the user reads them."""
    parts = [e.value for kind in ("caption", "warning", "markdown", "text") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def test_the_glossary_page_lists_every_figure_the_town_page_shows():
    at = run_page("glossary", "en")
    assert at.title[0].value == "How every number is counted"
    tables = [table.value for table in at.table]
    assert len(tables) == len([p for p in PAGES if p.name != "glossary"])
    figures = set().union(*(set(table["Figure"]) for table in tables))
    for figure in (f for f in glossary.FIGURES if f.page == "town"):
        assert glossary.label(figure.key, "en") in figures, figure.key
    counts = set().union(*(set(table["What it counts"]) for table in tables))
    assert glossary.help_text("town.days_unknown", "en") in counts
    assert "関係人口" in shown_text(at)


def test_a_season_still_running_is_provisional_on_the_overview_timeline_and_town(monkeypatch):
    monkeypatch.setenv(TODAY_ENV, "2017-09-08")  # Tono's program ran 6-9 September 2017
    for name in ("overview", "timeline", "town"):
        text = shown_text(run_page(name, "en"))
        assert "Provisional: " in text and "not yet over on Sep 8, 2017" in text, name
    town = run_page("town", "en")
    programs = next(d.value for d in town.dataframe if "Program" in d.value.columns)
    titles = programs["Program"].tolist()
    assert titles == ["Sosei Partners (Tono) (provisional)"]
    monkeypatch.setenv(TODAY_ENV, "2026-12-01")
    for name in ("overview", "town"):
        assert "Provisional: " not in shown_text(run_page(name, "en")), name
