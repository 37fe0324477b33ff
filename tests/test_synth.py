"""The synthetic dataset: reproducible, valid, the sizes asked for, towns inside real
municipalities."""

from __future__ import annotations

import japanmap
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from dashboard import municipal, outlines, synth
from dashboard.__main__ import main
from dashboard.data import load_dataset
from dashboard.schema import TABLES
from dashboard.synth import write_dataset

FILES = [f"{table}.csv" for table in TABLES]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("syn")
    write_dataset(folder, towns=60, participants=2_000, seed=11)
    result = load_dataset(folder)
    assert result.ok, [p.line() for p in result.problems[:10]]
    return folder, result


def test_the_same_seed_writes_byte_identical_files(tmp_path):
    write_dataset(tmp_path / "a", towns=30, participants=500, seed=4)
    write_dataset(tmp_path / "b", towns=30, participants=500, seed=4)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_another_seed_writes_other_data(tmp_path):
    write_dataset(tmp_path / "a", towns=30, participants=500, seed=4)
    write_dataset(tmp_path / "b", towns=30, participants=500, seed=5)
    assert (tmp_path / "a" / "regions.csv").read_bytes() != (
        tmp_path / "b" / "regions.csv"
    ).read_bytes()


def test_synthetic_data_passes_the_contract_without_a_single_problem(synthetic):
    _, result = synthetic
    assert result.problems == ()


def test_sizes_are_as_asked_with_proportional_defaults(synthetic):
    ds = synthetic[1].dataset
    assert len(ds.regions) == 60
    assert len(ds.participants) == 2_000
    assert len(ds.participations) == 3_000  # 1.5 per participant
    assert len(ds.testimonials) == 400  # 0.2 per participant
    assert len(ds.programs) == 180  # 3 per town
    assert len(ds.outcomes) == 180


def test_every_count_can_be_chosen(tmp_path):
    write_dataset(tmp_path, towns=7, participants=100, seed=1, participations=250,
                  testimonials=33, programs=20, outcomes=5)  # fmt: skip
    ds = load_dataset(tmp_path).dataset
    counts = {name: len(ds.table(name)) for name in TABLES}
    assert counts == {"regions": 7, "programs": 20, "participants": 100, "participations": 250,
                      "testimonials": 33, "outcomes": 5}  # fmt: skip


def test_every_town_lies_inside_a_real_municipality_and_carries_its_code(synthetic):
    regions = synthetic[1].dataset.regions
    for row in regions.itertuples():
        code = row.municipality_code
        assert municipal.is_valid(code)
        assert outlines.shape(code).contains(Point(row.lon, row.lat)), row.region_id
        assert row.prefecture_code == int(code[:2])
        assert row.prefecture_ja == japanmap.pref_names[row.prefecture_code]
    assert regions["municipality_code"].is_unique  # each used once before any twice
    assert regions["prefecture_code"].nunique() > 10  # spread over the country


def test_more_towns_than_municipalities_use_each_once_before_any_twice():
    codes, coords = synth._place_towns(np.random.default_rng(3), 1741)
    counts = pd.Series(codes).value_counts()
    assert len(counts) == len(synth.municipality_codes()) == 1736
    assert counts.max() == 2 and (counts == 2).sum() == 5
    assert len({tuple(p) for p in coords}) == 1741  # no two towns on one point


def test_everything_is_marked_synthetic(synthetic):
    ds = synthetic[1].dataset
    for name in TABLES:
        table = ds.table(name)
        if "source" in table:
            assert set(table["source"]) == {"synthetic (seed 11)"}, name
    for name, column in [("regions", "region_id"), ("programs", "program_id"),
                         ("participants", "participant_id"), ("testimonials", "testimonial_id"),
                         ("outcomes", "outcome_id")]:  # fmt: skip
        assert ds.table(name)[column].str.startswith("syn-").all(), name
    assert ds.regions["name_en"].str.startswith("Synthtown ").all()
    assert ds.regions["name_ja"].str.startswith("合成町").all()
    assert ds.participants["display_name"].dropna().str.startswith("Synthetic person ").all()


def test_people_come_from_many_countries_and_some_from_unknown_ones(synthetic):
    people = synthetic[1].dataset.participants
    counts = people["nationality"].value_counts()
    assert counts.size >= 30
    assert counts.iloc[0] > 5 * counts.iloc[10]  # a long tail, not a flat spread
    assert people["nationality"].isna().sum() > 0


def test_some_people_take_part_in_several_programs(synthetic):
    pairs = synthetic[1].dataset.participations
    per_person = pairs.groupby("participant_id")["program_id"].nunique()
    assert (per_person >= 2).sum() > 100
    assert pairs.groupby("program_id")["participant_id"].nunique().max() >= 10


def test_testimonials_are_in_several_languages_and_about_programs_their_authors_joined(synthetic):
    ds = synthetic[1].dataset
    texts = ds.testimonials
    assert texts["language"].nunique() >= 6
    assert texts["text"].str.contains("合成データ").any()  # Japanese texts are in Japanese
    joined = set(zip(ds.participations["participant_id"], ds.participations["program_id"],
                     strict=True))  # fmt: skip
    about = texts.dropna(subset=["program_id"])
    assert all(pair in joined for pair in zip(about["participant_id"], about["program_id"],
                                              strict=True))  # fmt: skip
    assert texts["program_id"].isna().any()


def test_the_command_line_writes_a_dataset_and_says_its_sizes(tmp_path, capsys):
    assert main(["synth", "--out", str(tmp_path), "--towns", "5", "--participants", "50",
                 "--seed", "2", "--testimonials", "3"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "synthetic (seed 2)" in out and "towns: 5" in out and "testimonials: 3" in out
    assert load_dataset(tmp_path).ok


def test_impossible_sizes_are_an_error_not_a_traceback(tmp_path, capsys):
    assert main(["synth", "--out", str(tmp_path), "--towns", "0", "--participants", "5"]) == 2
    assert "towns must be at least 1" in capsys.readouterr().err
