"""Downloads never carry a live formula: CSV cells are neutralised, XLSX cells are strings."""

from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard import exports, upload
from dashboard.problems import errors

HOSTILE = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x", '=HYPERLINK("http://x","y")']


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "title": [*HOSTILE, "Tono", "a = b"],
            "people": [1, -5, 3, 4, 5, 6, 7, 8, 9],  # numbers, one negative: stay numbers
        }
    )


def read_csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("value", HOSTILE)
def test_a_text_a_spreadsheet_would_run_gets_a_leading_quote(value):
    assert exports.neutralise(value) == "'" + value
    assert exports.restore(["'" + value]) == [value]


def test_other_text_and_numbers_are_left_alone():
    assert exports.neutralise("Tono") == "Tono" and exports.neutralise("a=b") == "a=b"
    assert exports.neutralise(-5) == -5 and exports.neutralise(None) is None
    assert exports.restore(["'quoted'", "''=x"]) == ["'quoted'", "''=x"]


def test_a_csv_download_has_no_cell_that_starts_a_formula_and_keeps_its_numbers():
    rows = read_csv(exports.csv_bytes(frame()))
    assert rows[0] == ["title", "people"]
    titles = [r[0] for r in rows[1:]]
    assert titles[:7] == ["'" + v for v in HOSTILE] and titles[7:] == ["Tono", "a = b"]
    assert [r[1] for r in rows[1:]][:2] == ["1", "-5"]  # numbers, not quoted text


def test_an_xlsx_download_stores_every_text_as_a_string_never_a_formula():
    book = load_workbook(io.BytesIO(exports.xlsx_bytes({"programs": frame()})))
    sheet = book["programs"]
    cells = [row for row in sheet.iter_rows(min_row=2)]

    # as written (an XML reader may give a carriage return back as a line feed) ...
    def lines(v: str) -> str:
        return v.replace("\r", "\n")

    assert [lines(c[0].value) for c in cells][:7] == [lines(v) for v in HOSTILE]
    assert all(c[0].data_type == "s" for c in cells)  # ... and as text
    assert [c[1].value for c in cells][:2] == [1, -5] and cells[0][1].data_type == "n"


def test_a_template_with_a_formula_in_its_example_row_writes_it_as_text(dataset):
    programs = dataset.programs.copy()  # the example row is Tono's program
    programs.loc[programs["program_id"] == "tono-2017-09", "title"] = "=2+2"
    body = upload.template_bytes("programs", "xlsx", "en", programs)
    sheet = load_workbook(io.BytesIO(body)).active
    title = [c for c in sheet[2] if c.value == "=2+2"]
    assert title and title[0].data_type == "s"
    rows = read_csv(upload.template_bytes("programs", "csv", "en", programs))
    assert rows[1][rows[0].index("title")] == "'=2+2"


def test_the_data_download_neutralises_formulas_and_uploads_back_as_written(data_copy):
    path = data_copy / "programs.csv"
    programs = pd.read_csv(path, dtype=str, keep_default_na=False)
    programs.loc[0, "title"] = "=Tono"
    programs.to_csv(path, index=False)
    with zipfile.ZipFile(io.BytesIO(upload.zip_tables(data_copy))) as archive:
        body = archive.read("programs.csv")
    assert "'=Tono" in body.decode("utf-8-sig")
    typed, problems = upload.read_upload(upload.Upload("programs.csv", body, "programs"))
    assert errors(problems) == []
    assert typed["title"].str.contains("=Tono", regex=False).any()
    assert not typed["title"].str.startswith("'").any()


def test_the_towns_zip_neutralises_a_formula_in_a_program_title(dataset):
    from dashboard import report

    programs = dataset.programs.copy()
    programs.loc[programs["program_id"] == "tono-2017-09", "title"] = "=HYPERLINK(1)"
    town = dataset.replace(programs=programs)
    with zipfile.ZipFile(io.BytesIO(report.town_csv_zip(town, "tono"))) as archive:
        texts = [archive.read(name).decode("utf-8-sig") for name in archive.namelist()]
    assert any("'=HYPERLINK(1)" in text for text in texts)
    assert not any(",=HYPERLINK" in text or "\n=HYPERLINK" in text for text in texts)
