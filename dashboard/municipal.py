"""Municipality codes (全国地方公共団体コード, JIS X 0402) and what a code fills in for a town.

A 6-digit code is the 5-digit code and a check digit: the five digits weighted 6, 5, 4, 3, 2
and summed; check = (11 − sum mod 11) mod 10 (Tono 03208 → 032085). ``fill_regions`` checks
the ``municipality_code`` column of regions.csv (as text, before typing) and fills the cells
the row leaves empty — Japanese name, prefecture, a point inside the outline — from the
municipality file (``dashboard.outlines``); a value given wins.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pandas as pd

from dashboard import outlines
from dashboard.problems import Problem

COLUMN = "municipality_code"
WEIGHTS = (6, 5, 4, 3, 2)
FILLED = ("name_ja", "prefecture_code", "prefecture_en", "prefecture_ja", "lat", "lon")
SOURCE_FILLED = "{columns} from the municipality code ({source})"


def check_digit(five: str) -> int:
    """The JIS X 0402 check digit of a 5-digit code: ``check_digit("03208") == 5``."""
    if not re.fullmatch(r"[0-9]{5}", five):
        raise ValueError(f"not a 5-digit code: {five!r}")
    total = sum(int(d) * w for d, w in zip(five, WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def with_check_digit(five: str) -> str:
    """The 6-digit code of a 5-digit one: ``"03208"`` -> ``"032085"``."""
    return f"{five}{check_digit(five)}"


def is_valid(code: str) -> bool:
    """Whether ``code`` is 6 digits whose last is the check digit of the first five."""
    return bool(re.fullmatch(r"[0-9]{6}", code)) and int(code[5]) == check_digit(code[:5])


@cache
def prefecture_names_en() -> dict[int, str]:
    """``{1: "Hokkaido", …, 47: "Okinawa"}`` (ISO 3166-2:JP names from pycountry)."""
    import pycountry

    return {
        int(s.code.split("-")[1]): s.name for s in pycountry.subdivisions.get(country_code="JP")
    }


def reference(code: str) -> dict | None:
    """What the municipality file says of ``code``: name_ja, prefecture_code, prefecture_en,
    prefecture_ja, lat, lon (None where it has no outline); None for an unknown code."""
    props = outlines.properties(code)
    if props is None:
        return None
    return {
        "name_ja": props["name_ja"],
        "prefecture_code": props["prefecture_code"],
        "prefecture_en": prefecture_names_en().get(props["prefecture_code"]),
        "prefecture_ja": props["prefecture_ja"],
        "lat": props["lat"],
        "lon": props["lon"],
    }


def normalise(value: str) -> str:
    """A cell as typed (full-width digits, spaces, a hyphen before the check digit) -> digits."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", str(value)))


def _cell_problem(file: str, row: int, value: str, code: str, params=(), severity="error"):
    return Problem(file, row, COLUMN, code, value, tuple(params), severity=severity)


def check_code(file: str, row: int, value: str) -> tuple[str | None, list[Problem]]:
    """One ``municipality_code`` cell -> the 6-digit code (None when refused) and its problems.

    Five digits whose zero-padded form is a known code (a spreadsheet dropped the leading
    zero) are taken with a warning."""
    digits = normalise(value)
    if re.fullmatch(r"[0-9]{5}", digits):
        padded = "0" + digits
        if is_valid(padded) and outlines.properties(padded) is not None:
            warn = _cell_problem(
                file, row, value, "municipality_code_padded", [("code", padded)], "warning"
            )
            return padded, [warn]
        return None, [
            _cell_problem(
                file, row, value, "municipality_code_five", [("code", with_check_digit(digits))]
            )
        ]
    if not re.fullmatch(r"[0-9]{6}", digits):
        return None, [_cell_problem(file, row, value, "municipality_code_format")]
    if not is_valid(digits):
        expected = with_check_digit(digits[:5])
        return None, [
            _cell_problem(
                file,
                row,
                value,
                "municipality_check_digit",
                [("digit", digits[5]), ("expected", expected)],
            )
        ]
    if outlines.properties(digits) is None:
        return None, [_cell_problem(file, row, value, "municipality_unknown")]
    return digits, []


def _empty(value: object) -> bool:
    return (
        value is None or (not isinstance(value, str) and pd.isna(value)) or not str(value).strip()
    )


def fill_regions(file: str, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """regions.csv as text -> the same with each row's empty cells filled from its
    ``municipality_code``, and a problem per bad code (wrong form, wrong check digit, unknown,
    or first two digits not the row's ``prefecture_code``), each naming file, row and column.

    Filled columns are named in the row's ``source`` (added to what it says, or the whole note
    when it is empty). A frame without the column comes back as it is."""
    if COLUMN not in raw.columns or raw.empty:
        return raw, []
    out = raw.copy()
    for column in (*FILLED, "source"):
        if column not in out.columns:
            out[column] = ""
    problems: list[Problem] = []
    codes = []
    for row, value in out[COLUMN].items():
        if _empty(value):
            codes.append(value)
            continue
        code, found = check_code(file, row, str(value))
        problems += found
        codes.append(code if code else value)
        if code is None:
            continue
        facts = reference(code)
        filled = []
        for column in FILLED:
            if _empty(out.at[row, column]) and facts[column] is not None:
                out.at[row, column] = str(facts[column])
                filled.append(column)
        given = out.at[row, "prefecture_code"]
        if "prefecture_code" not in filled:
            try:
                pref = int(float(str(given).strip()))
            except ValueError:
                pref = None  # the typing step reports a prefecture code that is not a number
            # a code outside 1-47 is the typing step's to report
            if pref is not None and 1 <= pref <= 47 and pref != facts["prefecture_code"]:
                problems.append(
                    _cell_problem(
                        file,
                        row,
                        value,
                        "municipality_prefecture",
                        [("prefecture", str(pref)), ("expected", str(facts["prefecture_code"]))],
                    )
                )
        if filled:
            note = SOURCE_FILLED.format(columns=", ".join(filled), source=outlines.SOURCE_NOTE)
            source = out.at[row, "source"]
            out.at[row, "source"] = note if _empty(source) else f"{source}; {note}"
    out[COLUMN] = pd.Series(codes, index=out.index, dtype=object)
    return out, problems


def code_of(regions: pd.DataFrame) -> dict[str, str]:
    """``{region_id: 6-digit code}`` for the towns that have one."""
    if COLUMN not in regions.columns:
        return {}
    pairs = regions[["region_id", COLUMN]].dropna()
    return {r: str(c) for r, c in pairs.itertuples(index=False, name=None) if str(c).strip()}
