"""A town's open data (the town office's layout) and the municipality code in every download."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd

from dashboard import access, exports, opendata, outlines
from dashboard.access import PUBLIC, STAFF, Viewer
from dashboard.data import load_dataset
from dashboard.report import town_csv_zip
from dashboard.town import find_town
from dashboard.views import overview
from dashboard.views import town as town_view

from .conftest import DATA

MADE = dt.date(2026, 12, 1)


def _dataset():
    return load_dataset(DATA).dataset


def _files(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _csv(body: bytes) -> pd.DataFrame:
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM
    return pd.read_csv(io.BytesIO(body), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_tonos_open_data_in_japanese_one_file_per_table_code_first():
    ds = _dataset()
    files = _files(opendata.open_zip(ds, "tono", "ja", STAFF, made=MADE))
    folder = "032085_tono_opendata_2026-12-01"
    assert sorted(files) == [
        f"{folder}/{name}"
        for name in ("README.txt", "countries.csv", "outcomes.csv", "programs.csv",
                     "testimonials.csv")
    ]  # fmt: skip
    programs = _csv(files[f"{folder}/programs.csv"])
    assert list(programs.columns[:4]) == [
        "全国地方公共団体コード",
        "地方公共団体名",
        "都道府県名",
        "プログラムID",
    ]
    assert len(programs) == 1  # one row per program: Tono had one
    row = programs.iloc[0]
    assert (row["全国地方公共団体コード"], row["地方公共団体名"], row["都道府県名"]) == (
        "032085",
        "遠野市",
        "岩手県",
    )
    assert row["参加者数（名簿）"] == "11"
    assert row["開始日"] == ds.programs.set_index("program_id").loc[
        row["プログラムID"], "start_date"
    ].strftime("%Y-%m-%d")
    countries = _csv(files[f"{folder}/countries.csv"])
    assert set(countries["全国地方公共団体コード"]) == {"032085"}
    assert countries["人数"].astype(int).sum() == 11


def test_english_headers_on_an_english_page():
    tables = opendata.open_tables(_dataset(), "ishinomaki", "en", STAFF)
    programs = tables["programs.csv"]
    assert list(programs.columns[:3]) == ["municipality_code", "municipality", "prefecture"]
    assert len(programs) == 2 and set(programs["municipality"]) == {"Ishinomaki"}


def test_the_public_gets_small_counts_masked_as_the_page_shows_them():
    ds = access.scope(_dataset(), PUBLIC)
    programs = opendata.open_tables(ds, "yame", "en", PUBLIC)["programs.csv"]
    assert programs["participants_listed"].tolist() == ["<3"]
    assert programs["person_days"].tolist() == ["–"]
    staff = opendata.open_tables(_dataset(), "yame", "en", STAFF)["programs.csv"]
    assert staff["participants_listed"].tolist() == [1]
    readme = opendata.readme(ds, "yame", "en", PUBLIC, MADE)
    assert '"<3"' in readme


def test_names_only_of_people_who_agreed_as_the_page_shows_them():
    ds = _dataset()
    staff = opendata.open_tables(ds, "tono", "en", STAFF)["testimonials.csv"]
    people = ds.participants.set_index("display_name")
    named = [name for name in staff["name"] if name]
    assert named, "Tono's voices include people who agreed to be named"
    assert all(bool(people.loc[name, "public_consent"]) for name in named)
    public_ds = access.scope(ds, PUBLIC)
    public = opendata.open_tables(public_ds, "tono", "en", PUBLIC)["testimonials.csv"]
    page = town_view.town_page(public_ds, "tono", "en", PUBLIC)
    assert len(public) == len(page.voices)
    for name, voice in zip(public["name"], page.voices, strict=True):
        assert (name in voice.byline) if name else "a participant" in voice.byline


def test_the_readme_names_the_sources_and_the_credit():
    text = opendata.readme(_dataset(), "tono", "ja", STAFF, MADE)
    assert "遠野市（032085）" in text
    assert "JIS X 0402" in text and "Sosei Partners" in text
    assert outlines.CREDIT_JA in text
    english = opendata.readme(_dataset(), "tono", "en", STAFF, MADE)
    assert outlines.credit("en") in english


def test_formulas_are_neutralised():
    ds = _dataset()
    titles = ds.programs.assign(
        title=ds.programs["title"].where(ds.programs["region_id"] != "tono", "=HYPERLINK(1)")
    )
    files = _files(opendata.open_zip(ds.replace(programs=titles), "tono", "en", STAFF, MADE))
    [body] = [v for k, v in files.items() if k.endswith("programs.csv")]
    assert _csv(body)["title"].tolist() == ["'=HYPERLINK(1)"]


def test_the_button_is_offered_with_the_zip_made_on_press():
    tono = find_town(_dataset(), "tono")
    args = opendata.download_args(_dataset, tono, "en", Viewer("municipality", "tono"))
    assert args["label"] == "Download the town's data (CSV)"
    assert args["file_name"].startswith("032085_tono_opendata_")
    assert args["data"]().startswith(b"PK")


def test_a_chart_table_of_towns_gets_the_code_beside_the_name():
    ds = _dataset()
    table = overview.town_bars(ds, ds, "en", STAFF).chart.table
    out = exports.with_codes(table, ds.regions)
    columns = list(out.columns)
    assert columns.index("municipality_code") == columns.index("name_en") + 1
    codes = dict(zip(out["region_id"], out["municipality_code"], strict=True))
    assert codes["tono"] == "032085" and codes["yame"] == "402109"
    # a table that names no town is left as it is
    other = pd.DataFrame({"country": ["Thailand"], "people": [3]})
    assert exports.with_codes(other, ds.regions) is other


def test_the_towns_zip_leads_each_table_with_its_name_and_code():
    files = _files(town_csv_zip(_dataset(), "tono"))
    for name, body in files.items():
        frame = _csv(body)
        assert list(frame.columns[:2]) == ["town_name", "municipality_code"], name
        assert set(frame["municipality_code"]) <= {"032085"}, name
