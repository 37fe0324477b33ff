"""Uploads: which table a file is, limits before parsing, every problem in both languages, the
diff before saving, templates, and a property test that no bytes make the checks crash."""

from __future__ import annotations

import csv
import io
import os
import re
import tomllib
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import data, reading, schema, store, upload, versions
from dashboard.i18n import LOCALES_DIR, catalogs
from dashboard.problems import Problem, errors

from .conftest import DATA


@pytest.fixture(scope="module")
def current():
    return upload.current_tables(DATA)


def rows_of(table: str) -> list[dict[str, str]]:
    with (DATA / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def as_csv(rows: list[dict[str, str]], encoding: str = "utf-8", header=None) -> bytes:
    out = io.StringIO()
    columns = list(rows[0])
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header or columns)
    writer.writerows([[r[c] for c in columns] for r in rows])
    return out.getvalue().encode(encoding)


def edited(table: str, column: str, value: str, row: int = 0, **kw) -> bytes:
    """The bundled table with one cell changed (``row`` counts data rows from 0)."""
    rows = rows_of(table)
    rows[row][column] = value
    return as_csv(rows, **kw)


def check(current, table: str, body: bytes, name: str | None = None) -> upload.CheckResult:
    tables, files = current
    return upload.check_uploads([upload.Upload(name or f"{table}.csv", body, table)], tables, files)


def codes(result) -> set[str]:
    problems = result.problems if hasattr(result, "problems") else result
    return {p.code for p in problems}


# --- which table a file is --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("regions.csv", "regions"),
        ("programs.xlsx", "programs"),
        ("Programs (1).csv", "programs"),
        ("participants_2025.xlsx", "participants"),
        ("participations.csv", "participations"),
        ("地域.csv", "regions"),
        ("プログラム.xlsx", "programs"),
        ("参加者_2025.xlsx", "participants"),
        ("参加記録.csv", "participations"),
        ("推薦文.csv", "testimonials"),
        ("成果.xlsx", "outcomes"),
        ("ｐｒｏｇｒａｍｓ.csv", "programs"),  # full-width letters from a Japanese keyboard
        ("season sheet.csv", None),
        ("participant.csv", None),
    ],
)
def test_the_file_name_says_which_table_it_is(name, table):
    assert upload.guess_table(name) == table


def test_a_file_of_no_known_table_is_refused_with_a_message(current):
    result = upload.check_uploads([upload.Upload("season.csv", b"a,b\n1,2\n", None)], *current)
    assert [p.code for p in result.problems] == ["unknown_table"]
    assert not result.ok
    problem = result.problems[0]
    assert "file name" in problem.message("en") and "表" in problem.message("ja")


def test_two_files_for_one_table_are_refused(current):
    body = (DATA / "programs.csv").read_bytes()
    result = upload.check_uploads(
        [upload.Upload("programs.csv", body, "programs"), upload.Upload("b.csv", body, "programs")],
        *current,
    )
    assert codes(result) == {"duplicate_table"}
    assert "programs.csv" in result.problems[0].message("en")


# --- limits before parsing ------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(current, monkeypatch):
    monkeypatch.setenv("DASHBOARD_MAX_UPLOAD_MB", "1")
    calls = []
    monkeypatch.setattr(upload, "read_table", lambda *a: calls.append(a))
    # the size the browser reported is what counts: the bytes here are not even looked at
    big = upload.Upload("programs.csv", b"", "programs", size=3 * 1024 * 1024)
    result = upload.check_uploads([big], *current)
    assert [p.code for p in result.problems] == ["too_large"]
    assert calls == []
    assert result.problems[0].message("en") == "the file is 3 MB; the limit is 1 MB"
    assert result.problems[0].message("ja") == "ファイルが 3 MB あります。上限は 1 MB です"


def test_a_file_with_too_many_rows_is_refused_before_it_is_parsed(current, monkeypatch):
    monkeypatch.setenv("DASHBOARD_MAX_UPLOAD_ROWS", "3")
    monkeypatch.setattr(upload, "read_table", lambda *a: pytest.fail("parsed"))
    result = check(current, "programs", (DATA / "programs.csv").read_bytes())
    assert [p.code for p in result.problems] == ["too_many_rows"]
    assert result.problems[0].message("en") == "the file has about 6 rows; the limit is 3"
    assert "上限は 3 行" in result.problems[0].message("ja")


def _xlsx_declaring(rows: int, declared: str) -> bytes:
    """An .xlsx of ``rows`` data rows whose sheet says its size is ``declared`` ("A1:A3")."""
    out = io.BytesIO()
    pd.DataFrame({"participant_id": [f"p{i}" for i in range(rows)]}).to_excel(out, index=False)
    source, target = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            body = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{declared}"'.encode(), body
                )
            archive.writestr(info, body)
    return target.getvalue()


def test_an_xlsx_that_declares_two_rows_but_holds_300_is_counted_as_it_streams(monkeypatch):
    body = _xlsx_declaring(300, "A1:A3")
    assert upload.count_rows(body) == 300
    assert upload.count_rows(body, stop_after=10) == 11  # stops once over the limit
    monkeypatch.setenv("DASHBOARD_MAX_UPLOAD_ROWS", "100")
    (problem,) = upload.check_limits("participants.xlsx", len(body), body)
    assert problem.code == "too_many_rows" and "101" in problem.message("en")


def test_an_xlsx_that_unpacks_a_hundred_times_its_size_is_refused_before_it_is_opened(
    monkeypatch,
):
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (20 * 1024 * 1024))
    body = target.getvalue()
    opened = []
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(a))
    (problem,) = upload.check_limits("participants.xlsx", len(body), body)
    assert problem.code == "xlsx_too_packed" and opened == []
    assert "20 MB" in problem.message("en") and "100" in problem.message("ja")
    raw, problems = reading.read_table("participants.xlsx", body)  # the loader refuses it too
    assert raw is None and [p.code for p in problems] == ["xlsx_too_packed"]


def test_the_row_limit_counts_an_xlsx_sheet_too(monkeypatch):
    body = upload.template_bytes("participants", "xlsx")
    frame = pd.DataFrame({"participant_id": [f"p{i}" for i in range(10)]})
    out = io.BytesIO()
    frame.to_excel(out, index=False)
    assert upload.count_rows(out.getvalue()) == 10
    assert upload.count_rows(body) == 0  # header only
    monkeypatch.setenv("DASHBOARD_MAX_UPLOAD_ROWS", "5")
    assert [p.code for p in upload.check_limits("x.xlsx", 100, out.getvalue())] == ["too_many_rows"]


def test_the_default_limits_are_20_mb_and_200000_rows(monkeypatch):
    monkeypatch.delenv("DASHBOARD_MAX_UPLOAD_MB", raising=False)
    monkeypatch.delenv("DASHBOARD_MAX_UPLOAD_ROWS", raising=False)
    assert upload.max_upload_bytes() == 20 * 1024 * 1024
    assert upload.max_rows() == 200_000
    monkeypatch.setenv("DASHBOARD_MAX_UPLOAD_MB", "not a number")
    assert upload.max_upload_bytes() == 20 * 1024 * 1024


# --- encodings, formats and Japanese headers ------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "shift_jis"])
def test_regions_in_every_accepted_encoding_read_the_same(current, encoding):
    result = check(current, "regions", as_csv(rows_of("regions"), encoding))
    assert result.ok, [p.line() for p in result.problems]
    assert list(result.tables["regions"]["name_ja"]) == list(current[0]["regions"]["name_ja"])
    assert upload.diff_table("regions", current[0]["regions"], result.tables["regions"]).empty


def test_japanese_headers_are_mapped_to_the_contract(current):
    rows = rows_of("participants")
    ja = upload.headers_ja()
    header = [ja[c] for c in rows[0]]
    assert header == ["参加者ID", "表示名", "国籍", "公開同意", "出典"]
    result = check(current, "participants", as_csv(rows, "utf-8-sig", header=header), "参加者.csv")
    assert result.ok, [p.line() for p in result.problems]
    assert list(result.tables["participants"].columns) == list(rows[0])


def test_every_japanese_header_names_a_real_column():
    known = {c for table in schema.TABLES for c in schema.column_kinds(table)}
    assert set(schema.HEADER_ALIASES_JA.values()) <= known
    # and the mapping is one to one, so the templates can use it backwards
    assert len(set(schema.HEADER_ALIASES_JA.values())) == len(schema.HEADER_ALIASES_JA)


@pytest.mark.parametrize("table", schema.TABLES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_template_uploads_cleanly_and_changes_nothing_true(current, table, fmt, lang):
    tables, files = current
    body = upload.template_bytes(table, fmt, lang, tables[table])
    typed, problems = upload.read_upload(upload.Upload(f"{table}.{fmt}", body, table))
    assert errors(problems) == [], [p.line() for p in problems]
    assert len(typed) == 1  # one example row, a real row of the current data
    diff = upload.diff_table(table, tables[table], typed)
    assert diff.added.empty and diff.changed.empty
    assert len(diff.removed) == len(tables[table]) - 1


def test_the_japanese_template_has_japanese_headers(current):
    frame = upload.template_frame("programs", "ja", current[0]["programs"])
    assert list(frame.columns)[:4] == ["プログラムID", "地域ID", "タイトル", "種別"]
    assert frame.iloc[0]["プログラムID"] == "tono-2017-09"
    assert frame.iloc[0]["開始日"] == "2017-09-06"


# --- every problem, in both languages ---------------------------------------------------------


def _catalog_codes() -> dict[str, set[str]]:
    """``problem.<code>`` keys per language across every catalog file."""
    found: dict[str, set[str]] = {"en": set(), "ja": set()}
    for path in LOCALES_DIR.glob("*.toml"):
        with path.open("rb") as fh:
            content = tomllib.load(fh)
        for lang in found:
            found[lang] |= {
                k.removeprefix("problem.")
                for k in content.get(lang, {})
                if k.startswith("problem.") and k != "problem.warning_prefix"
            }
    return found


def _upload_problems(table: str, body: bytes, current) -> set[str]:
    return codes(check(current, table, body))


def produced_codes(current, tmp_path: Path, monkeypatch) -> dict[str, set[str]]:
    """For each input below, the codes it produces."""
    participants_rows = rows_of("participants")
    cases: dict[str, set[str]] = {}

    def up(label: str, table: str, body: bytes) -> None:
        cases[label] = _upload_problems(table, body, current)

    up("empty", "programs", b"  \n")
    up("binary", "programs", b"\xd0\xcf\x11\xe0\x00\x00")
    up("encoding", "programs", b"program_id\n\x82 \x81\n")
    up("xlsx", "programs", b"PK\x03\x04 not really a workbook")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (2 * 1024 * 1024))
    up("zip bomb", "programs", packed.getvalue())
    up("quote", "programs", b'program_id,title\n"open quote,x\n')
    up("no header", "programs", b",,\nx,y,z\n")
    up("dup column", "programs", b"program_id,program_id\nx,y\n")
    header = (DATA / "programs.csv").read_bytes().splitlines()[0].count(b",") + 1
    too_many = b",".join([b"x"] * (header + 2)) + b"\n"  # more cells than the header names
    up("many fields", "programs", edited("programs", "source", 'a","b') + too_many)
    up("few fields", "programs", (DATA / "programs.csv").read_bytes() + b"a,b\n")
    up("missing column", "programs", b"program_id\ntono-2017-09\n")
    up("impossible date", "programs", edited("programs", "start_date", "2017-02-30"))
    up("slash date", "programs", edited("programs", "start_date", "2017/3/3"))
    up("not a date", "programs", edited("programs", "start_date", "March"))
    up("old date", "programs", edited("programs", "start_date", "1066-10-14"))
    up("not a number", "programs", edited("programs", "participants_reported", "ten"))
    up("half", "programs", edited("programs", "participants_reported", "2.5"))
    up("huge", "programs", edited("programs", "participants_reported", "1e300"))
    up("negative", "programs", edited("programs", "participants_reported", "-1"))
    up("bool", "participants", edited("participants", "public_consent", "maybe"))
    up("country", "participants", edited("participants", "nationality", "XX"))
    up("country name", "participants", edited("participants", "nationality", "Thailand"))
    up("language", "testimonials", edited("testimonials", "language", "english"))
    up("dup id", "participants", as_csv([*participants_rows, participants_rows[0]]))
    up("bad id", "participants", edited("participants", "participant_id", "Zak Smith"))
    up("empty source", "participants", edited("participants", "source", ""))
    up("kind", "programs", edited("programs", "kind", "holiday"))
    up("engagement", "programs", edited("programs", "engagement_type", "tourism"))
    up("prefecture", "regions", edited("regions", "prefecture_code", "48"))
    up("swapped", "regions", edited("regions", "lat", "142.6"))
    up("reference", "programs", edited("programs", "region_id", "atlantis"))
    pairs = rows_of("participations")
    up("pair", "participations", as_csv([*pairs, pairs[0]]))
    up("backwards", "programs", edited("programs", "end_date", "2017-03-01"))
    pinned = rows_of("testimonials")
    up(
        "no highlight column",
        "testimonials",
        as_csv([{k: v for k, v in r.items() if k != "highlight"} for r in pinned]),
    )
    up("windows-1252", "participants", "participant_id\nandrés\n".encode("cp1252"))
    up("private use", "participants", edited("participants", "display_name", "Zak\ue000"))
    up("typo in the year", "programs", edited("programs", "end_date", "2107-03-13"))
    up("long", "programs", edited("programs", "end_date", "2017-08-01"))
    up("markup", "testimonials", edited("testimonials", "text", "<script>x</script>"))
    up("control character", "programs", edited("programs", "title", "Tono\x07 2017"))
    up("template literal", "regions", edited("regions", "name_en", "Tono${alert(1)}"))
    up("check digit", "regions", edited("regions", "municipality_code", "014682"))
    up("unknown code", "regions", edited("regions", "municipality_code", "999997"))
    up("not a code", "regions", edited("regions", "municipality_code", "01468X"))
    up("five digits", "regions", edited("regions", "municipality_code", "99999"))
    up("lost zero", "regions", edited("regions", "municipality_code", "14681"))
    up("other prefecture", "regions", edited("regions", "municipality_code", "032085"))
    cases["no table"] = codes(upload.check_uploads([upload.Upload("x.csv", b"a", None)], *current))
    cases["two files"] = codes(
        upload.check_uploads(
            [upload.Upload("a.csv", b"a", "regions"), upload.Upload("b.csv", b"a", "regions")],
            *current,
        )
    )
    monkeypatch.setenv("DASHBOARD_MAX_UPLOAD_ROWS", "1")
    up("rows", "programs", (DATA / "programs.csv").read_bytes())
    monkeypatch.setenv("DASHBOARD_MAX_UPLOAD_MB", "0.000001")
    up("size", "programs", (DATA / "programs.csv").read_bytes())
    monkeypatch.delenv("DASHBOARD_MAX_UPLOAD_MB")
    monkeypatch.delenv("DASHBOARD_MAX_UPLOAD_ROWS")

    # the loader's own: a folder missing, a file missing, a file that cannot be read
    cases["no folder"] = codes(data.load_dataset(tmp_path / "nowhere").problems)
    folder = tmp_path / "d"
    folder.mkdir()
    for path in DATA.glob("*.csv"):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "outcomes.csv").unlink()
    cases["no file"] = codes(data.load_dataset(folder).problems)
    original = Path.read_bytes

    def unreadable(self):
        if self.name == "regions.csv":
            raise PermissionError("permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    cases["unreadable"] = codes(data.load_dataset(folder).problems)
    monkeypatch.setattr(Path, "read_bytes", original)

    # saving: another save holds the lock
    (folder / "outcomes.csv").write_bytes((DATA / "outcomes.csv").read_bytes())
    with versions.lock(folder):
        result = store.save_tables(folder, {"regions": current[0]["regions"]}, timeout=0.05)
    cases["busy"] = codes(result.problems)

    # saving: the files changed after the upload was checked (a pin, another save)
    checked_against = data.fingerprint(folder)
    stat = (folder / "regions.csv").stat()  # rewritten since: a newer modification time
    os.utime(folder / "regions.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    regions = current[0]["regions"].assign(source="checked")
    result = store.save_tables(folder, {"regions": regions}, expected=checked_against)
    cases["changed since the check"] = codes(result.problems)

    # saving: the disk refuses the write
    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    # a save's first rename is a blob's, in versions (one os module: the tables' fail too)
    monkeypatch.setattr(versions.os, "replace", disk_full)
    regions = current[0]["regions"].assign(source="x")
    cases["disk full"] = codes(store.save_tables(folder, {"regions": regions}).problems)
    monkeypatch.undo()

    # the database store: no database listening where the URL says
    from dashboard.sqlstore import SqlStore

    cases["no database"] = codes(SqlStore("postgresql+psycopg://x@127.0.0.1:9/x").load().problems)
    return cases


# Codes kept for checks the contracts do not make today: pandera failures outside the known
# kinds (a new kind of Field check) and empty strings (empty cells are read as missing).
FALLBACK_CODES = {"invalid_value", "empty_value"}


def test_every_problem_code_has_english_and_japanese_text_and_is_produced(
    current, tmp_path, monkeypatch
):
    catalog = _catalog_codes()
    assert catalog["en"] == catalog["ja"]
    for code in catalog["en"]:
        for lang in ("en", "ja"):
            assert catalogs()[lang].get(f"fix.{code}"), (lang, code)
    produced = set().union(*produced_codes(current, tmp_path, monkeypatch).values())
    assert produced <= catalog["en"], produced - catalog["en"]
    assert catalog["en"] - produced == FALLBACK_CODES


def test_each_problem_says_what_and_how_in_both_languages(current):
    result = check(current, "programs", edited("programs", "start_date", "2017/3/3", row=0))
    (problem,) = result.problems
    en, ja = problem.as_dict("en"), problem.as_dict("ja")
    assert (en["file"], en["row"], en["column"], en["value"]) == (
        "programs.csv",
        2,
        "start_date",
        "2017/3/3",
    )
    assert en["problem"] == '"2017/3/3" is not written as YYYY-MM-DD'
    assert en["fix"] == "Write it as 2017-03-03."
    assert ja["problem"] == "「2017/3/3」が YYYY-MM-DD 形式ではありません"
    assert ja["fix"] == "2017-03-03 のように書いてください。"


def test_the_problems_table_is_in_the_chosen_language(current):
    result = check(current, "programs", edited("programs", "kind", "holiday"))
    frame = upload.problems_frame(result.problems, "ja")
    assert list(frame.columns) == ["ファイル", "行", "列", "値", "問題", "直し方", "重要度"]
    assert frame.iloc[0]["重要度"] == "エラー"
    assert frame.iloc[0]["値"] == "holiday"


def test_every_problem_in_one_upload_is_listed_not_only_the_first(current):
    rows = rows_of("programs")
    rows[0]["start_date"] = "2017/3/3"
    rows[1]["kind"] = "holiday"
    rows[2]["region_id"] = "atlantis"
    rows[3]["participants_reported"] = "-2"
    result = check(current, "programs", as_csv(rows))
    assert sorted((p.row, p.code) for p in result.problems) == [
        (2, "date_not_iso"),
        (3, "not_allowed"),
        (4, "unknown_reference"),
        (5, "negative"),
    ]


def test_an_upload_is_checked_against_the_other_current_tables(current):
    # removing a program that participations, testimonials and outcomes refer to
    rows = [r for r in rows_of("programs") if r["program_id"] != "tono-2017-09"]
    result = check(current, "programs", as_csv(rows))
    assert not result.ok
    files = {p.file for p in result.problems if p.code == "unknown_reference"}
    assert {"participations.csv", "testimonials.csv", "outcomes.csv"} <= files


# --- the preview of changes -------------------------------------------------------------------


def test_the_diff_shows_a_known_edit_by_id(current):
    tables = current[0]
    rows = rows_of("programs")
    rows[0]["participants_reported"] = "10"  # shimokawa-2017-03: was empty (unknown)
    rows = [r for r in rows if r["program_id"] != "yame-2017-03"]
    new = dict(rows[-1], program_id="tono-2026-09", start_date="2026-09-01", end_date="")
    result = check(current, "programs", as_csv([*rows, new]))
    # yame-2017-03 is still named in participations and testimonials: that blocks saving
    assert sorted((p.file, p.value) for p in errors(result.problems)) == [
        ("participations.csv", "yame-2017-03"),
        ("testimonials.csv", "yame-2017-03"),
    ]
    diff = upload.diff_table("programs", tables["programs"], result.tables["programs"])
    assert list(diff.added["program_id"]) == ["tono-2026-09"]
    assert list(diff.removed["program_id"]) == ["yame-2017-03"]
    assert diff.changed.to_dict("records") == [
        {
            "program_id": "shimokawa-2017-03",
            "column": "participants_reported",
            "old": "",
            "new": "10",
        }
    ]
    assert diff.changed_rows == 1


def test_participations_are_matched_by_the_pair(current):
    tables = current[0]
    rows = rows_of("participations")
    rows[0]["role"] = "resident artist"
    new = upload.diff_table("participations", tables["participations"], pd.DataFrame(rows))
    assert new.added.empty and new.removed.empty
    assert new.changed.to_dict("records") == [
        {
            "participant_id": "zak",
            "program_id": "ishinomaki-residency-2017",
            "column": "role",
            "old": "resident",
            "new": "resident artist",
        }
    ]


def test_a_diff_against_no_current_table_adds_every_row(current):
    frame = current[0]["regions"]
    diff = upload.diff_table("regions", None, frame)
    assert len(diff.added) == 5 and diff.removed.empty and diff.changed.empty


def test_download_all_zips_the_six_tables(current):
    with zipfile.ZipFile(io.BytesIO(upload.zip_tables(DATA))) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(f"{t}.csv" for t in schema.TABLES)
        for table in schema.TABLES:  # each file uploads back as the same table
            body = archive.read(f"{table}.csv")
            assert body.startswith(b"\xef\xbb\xbf")  # a BOM, for Excel
            typed, problems = upload.read_upload(upload.Upload(f"{table}.csv", body, table))
            assert errors(problems) == []
            assert upload.diff_table(table, current[0][table], typed).empty, table


def test_the_mapping_tables_document_file_names_and_headers():
    names = upload.file_names_frame("ja")
    assert list(names.columns) == ["表", "ファイル名"]
    assert "参加者.csv" in names.iloc[2]["ファイル名"]
    headers = upload.headers_frame("en")
    assert len(headers) == len(schema.HEADER_ALIASES_JA)


# --- no bytes make it crash -------------------------------------------------------------------

CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "1",
            "-1",
            "2.5",
            "1e400",
            "1e300",
            "nan",
            "inf",
            "2017-02-30",
            "2017/1/1",
            "0001-01-01",
            "2262-04-12",
            "true",
            "maybe",
            "tono",
            "tono-2017-09",
            "trinh-doan",
            '"',
            "a,b",
            "\r",
            "１２",
            "<b>x</b>",
            "JP",
            "Thailand",
            "team",
        ]
    ),
    st.text(max_size=6),
)


@st.composite
def sheets(draw):
    """A table's header (English or Japanese) with random rows, in a random encoding."""
    table = draw(st.sampled_from(schema.TABLES))
    columns = upload.template_columns(table)
    if draw(st.booleans()):
        columns = [upload.headers_ja().get(c, c) for c in columns]
    width = len(columns)
    rows = draw(st.lists(st.lists(CELLS, min_size=width - 1, max_size=width + 1), max_size=4))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp932"]))
    return table, out.getvalue().encode(encoding, errors="replace")


def _never_raises(current, table, body) -> None:
    result = check(current, table, body)
    assert all(isinstance(p, Problem) for p in result.problems)
    if result.ok:
        assert table in result.tables
        upload.diff_table(table, current[0][table], result.tables[table])
        # what a save would write reads back as the same table
        written = store.to_csv_bytes(table, result.tables[table])
        again = check(current, table, written)
        assert again.ok, [p.line() for p in again.problems]
        assert upload.diff_table(table, result.tables[table], again.tables[table]).empty
    else:
        assert errors(result.problems) or not result.tables
    for problem in result.problems:  # every message is written in both languages
        for lang in ("en", "ja"):  # (a missing catalog key raises in tests: conftest)
            shown = problem.as_dict(lang)
            assert shown["problem"] and shown["fix"], (lang, problem.code)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(schema.TABLES), st.binary(max_size=400))
def test_any_bytes_give_a_table_or_problems_never_an_exception(current, table, body):
    _never_raises(current, table, body)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(sheets())
def test_any_sheet_with_the_right_header_gives_a_table_or_problems(current, sheet):
    _never_raises(current, *sheet)


def test_problem_rows_count_as_a_spreadsheet_does(current):
    body = edited("outcomes", "quantity", "-3", row=4)
    (problem,) = check(current, "outcomes", body).problems
    assert problem.row == 6  # header is row 1, the fifth data row is row 6
    assert re.fullmatch(r"outcomes\.csv:6:quantity: .*", problem.line())
