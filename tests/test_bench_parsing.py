"""Loading stays exactly as it was while it gets faster: results pinned on clean and dirty data.

The dirty dataset is a small synthetic one with every kind of bad cell written into it; its
problem list and typed tables were recorded from the per-cell parser before parsing was
vectorised, and must not change.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import data as data_module
from dashboard import reading
from dashboard.data import load_dataset, load_tables
from dashboard.schema import TABLES
from dashboard.synth import write_dataset

# cell edits: (table, data row number (1 = first row after the header), column, new text)
EDITS = [
    ("regions", 1, "prefecture_code", "48"),
    ("regions", 2, "prefecture_code", "1.5"),
    ("regions", 3, "lat", "12.0"),
    ("regions", 4, "lon", "east"),
    ("regions", 5, "region_id", "Bad Id"),
    ("regions", 6, "name_ja", ""),
    ("regions", 7, "lat", " 35.5 "),
    ("regions", 8, "prefecture_code", "1,3"),
    ("programs", 1, "start_date", "2017/3/3"),
    ("programs", 2, "start_date", "2017-02-30"),
    ("programs", 3, "end_date", "1800-01-01"),
    ("programs", 4, "end_date", "yesterday"),
    ("programs", 5, "start_date", "2020-01-01 00:00:00"),
    ("programs", 6, "participants_reported", "-3"),
    ("programs", 7, "participants_reported", "1e3"),
    ("programs", 8, "participants_reported", "1,200"),
    ("programs", 9, "participants_reported", "nan"),
    ("programs", 10, "participants_reported", "99999999999999999999"),
    ("programs", 11, "kind", "tour"),
    ("programs", 12, "region_id", "nowhere"),
    ("programs", 13, "start_date", "2030-01-01"),
    ("programs", 14, "participants_reported", "+7"),
    ("programs", 15, "participants_reported", "7.0"),
    ("programs", 16, "participants_reported", "inf"),
    ("programs", 17, "start_date", "2017-3-3"),
    ("programs", 18, "end_date", "2017-03-03T00:00:00"),
    ("participants", 1, "nationality", "japan"),
    ("participants", 2, "nationality", "jp"),
    ("participants", 3, "nationality", "XX"),
    ("participants", 4, "nationality", "Vietnam"),
    ("participants", 5, "public_consent", "Yes"),
    ("participants", 6, "public_consent", "maybe"),
    ("participants", 7, "public_consent", ""),
    ("participants", 8, "participant_id", "syn-p-000001"),
    ("participants", 9, "nationality", " cn "),
    ("participants", 10, "public_consent", "0"),
    ("participants", 11, "source", ""),
    ("participants", 12, "nationality", "ＪＰ"),
    ("participations", 1, "program_id", "syn-prog-99999"),
    ("participations", 2, "participant_id", "nobody"),
    ("participations", 3, "role", ""),
    ("testimonials", 1, "language", "english"),
    ("testimonials", 2, "language", "EN"),
    ("testimonials", 3, "text", "see <b>this</b>"),
    ("testimonials", 4, "text", "[link](http://example.org)"),
    ("testimonials", 5, "program_id", "syn-prog-99999"),
    ("testimonials", 6, "participant_id", "nobody"),
    ("testimonials", 7, "text", ""),
    ("outcomes", 1, "quantity", "-1"),
    ("outcomes", 2, "quantity", "two"),
    ("outcomes", 3, "language", "xx"),
    ("outcomes", 4, "program_id", ""),
    ("outcomes", 5, "kind", ""),
]


def dirty_sources(folder: Path) -> dict[str, tuple[str, bytes]]:
    """A small synthetic dataset with every edit in ``EDITS`` applied, as ``load_tables`` takes."""
    write_dataset(folder, towns=12, participants=60, seed=7)
    sources = {}
    for table in ("regions", "programs", "participants", "participations", "testimonials",
                  "outcomes"):  # fmt: skip
        frame = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
        for name, row, column, value in EDITS:
            if name == table:
                frame.loc[row - 1, column] = value
        text = frame.to_csv(index=False, lineterminator="\n")
        if table == "participations":  # a duplicated pair, a blank line, a blank record
            first = text.splitlines()[1]
            text += first + "\n\n,,,\n"
        sources[table] = (f"{table}.csv", text.encode())
    return sources


def frames_digest(tables) -> str:
    """A digest of tables' dtypes, index and values."""
    digest = hashlib.sha1()
    for name, frame in tables:
        buffer = io.StringIO()
        frame.to_csv(buffer)
        digest.update(name.encode())
        digest.update(repr(list(frame.dtypes.astype(str).items())).encode())
        digest.update(buffer.getvalue().encode())
    return digest.hexdigest()


def parsed_tables(sources):
    """Each table read and typed as ``load_tables`` does, with its problems."""
    out, problems = [], []
    for table, (name, data) in sources.items():
        raw, read_problems = reading.read_table(name, data)
        typed, parse_problems = data_module.parse_table(table, name, raw)
        out.append((table, typed))
        problems += read_problems + parse_problems
    return out, problems


DIRTY_LINES = [
    "regions.csv:3:municipality_code: municipality code 074667 belongs to prefecture 7, but the row's prefecture_code is 1",  # noqa: E501
    'regions.csv:3:prefecture_code: "1.5" is not a whole number',
    'regions.csv:5:lon: "east" is not a number',
    "regions.csv:2:prefecture_code: prefecture code 48 is not between 1 and 47",
    "regions.csv:4:lat: 12.0 puts the town outside Japan",
    'regions.csv:6:region_id: "Bad Id" is not a lowercase id',
    'programs.csv:2:start_date: "2017/3/3" is not written as YYYY-MM-DD',
    'programs.csv:3:start_date: "2017-02-30" is not a date that exists',
    'programs.csv:18:start_date: "2017-3-3" is not a date',
    "programs.csv:4:end_date: 1800-01-01 is not between the years 1900 and 2199",
    'programs.csv:5:end_date: "yesterday" is not a date',
    'programs.csv:10:participants_reported: "nan" is not a number',
    "programs.csv:11:participants_reported: 99999999999999999999 is far too large",
    'programs.csv:17:participants_reported: "inf" is not a number',
    "programs.csv:7:participants_reported: -3 is below zero",
    'programs.csv:12:kind: "tour" is not one of the allowed values (team, residency)',
    'participants.csv:2:nationality: "japan" is not an ISO 3166-1 alpha-2 country code',
    'participants.csv:4:nationality: "XX" is not an ISO 3166-1 alpha-2 country code',
    'participants.csv:5:nationality: "Vietnam" is not an ISO 3166-1 alpha-2 country code',
    'participants.csv:13:nationality: "ＪＰ" is not an ISO 3166-1 alpha-2 country code',
    'participants.csv:7:public_consent: "maybe" is not true or false',
    'participants.csv:2:participant_id: the id "syn-p-000001" appears more than once',
    "participants.csv:8:public_consent: this cell must not be empty",
    'participants.csv:9:participant_id: the id "syn-p-000001" appears more than once',
    "participants.csv:12:source: this cell must not be empty",
    'testimonials.csv:2:language: "english" is not an ISO 639-1 language code',
    "testimonials.csv:8:text: this cell must not be empty",
    'outcomes.csv:4:language: "xx" is not an ISO 639-1 language code',
    'outcomes.csv:3:quantity: "two" is not a number',
    "outcomes.csv:2:quantity: -1 is below zero",
    "outcomes.csv:5:program_id: this cell must not be empty",
    "outcomes.csv:6:kind: this cell must not be empty",
    'programs.csv:11:region_id: "syn-town-0005" is not an id in regions.csv',
    'programs.csv:12:region_id: "syn-town-0005" is not an id in regions.csv',
    'programs.csv:13:region_id: "nowhere" is not an id in regions.csv',
    'programs.csv:14:region_id: "syn-town-0005" is not an id in regions.csv',
    'programs.csv:15:region_id: "syn-town-0005" is not an id in regions.csv',
    'programs.csv:16:region_id: "syn-town-0005" is not an id in regions.csv',
    'participations.csv:3:participant_id: "nobody" is not an id in participants.csv',
    'participations.csv:10:participant_id: "syn-p-000008" is not an id in participants.csv',
    'participations.csv:2:program_id: "syn-prog-99999" is not an id in programs.csv',
    'participations.csv:92:program_id: "syn-prog-99999" is not an id in programs.csv',
    'testimonials.csv:7:participant_id: "nobody" is not an id in participants.csv',
    'testimonials.csv:6:program_id: "syn-prog-99999" is not an id in programs.csv',
    "participations.csv:92:program_id: this person is listed twice for this program",
    "programs.csv:6:end_date: the program runs 1374 days (from 2020-01-01 to 2023-10-05); no program can be longer than 400 days",  # noqa: E501
    "programs.csv:19:end_date: the end date 2017-03-03 is before the start date 2021-05-22",
    "testimonials.csv:4:text: warning: the text contains HTML or link markup; it will be shown as plain characters",  # noqa: E501
    "testimonials.csv:5:text: warning: the text contains HTML or link markup; it will be shown as plain characters",  # noqa: E501
]
DIRTY_PROBLEMS_DIGEST = "def7caaa1e1c55549e4d763beed8f984142d3a33"
DIRTY_JA_DIGEST = "6ebb1ae4105ec5406bb1c39cadf93df02fccd737"
DIRTY_FRAMES_DIGEST = "5aace590324c2dc8e9cc6d1740979d11adf80e1c"
BUNDLED_DIGEST = "c33ca395e8fab273fe64d452bdbdc0e01e40c87e"  # 07c9a5a26c94
CLEAN_DIGEST = "f5d1c11442b4265e659bc319adecf30200650c39"
CLEAN_VERSION = "afb75fb0d7f1"


def test_dirty_files_give_the_same_problems_as_before(tmp_path):
    result = load_tables(dirty_sources(tmp_path))
    assert not result.ok
    assert [p.line("en") for p in result.problems] == DIRTY_LINES
    assert hashlib.sha1(repr(result.problems).encode()).hexdigest() == DIRTY_PROBLEMS_DIGEST
    ja = "\n".join(p.line("ja") for p in result.problems)
    assert hashlib.sha1(ja.encode()).hexdigest() == DIRTY_JA_DIGEST


def test_dirty_files_type_every_cell_as_before(tmp_path):
    tables, _ = parsed_tables(dirty_sources(tmp_path))
    assert frames_digest(tables) == DIRTY_FRAMES_DIGEST


def test_bundled_data_loads_to_the_same_tables():
    result = load_dataset(data_module.Path(__file__).resolve().parent.parent / "data")
    assert result.ok
    tables = [(name, result.dataset.table(name)) for name in TABLES]
    assert frames_digest(tables) == BUNDLED_DIGEST


def test_synthetic_data_loads_to_the_same_tables(tmp_path):
    write_dataset(tmp_path, towns=40, participants=1500, seed=3)
    result = load_dataset(tmp_path)
    assert result.ok and not result.problems
    assert frames_digest([(name, result.dataset.table(name)) for name in TABLES]) == CLEAN_DIGEST
    assert result.dataset.version == CLEAN_VERSION


CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["", " ", "true", "No", "YES", "maybe", "jp", "JP", "cn ", "xx", "en", "EN", "english",
         "2017-03-03", "2017-02-30", "2017/3/3", "1899-12-31", "2200-01-01", "2017-3-3",
         "2017-03-03 00:00:00", "１２", "1,200", "+7", "-0", "7.0", "1e3", "nan", "inf", "0x10",
         "12345678901234567890", "3.14159", " 35.5 ", "1_000", ".5", "5."]
    ),
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda x: f"{x}"),
    st.dates().map(lambda d: d.isoformat()),
)  # fmt: skip
COLUMNS = [
    ("regions", "region_id", "str"),
    ("participants", "nationality", "str"),
    ("testimonials", "language", "str"),
    ("participants", "public_consent", "bool"),
    ("regions", "prefecture_code", "int"),
    ("regions", "lat", "float"),
    ("programs", "start_date", "date"),
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(column=st.sampled_from(COLUMNS), cells=st.lists(CELL, max_size=30))
def test_a_column_parsed_at_once_equals_one_cell_at_a_time(column, cells):
    table, name, kind = column
    series = pd.Series(cells, index=pd.RangeIndex(2, 2 + len(cells)), dtype=object)
    fast, fast_problems = data_module._parse_column(table, f"{table}.csv", name, series, kind)
    slow, slow_problems = data_module._parse_cells(table, f"{table}.csv", name, series, kind)
    pd.testing.assert_series_equal(fast, slow)
    assert fast_problems == slow_problems
    assert [type(p.row) for p in fast_problems] == [type(p.row) for p in slow_problems]


@settings(max_examples=100, deadline=None)
@given(
    width=st.integers(1, 4),
    data=st.data(),
)
def test_a_file_read_at_once_keeps_rows_and_blank_lines_as_before(width, data):
    body = data.draw(
        st.lists(st.lists(st.sampled_from(["", " ", "a", " b ", "c d", "\u3000x"]), min_size=width,
                          max_size=width), min_size=1, max_size=8)
    )  # fmt: skip
    header = [f"col{i}" for i in range(width)]
    frame, problems = reading._frame_from_records("t.csv", [header, *body], ragged_ok=False)
    kept = [(n, [c.strip() for c in r]) for n, r in enumerate(body, start=2)]
    kept = [(n, r) for n, r in kept if any(r)]
    assert problems == []
    assert list(frame.index) == [n for n, _ in kept]
    assert frame.index.name == "row"
    assert frame.values.tolist() == [r for _, r in kept]
    assert list(frame.columns) == header


@pytest.mark.parametrize("name", ["participants", "participations", "testimonials"])
def test_a_synthetic_file_types_the_same_whole_or_cell_by_cell(tmp_path, name):
    write_dataset(tmp_path, towns=10, participants=300, seed=5)
    raw, _ = reading.read_table(f"{name}.csv", (tmp_path / f"{name}.csv").read_bytes())
    for column in raw.columns:
        kind = data_module.schema.column_kinds(name).get(column, "str")
        fast = data_module._parse_column(name, "f", column, raw[column], kind)
        slow = data_module._parse_cells(name, "f", column, raw[column], kind)
        pd.testing.assert_series_equal(fast[0], slow[0])
        assert fast[1] == slow[1]
