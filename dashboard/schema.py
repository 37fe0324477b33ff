"""Table contracts: one pandera model per CSV, and the rules that span tables.

The models check parsed frames (ids, ranges, allowed values, nullability). Parsing the raw text
into dates, numbers and booleans happens in ``dashboard.data`` from the dtypes declared here, so a
bad cell is reported once, with its own message, and the model never sees unparsed text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import pandas as pd
import pandera.pandas as pa
import pycountry
from pandera.typing import Series

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
KINDS = ("team", "residency")
# how people engage with a region, after 国土交通省's survey of 関係人口: 直接寄与型, 就労型,
# 参加・交流型, 趣味・消費型 (programs.csv's optional engagement_type)
ENGAGEMENT_TYPES = (
    "direct_contribution",
    "employment",
    "participation_exchange",
    "hobby_consumption",
)
# Japan's extreme points, with a little margin: Okinotorishima 20.4N, Etorofu 45.6N,
# Yonaguni 122.9E, Minamitorishima 154.0E.
LAT_RANGE = (20.0, 46.0)
LON_RANGE = (122.0, 154.5)


@cache
def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code pycountry knows (Taiwan is ``TW``)."""
    return frozenset(c.alpha_2 for c in pycountry.countries)


@cache
def language_codes() -> frozenset[str]:
    """Every ISO 639-1 two-letter language code pycountry knows."""
    return frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


class Regions(pa.DataFrameModel):
    """regions.csv: one partner town per row."""

    region_id: Series[str] = pa.Field(unique=True, str_matches=SLUG)
    name_en: Series[str] = pa.Field(str_length={"min_value": 1})
    name_ja: Series[str] = pa.Field(str_length={"min_value": 1})
    prefecture_code: Series[pd.Int64Dtype] = pa.Field(ge=1, le=47)
    lat: Series[float] = pa.Field(ge=LAT_RANGE[0], le=LAT_RANGE[1])
    lon: Series[float] = pa.Field(ge=LON_RANGE[0], le=LON_RANGE[1])
    source: Series[str] = pa.Field(str_length={"min_value": 1})


class Programs(pa.DataFrameModel):
    """programs.csv: one team project or residency per row."""

    program_id: Series[str] = pa.Field(unique=True, str_matches=SLUG)
    region_id: Series[str]
    title: Series[str] = pa.Field(str_length={"min_value": 1})
    kind: Series[str] = pa.Field(isin=KINDS)
    start_date: Series[pd.Timestamp] = pa.Field(nullable=True)
    end_date: Series[pd.Timestamp] = pa.Field(nullable=True)
    participants_reported: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    source: Series[str] = pa.Field(str_length={"min_value": 1})


class Participants(pa.DataFrameModel):
    """participants.csv: one person per row (unnamed people have an empty name)."""

    participant_id: Series[str] = pa.Field(unique=True, str_matches=SLUG)
    display_name: Series[str] = pa.Field(nullable=True)
    nationality: Series[str] = pa.Field(nullable=True)
    public_consent: Series[pd.BooleanDtype]
    source: Series[str] = pa.Field(str_length={"min_value": 1})


class Participations(pa.DataFrameModel):
    """participations.csv: who took part in which program."""

    participant_id: Series[str]
    program_id: Series[str]
    role: Series[str] = pa.Field(nullable=True)


class Testimonials(pa.DataFrameModel):
    """testimonials.csv: one testimonial per row, verbatim."""

    testimonial_id: Series[str] = pa.Field(unique=True, str_matches=SLUG)
    participant_id: Series[str]
    program_id: Series[str] = pa.Field(nullable=True)
    text: Series[str] = pa.Field(str_length={"min_value": 1})
    language: Series[str]
    source: Series[str] = pa.Field(str_length={"min_value": 1})


class Outcomes(pa.DataFrameModel):
    """outcomes.csv: something made or given to a town by a program."""

    outcome_id: Series[str] = pa.Field(unique=True, str_matches=SLUG)
    program_id: Series[str]
    kind: Series[str] = pa.Field(str_length={"min_value": 1})
    language: Series[str] = pa.Field(nullable=True)
    quantity: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    description: Series[str] = pa.Field(str_length={"min_value": 1})
    source: Series[str] = pa.Field(str_length={"min_value": 1})


MODELS: dict[str, type[pa.DataFrameModel]] = {
    "regions": Regions,
    "programs": Programs,
    "participants": Participants,
    "participations": Participations,
    "testimonials": Testimonials,
    "outcomes": Outcomes,
}
TABLES = tuple(MODELS)

# Optional columns the app uses when present, with their dtypes.
OPTIONAL: dict[str, dict[str, str]] = {
    "regions": {
        "prefecture_en": "str",
        "prefecture_ja": "str",
        "population": "int",
        "population_year": "int",
        "population_source": "str",
        "municipality_code": "str",
    },
    "programs": {"engagement_type": "str"},
    "participations": {"source": "str"},
    "testimonials": {"related_program_ids": "str", "highlight": "str"},
}

# Column checks pandera cannot express as a Field: code lists read lazily from pycountry.
CODE_COLUMNS: dict[tuple[str, str], tuple[str, Callable[[], frozenset[str]]]] = {
    ("participants", "nationality"): ("unknown_country", country_codes),
    ("testimonials", "language"): ("unknown_language", language_codes),
    ("outcomes", "language"): ("unknown_language", language_codes),
    ("programs", "engagement_type"): (
        "unknown_engagement_type",
        lambda: frozenset(ENGAGEMENT_TYPES),
    ),
}

# Japanese column headers staff may use in a sheet, mapped to the contract's names.
HEADER_ALIASES_JA: dict[str, str] = {
    "地域ID": "region_id",
    "英語名": "name_en",
    "日本語名": "name_ja",
    "都道府県コード": "prefecture_code",
    "全国地方公共団体コード": "municipality_code",
    "都道府県（英語）": "prefecture_en",
    "都道府県": "prefecture_ja",
    "緯度": "lat",
    "経度": "lon",
    "出典": "source",
    "プログラムID": "program_id",
    "タイトル": "title",
    "種別": "kind",
    "開始日": "start_date",
    "終了日": "end_date",
    "報告参加者数": "participants_reported",
    "参加者ID": "participant_id",
    "表示名": "display_name",
    "国籍": "nationality",
    "公開同意": "public_consent",
    "役割": "role",
    "推薦文ID": "testimonial_id",
    "本文": "text",
    "言語": "language",
    "関連プログラムID": "related_program_ids",
    "ハイライト": "highlight",
    "成果ID": "outcome_id",
    "数量": "quantity",
    "説明": "description",
    "関わり方": "engagement_type",
    "人口": "population",
    "人口の年": "population_year",
    "人口の出典": "population_source",
}


def column_kinds(table: str) -> dict[str, str]:
    """``{column: kind}`` for a table, kind one of str, int, float, date, bool.

    Read off the pandera model, so the model stays the one place a column's type is declared.
    """
    kinds: dict[str, str] = {}
    for name, column in MODELS[table].to_schema().columns.items():
        dtype = str(column.dtype).lower()
        if "datetime" in dtype:
            kinds[name] = "date"
        elif "int" in dtype:
            kinds[name] = "int"
        elif "float" in dtype:
            kinds[name] = "float"
        elif "bool" in dtype:
            kinds[name] = "bool"
        else:
            kinds[name] = "str"
    kinds.update(OPTIONAL.get(table, {}))
    return kinds


def required_columns(table: str) -> list[str]:
    """The columns the contract requires for ``table``, in contract order."""
    return list(MODELS[table].to_schema().columns)


# a program's facts as the contract orders them, without its source note: program_id, region_id,
# title, kind, start_date, end_date, participants_reported
PROGRAM_FACTS = tuple(c for c in required_columns("programs") if c != "source")


def nullable_columns(table: str) -> set[str]:
    """Required columns whose cells may be left empty."""
    return {n for n, c in MODELS[table].to_schema().columns.items() if c.nullable}


def is_slug(value: str) -> bool:
    """True when ``value`` is a lowercase slug id."""
    return re.match(SLUG, value) is not None
