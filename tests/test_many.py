"""With many towns and programs a chart draws the largest 40, says so, and its table keeps
every row (a browser takes seconds to draw thousands of boxes or bars)."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import access, breakdowns, charts, metrics, timeline
from dashboard import town as towns
from dashboard.charts import DRAWN_AT_MOST
from dashboard.i18n import t
from dashboard.synth import write_dataset
from dashboard.views import nationalities, overview
from dashboard.views import timeline as timeline_view

from .conftest import app_test, synthetic_dataset


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    return synthetic_dataset(tmp_path_factory.mktemp("many"), towns=80, participants=900, seed=11)


def test_the_treemap_draws_the_40_towns_with_most_people(many):
    section = nationalities.by_town(many, many, "en", access.STAFF)
    treemap = section.chart.figure.data[0]
    roots = [i for i, parent in zip(treemap.ids, treemap.parents, strict=True) if parent == ""]
    summary = breakdowns.town_summary(many)
    assert len(summary) > DRAWN_AT_MOST
    most = summary.sort_values(["people", "region_id"], ascending=[False, True])
    assert sorted(roots) == sorted(most["region_id"].iloc[:DRAWN_AT_MOST])
    assert len(section.chart.table) == len(breakdowns.town_nationality_table(many))
    assert section.chart.note == t(
        "nationalities.by_town.top", "en", shown=40, total=f"{len(summary):,}"
    )


def test_the_diversity_bars_draw_the_40_programs_with_most_nationalities(many):
    section = nationalities.diversity(many, many, "ja", access.STAFF)
    table = breakdowns.diversity_table(many)
    bars = section.chart.figure.data[0]
    assert len(bars.x) == DRAWN_AT_MOST
    assert list(bars.x) == list(table["nationalities"].iloc[:DRAWN_AT_MOST])
    assert len(section.chart.table) == len(table)
    assert "40" in section.chart.note and f"{len(table):,}" in section.chart.note


def test_the_gantt_draws_the_programs_of_the_40_towns_with_most_people(many):
    chart = timeline_view.gantt_chart(many, many, "en", access.STAFF)
    gantt = timeline.gantt_table(many)
    people = gantt.groupby("region_id")["listed"].sum().sort_values(ascending=False)
    top = set(people.index[:DRAWN_AT_MOST])
    drawn = sum(len(trace.x) for trace in chart.figure.data)
    assert drawn == int(gantt["region_id"].isin(top).sum())
    assert len(chart.table) == len(gantt)
    assert f"of {len(gantt):,} programs" in chart.note


def test_a_long_running_total_is_a_line_with_its_final_value_noted(many):
    table = timeline.cumulative_table(many).assign(program="p")
    assert len(table) > charts.MARKERS_UP_TO
    fig = charts.cumulative_lines(
        table, title="t", labels={"participants": "a", "nationalities": "b", "person_days": "c"}
    )
    assert [trace.mode for trace in fig.data] == ["lines"] * 3
    notes = [a.text for a in fig.layout.annotations if a.text not in ("a", "b", "c")]
    final = table.iloc[-1]
    assert notes == [str(final["participants"]), str(final["nationalities"]),
                     str(final["person_days"])]  # fmt: skip


def test_the_overview_draws_the_40_towns_with_most_people(many):
    section = overview.town_bars(many, many, "ja", access.STAFF)
    bars = section.chart.figure.data[0]
    towns = metrics.participants_by_town(many)
    assert len(towns) > DRAWN_AT_MOST
    # drawn from the bottom up: the last bar is the town with most people
    assert list(bars.x[::-1]) == list(towns["listed"].iloc[:DRAWN_AT_MOST])
    assert set(bars.customdata[:, 0]) == set(towns["region_id"].iloc[:DRAWN_AT_MOST])
    assert list(section.chart.table["region_id"]) == list(towns["region_id"])
    assert section.chart.figure.layout.height == 20 * DRAWN_AT_MOST + 140
    assert section.chart.note == t("overview.chart.top", "ja", shown=40, total=str(len(towns)))


def test_headline_numbers_take_two_rows_once_one_is_too_long_for_a_sixth():
    short = dict.fromkeys("abcdef", "100,000")
    assert overview.card_rows(short) == [list("abcdef")]
    long = short | {"e": "3,194,216"}
    assert overview.card_rows(long) == [list("abc"), list("def")]


def test_every_town_at_once_counts_as_each_of_80_towns_alone(many):
    every = towns.network_figures(many)
    assert len(every) == 80 and every["returning"].sum() > 0
    for rid in every.index:
        assert every.loc[rid].to_dict() == towns.figures(many, rid), rid


def test_returning_people_of_a_town_are_counted_person_by_person(many):
    pairs = many.participations.merge(many.programs[["program_id", "region_id"]])
    people = many.participants.set_index("participant_id")
    rid = towns.network_figures(many)["returning"].idxmax()
    back = towns.returning(many, rid)
    mine = set(pairs.loc[pairs["region_id"] == rid, "participant_id"])
    expected = []
    for pid in sorted(mine):
        theirs = pairs[pairs["participant_id"] == pid]
        if len(theirs) > 1:
            person = people.loc[pid]
            named = bool(person["public_consent"]) and not pd.isna(person["display_name"])
            nationality = "" if pd.isna(person["nationality"]) else person["nationality"]
            others = sorted(set(theirs["region_id"]) - {rid})
            shown = person["display_name"] if named else ""
            expected.append([pid, shown, nationality, len(theirs), others])
    assert len(expected) > 1 and any(row[1] for row in expected)
    assert back.values.tolist() == expected


def test_a_town_names_ten_returning_people_and_counts_the_rest(many):
    from dashboard.views import town as report

    rid = towns.network_figures(many)["returning"].idxmax()
    back = towns.returning(many, rid)
    assert len(back) > report.RETURNING_NAMED_UP_TO
    note = next(n for n in report.relationship_notes(many, rid, "en") if "Returning" in n)
    assert note.count(", also in ") == report.RETURNING_NAMED_UP_TO
    assert f"and {len(back) - report.RETURNING_NAMED_UP_TO} more" in note


def test_few_towns_are_all_drawn_with_no_note(dataset):
    fig = overview.town_bars(dataset, dataset, "en", access.STAFF).chart.figure
    assert dict(zip(fig.data[0].customdata[:, 0], fig.data[0].x, strict=True)) == {
        "tono": 11, "ishinomaki": 8, "shimokawa": 4, "urahoro": 3, "yame": 1}  # fmt: skip
    assert fig.layout.height is None
    chart = timeline_view.gantt_chart(dataset, dataset, "en", access.STAFF)
    assert sum(len(trace.x) for trace in chart.figure.data) == 5 and chart.note == ""
    assert nationalities.by_town(dataset, dataset, "en", access.STAFF).chart.note == ""


def test_many_bars_carry_no_text_beside_them_and_few_do(many, dataset):
    crowded = timeline_view.gantt_chart(many, many, "en", access.STAFF)
    assert all(not any(trace.text) for trace in crowded.figure.data)
    few = timeline_view.gantt_chart(dataset, dataset, "en", access.STAFF)
    texts = [text for trace in few.figure.data for text in trace.text]
    assert "11 people · 4 days" in texts


def test_beside_the_gantt_at_most_20_undated_programs_are_listed(tmp_path, monkeypatch):
    write_dataset(tmp_path, towns=30, participants=300, seed=5)
    programs = pd.read_csv(tmp_path / "programs.csv", dtype=str, keep_default_na=False)
    programs.loc[:24, ["start_date", "end_date"]] = ""  # 25 programs of unknown dates
    programs.to_csv(tmp_path / "programs.csv", index=False)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    at = app_test({}, role="staff").run()
    at.switch_page("app_pages/timeline.py").run()
    assert not at.exception, [e.value for e in at.exception]
    undated = int(((programs["start_date"] == "") | (programs["end_date"] == "")).sum())
    assert undated >= 25
    more = t("timeline.undated.more", "en", n=str(undated - 20))
    assert any(c.value == more for c in at.caption), [c.value for c in at.caption]
