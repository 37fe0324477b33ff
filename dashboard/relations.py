"""A town's relationship population (関係人口) in the ministries' terms, counted from the rows.

総務省 calls 関係人口 the people who are neither settled residents nor one-off tourists but
engage with a region in many ways; 国土交通省's survey sorts them by how they engage (直接寄与型,
就労型, 参加・交流型, 趣味・消費型) and by their days in the region (1 day or less, 2–7, 8 or more).
Here a person's days are the distinct calendar days of the dated programs they took part in, in
the town (first and last day included, overlapping programs counted once); a person in any
undated program of the town has "days unknown", never a guess. The engagement type is the
program's optional ``engagement_type``; nothing else is inferred.

Pure functions over a ``Dataset`` (the whole, access-scoped one, as ``dashboard.town`` takes).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import schema
from dashboard.data import Dataset
from dashboard.memo import memo

# the survey's four ways of engaging, as programs.csv writes them
ENGAGEMENT_TYPES = schema.ENGAGEMENT_TYPES
NOT_RECORDED = ""  # the engagement type of a program whose row gives none
# the survey's bands of days in the region, and the band of people whose days are unknown
DAY_BANDS = ("1", "2-7", "8+")
DAYS_UNKNOWN = "unknown"
PER_RESIDENTS = 10_000
TODAY_ENV = "DASHBOARD_TODAY"


def today() -> dt.date:
    """Today's date, or ``DASHBOARD_TODAY`` (ISO) when it is set (tests fix the day)."""
    value = os.environ.get(TODAY_ENV, "").strip()
    return dt.date.fromisoformat(value) if value else dt.date.today()


def day_band(days: int | None) -> str:
    """The survey band of a number of days: "1" (1 or less), "2-7", "8+"; unknown for None."""
    if days is None:
        return DAYS_UNKNOWN
    return "1" if days <= 1 else "2-7" if days <= 7 else "8+"


def _town_pairs(ds: Dataset, region_id: str) -> pd.DataFrame:
    """The town's participations with their program's dates: participant_id, program_id,
    start_date, end_date."""
    programs = ds.programs[ds.programs["region_id"] == region_id]
    cols = ["program_id", "start_date", "end_date"]
    pairs = ds.participations[["participant_id", "program_id"]]
    return pairs.merge(programs[cols], on="program_id", how="inner").drop_duplicates(
        ["participant_id", "program_id"]
    )


@memo(maxsize=64)
def person_days_in_town(ds: Dataset, region_id: str) -> pd.DataFrame:
    """One row per person of the town: participant_id, days (Int64: distinct calendar days of
    their programs here; NA when one of those programs is undated), band (``day_band``)."""
    pairs = _town_pairs(ds, region_id)
    undated = pairs["start_date"].isna() | pairs["end_date"].isna()
    people = pd.Index(sorted(pairs["participant_id"].unique()), name="participant_id")
    dated = pairs[~undated]
    days = pd.Series(0, index=people, dtype="Int64")
    if len(dated):
        start = dated["start_date"].to_numpy(dtype="datetime64[D]").astype("int64")
        end = dated["end_date"].to_numpy(dtype="datetime64[D]").astype("int64")
        length = np.maximum(end - start + 1, 0)
        who = np.repeat(dated["participant_id"].to_numpy(dtype=object), length)
        offset = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
        day = np.repeat(start, length) + offset
        spent = pd.DataFrame({"participant_id": who, "day": day}).drop_duplicates()
        days = spent.groupby("participant_id")["day"].count().reindex(people, fill_value=0)
        days = days.astype("Int64")
    unknown = set(pairs.loc[undated, "participant_id"])
    days[days.index.isin(unknown)] = pd.NA
    out = pd.DataFrame({"participant_id": people, "days": days.to_numpy()})
    out["band"] = [day_band(None if pd.isna(d) else int(d)) for d in out["days"]]
    return out


def day_bands(ds: Dataset, region_id: str) -> dict[str, int]:
    """People of the town per band of days: ``{"1": n, "2-7": n, "8+": n, "unknown": n}``."""
    counts = person_days_in_town(ds, region_id)["band"].value_counts()
    return {band: int(counts.get(band, 0)) for band in (*DAY_BANDS, DAYS_UNKNOWN)}


@memo(maxsize=64)
def engagement(ds: Dataset, region_id: str) -> dict[str, int]:
    """Distinct people of the town per engagement type of the programs they took part in, in
    ``ENGAGEMENT_TYPES`` order, and ``NOT_RECORDED`` for people in programs whose row gives no
    type. Empty when no program of the town records one (nothing is shown then). A person in
    programs of two types counts under each."""
    programs = ds.programs[ds.programs["region_id"] == region_id]
    if "engagement_type" not in programs.columns or programs["engagement_type"].isna().all():
        return {}
    kinds = programs.set_index("program_id")["engagement_type"].fillna(NOT_RECORDED)
    pairs = _town_pairs(ds, region_id)
    pairs = pairs.assign(kind=pairs["program_id"].map(kinds))
    people = pairs.groupby("kind")["participant_id"].nunique()
    out = {kind: int(people.get(kind, 0)) for kind in ENGAGEMENT_TYPES}
    out[NOT_RECORDED] = int(people.get(NOT_RECORDED, 0))
    return out


@dataclass(frozen=True)
class Population:
    """The town's population as ``regions.csv`` gives it (None when it does not)."""

    residents: int
    year: int | None
    source: str


def population(region: dict) -> Population | None:
    """The town's population from the optional ``population``, ``population_year`` and
    ``population_source`` columns of its regions row; None when no positive number is given."""
    value = region.get("population")
    if value is None or pd.isna(value) or int(value) <= 0:
        return None
    year = region.get("population_year")
    source = region.get("population_source")
    return Population(
        residents=int(value),
        year=None if year is None or pd.isna(year) else int(year),
        source="" if source is None or pd.isna(source) else str(source),
    )


def per_residents(people: int, residents: int) -> float:
    """People per ``PER_RESIDENTS`` residents, to one decimal."""
    return round(people * PER_RESIDENTS / residents, 1)


def share(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole``, to one decimal (None when ``whole`` is 0)."""
    return round(100 * part / whole, 1) if whole else None


def running_programs(programs: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    """Programs still running on ``on``: whose end date (the start date when the end is not
    given) is after that day. Their numbers can still change: they are shown as provisional."""
    last = programs["end_date"].fillna(programs["start_date"])
    running = (last > pd.Timestamp(on)).fillna(False).to_numpy(dtype=bool)
    return programs[running]


def provisional_ids(ds: Dataset, on: dt.date | None = None) -> tuple[str, ...]:
    """Ids of the programs of ``ds`` still running on ``on`` (today by default), in order."""
    return tuple(running_programs(ds.programs, on or today())["program_id"])
