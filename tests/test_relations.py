"""関係人口 in the ministries' terms: days spent per person in 国土交通省's bands, engagement types,
people per 10,000 residents, returning share, seasons still running; counted by hand from the
site's data and from small inline frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import access, relations, report
from dashboard.access import PUBLIC, STAFF
from dashboard.data import load_dataset, parse_table
from dashboard.views import relations as relations_view
from dashboard.views import town as town_view

from .conftest import DATA

pytestmark = pytest.mark.unit


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def tiny(dataset, programs: list[dict], pairs: list[tuple[str, str]]):
    """The bundled dataset with its programs and participations swapped for these (one town,
    Tono); the bundled people stay."""
    frame = pd.DataFrame(programs)
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column])
    frame = frame.assign(region_id="tono", kind="team", title=frame["program_id"], source="test")
    frame["participants_reported"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    people = dataset.participants["participant_id"].iloc[: len({p for p, _ in pairs})].tolist()
    ids = {name: people[i] for i, name in enumerate(dict.fromkeys(p for p, _ in pairs))}
    participations = pd.DataFrame(
        [{"participant_id": ids[p], "program_id": g, "role": None} for p, g in pairs]
    )
    return dataset.replace(programs=frame, participations=participations), ids


# --- days in the town --------------------------------------------------------------------------


def test_tono_s_eleven_people_each_spent_four_days_there(dataset):
    assert relations.day_bands(dataset, "tono") == {"1": 0, "2-7": 11, "8+": 0, "unknown": 0}


def test_ishinomaki_s_team_without_dates_counts_as_days_unknown_and_zak_as_eight_or_more(dataset):
    # the team program has no dates (7 people); Zak's residency ran 18 Dec 2017 - 28 Jan 2018
    assert relations.day_bands(dataset, "ishinomaki") == {"1": 0, "2-7": 0, "8+": 1, "unknown": 7}
    zak = relations.person_days_in_town(dataset, "ishinomaki").dropna(subset=["days"])
    assert zak["days"].tolist() == [42]


def test_shimokawa_s_ten_day_program_puts_its_four_people_at_eight_days_or_more(dataset):
    assert relations.day_bands(dataset, "shimokawa") == {"1": 0, "2-7": 0, "8+": 4, "unknown": 0}


def test_overlapping_programs_count_a_day_once_and_bands_have_their_edges(dataset):
    programs = [
        {"program_id": "a", "start_date": "2020-01-01", "end_date": "2020-01-05"},
        {"program_id": "b", "start_date": "2020-01-04", "end_date": "2020-01-08"},
        {"program_id": "c", "start_date": "2020-02-01", "end_date": "2020-02-01"},
        {"program_id": "d", "start_date": "2020-03-01", "end_date": "2020-03-07"},
    ]
    pairs = [("ana", "a"), ("ana", "b"), ("ben", "c"), ("cai", "d"), ("dan", "a")]
    ds, ids = tiny(dataset, programs, pairs)
    days = relations.person_days_in_town(ds, "tono").set_index("participant_id")["days"]
    # Ana: 1-8 January, days 4 and 5 counted once = 8; Ben one day; Cai 7; Dan 5
    assert {name: int(days[pid]) for name, pid in ids.items()} == {
        "ana": 8,
        "ben": 1,
        "cai": 7,
        "dan": 5,
    }
    assert relations.day_bands(ds, "tono") == {"1": 1, "2-7": 2, "8+": 1, "unknown": 0}


def test_a_person_with_one_undated_program_has_days_unknown_not_a_guess(dataset):
    programs = [
        {"program_id": "a", "start_date": "2020-01-01", "end_date": "2020-01-02"},
        {"program_id": "b", "start_date": "2020-05-01", "end_date": None},
    ]
    ds, ids = tiny(dataset, programs, [("ana", "a"), ("ana", "b"), ("ben", "a")])
    days = relations.person_days_in_town(ds, "tono").set_index("participant_id")
    assert pd.isna(days.loc[ids["ana"], "days"]) and days.loc[ids["ana"], "band"] == "unknown"
    assert int(days.loc[ids["ben"], "days"]) == 2
    assert relations.day_bands(ds, "tono") == {"1": 0, "2-7": 1, "8+": 0, "unknown": 1}


@pytest.mark.parametrize(
    ("days", "band"), [(0, "1"), (1, "1"), (2, "2-7"), (7, "2-7"), (8, "8+"), (None, "unknown")]
)
def test_the_survey_bands(days, band):
    assert relations.day_band(days) == band


# --- engagement types --------------------------------------------------------------------------


def test_the_bundled_team_projects_are_read_as_participation_and_exchange(dataset):
    assert relations.engagement(dataset, "ishinomaki") == {
        "direct_contribution": 0,
        "employment": 0,
        "participation_exchange": 7,
        "hobby_consumption": 0,
        "": 1,  # Zak's residency: no type recorded
    }
    team = dataset.programs[dataset.programs["kind"] == "team"]
    assert (team["engagement_type"] == "participation_exchange").all()
    assert team["source"].str.contains("dashboard's reading").all()
    residency = dataset.programs[dataset.programs["kind"] == "residency"]
    assert residency["engagement_type"].isna().all()


def test_no_engagement_type_recorded_means_none_is_shown(dataset):
    programs = dataset.programs.drop(columns="engagement_type")
    assert relations.engagement(dataset.replace(programs=programs), "tono") == {}
    page = town_view.town_page(dataset.replace(programs=programs), "tono", "en", STAFF)
    assert all(card.key != "engagement" for row in page.relation_rows for card in row)


def test_a_person_in_programs_of_two_types_counts_under_each(dataset):
    programs = [
        {"program_id": "a", "start_date": "2020-01-01", "end_date": "2020-01-02"},
        {"program_id": "b", "start_date": "2020-05-01", "end_date": "2020-05-02"},
    ]
    ds, _ = tiny(dataset, programs, [("ana", "a"), ("ana", "b"), ("ben", "a")])
    typed = ds.programs.assign(engagement_type=["employment", "hobby_consumption"])
    counts = relations.engagement(ds.replace(programs=typed), "tono")
    assert (counts["employment"], counts["hobby_consumption"], counts[""]) == (2, 1, 0)


def test_a_wrong_engagement_type_is_named_with_its_file_row_and_column():
    raw = pd.read_csv(DATA / "programs.csv", dtype=str, keep_default_na=False)
    raw.loc[2, "engagement_type"] = "tourism"
    raw.index = raw.index + 2  # spreadsheet rows: the header is row 1
    _, problems = parse_table("programs", "programs.csv", raw)
    assert [(p.file, p.row, p.column, p.code, p.value) for p in problems] == [
        ("programs.csv", 4, "engagement_type", "unknown_engagement_type", "tourism")
    ]
    assert "participation_exchange" in problems[0].fix("en")
    assert "参加・交流型" in problems[0].fix("ja")


# --- population, returning share ---------------------------------------------------------------


def with_population(dataset, residents, year=2020, source="Tono city, resident register"):
    regions = dataset.regions.assign(population=pd.NA, population_year=pd.NA, population_source="")
    regions["population"] = regions["population"].astype("Int64")
    regions["population_year"] = regions["population_year"].astype("Int64")
    at = regions.index[regions["region_id"] == "tono"][0]
    regions.loc[at, ["population", "population_year", "population_source"]] = [
        residents,
        year,
        source,
    ]
    return dataset.replace(regions=regions)


def test_people_per_ten_thousand_residents_only_where_the_population_is_given(dataset):
    assert "population" not in dataset.regions.columns  # the site gives none
    staff = town_view.town_page(dataset, "tono", "en", STAFF)
    keys = [card.key for row in staff.relation_rows for card in row]
    assert "per_residents" not in keys
    assert "no population for Tono" in " ".join(staff.relation_notes)

    ds = with_population(dataset, 24_000)
    page = town_view.town_page(ds, "tono", "en", STAFF)
    cards = {card.key: card.value for row in page.relation_rows for card in row}
    assert cards["per_residents"] == "4.6"  # 11 people * 10,000 / 24,000 = 4.58
    assert "Population 24,000 (2020; Tono city, resident register)." in page.relation_notes
    ja = town_view.town_page(ds, "tono", "ja", STAFF)
    assert "人口 24,000 人（2020年、Tono city, resident register）。" in ja.relation_notes


def test_a_population_of_zero_or_none_gives_no_rate(dataset):
    assert relations.population({"population": 0}) is None
    assert relations.population({"population": None}) is None
    assert relations.population({}) is None
    assert relations.per_residents(11, 24_000) == 4.6


def test_tono_s_returning_share_is_two_of_eleven(dataset):
    page = town_view.town_page(dataset, "tono", "en", STAFF)
    cards = {card.key: card.value for row in page.relation_rows for card in row}
    assert cards["returning_share"] == "18.2%"
    assert cards["outcomes"] == "3"
    assert (cards["days_1"], cards["days_2_7"], cards["days_8"], cards["days_unknown"]) == (
        "0",
        "11",
        "0",
        "0",
    )


def test_small_groups_are_masked_for_the_public_and_the_share_withheld(dataset):
    public = access.scope(dataset, PUBLIC)
    page = town_view.town_page(public, "tono", "en", PUBLIC)
    cards = {card.key: card.value for row in page.relation_rows for card in row}
    assert cards["days_2_7"] == "11"
    assert cards["returning_share"] == "–"  # 2 returning: "<3" above, so no share
    yame = town_view.town_page(public, "yame", "en", PUBLIC)
    cards = {card.label: card.value for row in yame.relation_rows for card in row}
    assert cards["Spent 2–7 days"] == "<3"
    assert cards["Participation and exchange (参加・交流型)"] == "<3"
    own = town_view.town_page(access.scope(dataset, access.Viewer("municipality", "yame")),
                              "yame", "en", access.Viewer("municipality", "yame"))  # fmt: skip
    assert {c.label: c.value for r in own.relation_rows for c in r}["Spent 2–7 days"] == "1"


def test_every_figure_s_help_is_the_catalog_s(dataset):
    from dashboard import glossary

    page = town_view.town_page(dataset, "tono", "ja", STAFF)
    for card in (*page.cards, *(card for row in page.relation_rows for card in row)):
        assert card.help == glossary.help_text(f"town.{card.key}", "ja")


# --- seasons still running ---------------------------------------------------------------------


def test_a_season_still_running_is_provisional_on_the_town_page(dataset):
    during = town_view.town_page(dataset, "tono", "en", STAFF, on=dt.date(2017, 9, 8))
    assert during.provisional.startswith("Provisional: 1 program(s) not yet over on Sep 8, 2017")
    assert during.programs.iloc[0, 0] == "Sosei Partners (Tono) (provisional)"
    after = town_view.town_page(dataset, "tono", "en", STAFF, on=dt.date(2017, 9, 9))
    assert after.provisional == ""  # the last day is not after it
    assert after.programs.iloc[0, 0] == "Sosei Partners (Tono)"


def test_today_is_taken_from_the_environment_when_set(monkeypatch):
    monkeypatch.setenv(relations.TODAY_ENV, "2017-12-20")
    assert relations.today() == dt.date(2017, 12, 20)
    ds = load_dataset(DATA).dataset
    assert relations.provisional_ids(ds) == ("ishinomaki-residency-2017",)
    monkeypatch.delenv(relations.TODAY_ENV)
    assert relations.today() == dt.date.today()


def test_the_report_shows_the_ministries_terms_and_marks_a_running_season(dataset):
    html = report.town_report(dataset, "tono", "en", made=dt.date(2017, 9, 8), map_image=False)
    assert 'id="provisional"' in html and "Sosei Partners (Tono) (provisional)" in html
    assert 'data-relation="outcomes"' not in html  # among the numbers above already
    for key, value in (("days_2_7", "11"), ("returning_share", "18.2%")):
        assert f'data-relation="{key}"><span class="value">{value}</span>' in html
    later = report.town_report(dataset, "tono", "ja", made=dt.date(2026, 12, 1), map_image=False)
    assert 'id="provisional"' not in later and "滞在2〜7日" in later
    assert "国土交通省" in later and "関わり方の区分は" in later


def test_ministries_terms_match_the_page(dataset):
    rel = relations_view.ministries_terms(
        dataset, "ishinomaki", "en", town_view.shown_numbers(
            town_view.towns.relationship(dataset, "ishinomaki")), dt.date(2026, 1, 1)
    )  # fmt: skip
    values = {f["key"] + ":" + f["label"]: f["value"] for row in rel["relations"] for f in row}
    assert values["days_unknown:Days unknown"] == "7"
    assert values["days_8:Spent 8 days or more"] == "1"
    assert values["engagement:Type not recorded"] == "1"
    assert rel["provisional"] == ""
