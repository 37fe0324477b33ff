"""The timeline page: every number checked against counts made by hand from the seed.

Dated programs (days, first and last included, times people listed): Shimokawa 3-13 March 2017
(11 x 4 = 44), Yame 20-23 March 2017 (4 x 1 = 4), Tono 6-9 September 2017 (4 x 11 = 44),
Urahoro 12-17 September 2017 (6 x 3 = 18), Ishinomaki residency 18 December 2017 - 28 January
2018 (42 x 1 = 42): 152 person-days. The Ishinomaki team (7 people) has no dates.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from dashboard import charts
from dashboard.metrics import Filters, apply_filters
from dashboard.timeline import (
    cumulative_table,
    gantt_table,
    period_label,
    period_table,
    program_detail,
    season_of,
    undated_programs,
)
from dashboard.views.timeline import cumulative_title, gantt_title

from .conftest import app_test, figure_data

DAYS = {
    "shimokawa-2017-03": 11,
    "yame-2017-03": 4,
    "tono-2017-09": 4,
    "urahoro-2017-09": 6,
    "ishinomaki-residency-2017": 42,
}
PERSON_DAYS = {
    "shimokawa-2017-03": 44,
    "yame-2017-03": 4,
    "tono-2017-09": 44,
    "urahoro-2017-09": 18,
    "ishinomaki-residency-2017": 42,
}


def test_gantt_places_only_the_dated_programs(dataset):
    table = gantt_table(dataset)
    assert table["program_id"].tolist() == list(DAYS)  # in date order
    assert dict(zip(table["program_id"], table["days"], strict=True)) == DAYS
    assert dict(zip(table["program_id"], table["person_days"], strict=True)) == PERSON_DAYS
    assert int(table["person_days"].sum()) == 152
    assert "ishinomaki-team" not in set(table["program_id"])
    tono = table.set_index("program_id").loc["tono-2017-09"]
    assert tono["finish"] == pd.Timestamp("2017-09-10")  # the bar covers the 9th
    assert set(tono["countries"]) == {"SG", "MY", "TH", "VN", "TW", "JP", "ES", "US", "BR"}
    assert (tono["listed"], tono["unknown_nationality"]) == (11, 2)


def test_the_undated_program_is_listed_not_placed(dataset):
    undated = undated_programs(dataset)
    assert undated["program_id"].tolist() == ["ishinomaki-team"]
    assert undated.iloc[0]["listed"] == 7
    assert undated.iloc[0]["countries"] == ["ES", "FR", "IN", "IT", "MN", "NP", "SG"]


def test_cumulative_participants_nationalities_and_person_days(dataset):
    table = cumulative_table(dataset)
    assert table["participants"].tolist() == [4, 5, 16, 17, 18]  # Urahoro adds only one
    assert table["nationalities"].tolist() == [3, 3, 10, 10, 10]
    assert table["person_days"].tolist() == [44, 48, 92, 110, 152]
    assert table["date"].iloc[0] == pd.Timestamp("2017-03-03")


def test_summary_per_year_splits_the_residency_at_new_year(dataset):
    table = period_table(dataset, "year").set_index("period")
    assert table.loc[
        2017, ["programs", "participants", "nationalities", "person_days"]
    ].tolist() == [
        5,
        18,
        10,
        124,  # 44 + 4 + 44 + 18 + 14 days of December x 1
    ]
    assert table.loc[2018, ["programs", "participants", "person_days"]].tolist() == [1, 1, 28]
    assert int(table["person_days"].sum()) == 152


def test_summary_per_season(dataset):
    table = period_table(dataset, "season").set_index("period")
    assert table.index.tolist() == ["2017-spring", "2017-summer", "2017-autumn", "2017-winter"]
    assert table["programs"].tolist() == [2, 0, 2, 1]
    assert table["participants"].tolist() == [5, 0, 12, 1]  # Tono 11 + Urahoro's one new
    assert table["person_days"].tolist() == [48, 0, 62, 42]
    assert table.loc["2017-autumn", "unknown_nationality"] == 2


def test_seasons_and_their_names():
    assert season_of(dt.date(2017, 12, 18)) == (2017, "winter")
    assert season_of(dt.date(2018, 1, 28)) == (2017, "winter")
    assert season_of(dt.date(2017, 3, 3)) == (2017, "spring")
    assert season_of(dt.date(2017, 9, 6)) == (2017, "autumn")
    assert period_label("2017-winter", "en") == "Winter 2017–18"
    assert period_label("2017-autumn", "ja") == "2017年 秋"
    assert period_label(2018, "ja") == "2018年"


def test_filters_change_the_timeline(dataset):
    tono = apply_filters(dataset, Filters(towns=("tono",)))
    assert gantt_table(tono)["program_id"].tolist() == ["tono-2017-09"]
    assert cumulative_table(tono)["person_days"].tolist() == [44]
    assert undated_programs(tono).empty
    only_2018 = apply_filters(dataset, Filters(years=(2018, 2018)))
    assert gantt_table(only_2018)["program_id"].tolist() == ["ishinomaki-residency-2017"]
    assert undated_programs(only_2018).empty  # an undated program is in no year
    # a nationality filter counts only those people; the organisation's 11 no longer applies
    spain = apply_filters(dataset, Filters(nationalities=("ES",)))
    assert dict(gantt_table(spain)[["program_id", "listed"]].values.tolist()) == {
        "tono-2017-09": 1,
        "urahoro-2017-09": 1,
    }
    assert undated_programs(spain)["listed"].tolist() == [1]


def test_tono_in_detail(dataset):
    detail = program_detail(dataset, "tono-2017-09", "en")
    assert detail["town"] == "Tono"
    assert detail["dates"] == "Sep 6\u2009–\u20099, 2017"
    assert len(detail["people"]) == 11
    assert "A participant from Thailand" in detail["people"]
    assert detail["people"].count("A participant of unknown nationality") == 2
    assert len(detail["countries"]) == 10 and detail["countries"][-1] == "Unknown nationality"
    assert [o["kind"] for o in detail["outcomes"]] == ["review", "translation", "advice"]
    assert len(detail["testimonials"]) == 5
    assert detail["reported"] == 11


def test_named_people_in_tono_are_the_five_who_consented(dataset):
    people = program_detail(dataset, "tono-2017-09", "en")["people"]
    assert people[:5] == ["Alejandro", "Hakim", "Leandro", "Roger", "Trinh Doan"]
    assert not any(name in people for name in ("Joy", "Zak", "Lee"))


def test_without_consent_a_person_is_shown_by_nationality(dataset):
    people = dataset.participants.copy()
    people.loc[people["participant_id"] == "trinh-doan", "public_consent"] = False
    ds = dataset.replace(participants=people)
    labels = program_detail(ds, "urahoro-2017-09", "ja")["people"]
    assert "Trinh Doan" not in labels and "ベトナムからの参加者" in labels
    quotes = program_detail(ds, "urahoro-2017-09", "en")["testimonials"]
    assert {q["label"] for q in quotes} == {"Alejandro", "A participant from Vietnam"}


def test_urahoro_shows_the_testimonials_that_name_it(dataset):
    detail = program_detail(dataset, "urahoro-2017-09", "en")
    assert sorted(q["label"] for q in detail["testimonials"]) == ["Alejandro", "Trinh Doan"]


def test_the_undated_program_in_detail_has_no_invented_date(dataset):
    detail = program_detail(dataset, "ishinomaki-team", "ja")
    assert detail["dates"] == "日付不明"
    assert pd.isna(detail["program"]["days"])
    assert "スペインからの参加者" in detail["people"] and len(detail["people"]) == 7
    assert program_detail(dataset, "atlantis", "en") is None


def test_gantt_figure_has_the_dates_and_the_hover(dataset):
    table = gantt_table(dataset)
    view = table.assign(
        town=table["region_id"],
        kind_label=table["kind"],
        dates="d",
        countries_text=[", ".join(c) for c in table["countries"]],
        bar_text="",
    )
    fig = charts.program_gantt(
        view,
        title="t",
        labels={"town": "T", "days": "D", "participants": "P", "nationalities": "N"},
        colours={"team": "#000", "residency": "#111"},
    )
    spec = json.loads(fig.to_json())
    bars = {}
    for i, trace in enumerate(spec["data"]):
        durations = figure_data(spec, i, "x")
        for base, length, data in zip(trace["base"], durations, trace["customdata"], strict=True):
            bars[data[0]] = (base[:10], round(length / 86_400_000), data[3])
    assert bars == {
        "shimokawa-2017-03": ("2017-03-03", 11, 4),
        "yame-2017-03": ("2017-03-20", 4, 1),
        "tono-2017-09": ("2017-09-06", 4, 11),
        "urahoro-2017-09": ("2017-09-12", 6, 3),
        "ishinomaki-residency-2017": ("2017-12-18", 42, 1),
    }
    assert {trace["name"] for trace in spec["data"]} == {"team", "residency"}


def test_cumulative_figure_ends_at_the_totals(dataset):
    table = cumulative_table(dataset).assign(program="p")
    fig = charts.cumulative_lines(
        table, title="t", labels={"participants": "a", "nationalities": "b", "person_days": "c"}
    )
    spec = fig.to_json()
    assert [figure_data(spec, i, "y") for i in range(3)] == [
        [4, 5, 16, 17, 18],
        [3, 3, 10, 10, 10],
        [44, 48, 92, 110, 152],
    ]


# --- the page --------------------------------------------------------------------------------


def open_page(query=None):
    at = app_test(query or {}, role="staff").run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("app_pages/timeline.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_titles(at) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def test_timeline_page_in_english():
    at = open_page()
    assert chart_titles(at) == [
        "5 programs in 5 towns, Mar 3, 2017\u2009–\u2009Jan 28, 2018",
        "18 participants from 10 countries spent 152 person-days in the towns",
    ]
    gantt = at.get("plotly_chart")[0].proto
    assert json.loads(gantt.config)["toImageButtonOptions"]["filename"] == "program-timeline-en"
    texts = [x.value for x in at.text]
    assert "Ishinomaki · Team project" in texts  # listed beside the chart, not on it
    periods = at.dataframe[2].value
    assert periods["Person-days"].tolist() == [124, 28]
    # the first program is shown in detail: Shimokawa, with Joy unnamed
    assert at.selectbox(key="timeline_program").value == "shimokawa-2017-03"
    assert "Charles, Hester, Jade, and A participant of unknown nationality" in texts


def test_timeline_page_in_japanese_by_season():
    at = open_page({"lang": "ja"})
    assert chart_titles(at)[1] == "10か国の18人が、市町で延べ152人日を過ごしました"
    at.segmented_control(key="timeline_period_by").set_value("season").run()
    periods = at.dataframe[2].value
    assert periods["期間"].tolist() == ["2017年 春", "2017年 夏", "2017年 秋", "2017–18年 冬"]
    assert periods["滞在人日"].tolist() == [48, 0, 62, 42]


def test_choosing_a_program_shows_its_people_and_testimonials_as_text():
    at = open_page()
    at.selectbox(key="timeline_program").set_value("tono-2017-09").run()
    assert not at.exception
    texts = [x.value for x in at.text]
    first = "Alejandro, Hakim, Leandro, Roger, Trinh Doan, A participant"
    assert any(text.startswith(first) for text in texts)
    assert sum("group of 12 people" in t for t in texts) == 1  # Leandro's words, verbatim
    assert {m.label: m.value for m in at.metric}["Participants"] == "11"
    at.selectbox(key="timeline_program").set_value("ishinomaki-team").run()
    assert {m.label: m.value for m in at.metric}["Dates"] == "date unknown"


def test_the_town_filter_changes_the_timeline():
    at = open_page({"town": "ishinomaki"})
    assert chart_titles(at) == [
        "One program, in Ishinomaki, Dec 18, 2017\u2009–\u2009Jan 28, 2018",
        "One participant spent 42 person-days in the towns",
    ]
    assert "Ishinomaki · Team project" in [x.value for x in at.text]


def test_titles_state_the_finding_in_both_languages(dataset):
    towns = {"tono": "Tono", "urahoro": "Urahoro", "shimokawa": "Shimokawa"}
    both = apply_filters(dataset, Filters(towns=("tono",)))
    assert (
        gantt_title(gantt_table(both), towns, "en")
        == "One program, in Tono, Sep 6\u2009–\u20099, 2017"
    )
    assert gantt_title(gantt_table(dataset), towns, "ja") == (
        "5市町で5件のプログラム（2017年3月3日～2018年1月28日）"
    )
    assert cumulative_title(cumulative_table(both), "en") == (
        "11 participants from 9 countries spent 44 person-days in the towns"
    )
    unknown = apply_filters(dataset, Filters(nationalities=("",), towns=("tono",)))
    assert cumulative_title(cumulative_table(unknown), "ja") == (
        "国籍不明の2人が、市町で延べ8人日を過ごしました"
    )


def test_testimonials_are_shown_as_plain_text_never_markdown_or_html():
    at = open_page()
    at.selectbox(key="timeline_program").set_value("shimokawa-2017-03").run()
    hester = next(x.value for x in at.text if x.value.startswith("Sosei Partners has been"))
    assert "‘Japanese experience’" in hester and "\n\nAt times" in hester  # verbatim
    assert not any("Sosei Partners has been" in m.value for m in at.markdown)


def test_the_public_sees_programs_but_not_small_head_counts():
    at = app_test({}, role="public").run()
    at.switch_page("app_pages/timeline.py").run()
    assert not at.exception, [e.value for e in at.exception]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    listed = {d[0]: d[3] for trace in spec["data"] for d in trace["customdata"]}
    # "<3" as plotly's label markup writes it (hover values are markup: data is escaped)
    assert listed["yame-2017-03"] == "&lt;3" and listed["ishinomaki-residency-2017"] == "&lt;3"
    assert listed["tono-2017-09"] == 11
    periods = at.dataframe[2].value
    assert periods["Participants"].tolist() == ["18", "<3"]
    at.selectbox(key="timeline_program").set_value("tono-2017-09").run()
    texts = [x.value for x in at.text]
    assert "Alejandro, Hakim, Leandro, Roger, and Trinh Doan" in texts  # only who agreed
    assert "and 6 more people, not listed one by one" in [c.value for c in at.caption]
    at.selectbox(key="timeline_program").set_value("yame-2017-03").run()
    assert {m.label: m.value for m in at.metric}["Participants"] == "<3"
