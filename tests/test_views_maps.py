"""The maps page's builder without Streamlit: the selected town's panel, the captions under the
maps and the tabs' titles, against the bundled data.

Counts made by hand from data/*.csv: Tono held one program (6–9 September 2017) for 11 people
from 9 countries (BR ES JP MY SG TH TW US VN) and 2 of unknown nationality; the organisation
reported 11 too. Iwate (Tono, 11) hosted the most people of any prefecture; Fukuoka (Yame) 1.
Over all 27 people: unknown 4, TH 4, SG 3, US 3, ES 2, and one each from BR FR GB IN IT JP MN
MY NP TW VN.
"""

from __future__ import annotations

import pytest

from dashboard import access, outlines
from dashboard.access import PUBLIC, STAFF, Viewer
from dashboard.i18n import t
from dashboard.maps.assets import STATIC_URL, static_url
from dashboard.metrics import Filters, apply_filters
from dashboard.views import maps
from dashboard.views import town as town_view

TONO_COUNTRIES_EN = (
    "Brazil, Spain, Japan, Malaysia, Singapore, Thailand, Taiwan, United States, and Vietnam"
)
TONO_COUNTRIES_JA = (
    "ブラジル、スペイン、日本、マレーシア、シンガポール、タイ、台湾、アメリカ合衆国、ベトナム"
)


def panel(dataset, lang="en", viewer=STAFF, region_id="tono") -> maps.TownPanel:
    return maps.town_panel(maps.partner_view(dataset, lang, viewer), region_id, lang, viewer)


# --- the selected town's panel ------------------------------------------------------------------


def test_tonos_panel_shows_one_program_eleven_people_nine_countries_two_unknown(dataset):
    tono = panel(dataset)
    assert (tono.name, tono.other_name) == ("Tono", "遠野市")
    assert tono.prefecture == "Prefecture: Iwate"
    assert tuple(m[:2] for m in tono.metrics) == (
        ("Programs", "1"),
        ("People listed", "11"),
        ("Countries", "9"),
        ("Unknown nationality", "2"),
    )
    assert tono.reported is None  # 11 listed, 11 reported: no second figure
    assert tono.countries == f"Countries: {TONO_COUNTRIES_EN}"
    assert tono.link == {
        "page": "app_pages/town.py",
        "query_params": {"town": "tono", "lang": "en"},
    }


def test_tonos_panel_in_japanese_lists_its_dates_and_countries_the_japanese_way(dataset):
    tono = panel(dataset, "ja")
    assert (tono.name, tono.other_name) == ("遠野市", "Tono")
    assert tono.prefecture == "都道府県：岩手県"
    assert tono.programs == ("Sosei Partners (Tono)\n2017年9月6日～9日",)
    assert tono.countries == f"出身国・地域：{TONO_COUNTRIES_JA}"
    assert tono.link["query_params"] == {"town": "tono", "lang": "ja"}


def test_the_public_sees_tonos_two_people_of_unknown_nationality_as_under_three(dataset):
    values = dict(m[:2] for m in panel(dataset, viewer=PUBLIC).metrics)
    assert values == {
        "Programs": "1",
        "People listed": "11",
        "Countries": "9",
        "Unknown nationality": "<3",
    }


@pytest.mark.parametrize(
    ("viewer", "shown"),
    [
        (PUBLIC, "<3"),
        (Viewer("municipality", "tono"), "<3"),
        (Viewer("municipality", "yame"), "1"),
        (STAFF, "1"),
    ],  # fmt: skip
    ids=["public", "tono", "yame", "staff"],
)
def test_yames_panel_masks_its_countries_with_its_one_person_as_the_town_page_does(
    dataset, viewer, shown
):
    values = dict(m[:2] for m in panel(dataset, viewer=viewer, region_id="yame").metrics)
    assert values["People listed"] == shown and values["Countries"] == shown
    page = town_view.town_page(access.scope(dataset, viewer), "yame", "en", viewer)
    cards = {card.key: card.value for card in page.cards}
    assert (cards["people"], cards["countries"]) == (shown, shown)


def test_a_town_not_on_the_map_has_no_panel(dataset):
    with pytest.raises(KeyError):
        panel(dataset, region_id="atlantis")


# --- the partner-towns map ----------------------------------------------------------------------


def test_the_map_notes_name_iwates_eleven_as_the_darkest_shade(dataset):
    partner = maps.partner_view(dataset, "en", PUBLIC)
    # five towns: no clustering note; the outlines' credit, as MLIT asks
    assert partner.notes == (
        t("maps.towns.legend", "en", n="11"),
        t("maps.towns.offline", "en"),
        "「国土数値情報（行政区域データ）」（国土交通省）を加工して作成 (Created by processing the "
        "National Land Numerical Information (Administrative Areas), Ministry of Land, "
        "Infrastructure, Transport and Tourism)",
    )
    assert partner.names == {
        "shimokawa": "Shimokawa",
        "urahoro": "Urahoro",
        "tono": "Tono",
        "yame": "Yame",
        "ishinomaki": "Ishinomaki",
    }


def test_yames_one_person_gives_the_public_no_shading_note(dataset):
    yame = apply_filters(dataset, Filters(towns=("yame",)))
    assert maps.partner_view(yame, "en", PUBLIC).notes == (
        t("maps.towns.offline", "en"),
        outlines.credit("en"),
    )
    assert maps.partner_view(yame, "en", STAFF).notes[0] == t("maps.towns.legend", "en", n="1")


def test_the_maps_assets_are_served_below_the_apps_own_path():
    assert static_url("/") == STATIC_URL == "/app/static"
    assert static_url("/dashboard/") == "/dashboard/app/static"


# --- where participants come from ---------------------------------------------------------------


def test_the_public_is_told_which_nationalities_are_left_out_of_the_bars(dataset):
    found = maps.origins(dataset, dataset, "en", PUBLIC)
    assert found.world_notes == (t("maps.world.unknown", "en", n="4"),)
    assert found.flow_notes == (t("maps.flow.caption", "en"), t("maps.flow.unknown", "en", n="4"))
    hidden = (
        "Spain, Brazil, France, United Kingdom, India, Italy, Japan, Mongolia, Malaysia, Nepal, "
        "Taiwan, and Vietnam"
    )
    assert found.bars_notes == (t("maps.small_hidden", "en", names=hidden),)


def test_staff_see_every_nationality_in_the_bars(dataset):
    found = maps.origins(dataset, dataset, "en", STAFF)
    assert found.hidden == [] and found.more == []
    assert found.bars_notes == ()


def test_the_notes_say_how_many_flows_and_bars_are_left_out():
    world, flows, bars = maps._origin_notes("<3", 401, 0, ["Chile", "Peru"], [], "en")
    assert world == (t("maps.world.unknown", "en", n="<3"),)
    assert flows == (
        t("maps.flow.caption", "en"),
        t("maps.flow.top", "en", shown="400", total="401"),
    )
    assert bars == (t("maps.bars.more", "en", n="2", names="Chile and Peru"),)
    assert maps._origin_notes(0, 3, 0, [], [], "en")[0] == (t("maps.world.all_known", "en"),)


def test_no_one_listed_means_no_origins(dataset):
    nobody = apply_filters(dataset, Filters(towns=("atlantis",)))
    assert maps.origins(nobody, dataset, "en", PUBLIC) is None


# --- tabs ---------------------------------------------------------------------------------------


def test_the_open_tab_is_found_again_by_its_title_in_the_other_language():
    assert maps.tab_labels("en") == {
        "towns": "Partner towns",
        "origins": "Where participants come from",
    }
    assert maps.retitled_tabs("ja") == {
        "Partner towns": "パートナー地域",
        "Where participants come from": "参加者の出身国",
    }


@pytest.mark.parametrize(("asked", "view"), [("flows", "flows"), ("world", "world"),
                                             ("towns", None), (None, None)])  # fmt: skip
def test_a_link_opens_the_origins_map_it_names(asked, view):
    assert maps.origin_view(asked) == view
