"""The testimonials as a table (``dashboard.voices.tables``): consent, the sidebar's filters."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dashboard.metrics import Filters, apply_filters
from dashboard.voices.cards import card_html, citation, wall_html
from dashboard.voices.search import search
from dashboard.voices.tables import VoicesQuery, found_table, in_scope, scoped_table, voices_table
from dashboard.voices.themes import load_themes

from .voices_data import with_testimonial_by


@pytest.fixture(scope="module")
def themes():
    return load_themes()


def found(table, query) -> set[str]:
    return set(search(table, query)["testimonial_id"])


# --- consent -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("participant_id", "lang", "label"),
    [
        ("tono-th", "en", "a participant from Thailand"),
        ("tono-th", "ja", "タイからの参加者"),
        ("joy", "en", "a participant (nationality unknown)"),
        ("joy", "ja", "参加者（国籍不明）"),
        ("hester", "en", "Hester"),
    ],
)
def test_only_people_who_consented_are_named(dataset, themes, participant_id, lang, label):
    ds = with_testimonial_by(dataset, participant_id)
    table = voices_table(ds, ds.testimonials, themes, lang)
    row = table[table["testimonial_id"] == "extra"].iloc[0]
    assert row["author"] == label
    html = card_html(row.to_dict(), themes, lang)
    if participant_id == "joy":
        assert "Joy" not in html and "Joy" not in wall_html(row.to_dict(), lang)
        assert "Joy" not in citation(row.to_dict(), lang)


def test_a_name_without_consent_cannot_be_searched(dataset, themes):
    ds = with_testimonial_by(dataset, "joy")
    table = voices_table(ds, ds.testimonials, themes, "en")
    # Charles's published text names Joy; the testimonial Joy wrote is not found by her name
    assert found(table, "Joy") == {"charles"}


# --- the town filter keeps testimonials about several towns --------------------------------------


def test_urahoro_hears_what_trinh_doan_and_alejandro_said(dataset):
    filters = Filters(towns=("urahoro",))
    scoped = in_scope(dataset, apply_filters(dataset, filters), filters)
    assert set(scoped["testimonial_id"]) == {"trinh-doan", "alejandro"}


def test_a_nationality_filter_keeps_people_with_no_program(dataset):
    filters = Filters(nationalities=("TH",))
    scoped = in_scope(dataset, apply_filters(dataset, filters), filters)
    assert set(scoped["testimonial_id"]) == {"lee", "gae", "jade"}


def test_a_filter_no_testimonial_meets_gives_an_empty_table_not_a_failure(dataset, themes):
    # nobody the filters keep wrote anything: no row is left to check against the programs
    filters = Filters(towns=("tono",))
    filtered = apply_filters(dataset, filters)
    filtered = replace(filtered, participants=filtered.participants.iloc[0:0])
    scoped = in_scope(dataset, filtered, filters)
    assert scoped.empty and "participant_id" in scoped.columns
    assert voices_table(dataset, scoped, themes, "en").empty


# --- one query object, remembered -------------------------------------------------------------


def test_the_scoped_table_is_built_once_whatever_the_search(dataset, themes):
    filters = Filters(towns=("tono",))
    q = VoicesQuery(dataset, apply_filters(dataset, filters), filters, themes, "en", "")
    families = replace(q, query="host famil*")
    assert families.unsearched() == q.unsearched() and hash(families.unsearched()) == hash(
        q.unsearched()
    )
    assert scoped_table(families) is scoped_table(q)
    tono = {"trinh-doan", "alejandro", "leandro", "hakim", "roger"}
    assert set(found_table(q)["testimonial_id"]) == tono
    assert list(found_table(families)["testimonial_id"]) == ["hakim"]
    # an answer is handed out as a copy: changing it leaves the next one as it was
    answer = found_table(families)
    answer["testimonial_id"] = "changed"
    assert list(found_table(families)["testimonial_id"]) == ["hakim"]
