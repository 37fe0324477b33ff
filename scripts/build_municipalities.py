"""Build data/geo/municipalities.geojson from the N03 reference files (2021-01-01, 0.1 %).

Usage: .venv/bin/python scripts/build_municipalities.py [SOURCE_FOLDER]

Reads ``N03-21_210101_designated_city_s0001.geojson`` (each designated city's wards joined into
one city) and writes one feature per municipality: ``id`` and ``code`` the 6-digit
全国地方公共団体コード with its JIS X 0402 check digit, ``name_ja``, ``prefecture_code`` (1–47),
``prefecture_ja``, ``lat``/``lon`` a point inside the outline (shapely's
``point_on_surface`` of the largest part), the outline rounded to 4 decimals (about 10 m, far
finer than a 0.1 % simplification draws). Areas without a code (所属未定地) are left out; the
few municipalities the simplification left without an outline keep their names and codes with
a null geometry.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.municipal import with_check_digit  # noqa: E402

SOURCE = Path("/work/shared/reference/municipalities")
FILE = "N03-21_210101_designated_city_s0001.geojson"
OUT = ROOT / "data" / "geo" / "municipalities.geojson"
DECIMALS = 4


def _rounded(geometry):
    return json.loads(json.dumps(mapping(geometry)), parse_float=lambda v: round(float(v), 6))


def main(source: Path = SOURCE) -> None:
    features = json.loads((source / FILE).read_text(encoding="utf-8"))["features"]
    out = []
    for feature in features:
        props = feature["properties"]
        if not props["N03_007"]:
            continue
        code = with_check_digit(props["N03_007"])
        name = props["N03_004"] or props["N03_003"]  # a designated city: its name is N03_003
        geometry = None
        lat = lon = None
        if feature["geometry"]:
            geom = shapely.set_precision(shape(feature["geometry"]), 10**-DECIMALS)
            geom = shapely.make_valid(geom)
            if not geom.is_empty:
                parts = getattr(geom, "geoms", [geom])
                largest = max((p for p in parts if p.area > 0), key=lambda p: p.area)
                point = largest.point_on_surface()
                lat, lon = round(point.y, DECIMALS), round(point.x, DECIMALS)
                polygons = [p for p in parts if p.geom_type in ("Polygon", "MultiPolygon")]
                geom = shapely.union_all(polygons)
                geometry = _rounded(geom)
        out.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {
                    "code": code,
                    "name_ja": name,
                    "prefecture_code": int(code[:2]),
                    "prefecture_ja": props["N03_001"],
                    "lat": lat,
                    "lon": lon,
                },
                "geometry": geometry,
            }
        )
    out.sort(key=lambda f: f["id"])
    text = json.dumps(
        {"type": "FeatureCollection", "features": out}, ensure_ascii=False, separators=(",", ":")
    )
    OUT.write_text(text + "\n", encoding="utf-8")
    print(f"{len(out)} municipalities -> {OUT} ({OUT.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
