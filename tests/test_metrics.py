"""Metrics against numbers counted by hand from the organisation's site."""

from __future__ import annotations

import pandas as pd

from dashboard import charts, metrics
from dashboard.metrics import Filters, apply_filters

from .conftest import figure_data


def test_headline_numbers_match_the_site(dataset):
    h = metrics.headline(dataset)
    assert h == {
        "programs": 6,  # Shimokawa, Yame, Tono, Urahoro, the Ishinomaki team and residency
        "towns": 5,
        "participants": 27,  # 25 people in programs + Chao Ping and Lee (no program named)
        "participants_in_programs": 25,
        "participants_reported": 25,  # Tono's 11 reported = 11 listed
        "nationalities": 15,
        "unknown_nationality": 4,  # Zak, Joy and two of Tono's eleven
        "person_days": 152,  # 44 + 4 + 44 + 18 + 42
        "programs_without_dates": 1,  # the Ishinomaki team
        "outcomes": 6,
        "returning": 2,
        "testimonials": 11,
    }


def test_program_days_and_person_days(dataset):
    table = metrics.program_table(dataset).set_index("program_id")
    assert table["days"].dropna().to_dict() == {
        "shimokawa-2017-03": 11,  # 3 - 13 March, both days counted
        "yame-2017-03": 4,
        "tono-2017-09": 4,
        "urahoro-2017-09": 6,
        "ishinomaki-residency-2017": 42,  # Dec 18th 2017 to January 28th 2018
    }
    assert pd.isna(table.loc["ishinomaki-team", "days"])
    assert table.loc["tono-2017-09", ["listed", "reported", "nationalities"]].tolist() == [
        11,
        11,
        9,
    ]
    assert table.loc["tono-2017-09", "unknown_nationality"] == 2
    assert table.loc["urahoro-2017-09", "person_days"] == 18
    assert pd.isna(table.loc["ishinomaki-team", "person_days"])


def test_the_two_people_who_went_to_both_tono_and_urahoro(dataset):
    back = metrics.returning_participants(dataset)
    assert sorted(back["participant_id"]) == ["alejandro", "trinh-doan"]
    assert all(ids == ["tono-2017-09", "urahoro-2017-09"] for ids in back["program_ids"])


def test_filter_by_town_keeps_only_that_town(dataset):
    tono = apply_filters(dataset, Filters(towns=("tono",)))
    h = metrics.headline(tono)
    assert (h["programs"], h["participants"], h["nationalities"], h["person_days"]) == (
        1,
        11,
        9,
        44,
    )
    assert set(tono.testimonials["participant_id"]) == {
        "trinh-doan",
        "alejandro",
        "leandro",
        "hakim",
        "roger",
    }
    assert set(tono.outcomes["program_id"]) == {"tono-2017-09"}


def test_filter_by_year_drops_undated_programs(dataset):
    y2018 = apply_filters(dataset, Filters(years=(2018, 2018)))
    assert list(y2018.programs["program_id"]) == ["ishinomaki-residency-2017"]
    assert list(y2018.participants["participant_id"]) == ["zak"]


def test_filter_by_nationality_includes_unknown_as_its_own_choice(dataset):
    thai = apply_filters(dataset, Filters(nationalities=("TH",)))
    assert sorted(thai.participants["participant_id"]) == ["gae", "jade", "lee", "tono-th"]
    assert thai.programs["participants_reported"].isna().all()
    unknown = apply_filters(dataset, Filters(nationalities=(metrics.UNKNOWN,)))
    assert sorted(unknown.participants["participant_id"]) == [
        "joy",
        "tono-unknown-1",
        "tono-unknown-2",
        "zak",
    ]


def test_no_filter_returns_the_same_dataset(dataset):
    assert apply_filters(dataset, Filters()) is dataset


def test_participants_by_town_chart_shows_the_counts(dataset):
    table = metrics.participants_by_town(dataset)
    table["town"] = table["name_en"]
    fig = charts.participants_by_town(
        table,
        labels={"listed": "Listed", "reported": "Reported", "town": "Town"},
        colours={},
        title="Tono welcomed the most participants: 11",
    )
    spec = fig.to_dict()
    bars = {}
    for i, trace in enumerate(spec["data"]):
        assert trace["type"] == "bar"  # listed = reported everywhere: no "reported" markers
        bars.update(zip(figure_data(spec, i, "y"), figure_data(spec, i, "x"), strict=True))
    assert bars == {"Tono": 11, "Ishinomaki": 8, "Shimokawa": 4, "Urahoro": 3, "Yame": 1}


def test_nationality_counts(dataset):
    counts = metrics.nationality_counts(dataset).set_index("nationality")["people"]
    assert counts.sum() == 27
    assert counts.to_dict() == {
        "": 4,
        "TH": 4,
        "SG": 3,
        "US": 3,
        "ES": 2,
        "BR": 1,
        "FR": 1,
        "GB": 1,
        "IN": 1,
        "IT": 1,
        "JP": 1,
        "MN": 1,
        "MY": 1,
        "NP": 1,
        "TW": 1,
        "VN": 1,
    }


def test_reported_figure_differs_shows_a_marker(dataset):
    programs = dataset.programs.copy()
    programs.loc[programs["program_id"] == "tono-2017-09", "participants_reported"] = 12
    ds = dataset.replace(programs=programs)
    h = metrics.headline(ds)
    assert (h["participants_in_programs"], h["participants_reported"]) == (25, 26)
    table = metrics.participants_by_town(ds)
    table["town"] = table["name_en"]
    fig = charts.participants_by_town(
        table, labels={"listed": "L", "reported": "R", "town": "T"}, colours={}, title="x"
    )
    spec = fig.to_dict()
    marker = [i for i, tr in enumerate(spec["data"]) if tr["type"] == "scatter"]
    assert len(marker) == 1
    assert figure_data(spec, marker[0], "x") == [12]
    assert figure_data(spec, marker[0], "y") == ["Tono"]
