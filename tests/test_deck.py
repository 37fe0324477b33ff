"""The deck's sections as plain data: their order, the numbers masked for the viewer, quotes
named only with consent, the sources and the outline credit, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import access, deck
from dashboard.access import Viewer
from dashboard.metrics import Filters

MADE = dt.date(2026, 12, 1)
ORDER = {kind: i for i, kind in enumerate(deck.KINDS)}


def kinds(sections) -> list[str]:
    return [s.kind for s in sections]


def every_text(sections) -> str:
    parts = []
    for s in sections:
        parts += [s.title, s.subtitle, *s.notes, *s.lines]
        parts += [f"{n.label} {n.value}" for n in s.numbers]
        parts += [f"{q.text} {q.by}" for q in s.quotes]
        if s.table is not None:
            parts += [str(v) for v in s.table.to_numpy().ravel()]
    return "\n".join(parts)


def numbers(section) -> dict[str, str]:
    return {n.key: n.value for n in section.numbers}


def by_kind(sections, kind: str):
    return [s for s in sections if s.kind == kind]


@pytest.mark.parametrize("region_id", [None, "tono"])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_sections_run_title_numbers_map_charts_quotes_sources(dataset, region_id, lang):
    sections = deck.sections(dataset, access.STAFF, lang, region_id, made=MADE)
    order = [ORDER[k] for k in kinds(sections)]
    assert order == sorted(order)
    assert kinds(sections)[0] == "title" and kinds(sections)[-1] == "sources"
    assert set(kinds(sections)) == set(deck.KINDS)
    assert 2 <= kinds(sections).count("chart") <= 3
    assert len({s.key for s in sections}) == len(sections)


def test_tonos_deck_for_staff_holds_its_numbers_charts_and_quotes(dataset):
    sections = deck.sections(dataset, access.STAFF, "en", "tono", made=MADE)
    title = sections[0]
    assert title.title == "Tono: what Sosei Partners brought"
    assert "遠野市" in title.subtitle
    assert "Made on Dec 1, 2026" in title.lines
    assert numbers(by_kind(sections, "numbers")[0]) == {
        "people": "11",
        "countries": "9",
        "returning": "2",
        "person_days": "44",
        "programs": "1",
        "outcomes": "3",
    }
    charts = by_kind(sections, "chart")
    assert [c.key for c in charts] == ["chart-countries", "chart-network"]
    assert all(c.figure is not None and c.table is None for c in charts)
    # the countries chart's bars are the town's people per country: 9 countries and unknown
    bars = charts[0].figure.data[0]
    assert sum(bars.x) == 11 and len(bars.y) == 10
    assert charts[0].title == charts[0].figure.layout.title.text
    the_map = by_kind(sections, "map")[0]
    assert the_map.subtitle == "Tono, Iwate"
    assert [trace.text[0] for trace in the_map.figure.data if trace.type == "scattermap"] == [
        "Tono"
    ]
    quotes = by_kind(sections, "quotes")[0].quotes
    assert len(quotes) == deck.QUOTES
    assert quotes[0].by == "— Trinh Doan (Vietnam)"
    assert all(q.text and not q.text.startswith("“") for q in quotes)


def test_a_masked_count_stays_masked_for_the_public(dataset):
    public = access.scope(dataset, access.PUBLIC)
    sections = deck.sections(public, access.PUBLIC, "en", "tono", made=MADE)
    shown = numbers(by_kind(sections, "numbers")[0])
    assert shown["returning"] == "<3"  # 2 people came back: too few to show to the public
    assert shown["people"] == "11"
    notes = by_kind(sections, "numbers")[0].notes
    assert any("<3" in note for note in notes)
    # as on the page: no chart of small counts, the network as a table with "<3" in it
    charts = by_kind(sections, "chart")
    assert [c.figure for c in charts] == [None]
    assert "<3" in charts[0].table.to_numpy().ravel().tolist()
    assert "2" not in charts[0].table.iloc[:, 1].tolist()


def test_a_municipality_sees_its_own_towns_counts(dataset):
    tono = Viewer("municipality", "tono")
    sections = deck.sections(access.scope(dataset, tono), tono, "en", "tono", made=MADE)
    assert numbers(by_kind(sections, "numbers")[0])["returning"] == "2"
    assert len(by_kind(sections, "chart")) == 2


def test_the_networks_deck_masks_small_towns_and_countries_for_the_public(dataset):
    public = access.scope(dataset, access.PUBLIC)
    sections = deck.sections(public, access.PUBLIC, "en", made=MADE)
    assert numbers(by_kind(sections, "numbers")[0]) == {
        "programs": "6",
        "towns": "5",
        "participants": "27",
        "nationalities": "15",
        "person_days": "152",
        "outcomes": "6",
    }
    towns_chart = next(s for s in sections if s.key == "chart-towns")
    drawn = list(towns_chart.figure.data[0].y) + [
        y for trace in towns_chart.figure.data[1:] for y in trace.y
    ]
    assert "Yame" not in drawn  # 2 people: left out and named under the chart
    assert any("Yame" in note for note in towns_chart.notes)
    staff = deck.sections(dataset, access.STAFF, "en", made=MADE)
    staff_chart = next(s for s in staff if s.key == "chart-towns")
    assert not staff_chart.notes


def test_the_networks_deck_follows_the_filters(dataset):
    sections = deck.sections(dataset, access.STAFF, "en", filters=Filters(towns=("tono",)))
    assert numbers(by_kind(sections, "numbers")[0])["participants"] == "11"
    assert numbers(by_kind(sections, "numbers")[0])["towns"] == "1"


def test_quotes_name_only_people_who_agreed(dataset):
    people = dataset.participants.copy()
    people.loc[people["participant_id"] == "trinh-doan", "public_consent"] = False
    ds = dataset.replace(participants=people)
    for region_id in ("tono", None):
        public = deck.sections(access.scope(ds, access.PUBLIC), access.PUBLIC, "en", region_id)
        assert "Trinh" not in every_text(public)  # their testimonial is not the public's
        staff = deck.sections(ds, access.STAFF, "en", region_id)
        quotes = by_kind(staff, "quotes")[0].quotes
        trinh = [q for q in quotes if q.key == "trinh-doan"]
        assert trinh and "Trinh" not in trinh[0].by  # shown to staff, but not named
        assert "Vietnam" in trinh[0].by


def test_the_networks_quotes_come_from_different_towns_and_say_where(dataset):
    quotes = by_kind(deck.sections(dataset, access.STAFF, "en"), "quotes")[0].quotes
    assert len(quotes) == 3
    assert len({q.by.split("(")[-1] for q in quotes}) == 3
    assert any("Tono" in q.by for q in quotes)


def test_the_sources_name_the_data_and_the_outline_credit(dataset):
    for lang in ("en", "ja"):
        sources = deck.sections(dataset, access.STAFF, lang, "tono")[-1]
        text = "\n".join(sources.lines)
        assert deck.OUTLINE_CREDIT in text
        assert deck.outline_credit(lang) in text
        assert "Sosei Partners" in text


def test_the_japanese_deck_is_in_japanese(dataset):
    sections = deck.sections(dataset, access.STAFF, "ja", "tono", made=MADE)
    assert sections[0].title == "遠野市: Sosei Partners がもたらしたもの"
    assert "作成日: 2026年12月1日" in sections[0].lines
    labels = [n.label for n in by_kind(sections, "numbers")[0].numbers]
    assert labels[0] == "つながった人数"
    assert by_kind(sections, "quotes")[0].quotes[0].by == "— Trinh Doan（ベトナム）"
    assert by_kind(sections, "sources")[0].title == "データの出典"


def test_an_unknown_town_is_refused(dataset):
    with pytest.raises(KeyError):
        deck.sections(dataset, access.STAFF, "en", "atlantis")


def test_deck_filenames():
    assert (
        deck.deck_filename({"region_id": "tono"}, MADE)
        == "sosei-partners-tono-slides-2026-12-01.pptx"
    )
    assert deck.deck_filename(None, MADE) == "sosei-partners-network-slides-2026-12-01.pptx"
