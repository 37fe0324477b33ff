"""Shapes the app carries, so that every map draws its geography without the internet.

- Japan's 47 prefectures: the boundaries shipped inside the ``japanmap`` package (PyPI), turned
  into a GeoDataFrame with geopandas, with the prefecture code (JIS X 0401) and names in Japanese
  (``japanmap``) and English (ISO 3166-2:JP names from ``pycountry``).
- The world's countries: Natural Earth 1:110m (public domain) as packed in the npm package
  ``world-atlas@2.0.2`` (``data/geo/countries-110m.json``, TopoJSON), keyed by ISO 3166-1
  alpha-2; one point per country (``data/geo/country_points.csv``, from Natural Earth 1:50m, which
  also has the small countries 1:110m leaves out, such as Singapore).

Everything is read on first use and cached; nothing is read on import. See ``data/geo/README.md``.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

import pandas as pd

GEO_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"
WORLD_FILE = GEO_DIR / "countries-110m.json"
COUNTRY_POINTS_FILE = GEO_DIR / "country_points.csv"
PREFECTURES = 47


@cache
def prefecture_frame():
    """The 47 prefectures as a GeoDataFrame (EPSG:4326): ``code`` (1–47), ``name_ja``,
    ``name_en``, ``geometry``. Built once per process from ``japanmap``'s boundaries.

    ``japanmap`` gives each prefecture as one outline (the main island of each, small outlying
    islands left out); outlines that cross themselves are repaired with ``make_valid``.
    """
    import geopandas as gpd
    import japanmap
    import pycountry
    import shapely
    from shapely.geometry import Polygon

    points = japanmap.pref_points(japanmap.get_data())
    english = {
        int(s.code.split("-")[1]): s.name for s in pycountry.subdivisions.get(country_code="JP")
    }
    codes = list(range(1, PREFECTURES + 1))
    shapes = [shapely.make_valid(Polygon(p)) for p in points]
    shapes = [shapely.set_precision(s, 1e-4) if s is not None else s for s in shapes]
    return gpd.GeoDataFrame(
        {
            "code": codes,
            "name_ja": [japanmap.pref_names[c] for c in codes],
            "name_en": [english[c] for c in codes],
        },
        geometry=shapes,
        crs="EPSG:4326",
    )


@cache
def _prefecture_geojson_text() -> str:
    frame = prefecture_frame()
    features = []
    for row, shape in zip(frame.to_dict("records"), frame.geometry, strict=True):
        features.append(
            {
                "type": "Feature",
                "id": int(row["code"]),
                "properties": {
                    "code": int(row["code"]),
                    "name_en": row["name_en"],
                    "name_ja": row["name_ja"],
                },
                "geometry": json.loads(json.dumps(shape.__geo_interface__)),
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


@cache
def _prefecture_geojson() -> dict:
    return json.loads(_prefecture_geojson_text())


def prefecture_geojson() -> dict:
    """The 47 prefecture shapes as a GeoJSON FeatureCollection (a fresh copy, safe to change).

    Each feature has ``id`` = the prefecture code (int, 1–47, JIS X 0401) and properties
    ``code``, ``name_en`` ("Iwate") and ``name_ja`` ("岩手県"). Coordinates are lon/lat. Use it
    with plotly (``go.Choroplethmap(geojson=..., locations=codes, featureidkey="id")``) or
    folium (``folium.GeoJson``).
    """
    return copy.deepcopy(_prefecture_geojson())


@cache
def world_frame():
    """Countries of Natural Earth 1:110m as a GeoDataFrame: ``alpha2`` (ISO 3166-1, "" for the
    few areas without a code such as Kosovo or Somaliland), ``name``, ``geometry``."""
    import geopandas as gpd
    import numpy as np
    import pycountry
    import shapely

    frame = gpd.read_file(WORLD_FILE, layer="countries")

    def alpha2(numeric) -> str:
        if not numeric or numeric != numeric:
            return ""
        try:
            return pycountry.countries.get(numeric=str(numeric)).alpha_2
        except (LookupError, AttributeError):
            return ""

    frame["alpha2"] = [alpha2(n) for n in frame["id"]]
    # Antarctica is no one's nationality, and its edge along the pole draws as a band in web
    # Mercator; every shape is kept inside the latitudes web maps show.
    frame = frame[frame["name"] != "Antarctica"].reset_index(drop=True)
    shapes = [_split_at_antimeridian(g) for g in frame.geometry.values]
    shapes = shapely.make_valid(np.asarray(shapes))
    shapes = shapely.intersection(shapes, shapely.box(-180, -60, 180, 84))
    # a 0.01° grid (about 1 km) is finer than 1:110m draws, and halves what a figure carries
    frame = frame.set_geometry(shapely.set_precision(shapes, 0.01))
    frame = frame.set_crs("EPSG:4326", allow_override=True)
    return frame[["alpha2", "name", "geometry"]]


def _split_at_antimeridian(geom):
    """Parts whose outline jumps across longitude ±180° (Russia, Fiji: the TopoJSON relies on
    spherical drawing) cut into a western and an eastern piece, so flat maps draw no band."""
    import numpy as np
    import shapely
    import shapely.affinity
    from shapely.geometry import MultiPolygon

    parts = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    out = []
    for part in parts:
        xs = np.asarray(part.exterior.coords)[:, 0]
        if len(xs) < 2 or np.abs(np.diff(xs)).max() <= 180:
            out.append(part)
            continue
        east = shapely.transform(
            part,
            lambda c: np.column_stack([np.where(c[:, 0] < 0, c[:, 0] + 360, c[:, 0]), c[:, 1]]),
        )
        east = shapely.make_valid(east)
        left = shapely.intersection(east, shapely.box(0, -90, 180, 90))
        right = shapely.affinity.translate(
            shapely.intersection(east, shapely.box(180, -90, 360, 90)), xoff=-360
        )
        for piece in (left, right):
            out += [g for g in getattr(piece, "geoms", [piece]) if g.geom_type == "Polygon"]
    return MultiPolygon(out) if len(out) > 1 else out[0]


@cache
def _world_geojson_text() -> str:
    frame = world_frame()
    features = []
    for i, (code, name, shape) in enumerate(
        zip(frame["alpha2"], frame["name"], frame.geometry, strict=True)
    ):
        features.append(
            {
                "type": "Feature",
                # areas without a code still draw (grey): they get an id no data row uses
                "id": code or f"_{i}",
                "properties": {"alpha2": code, "name": name},
                "geometry": shape.__geo_interface__,
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features})


@cache
def _world_geojson() -> dict:
    return json.loads(_world_geojson_text())


def world_geojson() -> dict:
    """The world's countries (Natural Earth 1:110m) as GeoJSON, feature ``id`` = alpha-2 code.

    The returned dict is shared (cached): do not change it; ``copy.deepcopy`` it first if needed.
    """
    return _world_geojson()


@cache
def world_ids() -> tuple[str, ...]:
    """The feature ids of ``world_geojson()``, in order."""
    return tuple(f["id"] for f in _world_geojson()["features"])


@cache
def country_points() -> pd.DataFrame:
    """One point per country, indexed by alpha-2 code: ``lat``, ``lon``, ``name`` (a point
    inside the country's largest land area, from Natural Earth 1:50m)."""
    # keep_default_na=False: Namibia's code is "NA"
    frame = pd.read_csv(COUNTRY_POINTS_FILE, dtype={"numeric": str}, keep_default_na=False)
    return frame.set_index("alpha2")[["lat", "lon", "name"]]
