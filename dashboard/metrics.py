"""Pure functions: a ``Dataset`` and filters in, tidy DataFrames and numbers out.

Counts are counts of rows. A program's *days* are calendar days, first and last included
(``end_date - start_date + 1``); *person-days* add up days over participations, only where both
dates are known.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import schema
from dashboard.data import Dataset, calendar_days, isin
from dashboard.memo import memo

UNKNOWN = ""  # the nationality code of a participant whose nationality the source does not give


@dataclass(frozen=True)
class Filters:
    """What the sidebar selects. Empty tuples and ``years=None`` mean "no filter".

    ``nationalities`` holds alpha-2 codes; ``UNKNOWN`` ("") selects people of unknown nationality.
    """

    years: tuple[int, int] | None = None
    towns: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.years or self.towns or self.nationalities)


def program_years(programs: pd.DataFrame) -> pd.DataFrame:
    """``program_id, first_year, last_year`` (NA when the program's dates are unknown)."""
    start = programs["start_date"].dt.year.astype("Int64")
    end = programs["end_date"].dt.year.astype("Int64").fillna(start)
    return pd.DataFrame(
        {"program_id": programs["program_id"], "first_year": start, "last_year": end}
    )


@memo
def year_span(ds: Dataset) -> tuple[int, int] | None:
    """The first and last year any program runs in, or None when no program has dates."""
    years = program_years(ds.programs)
    if years["first_year"].isna().all():
        return None
    return int(years["first_year"].min()), int(years["last_year"].max())


@memo(maxsize=16)
def apply_filters(ds: Dataset, filters: Filters) -> Dataset:
    """The part of ``ds`` the filters select, every table cut consistently.

    A year range keeps programs that run in it (programs with unknown dates drop out, since
    they cannot be placed in any year); a town filter keeps programs in those towns; a
    nationality filter keeps those people. People and testimonials tied to no program are kept
    only while no year or town filter is set.
    """
    if not filters.active:
        return ds
    programs = ds.programs
    if filters.towns:
        programs = programs[isin(programs["region_id"], filters.towns)]
    if filters.years:
        lo, hi = filters.years
        years = program_years(programs)
        inside = (years["first_year"] <= hi) & (years["last_year"] >= lo)
        programs = programs[inside.fillna(False).to_numpy()]
    program_ids = programs["program_id"].dropna()
    place_filter = bool(filters.towns or filters.years)

    people = ds.participants
    if filters.nationalities:
        codes = people["nationality"].fillna(UNKNOWN)
        people = people[isin(codes, filters.nationalities)]
    pairs = ds.participations
    pairs = pairs[
        isin(pairs["program_id"], program_ids)
        & isin(pairs["participant_id"], people["participant_id"].dropna())
    ]
    if place_filter or filters.nationalities:
        ids = people["participant_id"]
        keep = isin(ids, pairs["participant_id"].dropna())
        if not place_filter:  # people in no program at all stay
            keep |= ~isin(ids, ds.participations["participant_id"].dropna())
        people = people[keep]

    texts = ds.testimonials
    texts = texts[isin(texts["participant_id"], people["participant_id"].dropna())]
    if place_filter:
        texts = texts[isin(texts["program_id"], program_ids)]
    if filters.nationalities:
        # a program stays when someone of the chosen nationalities took part in it; the
        # organisation's head count covers every nationality, so it no longer applies
        programs = programs[isin(programs["program_id"], pairs["program_id"].dropna())].assign(
            participants_reported=pd.NA
        )
        programs["participants_reported"] = programs["participants_reported"].astype("Int64")
    regions = ds.regions
    if place_filter or filters.nationalities:
        regions = regions[isin(regions["region_id"], programs["region_id"].dropna())]
    outcomes = ds.outcomes[isin(ds.outcomes["program_id"], programs["program_id"].dropna())]
    return ds.replace(
        regions=regions,
        programs=programs,
        participants=people,
        participations=pairs,
        testimonials=texts,
        outcomes=outcomes,
    )


# the columns of program_table, in order
PROGRAM_TABLE_COLUMNS = [
    *schema.PROGRAM_FACTS[:-1],
    "reported",  # participants_reported
    "days",
    "listed",
    "nationalities",
    "unknown_nationality",
    "person_days",
]


@memo
def program_table(ds: Dataset) -> pd.DataFrame:
    """One row per program: its town, dates, days, participants listed and reported, countries.

    Columns (``PROGRAM_TABLE_COLUMNS``): program_id, region_id, title, kind, start_date,
    end_date, reported, days, listed, nationalities (distinct known codes),
    unknown_nationality, person_days.
    """
    programs = ds.programs
    days = calendar_days(programs["start_date"], programs["end_date"])
    people = ds.participations.merge(
        ds.participants[["participant_id", "nationality"]], on="participant_id", how="left"
    )
    listed = people.groupby("program_id")["participant_id"].nunique()
    known = people.dropna(subset=["nationality"]).groupby("program_id")["nationality"].nunique()
    unknown = people[people["nationality"].isna()].groupby("program_id")["participant_id"].nunique()
    out = programs[list(schema.PROGRAM_FACTS)].rename(columns={"participants_reported": "reported"})
    out["days"] = days
    ids = out["program_id"]
    out["listed"] = ids.map(listed).fillna(0).astype(int).to_numpy()
    out["nationalities"] = ids.map(known).fillna(0).astype(int).to_numpy()
    out["unknown_nationality"] = ids.map(unknown).fillna(0).astype(int).to_numpy()
    out["person_days"] = (out["days"] * out["listed"]).astype("Int64")
    return out[PROGRAM_TABLE_COLUMNS].reset_index(drop=True)


def person_days(ds: Dataset) -> int:
    """Days spent in the towns, summed over people, for programs whose dates are known."""
    return int(program_table(ds)["person_days"].sum(skipna=True))


@memo
def returning_participants(ds: Dataset) -> pd.DataFrame:
    """People in more than one program: participant_id, display_name, nationality, programs (count),
    program_ids (sorted list)."""
    pairs = ds.participations
    sizes = pairs["participant_id"].value_counts()
    several = pairs[isin(pairs["participant_id"], sizes.index[sizes.to_numpy() > 1])]
    if several.empty:  # nobody returned: the table as the grouping below leaves it, empty
        return _returning(pairs.iloc[: min(len(pairs), 1)], ds.participants)
    ordered = several.sort_values(["participant_id", "program_id"])
    person = ordered["participant_id"].to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, person[1:] != person[:-1]])
    lists = [part.tolist() for part in np.split(ordered["program_id"].to_numpy(dtype=object),
                                                starts[1:])]  # fmt: skip
    counts = pd.Series(
        lists,
        index=pd.Index(ordered["participant_id"].iloc[starts], name="participant_id"),
        dtype=object,
    )
    return _returned(counts, ds.participants)


def _returning(pairs: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """``returning_participants`` one group at a time (for tables with nobody returning)."""
    counts = pairs.groupby("participant_id")["program_id"].agg(lambda s: sorted(s))
    return _returned(counts, participants)


def _returned(counts: pd.Series, participants: pd.DataFrame) -> pd.DataFrame:
    counts = counts[counts.map(len) > 1]
    out = participants.set_index("participant_id").loc[
        counts.index, ["display_name", "nationality"]
    ]
    out = out.assign(programs=counts.map(len), program_ids=counts)
    return out.reset_index()


@memo
def headline(ds: Dataset) -> dict[str, int]:
    """The numbers at the top of the overview, each computed from the rows.

    ``participants_reported`` adds each program's reported figure where the organisation gave
    one, and the listed count where it did not, over the programs; it is meant to be shown only
    when it differs from ``participants_in_programs``.
    """
    table = program_table(ds)
    in_programs = ds.participations["participant_id"].nunique()
    reported = table["reported"].fillna(table["listed"]).astype(int).sum()
    listed_sum = int(table["listed"].sum())
    return {
        "programs": len(ds.programs),
        "towns": ds.regions["region_id"].nunique(),
        "participants": len(ds.participants),
        "participants_in_programs": in_programs,
        # reported minus what is listed per program, added to the distinct people in programs
        "participants_reported": int(in_programs + (reported - listed_sum)),
        "nationalities": ds.participants["nationality"].dropna().nunique(),
        "unknown_nationality": int(ds.participants["nationality"].isna().sum()),
        "person_days": person_days(ds),
        "programs_without_dates": int(table["days"].isna().sum()),
        "outcomes": len(ds.outcomes),
        "returning": len(returning_participants(ds)),
        "testimonials": len(ds.testimonials),
    }


@memo
def participants_by_town(ds: Dataset) -> pd.DataFrame:
    """Per town: region_id, name_en, name_ja, listed (distinct people), reported (as in
    ``headline``), programs. Sorted by listed, descending; towns with no people included."""
    table = program_table(ds)
    people = ds.participations.merge(ds.programs[["program_id", "region_id"]], on="program_id")
    listed = people.groupby("region_id")["participant_id"].nunique()
    table = table.assign(reported=table["reported"].fillna(table["listed"]).astype(int))
    reported = table.groupby("region_id")["reported"].sum()
    programs = table.groupby("region_id")["program_id"].count()
    out = ds.regions[["region_id", "name_en", "name_ja"]].copy()
    out["listed"] = out["region_id"].map(listed).fillna(0).astype(int)
    out["reported"] = out["region_id"].map(reported).fillna(0).astype(int)
    out["programs"] = out["region_id"].map(programs).fillna(0).astype(int)
    return out.sort_values(["listed", "region_id"], ascending=[False, True]).reset_index(drop=True)


@memo
def nationality_counts(ds: Dataset) -> pd.DataFrame:
    """People per nationality: nationality (alpha-2, "" for unknown), people. Most first."""
    codes = ds.participants["nationality"].fillna(UNKNOWN)
    out = codes.value_counts().rename_axis("nationality").reset_index(name="people")
    return out.sort_values(["people", "nationality"], ascending=[False, True]).reset_index(
        drop=True
    )
