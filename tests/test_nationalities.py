"""The nationalities page: every number checked against counts made by hand from the seed.

The seed (data/): 27 participants; Thailand 4, Singapore 3, USA 3, Spain 2, one each from
Brazil, France, UK, India, Italy, Japan, Mongolia, Malaysia, Nepal, Taiwan and Vietnam (15
countries), 4 of unknown nationality (Zak, Joy, and two of Tono's eleven). Tono: 11 people, 9
countries + 2 unknown. Trinh Doan and Alejandro went to both Tono and Urahoro.
"""

from __future__ import annotations

import io
import json
import math

import pandas as pd
import pytest

from dashboard import breakdowns, charts
from dashboard.breakdowns import (
    display_table,
    diversity_table,
    nationality_table,
    person_label,
    returning_table,
    shannon,
    town_nationality_table,
    town_summary,
    world_region,
    world_region_name,
    world_region_table,
)
from dashboard.exports import csv_bytes
from dashboard.metrics import Filters, apply_filters

from .conftest import app_test, figure_data

TONO_COUNTRIES = {"SG", "MY", "TH", "VN", "TW", "JP", "ES", "US", "BR"}


def all_traces(spec: str, field: str) -> list:
    """One field over every trace of a chart (px splits bars into one trace per colour)."""
    fig = json.loads(spec)
    return [v for i in range(len(fig["data"])) for v in figure_data(fig, i, field)]


# --- tables ----------------------------------------------------------------------------------


def test_thailand_sent_the_most_four_of_twenty_seven(dataset):
    table = nationality_table(dataset)
    assert int(table["people"].sum()) == 27
    assert table.iloc[0][["nationality", "people", "share"]].tolist() == ["TH", 4, 14.8]
    counts = dict(zip(table["nationality"], table["people"], strict=True))
    assert {code: counts[code] for code in ("SG", "US", "ES")} == {"SG": 3, "US": 3, "ES": 2}
    assert len([c for c in counts if c]) == 15
    assert sum(1 for c in counts if c and counts[c] == 1) == 11


def test_unknown_nationality_is_its_own_category_listed_last(dataset):
    table = nationality_table(dataset)
    assert table.iloc[-1]["nationality"] == ""
    assert table.iloc[-1]["people"] == 4
    assert (table["nationality"] == "").sum() == 1


def test_tono_page_lists_nine_countries_and_two_unknown(dataset):
    table = town_nationality_table(dataset)
    tono = table[table["region_id"] == "tono"]
    assert set(tono["nationality"]) - {""} == TONO_COUNTRIES
    assert tono.set_index("nationality").loc["", "people"] == 2
    assert int(tono["people"].sum()) == 11
    assert tono.iloc[-1]["nationality"] == ""


def test_each_town_counts_the_people_who_came_there(dataset):
    summary = town_summary(dataset).set_index("region_id")
    assert summary.loc["tono"].tolist() == [11, 9, 2]
    assert summary.loc["urahoro"].tolist() == [3, 3, 0]
    assert summary.loc["shimokawa"].tolist() == [4, 3, 1]  # Thailand, UK, Singapore; Joy
    assert summary.loc["yame"].tolist() == [1, 1, 0]
    assert summary.loc["ishinomaki"].tolist() == [8, 7, 1]  # the team of 7, and Zak
    assert summary.index[0] == "tono"


def test_world_regions_come_from_the_library_not_a_typed_table(dataset):
    assert [world_region(c) for c in ("TH", "GB", "US", "BR", "NA", "")] == [
        "142",
        "150",
        "019",
        "019",
        "002",
        "",
    ]
    table = world_region_table(dataset).set_index("world_region")
    assert table.loc["142", ["people", "nationalities"]].tolist() == [14, 9]
    assert table.loc["150", ["people", "nationalities"]].tolist() == [5, 4]
    assert table.loc["019", ["people", "nationalities"]].tolist() == [4, 2]
    assert table.loc["", ["people", "nationalities"]].tolist() == [4, 0]
    assert int(table["people"].sum()) == 27
    assert list(table.index)[-1] == ""


def test_world_region_names_in_both_languages():
    assert [world_region_name(c, "en") for c in ("142", "150", "019")] == [
        "Asia",
        "Europe",
        "Americas",
    ]
    assert [world_region_name(c, "ja") for c in ("142", "150", "019", "")] == [
        "アジア",
        "ヨーロッパ",
        "アメリカ大陸",
        "国籍不明",
    ]


def test_shannon_evenness_by_hand():
    h, j = shannon([2, 1, 1])
    assert h == pytest.approx(-(0.5 * math.log(0.5) + 2 * 0.25 * math.log(0.25)))
    assert j == pytest.approx(h / math.log(3))
    assert shannon([1, 1]) == (pytest.approx(math.log(2)), pytest.approx(1.0))
    assert shannon([5]) == (0.0, None)
    assert shannon([]) == (0.0, None)
    assert shannon([9, 1])[1] < shannon([5, 5])[1]


def test_diversity_per_program(dataset):
    table = diversity_table(dataset).set_index("program_id")
    tono = table.loc["tono-2017-09"]
    assert (tono["listed"], tono["reported"], tono["nationalities"]) == (11, 11, 9)
    assert tono["unknown_nationality"] == 2
    assert tono["evenness"] == 1.0  # nine people of known nationality, one per country
    assert table.loc["ishinomaki-team", "nationalities"] == 7
    assert pd.isna(table.loc["yame-2017-03", "evenness"])  # one nationality: undefined
    residency = table.loc["ishinomaki-residency-2017"]
    assert (residency["nationalities"], residency["unknown_nationality"]) == (0, 1)
    assert table.index[0] == "tono-2017-09"


def test_returning_participants_are_trinh_doan_and_alejandro(dataset):
    table = returning_table(dataset)
    assert sorted(table["participant_id"]) == ["alejandro", "trinh-doan"]
    assert all(ids == ["tono-2017-09", "urahoro-2017-09"] for ids in table["program_ids"])
    assert table["programs"].tolist() == [2, 2]


def test_people_are_named_only_with_consent():
    named = {"display_name": "Gae", "public_consent": True, "nationality": "TH"}
    private = {"display_name": "Joy", "public_consent": False, "nationality": "TH"}
    unnamed = {"display_name": None, "public_consent": False, "nationality": None}
    assert person_label(named, "en") == "Gae"
    assert person_label(private, "en") == "A participant from Thailand"
    assert person_label(private, "ja") == "タイからの参加者"
    assert person_label(unnamed, "en") == "A participant of unknown nationality"
    assert person_label({**named, "public_consent": pd.NA}, "en") == "A participant from Thailand"


def test_titles_state_the_finding(dataset):
    names = {"tono": "Tono", "yame": "Yame", "ishinomaki": "Ishinomaki"}
    assert breakdowns.town_title(town_summary(dataset), names, "en") == (
        "Tono brought together 9 nationalities"
    )
    yame = apply_filters(dataset, Filters(towns=("yame",)))
    assert breakdowns.town_title(town_summary(yame), names, "ja") == "Yameには1か国の人が来ました"
    thai = apply_filters(dataset, Filters(nationalities=("TH",)))
    assert breakdowns.nationality_title(nationality_table(thai), "en") == (
        "Participants from Thailand: 4 of 4"
    )
    assert breakdowns.nationality_title(nationality_table(dataset), "ja") == (
        "15か国から27人が参加、最多はタイ（4人）"
    )
    assert breakdowns.returning_caption(1, "en") == "One person took part in more than one program."


# --- filters ---------------------------------------------------------------------------------


def test_a_town_filter_keeps_only_who_came_there(dataset):
    urahoro = apply_filters(dataset, Filters(towns=("urahoro",)))
    table = nationality_table(urahoro)
    assert dict(zip(table["nationality"], table["people"], strict=True)) == {
        "ES": 1,
        "US": 1,
        "VN": 1,
    }
    assert returning_table(urahoro).empty  # both came back, but to a town outside the filter
    both = apply_filters(dataset, Filters(towns=("tono", "urahoro")))
    assert sorted(returning_table(both)["participant_id"]) == ["alejandro", "trinh-doan"]
    assert int(nationality_table(both)["people"].sum()) == 12


def test_a_nationality_filter_and_a_year_filter(dataset):
    thai = apply_filters(dataset, Filters(nationalities=("TH",)))
    assert nationality_table(thai)["people"].tolist() == [4]
    assert world_region_table(thai)["world_region"].tolist() == ["142"]
    only_2018 = apply_filters(dataset, Filters(years=(2018, 2018)))
    assert nationality_table(only_2018)[["nationality", "people"]].values.tolist() == [["", 1]]


# --- figures ---------------------------------------------------------------------------------


def nationality_view(ds, lang="en"):
    table = nationality_table(ds)
    return table.assign(
        country=[breakdowns.country_name(c, lang) for c in table["nationality"]],
        region=[world_region_name(r, lang) for r in table["world_region"]],
        text=[f"{p} ({s}%)" for p, s in zip(table["people"], table["share"], strict=True)],
    )


def test_nationality_bars_show_the_counts(dataset):
    view = nationality_view(dataset)
    fig = charts.nationality_bars(view, title="t", labels={"people": "P", "country": "C"})
    spec = fig.to_json()
    bars = dict(zip(all_traces(spec, "y"), all_traces(spec, "x"), strict=True))
    assert bars["Thailand"] == 4 and bars["Unknown nationality"] == 4 and len(bars) == 16
    order = json.loads(spec)["layout"]["yaxis"]["categoryarray"]  # bottom to top
    assert order[-1] == "Thailand" and order[0] == "Unknown nationality"


def test_treemap_who_came_to_tono(dataset):
    pairs = town_nationality_table(dataset)
    view = pairs.assign(
        town=pairs["region_id"].str.title(),
        country=[breakdowns.country_name(c, "en") for c in pairs["nationality"]],
    )
    fig = charts.town_nationality_treemap(view, title="t", colours={})
    trace = json.loads(fig.to_json())["data"][0]
    values = dict(zip(trace["ids"], figure_data(fig.to_json(), 0, "values"), strict=True))
    assert values["tono"] == 11
    tono_children = [i for i, p in zip(trace["ids"], trace["parents"], strict=True) if p == "tono"]
    assert len(tono_children) == 10  # nine countries and "unknown"
    assert values["tono/unknown"] == 2


def test_world_region_bars_show_the_counts(dataset):
    table = world_region_table(dataset)
    view = table.assign(region=[world_region_name(r, "en") for r in table["world_region"]], text="")
    fig = charts.world_region_bars(view, title="t", labels={"people": "P", "nationalities": "N"})
    spec = fig.to_json()
    assert dict(zip(all_traces(spec, "x"), all_traces(spec, "y"), strict=True)) == {
        "Asia": 14,
        "Europe": 5,
        "Americas": 4,
        "Unknown nationality": 4,
    }


def test_csv_is_exactly_the_table_beside_the_chart(dataset):
    view = nationality_view(dataset, "ja")
    table = display_table(view, {"country": "国", "people": "参加者数", "share": "割合（%）"})
    data = csv_bytes(table)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads Japanese correctly with a BOM
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert back.columns.tolist() == ["国", "参加者数", "割合（%）"]
    assert back["参加者数"].tolist() == view["people"].tolist()
    assert back["国"].iloc[0] == "タイ" and back["国"].iloc[-1] == "国籍不明"


def test_png_export_has_a_file_name():
    config = charts.export_config("participants-by-nationality-en")
    assert config["toImageButtonOptions"]["filename"] == "participants-by-nationality-en"
    assert (config["toImageButtonOptions"]["width"], config["toImageButtonOptions"]["height"]) == (
        1280,
        720,
    )


# --- the page --------------------------------------------------------------------------------


# the page's tables, in page order
TABLES = {"by_country": 0, "by_town": 1, "by_region": 2, "diversity": 3, "returning": 4}


def open_page(query=None):
    at = app_test(query or {}, role="staff").run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("app_pages/nationalities.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_titles(at) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def test_nationalities_page_in_english():
    at = open_page()
    assert {m.label: m.value for m in at.metric} == {
        "Participants listed": "27",
        "Nationalities": "15",
        "Nationality unknown": "4",
        "World regions": "3",
        "Came back": "2",
    }
    assert chart_titles(at) == [
        "27 participants from 15 countries; most from Thailand (4)",
        "Tono brought together 9 nationalities",
        "Asia sent 14 of 27 participants",
        "Tono · Sep 6\u2009–\u20099, 2017 had the most nationalities: 9",
    ]
    first = at.get("plotly_chart")[0].proto
    assert sum(all_traces(first.spec, "x")) == 27
    assert json.loads(first.config)["toImageButtonOptions"]["filename"] == (
        "participants-by-nationality-en"
    )
    returning = at.dataframe[TABLES["returning"]].value
    assert sorted(returning["Participant"]) == ["Alejandro", "Trinh Doan"]
    assert len(at.get("download_button")) == 5


def test_nationalities_page_in_japanese():
    at = open_page({"lang": "ja"})
    assert at.title[0].value == "参加者の出身国"
    assert chart_titles(at)[:3] == [
        "15か国から27人が参加、最多はタイ（4人）",
        "遠野市には9か国の人が集まりました",
        "アジアから27人中14人が参加",
    ]
    table = at.dataframe[TABLES["by_country"]].value
    assert table["国"].iloc[0] == "タイ" and table["国"].iloc[-1] == "国籍不明"


def test_the_town_filter_changes_the_nationalities_page():
    at = open_page({"town": "urahoro"})
    assert {m.label: m.value for m in at.metric}["Nationalities"] == "3"
    assert chart_titles(at)[1] == "Urahoro brought together 3 nationalities"
    assert at.dataframe[TABLES["by_town"]].value["Participants"].sum() == 3
    captions = [c.value for c in at.caption]
    assert "No one in the selection took part in more than one program." in captions


def test_the_public_sees_no_group_of_fewer_than_three():
    at = app_test({}, role="public").run()
    at.switch_page("app_pages/nationalities.py").run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Participants listed"], metrics["Came back"]) == ("27", "<3")
    charts_ = at.get("plotly_chart")
    spec = charts_[0].proto.spec
    bars = dict(zip(all_traces(spec, "y"), all_traces(spec, "x"), strict=True))
    assert bars == {"Thailand": 4, "Singapore": 3, "United States": 3, "Unknown nationality": 4}
    captions = " ".join(c.value for c in at.caption)
    assert "Brazil" in captions and "Spain" in captions  # named as not drawn, without counts
    # every town-and-country group is 1 or 2 people: the treemap is not drawn at all
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in charts_]
    assert not any("brought together" in title for title in titles)
    diversity = at.dataframe[2].value  # by country, by region, diversity, returning
    assert "Yame" not in " ".join(diversity["Program"])
    tono = diversity[diversity["Program"].str.startswith("Tono")].iloc[0]
    assert tono["Nationality unknown"] == "<3"


def test_a_municipality_sees_its_own_town_in_full():
    at = app_test({"town": "tono"}, role="municipality", town="tono").run()
    at.switch_page("app_pages/nationalities.py").run()
    assert not at.exception, [e.value for e in at.exception]
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert "Tono brought together 9 nationalities" in titles
