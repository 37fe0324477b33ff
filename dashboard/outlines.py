"""Japan's municipalities: their outlines, and the credit MLIT asks for wherever they are shown.

``data/geo/municipalities.geojson`` holds one feature per municipality (N03, 2021-01-01,
simplified to 0.1 %, built by ``scripts/build_municipalities.py``): ``id`` = the 6-digit
全国地方公共団体コード, properties ``code``, ``name_ja``, ``prefecture_code``, ``prefecture_ja``,
``lat``/``lon`` (a point inside the outline). A few tiny islands have no outline left after the
simplification (null geometry): they keep their names and codes.

Read on first use and cached; nothing is read on import. ``CREDIT_JA`` is the credit MLIT's
terms require; ``credit(lang)`` gives it with an English gloss beside it on English pages.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

GEO_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"
OUTLINES_FILE = GEO_DIR / "municipalities.geojson"

CREDIT_JA = "「国土数値情報（行政区域データ）」（国土交通省）を加工して作成"
CREDIT_EN = (
    "Created by processing the National Land Numerical Information (Administrative Areas), "
    "Ministry of Land, Infrastructure, Transport and Tourism"
)
SOURCE_NOTE = "国土数値情報（行政区域データ）N03, 2021-01-01, MLIT"


def credit(lang: str) -> str:
    """The credit as a page in ``lang`` shows it: the Japanese text MLIT asks for, and on
    English pages its English gloss in parentheses after it."""
    return CREDIT_JA if lang == "ja" else f"{CREDIT_JA} ({CREDIT_EN})"


@cache
def _collection() -> dict:
    return json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))


@cache
def _by_code() -> dict[str, dict]:
    return {f["id"]: f for f in _collection()["features"]}


def codes() -> tuple[str, ...]:
    """Every municipality's 6-digit code, in order."""
    return tuple(_by_code())


def properties(code: str) -> dict | None:
    """The properties of municipality ``code`` (a copy), or None for a code not in the file."""
    feature = _by_code().get(str(code))
    return None if feature is None else dict(feature["properties"])


def has_outline(code: str) -> bool:
    """Whether municipality ``code`` has an outline to draw."""
    feature = _by_code().get(str(code))
    return feature is not None and feature["geometry"] is not None


def geometry(code: str) -> dict | None:
    """The outline of ``code`` as a GeoJSON geometry (shared: do not change it), or None."""
    feature = _by_code().get(str(code))
    return None if feature is None else feature["geometry"]


@cache
def shape(code: str):
    """The outline of ``code`` as a shapely geometry, or None."""
    from shapely.geometry import shape as to_shape

    found = geometry(code)
    return None if found is None else to_shape(found)


def bounds(code: str) -> tuple[float, float, float, float] | None:
    """``(south, west, north, east)`` of the outline of ``code``, or None without one."""
    found = shape(code)
    if found is None:
        return None
    west, south, east, north = found.bounds
    return south, west, north, east


def outline_geojson(codes: Iterable[str], props: dict[str, dict] | None = None) -> dict:
    """A FeatureCollection of the outlines of ``codes`` (those without one left out), feature
    ``id`` = the code; each feature's properties are ``props[code]`` (empty when not given).

    Geometries are shared with the cache: a caller may change the properties it gets, never
    the coordinates."""
    props = props or {}
    features = []
    for code in dict.fromkeys(str(c) for c in codes):
        found = geometry(code)
        if found is not None:
            features.append(
                {
                    "type": "Feature",
                    "id": code,
                    "properties": copy.copy(props.get(code, {})),
                    "geometry": found,
                }
            )
    return {"type": "FeatureCollection", "features": features}
