"""Themes per town (``dashboard.voices.chart``): the hand counts, the chart, its title."""

from __future__ import annotations

import json

import pytest

from dashboard.voices.chart import NO_TOWN, chart_title, theme_chart, theme_counts, theme_totals
from dashboard.voices.tables import voices_table
from dashboard.voices.themes import load_themes

from .conftest import figure_data
from .voices_data import HAND_LABELS


@pytest.fixture(scope="module")
def themes():
    return load_themes()


def test_themes_per_town_match_the_hand_counts(dataset, themes):
    table = voices_table(dataset, dataset.testimonials, themes, "en")
    counts = theme_counts(table, themes, dataset.regions, "en")
    got = {(row.theme_id, row.region_id): row.count for row in counts.itertuples() if row.count}
    tono = {theme.theme_id: got.get((theme.theme_id, "tono"), 0) for theme in themes}
    assert tono == {
        "welcome": 1,  # Hakim
        "skills": 1,  # Roger
        "culture": 2,  # Alejandro, Leandro
        "tourism": 4,  # Alejandro, Leandro, Hakim, Roger
        "nature": 0,
        "teamwork": 3,  # Leandro, Hakim, Roger
        "rural": 3,  # Trinh Doan, Alejandro, Leandro
    }
    assert got[("rural", "urahoro")] == 2  # Trinh Doan and Alejandro
    assert got[("nature", "shimokawa")] == 3  # Jade, Hester, Charles
    assert got[("skills", NO_TOWN)] == 2  # Chao Ping and Lee name no program
    assert theme_totals(table, themes) == {
        "welcome": 5,
        "skills": 4,
        "culture": 3,
        "tourism": 7,
        "nature": 4,
        "teamwork": 5,
        "rural": 9,
    }


def test_the_theme_chart_carries_the_counts_per_town(dataset, themes):
    table = voices_table(dataset, dataset.testimonials, themes, "en")
    counts = theme_counts(table, themes, dataset.regions, "en")
    fig = theme_chart(
        counts,
        colours={"tono": "#0072B2"},
        title="t",
        labels={"count": "Testimonials", "theme": "Theme", "town": "Town"},
    )
    spec = json.loads(fig.to_json())
    traces = {trace["name"]: i for i, trace in enumerate(spec["data"])}
    assert set(traces) == {"Tono", "Urahoro", "Yame", "Shimokawa", "Town not named"}
    assert all(trace.get("showlegend", True) for trace in spec["data"])
    tono = dict(
        zip(
            figure_data(spec, traces["Tono"], "y"),
            figure_data(spec, traces["Tono"], "x"),
            strict=True,
        )
    )
    assert tono["Tourism and promotion"] == 4 and tono["Nature"] == 0
    total = sum(sum(figure_data(spec, i, "x")) for i in traces.values())
    # Trinh Doan (1 theme) and Alejandro (3 themes) count for Tono and Urahoro both
    twice = len(HAND_LABELS["trinh-doan"]) + len(HAND_LABELS["alejandro"])
    assert total == sum(len(labels) for labels in HAND_LABELS.values()) + twice


def test_the_chart_title_names_the_leading_theme_or_the_tie(themes):
    assert chart_title({"rural": 9, "tourism": 7}, themes, 11, "en") == (
        "Learning about rural Japan comes up most: in 9 of 11 testimonials"
    )
    assert chart_title({"rural": 2, "tourism": 2}, themes, 3, "ja") == (
        "2 つのテーマが同数で最多: それぞれ推薦文 3 件中 2 件"
    )
    assert chart_title({"rural": 1}, themes, 1, "en") == ("The themes of the one testimonial found")
    assert chart_title({"rural": 0}, themes, 4, "en").startswith("None of the themes")
