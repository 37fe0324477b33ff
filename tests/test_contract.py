"""The table contracts and the loader: every rule broken once, every encoding, bad files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard.data import calendar_days, load_dataset, load_tables
from dashboard.problems import errors
from dashboard.reading import read_table

from .conftest import DATA, ROOT


def sources_with(**edits: str) -> dict[str, tuple[str, bytes]]:
    """The bundled tables as bytes, with some tables' text replaced."""
    sources = {}
    for path in sorted(DATA.glob("*.csv")):
        table = path.stem
        text = edits.get(table, path.read_text(encoding="utf-8"))
        sources[table] = (path.name, text.encode("utf-8"))
    return sources


def edit_cell(table: str, row_id: str, column: str, value: str) -> str:
    """The bundled ``table`` as CSV text with one cell changed (row found by its first column)."""
    frame = pd.read_csv(DATA / f"{table}.csv", dtype=str, keep_default_na=False)
    mask = frame.iloc[:, 0] == row_id
    assert mask.sum() == 1, row_id
    frame.loc[mask, column] = value
    return frame.to_csv(index=False)


def only_problem(result, file: str, row: int | None, column: str | None, code: str):
    found = errors(list(result.problems))
    assert [(p.file, p.row, p.column, p.code) for p in found] == [(file, row, column, code)], [
        p.line() for p in found
    ]
    assert result.dataset is None
    return found[0]


def spreadsheet_row(table: str, row_id: str) -> int:
    frame = pd.read_csv(DATA / f"{table}.csv", dtype=str, keep_default_na=False)
    return int(frame.index[frame.iloc[:, 0] == row_id][0]) + 2


def test_bundled_data_passes_the_contract(dataset):
    assert {name: len(dataset.table(name)) for name in ("regions", "programs")} == {
        "regions": 5,
        "programs": 6,
    }


@pytest.mark.parametrize(
    ("table", "row_id", "column", "value", "code"),
    [
        ("outcomes", "tono-online-reviews", "outcome_id", "Tono Reviews", "bad_id"),
        ("regions", "tono", "prefecture_code", "48", "bad_prefecture"),
        ("regions", "tono", "prefecture_code", "Iwate", "invalid_number"),
        ("regions", "tono", "lat", "141.53", "outside_japan"),
        ("regions", "tono", "name_en", "", "missing_value"),
        ("programs", "tono-2017-09", "start_date", "2017/09/06", "date_not_iso"),
        ("programs", "tono-2017-09", "start_date", "2017-02-30", "impossible_date"),
        ("programs", "tono-2017-09", "start_date", "early September", "invalid_date"),
        ("programs", "tono-2017-09", "kind", "workshop", "not_allowed"),
        ("programs", "tono-2017-09", "participants_reported", "-1", "negative"),
        ("programs", "tono-2017-09", "participants_reported", "11.5", "not_whole_number"),
        ("programs", "tono-2017-09", "source", "", "missing_value"),
        ("participants", "lee", "nationality", "XX", "unknown_country"),
        ("participants", "lee", "nationality", "Thailand", "unknown_country_suggest"),
        ("participants", "lee", "public_consent", "maybe", "invalid_bool"),
        ("testimonials", "lee", "language", "english", "unknown_language"),
        ("outcomes", "tono-online-reviews", "quantity", "-2", "negative"),
    ],
)
def test_each_cell_rule_broken_once_names_file_row_and_column(table, row_id, column, value, code):
    result = load_tables(sources_with(**{table: edit_cell(table, row_id, column, value)}))
    problem = only_problem(result, f"{table}.csv", spreadsheet_row(table, row_id), column, code)
    assert problem.message("en") and problem.message("ja") != problem.message("en")
    assert problem.fix("en") and problem.fix("ja") != problem.fix("en")


def test_country_name_suggests_the_code():
    result = load_tables(
        sources_with(participants=edit_cell("participants", "lee", "nationality", "タイ"))
    )
    (problem,) = errors(list(result.problems))
    assert "TH" in problem.fix("en") and "TH" in problem.fix("ja")


def test_lowercase_country_code_is_accepted_as_the_code():
    result = load_tables(
        sources_with(participants=edit_cell("participants", "lee", "nationality", "th"))
    )
    assert result.ok
    people = result.dataset.participants.set_index("participant_id")
    assert people.at["lee", "nationality"] == "TH"


def test_taiwan_is_tw():
    result = load_tables(sources_with())
    assert "TW" in set(result.dataset.participants["nationality"].dropna())


def test_duplicate_id_is_reported_on_both_rows():
    text = (DATA / "regions.csv").read_text(encoding="utf-8")
    tono = next(line for line in text.splitlines() if line.startswith("tono,"))
    result = load_tables(sources_with(regions=text + tono + "\n"))
    found = errors(list(result.problems))
    assert {(p.row, p.code) for p in found} == {(4, "duplicate_id"), (7, "duplicate_id")}


def test_reference_to_an_unknown_town_is_reported():
    result = load_tables(
        sources_with(programs=edit_cell("programs", "yame-2017-03", "region_id", "yamee"))
    )
    problem = only_problem(
        result,
        "programs.csv",
        spreadsheet_row("programs", "yame-2017-03"),
        "region_id",
        "unknown_reference",
    )
    assert "regions.csv" in problem.message("en")


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("participations", "participant_id", "nobody"),
        ("participations", "program_id", "tono-2099"),
        ("testimonials", "participant_id", "nobody"),
        ("testimonials", "program_id", "tono-2099"),
        ("testimonials", "related_program_ids", "tono-2099"),
        ("outcomes", "program_id", "tono-2099"),
    ],
)
def test_every_reference_must_resolve(table, column, value):
    frame = pd.read_csv(DATA / f"{table}.csv", dtype=str, keep_default_na=False)
    frame.loc[0, column] = value
    result = load_tables(sources_with(**{table: frame.to_csv(index=False)}))
    assert [(p.file, p.row, p.column, p.code) for p in errors(list(result.problems))] == [
        (f"{table}.csv", 2, column, "unknown_reference")
    ]


def test_same_person_twice_in_a_program_is_reported():
    text = (DATA / "participations.csv").read_text(encoding="utf-8")
    result = load_tables(sources_with(participations=text + "leandro,tono-2017-09,again,x\n"))
    (problem,) = errors(list(result.problems))
    assert (problem.code, problem.row) == ("duplicate_pair", 29)


def test_end_before_start_is_reported_on_the_end_date():
    text = edit_cell("programs", "yame-2017-03", "end_date", "2017-03-19")
    result = load_tables(sources_with(programs=text))
    problem = only_problem(result, "programs.csv", 3, "end_date", "end_before_start")
    assert "2017-03-19" in problem.message("en") and "2017-03-20" in problem.message("en")


def test_missing_required_column_is_reported_on_the_header_row():
    frame = pd.read_csv(DATA / "regions.csv", dtype=str, keep_default_na=False)
    # without municipality_code: a code would fill lat in (tests/test_municipal.py)
    frame = frame.drop(columns=["lat", "municipality_code"])
    result = load_tables(sources_with(regions=frame.to_csv(index=False)))
    assert ("regions.csv", 1, "lat", "missing_column") in {
        (p.file, p.row, p.column, p.code) for p in result.problems
    }


def test_script_tag_in_a_testimonial_is_a_warning_and_the_data_still_loads():
    text = edit_cell("testimonials", "lee", "text", "Great! <script>alert(1)</script>")
    result = load_tables(sources_with(testimonials=text))
    assert result.ok
    (warning,) = result.problems
    assert (warning.severity, warning.code, warning.column) == ("warning", "markup_in_text", "text")


@pytest.mark.parametrize(
    ("table", "row_id", "column", "value", "char"),
    [
        ("regions", "tono", "name_en", "Tono${alert(1)}", "${"),
        ("regions", "tono", "name_ja", "遠野`市", "`"),
        ("programs", "tono-2017-09", "title", "Tono <b>2017</b>", "<"),
        ("participants", "roger", "display_name", "Roger>", ">"),
        ("outcomes", "shimokawa-leaflet-en", "kind", "leaflet<img src=x>", "<"),
    ],
)
def test_a_name_or_title_with_code_in_it_is_refused_with_its_cell(
    table, row_id, column, value, char
):
    result = load_tables(sources_with(**{table: edit_cell(table, row_id, column, value)}))
    problem = only_problem(
        result, f"{table}.csv", spreadsheet_row(table, row_id), column, "markup_in_name"
    )
    assert problem.value == value and dict(problem.params) == {"char": char}
    assert char in problem.message("en") and char in problem.message("ja")


def test_names_may_hold_markdown_quotes_and_entities_which_are_shown_as_written():
    for value in ("[x](https://example.org)", "**bold** & &lt; 'q' \"qq\" {{ }}", "$5 {x}"):
        result = load_tables(sources_with(regions=edit_cell("regions", "tono", "name_en", value)))
        assert result.ok, [p.line() for p in result.problems]


@pytest.mark.parametrize(
    ("table", "row_id", "column", "value", "code_point"),
    [
        ("regions", "tono", "name_en", "Tono\x07", "U+0007"),
        ("programs", "tono-2017-09", "title", "Tono\n2017", "U+000A"),
        ("participants", "roger", "display_name", "Ro\tger", "U+0009"),
        ("outcomes", "shimokawa-leaflet-en", "kind", "leaf\x1blet", "U+001B"),
        ("testimonials", "lee", "text", "Great\x01", "U+0001"),  # NUL: a binary file
        ("outcomes", "shimokawa-leaflet-en", "description", "a\x85b", "U+0085"),
        ("regions", "tono", "source", "site\x7f", "U+007F"),
    ],
)
def test_a_control_character_is_refused_with_its_cell(table, row_id, column, value, code_point):
    result = load_tables(sources_with(**{table: edit_cell(table, row_id, column, value)}))
    problem = only_problem(
        result, f"{table}.csv", spreadsheet_row(table, row_id), column, "control_character"
    )
    assert dict(problem.params) == {"char": code_point}
    assert code_point in problem.message("en") and code_point in problem.message("ja")


def test_line_breaks_and_tabs_stay_in_testimonials_descriptions_and_sources():
    edits = {
        "testimonials": edit_cell("testimonials", "lee", "text", "First line.\n\tSecond line."),
        "outcomes": edit_cell("outcomes", "shimokawa-leaflet-en", "description", "a\r\nb"),
        "regions": edit_cell("regions", "tono", "source", "site\nnote"),
    }
    result = load_tables(sources_with(**edits))
    assert result.ok, [p.line() for p in result.problems]
    texts = result.dataset.testimonials.set_index("testimonial_id")["text"]
    assert texts["lee"] == "First line.\n\tSecond line."


def test_every_problem_is_collected_not_just_the_first():
    programs = edit_cell("programs", "tono-2017-09", "kind", "camp")
    regions = edit_cell("regions", "yame", "name_en", "")
    result = load_tables(sources_with(programs=programs, regions=regions))
    assert {p.code for p in errors(list(result.problems))} == {"not_allowed", "missing_value"}


# --- encodings and file kinds ------------------------------------------------------------


def test_shift_jis_csv_from_a_japanese_office_reads_the_same():
    text = (DATA / "regions.csv").read_text(encoding="utf-8")
    # cp932 cannot encode every character of the source notes; keep the Japanese names
    text = text.replace("—", "-")
    frame, problems = read_table("regions.csv", text.encode("cp932"))
    assert [(p.code, p.severity, dict(p.params)) for p in problems] == [
        ("read_as", "warning", {"encoding": "Shift-JIS (Windows)"})  # said, not an error
    ]
    assert list(frame["name_ja"]) == ["下川町", "浦幌町", "遠野市", "八女市", "石巻市"]


def test_a_windows_1252_csv_is_read_as_windows_1252_not_as_shift_jis():
    text = "participant_id,display_name\nandres,Andrés Muñoz\nzoe,Zoë Ødegård\n"
    frame, problems = read_table("participants.csv", text.encode("cp1252"))
    assert list(frame["display_name"]) == ["Andrés Muñoz", "Zoë Ødegård"]
    assert [p.message("en") for p in problems] == [
        "the file is not UTF-8; it was read as Windows-1252 (Western European)"
    ]


def test_a_private_use_character_is_refused_with_its_cell():
    text = "participant_id,display_name\nzak,Zak\nlee,Lee\ue000\n"
    frame, problems = read_table("participants.csv", text.encode("utf-8"))
    (problem,) = problems
    assert (problem.code, problem.row, problem.column) == ("private_use", 3, "display_name")
    assert problem.severity == "error" and "U+E000" in problem.message("en")


def test_utf8_with_bom_reads_the_same():
    text = (DATA / "regions.csv").read_text(encoding="utf-8")
    frame, problems = read_table("regions.csv", text.encode("utf-8-sig"))
    assert problems == [] and frame.columns[0] == "region_id"


def test_japanese_headers_are_mapped():
    data = "地域ID,英語名,日本語名,都道府県コード,緯度,経度,出典\ntono,Tono,遠野市,3,39.3,141.5,x\n"
    frame, problems = read_table("regions.csv", data.encode("utf-8"))
    assert problems == [] and list(frame.columns)[:3] == ["region_id", "name_en", "name_ja"]


def test_xlsx_reads_like_csv(tmp_path):
    frame = pd.read_csv(DATA / "programs.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "programs.xlsx"
    frame.to_excel(path, index=False)
    raw, problems = read_table("programs.xlsx", path.read_bytes())
    assert problems == []
    assert list(raw["program_id"]) == list(frame["program_id"])
    assert raw.index[0] == 2  # spreadsheet rows


def test_a_folder_of_xlsx_files_loads(tmp_path):
    for path in DATA.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.to_excel(tmp_path / f"{path.stem}.xlsx", index=False)
    result = load_dataset(tmp_path)
    assert result.ok, [p.line() for p in result.problems]
    assert len(result.dataset.participants) == 27


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"   \n", "empty_file"),
        (b"\x00\x01\x02binary", "binary_file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "binary_file"),
        (b"PK\x03\x04not really a workbook", "unreadable_xlsx"),
        (b"\x81", "encoding"),
        (b'region_id,name_en\n"tono,Tono\n', "malformed_csv"),
    ],
)
def test_bad_files_are_problems_not_crashes(data, code):
    frame, problems = read_table("regions.csv", data)
    assert frame is None
    assert [p.code for p in problems] == [code]


def test_ragged_rows_are_reported_with_their_row():
    data = "region_id,name_en\ntono,Tono\nyame,Yame,extra\nurahoro\n"
    _, problems = read_table("regions.csv", data.encode())
    assert [(p.row, p.code) for p in problems] == [(3, "too_many_fields"), (4, "too_few_fields")]


def test_missing_file_and_folder_are_reported(tmp_path):
    (tmp_path / "regions.csv").write_bytes((DATA / "regions.csv").read_bytes())
    result = load_dataset(tmp_path)
    assert {p.file for p in result.problems if p.code == "missing_file"} == {
        "programs.csv",
        "participants.csv",
        "participations.csv",
        "testimonials.csv",
        "outcomes.csv",
    }
    assert [p.code for p in load_dataset(tmp_path / "nope").problems] == ["missing_folder"]


# --- the command line --------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_validate_prints_ok_and_row_counts():
    done = run_cli("validate", str(DATA))
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        "OK",
        "regions: 5",
        "programs: 6",
        "participants: 27",
        "participations: 27",
        "testimonials: 11",
        "outcomes: 6",
    ]


def test_validate_prints_one_line_per_problem_and_exits_1(data_copy: Path):
    (data_copy / "programs.csv").write_text(
        edit_cell("programs", "tono-2017-09", "start_date", "2017/09/06"), encoding="utf-8"
    )
    (data_copy / "participants.csv").write_text(
        edit_cell("participants", "lee", "nationality", "XX"), encoding="utf-8"
    )
    done = run_cli("validate", str(data_copy))
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines == [
        'programs.csv:4:start_date: "2017/09/06" is not written as YYYY-MM-DD',
        'participants.csv:11:nationality: "XX" is not an ISO 3166-1 alpha-2 country code',
    ]


def test_validate_in_japanese(data_copy: Path):
    (data_copy / "outcomes.csv").write_bytes(b"\x00\x00")
    done = run_cli("validate", str(data_copy), "--lang", "ja")
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith("outcomes.csv::: CSVでも")


def test_every_data_row_keeps_a_source_note(dataset):
    for name in ("regions", "programs", "participants", "testimonials", "outcomes"):
        frame = dataset.table(name)
        assert frame["source"].notna().all() and (frame["source"].str.len() > 10).all(), name


def test_csv_files_are_utf8_with_iso_dates():
    for path in DATA.glob("*.csv"):
        text = path.read_bytes().decode("utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        for row in rows:
            for key in ("start_date", "end_date"):
                if row.get(key):
                    assert pd.Timestamp(row[key]).strftime("%Y-%m-%d") == row[key]


# --- how long a program runs ---------------------------------------------------------------


def test_days_are_counted_without_overflow_for_dates_centuries_apart():
    start = pd.Series(pd.to_datetime(["1900-01-01", "2017-03-03", None]))
    end = pd.Series(pd.to_datetime(["2199-12-31", "2017-03-13", "2017-03-13"]))
    days = calendar_days(start, end)
    assert days.iloc[0] == (dt.date(2199, 12, 31) - dt.date(1900, 1, 1)).days + 1 == 109_573
    assert days.iloc[1] == 11 and pd.isna(days.iloc[2])


@pytest.mark.parametrize(
    ("start", "end", "code", "severity"),
    [
        ("1900-01-01", "2199-12-31", "program_too_long", "error"),
        ("2017-03-03", "2107-03-13", "program_too_long", "error"),  # a typo in the year
        ("2017-03-03", "2017-09-01", "program_long", "warning"),  # 183 days: a second look
        ("2017-03-03", "2018-04-07", "program_too_long", "error"),  # 401 days
    ],
)
def test_a_program_over_400_days_is_refused_over_120_warned(data_copy, start, end, code, severity):
    path = data_copy / "programs.csv"
    programs = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = programs.index[programs["program_id"] == "shimokawa-2017-03"][0]
    programs.loc[row, ["start_date", "end_date"]] = [start, end]
    programs.to_csv(path, index=False)
    result = load_dataset(data_copy)
    (problem,) = [p for p in result.problems if p.code.startswith("program_")]
    assert (problem.file, problem.row, problem.column) == ("programs.csv", row + 2, "end_date")
    assert problem.severity == severity and result.ok == (severity == "warning")
    assert "400" in problem.message("en") or severity == "warning"
