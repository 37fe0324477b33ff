"""The town page's builder: what the page draws, for each viewer, in both languages, against
answers counted by hand from the site's data (and from small inline frames)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import access
from dashboard.access import PUBLIC, STAFF, Viewer
from dashboard.metrics import Filters
from dashboard.outlines import CREDIT_JA
from dashboard.views import town as town_view

pytestmark = pytest.mark.unit

TONO = Viewer("municipality", "tono")
NETWORK_COLUMNS = ["Measure", "This town", "Average of all towns"]
MEASURES = ["People", "Countries", "Person-days", "Returning", "Things made", "Testimonials"]
# averages over the five towns: people 27, countries 9+3+3+1+7, person-days 44+18+44+4+42,
# returning 2+2, things made 3+3, testimonials 5+2+3+1+0
AVERAGES = ["5.4", "4.6", "30.4", "0.8", "1.2", "2.2"]


@pytest.fixture(scope="module")
def public(dataset):
    """The bundled data as the public holds it."""
    return access.scope(dataset, PUBLIC)


# --- which town --------------------------------------------------------------------------------


def test_the_first_town_asked_for_is_shown_and_an_unknown_one_is_not(dataset):
    assert town_view.chosen_town(dataset, PUBLIC, ["yame", "tono"])["region_id"] == "yame"
    assert town_view.chosen_town(dataset, PUBLIC, ["nowhere"]) is None
    assert town_view.chosen_town(dataset, PUBLIC, []) is None


def test_a_municipality_gets_its_own_town_and_never_another(dataset):
    assert town_view.chosen_town(dataset, TONO, [])["region_id"] == "tono"
    assert town_view.chosen_town(dataset, TONO, ["urahoro"]) is None


def test_the_picker_labels_each_town_in_both_scripts(dataset):
    picker = town_view.picker(dataset, "en", PUBLIC)
    assert picker.labels["tono"] == "Tono (遠野市), Iwate"
    assert list(picker.labels) == ["ishinomaki", "shimokawa", "tono", "urahoro", "yame"]
    assert picker.search == ""  # five towns: buttons
    assert town_view.picker(dataset, "ja", PUBLIC).labels["tono"] == "遠野市（Tono）、岩手県"
    assert list(town_view.picker(dataset, "en", TONO).labels) == ["tono"]


def test_many_towns_get_a_searchable_list(tmp_path):
    from .conftest import synthetic_dataset

    many = synthetic_dataset(tmp_path, towns=30, participants=120, seed=4)
    picker = town_view.picker(many, "ja", PUBLIC)
    assert len(picker.labels) == 30
    assert picker.search == "市町（30市町、入力して検索）"


def test_the_page_says_it_ignores_filters_only_when_they_would_cut_it():
    note = "This page always shows the whole town; the sidebar filters do not apply to it."
    assert town_view.whole_town_note(Filters(), "en") == ""
    assert town_view.whole_town_note(Filters(towns=("tono",)), "en") == ""
    assert town_view.whole_town_note(Filters(towns=("tono", "yame")), "en") == note
    assert town_view.whole_town_note(Filters(years=(2018, 2018)), "en") == note
    assert town_view.whole_town_note(Filters(nationalities=("VN",)), "en") == note


# --- the page for each viewer ------------------------------------------------------------------


def test_tonos_network_table_for_the_public_masks_its_two_returning_people(public):
    page = town_view.town_page(public, "tono", "en", PUBLIC)
    assert page.network_chart is None
    expected = pd.DataFrame(
        {
            "Measure": MEASURES,
            "This town": ["11", "9", "44", "<3", "3", "5"],
            "Average of all towns": AVERAGES,
        }
    )
    pd.testing.assert_frame_equal(page.network_table, expected)


def test_yames_network_table_for_the_public_masks_its_one_person_and_what_tells_them(public):
    table = town_view.town_page(public, "yame", "en", PUBLIC).network_table
    assert list(table.columns) == NETWORK_COLUMNS
    assert list(table["This town"]) == ["<3", "<3", "–", "0", "0", "–"]
    assert list(table["Average of all towns"]) == AVERAGES


def test_staff_and_tono_city_hall_see_tonos_network_as_a_chart(dataset):
    for viewer in (STAFF, TONO):
        page = town_view.town_page(access.scope(dataset, viewer), "tono", "en", viewer)
        assert page.full_counts and page.network_table is None
        assert isinstance(page.network_chart, go.Figure)
        assert list(page.network_chart.data[0].y) == [11, 5.4]


def test_tonos_numbers_for_staff_and_for_the_public(dataset, public):
    staff = town_view.town_page(dataset, "tono", "en", STAFF)
    assert [c.value for c in staff.cards] == ["11", "9", "2", "44"]
    assert [c.label for c in staff.cards][0] == "People linked"
    masked = town_view.town_page(public, "tono", "en", PUBLIC)
    assert [c.value for c in masked.cards] == ["11", "9", "<3", "44"]
    assert masked.notes == (
        "Nationality unknown for <3 of them (the source does not give it).",
        "The organisation reported 11 participants, as many as are listed.",
        "Returning participants: <3.",
    )
    assert not masked.full_counts and masked.countries_chart is None


def test_the_public_reads_tonos_countries_as_a_list_without_counts(public):
    page = town_view.town_page(public, "tono", "en", PUBLIC)
    assert page.countries_text == (
        "Countries linked: Brazil, Spain, Japan, Malaysia, Singapore, Thailand, Taiwan, "
        "United States, and Vietnam. Counts under 3 are not shown, so that nobody can be "
        "singled out."
    )


def test_yames_program_for_the_public_shows_its_small_counts_masked(public):
    row = town_view.town_page(public, "yame", "en", PUBLIC).programs.iloc[0].to_dict()
    assert row == {
        "Program": "Sosei Partners (Yame)",
        "Dates": "Mar 20\u2009–\u200923, 2017",  # thin spaces around the dash (CLDR)
        "Kind": "Team project",
        "Days": "4",
        "Participants listed": "<3",
        "Reported by the organisation": "unknown",
        "Countries": "<3",
        "Person-days": "–",
    }


def test_tonos_heading_in_both_languages(dataset):
    en = town_view.town_page(dataset, "tono", "en", STAFF)
    assert (en.title, en.subtitle) == ("Tono · 遠野市", "Iwate · a partner town of Sosei Partners")
    # the caption, then on a line of its own the credit of the outline the map draws
    caption, credit = en.map_caption.split("  \n")
    assert caption == "Tono, Iwate"
    assert credit.startswith(f"{CREDIT_JA} \\(Created")
    ja = town_view.town_page(dataset, "tono", "ja", STAFF)
    assert ja.title == "遠野市　Tono"
    assert ja.map_caption == f"岩手県遠野市  \n{CREDIT_JA}"


def test_tonos_outcome_items_in_both_languages(dataset):
    assert town_view.town_page(dataset, "tono", "en", STAFF).outcome_items == (
        "Online reviews: 1 in English",
        "English names: 1 in English",
        "Advice: 1",
    )
    assert town_view.outcome_items(dataset, "tono", "ja") == [
        "オンラインレビュー: 1 件（英語）",
        "英語名: 1 件（英語）",
        "提言: 1 件",
    ]


def test_shimokawas_leaflets_list_their_languages_as_a_list(dataset):
    assert town_view.outcome_items(dataset, "shimokawa", "en") == [
        "Leaflet: 3 in English, Thai, and Chinese"
    ]
    assert town_view.outcome_items(dataset, "shimokawa", "ja") == [
        "チラシ: 3 件（英語、タイ語、中国語）"
    ]


def outcomes_frame(dataset, rows: list[tuple]) -> pd.DataFrame:
    """Tono's outcomes from (kind, language, quantity) rows, typed as the loader types them."""
    frame = pd.DataFrame(
        [
            {
                "outcome_id": f"o{i}",
                "program_id": "tono-2017-09",
                "kind": kind,
                "language": language,
                "quantity": quantity,
                "description": "d",
                "source": "s",
            }
            for i, (kind, language, quantity) in enumerate(rows)
        ]
    )
    return frame.astype(dataset.outcomes.dtypes.to_dict())


def test_outcome_items_add_up_quantities_per_kind(dataset):
    made = outcomes_frame(
        dataset, [("leaflet", "en", 2), ("leaflet", "ja", 3), ("advice", None, 1)]
    )
    ds = dataset.replace(outcomes=made)
    assert town_view.outcome_items(ds, "tono", "en") == [
        "Leaflet: 5 in English and Japanese",
        "Advice: 1",
    ]
    assert town_view.outcome_items(ds, "tono", "ja") == [
        "チラシ: 5 件（英語、日本語）",
        "提言: 1 件",
    ]


@pytest.mark.xfail(strict=True, reason="a kind without quantities beside one with: NaN or items")
def test_a_kind_without_quantities_counts_its_items_beside_one_with_quantities(dataset):
    made = outcomes_frame(dataset, [("leaflet", "en", 2), ("review", "en", None)])
    ds = dataset.replace(outcomes=made)
    assert town_view.outcome_items(ds, "tono", "en") == [
        "Leaflet: 2 in English",
        "Online reviews: 1 in English",
    ]


def test_urahoros_voices_are_tied_through_related_programs(dataset):
    voices = town_view.town_page(dataset, "urahoro", "en", STAFF).voices
    assert sorted(v.byline for v in voices) == ["— Alejandro (Spain)", "— Trinh Doan (Vietnam)"]
    assert {v.related for v in voices} == {
        "Also about another town; tied to Urahoro through the programs it names."
    }
    assert all(v.quote.startswith("“") and v.quote.endswith("”") for v in voices)


def test_ishinomaki_has_no_voices_yet(dataset):
    page = town_view.town_page(dataset, "ishinomaki", "en", STAFF)
    assert page.voices == () and page.no_voices == "No testimonials mention Ishinomaki yet."


def test_a_town_without_programs_is_an_empty_page(dataset):
    regions = pd.concat(
        [
            dataset.regions,
            dataset.regions[dataset.regions["region_id"] == "tono"].assign(
                region_id="kamiyama", name_en="Kamiyama", name_ja="神山町"
            ),
        ],
        ignore_index=True,
    )
    page = town_view.town_page(dataset.replace(regions=regions), "kamiyama", "en", STAFF)
    assert page.empty and not page.cards and page.programs is None
    assert page.empty_title == "No programs in Kamiyama yet"


# --- masking a programs table (inline frames) --------------------------------------------------


def programs_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "program_id": ["one", "many", "none", "undated"],
            "region_id": ["tono"] * 4,
            "listed": [1, 5, 0, 2],
            "reported": pd.array([pd.NA, 2, pd.NA, 2], dtype="Int64"),
            "nationalities": [1, 3, 0, 2],
            "person_days": [4.0, 20.0, 0.0, float("nan")],
        }
    )


def test_the_public_sees_a_program_of_one_person_masked_and_its_person_days_withheld():
    shown = access.mask_programs(programs_frame(), PUBLIC, town="tono")
    assert shown["listed"].tolist() == ["<3", 5, 0, "<3"]
    assert [None if pd.isna(v) else v for v in shown["reported"]] == [None, "<3", None, "<3"]
    assert shown["nationalities"].tolist() == ["<3", 3, 0, "<3"]
    assert [None if pd.isna(v) else v for v in shown["person_days"]] == ["–", 20.0, 0.0, None]


def test_staff_and_the_towns_office_see_every_program_count():
    frame = programs_frame()
    for viewer in (STAFF, TONO):
        pd.testing.assert_frame_equal(access.mask_programs(frame, viewer, town="tono"), frame)
    yame = Viewer("municipality", "yame")
    assert access.mask_programs(frame, yame, town="tono")["listed"].tolist()[0] == "<3"
