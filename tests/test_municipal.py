"""Municipality codes: the check digit, the loader's refusals, and what a code fills in."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import municipal, outlines
from dashboard.data import load_dataset, load_tables
from dashboard.problems import errors

from .conftest import DATA

BUNDLED = {
    "shimokawa": "014681",
    "urahoro": "016497",
    "tono": "032085",
    "ishinomaki": "042021",
    "yame": "402109",
}


def sources_with(regions: str) -> dict[str, tuple[str, bytes]]:
    sources = {p.stem: (p.name, p.read_bytes()) for p in sorted(DATA.glob("*.csv"))}
    sources["regions"] = ("regions.csv", regions.encode("utf-8"))
    return sources


def bundled_regions() -> str:
    return (DATA / "regions.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("five", "six"),
    [("01468", "014681"), ("01649", "016497"), ("03208", "032085"), ("04202", "042021"),
     ("40210", "402109"), ("13101", "131016"), ("04100", "041009")],
)  # fmt: skip
def test_check_digit_of_jis_x_0402(five, six):
    assert municipal.with_check_digit(five) == six
    assert municipal.is_valid(six)
    assert not municipal.is_valid(six[:5] + str((int(six[5]) + 1) % 10))


def test_check_digit_when_the_remainder_is_zero_or_one():
    # 6*1 + 5*3 + 4*0 + 3*2 + 2*0 = 27, 27 mod 11 = 5 -> 11 - 5 = 6
    assert municipal.check_digit("13020") == 6
    # a sum that is a multiple of 11 gives 11 mod 10 = 1; one more than a multiple gives 0
    total = lambda s: sum(int(d) * w for d, w in zip(s, (6, 5, 4, 3, 2), strict=True))  # noqa: E731
    zero = next(f"{n:05d}" for n in range(100000) if total(f"{n:05d}") % 11 == 0)
    one = next(f"{n:05d}" for n in range(100000) if total(f"{n:05d}") % 11 == 1)
    assert municipal.check_digit(zero) == 1
    assert municipal.check_digit(one) == 0


def test_bundled_towns_carry_their_codes_noted_as_public_reference():
    ds = load_dataset(DATA).dataset
    codes = dict(zip(ds.regions["region_id"], ds.regions["municipality_code"], strict=True))
    assert codes == BUNDLED
    for row in ds.regions.to_dict("records"):
        assert "JIS X 0402" in row["source"] and "国土数値情報" in row["source"]
        assert str(row["prefecture_code"]).zfill(2) == row["municipality_code"][:2]
        # the town hall lies inside the town's own outline
        from shapely.geometry import Point

        assert outlines.shape(row["municipality_code"]).contains(Point(row["lon"], row["lat"]))


def test_a_wrong_check_digit_is_refused_with_file_row_and_column():
    text = bundled_regions().replace(",032085,", ",032084,")
    result = load_tables(sources_with(text))
    assert not result.ok
    [problem] = [p for p in errors(list(result.problems)) if p.column == "municipality_code"]
    assert (problem.file, problem.row, problem.code) == (
        "regions.csv",
        4,
        "municipality_check_digit",
    )
    assert "032085" in problem.message("en") and "032084" in problem.message("en")
    assert "検査数字" in problem.message("ja")
    assert problem.line("en").startswith("regions.csv:4:municipality_code: ")


def test_a_code_of_another_prefecture_is_refused():
    # Tono's row (prefecture 3) given Yame's code (Fukuoka, 40)
    text = bundled_regions().replace(",032085,", ",402109,")
    result = load_tables(sources_with(text))
    assert not result.ok
    [problem] = [p for p in errors(list(result.problems)) if p.column == "municipality_code"]
    assert (problem.row, problem.code) == (4, "municipality_prefecture")
    assert "40" in problem.message("en") and "3" in problem.message("en")
    assert "都道府県" in problem.message("ja")


@pytest.mark.parametrize(
    ("cell", "code"),
    [("03208", "municipality_code_five"), ("32O85", "municipality_code_format"),
     ("999997", "municipality_unknown")],
)  # fmt: skip
def test_codes_that_are_not_codes_are_refused(cell, code):
    text = f"region_id,name_en,municipality_code,source\nnew-town,New Town,{cell},staff\n"
    found = municipal.fill_regions("regions.csv", _raw(text))[1]
    assert [(p.row, p.column, p.code, p.severity) for p in found] == [
        (2, "municipality_code", code, "error")
    ]
    assert found[0].message("ja") and found[0].fix("en")


def test_a_lost_leading_zero_is_restored_with_a_warning():
    text = "region_id,name_en,municipality_code,source\ntono,Tono,32085,staff\n"
    raw, found = municipal.fill_regions("regions.csv", _raw(text))
    assert raw.loc[2, "municipality_code"] == "032085"
    assert [(p.code, p.severity) for p in found] == [("municipality_code_padded", "warning")]


def _raw(text: str) -> pd.DataFrame:
    from dashboard.reading import read_table

    return read_table("regions.csv", text.encode("utf-8"))[0]


def test_a_town_given_only_id_english_name_and_code_gets_the_rest_filled_in():
    text = bundled_regions() + "kamikawa,Kamikawa,,014575,,,,,,\n"
    ds = load_tables(sources_with(text)).dataset
    assert ds is not None
    row = ds.regions.set_index("region_id").loc["kamikawa"]
    assert row["name_ja"] == "上川町"
    assert row["prefecture_code"] == 1
    assert (row["prefecture_en"], row["prefecture_ja"]) == ("Hokkaido", "北海道")
    from shapely.geometry import Point

    assert outlines.shape("014575").contains(Point(row["lon"], row["lat"]))
    assert "name_ja" in row["source"] and "国土数値情報" in row["source"]


def test_a_sheet_with_only_three_columns_loads_and_a_value_given_wins():
    text = (
        "region_id,name_en,municipality_code,lat\n"
        "tono,Tono,032085,39.3276\nshimokawa,Shimokawa,014681,\nurahoro,Urahoro,016497,\n"
        "yame,Yame,402109,\nishinomaki,Ishinomaki,042021,\n"
    )
    result = load_tables(sources_with(text))
    assert result.ok, [p.line() for p in result.problems]
    tono = result.dataset.regions.set_index("region_id").loc["tono"]
    assert tono["lat"] == 39.3276  # given: kept
    assert tono["name_ja"] == "遠野市" and tono["prefecture_code"] == 3
    assert "lat" not in tono["source"] and "lon" in tono["source"]


def test_an_unknown_code_is_refused_naming_the_file_row_and_column():
    text = bundled_regions() + "nowhere,Nowhere,,031003,,,,,,\n"
    result = load_tables(sources_with(text))
    assert not result.ok
    lines = [p.line("en") for p in errors(list(result.problems))]
    assert "regions.csv:7:municipality_code: municipality code 031003 is not a municipality" in (
        " ".join(lines)
    )


def test_japanese_header_for_the_code():
    text = "地域ID,英語名,全国地方公共団体コード,出典\ntono,Tono,032085,staff\n"
    raw = _raw(text)
    assert "municipality_code" in raw.columns
