"""The tables the maps draw, cached per dataset (a ``Dataset`` hashes by identity, so each data
version or filter gets its own entry): ``town_summary``, ``prefecture_counts``,
``nationality_table``, ``flow_table``, ``unknown_in_flows``. Counts are counts of distinct
people (rows of participants.csv). Also ``flow_width`` (a flow line's width) and
``select_town`` (the town of a marker click).
"""

from __future__ import annotations

import math

import pandas as pd

from dashboard import metrics
from dashboard.data import Dataset
from dashboard.geo import country_points, prefecture_geojson
from dashboard.memo import memo


def _people_by_town(ds: Dataset) -> pd.DataFrame:
    """participant_id, region_id, nationality: one row per person and town."""
    pairs = ds.participations[["participant_id", "program_id"]].merge(
        ds.programs[["program_id", "region_id"]], on="program_id"
    )
    pairs = pairs.merge(ds.participants[["participant_id", "nationality"]], on="participant_id")
    return pairs.drop_duplicates(["participant_id", "region_id"])[
        ["participant_id", "region_id", "nationality"]
    ]


@memo
def town_summary(ds: Dataset) -> pd.DataFrame:
    """One row per town of ``ds.regions``: region_id, name_en, name_ja, municipality_code (None
    where not given), prefecture_code, lat, lon, programs, people (distinct people listed),
    reported (the organisation's head count added over programs where it gave one, else listed,
    as ``metrics.participants_by_town``),
    countries (sorted tuple of known alpha-2 codes), unknown (people of unknown nationality),
    program_list (tuple of (title, start_date, end_date) sorted by start, undated last).
    """
    by_town = metrics.participants_by_town(ds).set_index("region_id")
    people = _people_by_town(ds)
    countries = (
        people.dropna(subset=["nationality"])
        .groupby("region_id")["nationality"]
        .agg(lambda s: tuple(sorted(set(s))))
    )
    unknown = people[people["nationality"].isna()].groupby("region_id")["participant_id"].nunique()
    programs = ds.programs.sort_values(["start_date", "program_id"], na_position="last")
    lists: dict[str, list] = {}
    for rid, title, start, end in programs[
        ["region_id", "title", "start_date", "end_date"]
    ].itertuples(index=False, name=None):
        lists.setdefault(rid, []).append((title, start, end))
    program_list = {rid: tuple(items) for rid, items in lists.items()}
    out = ds.regions[["region_id", "name_en", "name_ja", "prefecture_code", "lat", "lon"]].copy()
    codes = ds.regions.get("municipality_code")
    out.insert(3, "municipality_code", None if codes is None else codes.to_numpy(dtype=object))
    ids = out["region_id"]
    out["programs"] = ids.map(by_town["programs"]).fillna(0).astype(int).to_numpy()
    out["people"] = ids.map(by_town["listed"]).fillna(0).astype(int).to_numpy()
    out["reported"] = ids.map(by_town["reported"]).fillna(0).astype(int).to_numpy()
    out["countries"] = [countries.get(r, ()) for r in ids]
    out["unknown"] = ids.map(unknown).fillna(0).astype(int).to_numpy()
    out["program_list"] = [program_list.get(r, ()) for r in ids]
    return out.reset_index(drop=True)


@memo
def prefecture_counts(ds: Dataset) -> pd.DataFrame:
    """All 47 prefectures: code, name_en, name_ja, towns, programs, people (distinct people who
    took part in a program in a town of that prefecture; 0 where no program was held)."""
    shapes = prefecture_geojson()["features"]
    out = pd.DataFrame([f["properties"] for f in shapes])[["code", "name_en", "name_ja"]]
    region_pref = ds.regions.set_index("region_id")["prefecture_code"]
    people = _people_by_town(ds)
    people = people.assign(code=people["region_id"].map(region_pref))
    by_people = people.groupby("code")["participant_id"].nunique()
    programs = ds.programs.assign(code=ds.programs["region_id"].map(region_pref))
    by_programs = programs.groupby("code")["program_id"].count()
    with_program = set(programs["region_id"])
    towns = ds.regions[ds.regions["region_id"].isin(with_program)]
    by_towns = towns.groupby("prefecture_code")["region_id"].count()
    for column, counts in (("towns", by_towns), ("programs", by_programs), ("people", by_people)):
        counts.index = counts.index.astype(int)
        out[column] = out["code"].map(counts).fillna(0).astype(int)
    return out


@memo
def nationality_table(ds: Dataset) -> pd.DataFrame:
    """People per nationality (``metrics.nationality_counts``; "" = unknown, kept) with lat/lon
    of the country's point (NaN for unknown), most first."""
    table = metrics.nationality_counts(ds)
    points = country_points()
    codes = table["nationality"]
    table["lat"] = codes.map(points["lat"]).astype(float)
    table["lon"] = codes.map(points["lon"]).astype(float)
    return table


@memo
def flow_table(ds: Dataset) -> pd.DataFrame:
    """Home country to town: nationality, region_id, people (distinct people of that nationality
    who took part in a program in that town). People of unknown nationality have no home to
    draw a line from: they are left out here and counted by ``unknown_in_flows``."""
    people = _people_by_town(ds).dropna(subset=["nationality"])
    out = (
        people.groupby(["nationality", "region_id"])["participant_id"]
        .nunique()
        .reset_index(name="people")
    )
    return out.sort_values(["people", "nationality", "region_id"], ascending=[False, True, True])


@memo
def unknown_in_flows(ds: Dataset) -> int:
    """Distinct people in programs whose nationality is unknown (no line drawn for them)."""
    people = _people_by_town(ds)
    return int(people.loc[people["nationality"].isna(), "participant_id"].nunique())


def flow_width(people: int) -> float:
    """Line width in pixels for ``people`` people: the area of a line grows with the count."""
    return round(1.0 + 2.0 * math.sqrt(max(int(people), 0)), 2)


def select_town(towns: pd.DataFrame, clicked: dict | None, tolerance: float = 1e-6) -> str | None:
    """The region_id of the town whose marker was clicked (streamlit-folium's
    ``last_object_clicked`` = ``{"lat": .., "lng": ..}``), or None when the click was elsewhere
    (a prefecture, the sea). A click on a Leaflet marker reports the marker's own coordinates."""
    if not clicked or clicked.get("lat") is None or towns.empty:
        return None
    lat, lng = float(clicked["lat"]), float(clicked.get("lng", clicked.get("lon")))
    hit = towns[((towns["lat"] - lat).abs() < tolerance) & ((towns["lon"] - lng).abs() < tolerance)]
    return str(hit["region_id"].iloc[0]) if len(hit) else None
