"""When programs ran and what they added up to: pure tables for the timeline page.

A program's *days* are calendar days, first and last included; *person-days* are days times the
people listed. A program whose dates the source does not give is never placed in time: it is
listed by ``undated_programs`` and left out of every dated table, so nothing here invents a date.

Periods are calendar years, or meteorological seasons of the northern hemisphere: spring is
March to May, summer June to August, autumn September to November, and winter December to
February, named by the year of its December ("winter 2017" is December 2017 to February 2018).
A program that spans two periods counts in both, and its person-days are split by the days it
ran in each, so person-days add up over periods while program counts may not.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.access import withheld
from dashboard.breakdowns import person_label
from dashboard.data import Dataset, calendar_days, split_ids
from dashboard.i18n import (
    country_name,
    format_date_range,
    t,
    town_name,
)
from dashboard.memo import memo
from dashboard.metrics import PROGRAM_TABLE_COLUMNS, program_table

SEASONS = ("spring", "summer", "autumn", "winter")
ONE_DAY = pd.Timedelta(days=1)


def _people(ds: Dataset) -> pd.DataFrame:
    """participations joined with the participants' nationality."""
    return ds.participations.merge(
        ds.participants[["participant_id", "nationality"]], on="participant_id", how="left"
    )


def _with_countries(ds: Dataset, table: pd.DataFrame) -> pd.DataFrame:
    people = _people(ds).dropna(subset=["nationality"])
    pairs = people[["program_id", "nationality"]].drop_duplicates()
    codes = pairs.sort_values("nationality").groupby("program_id")["nationality"].agg(list)
    table = table.copy()
    table["countries"] = [codes.get(pid, []) for pid in table["program_id"]]
    return table


@memo
def gantt_table(ds: Dataset) -> pd.DataFrame:
    """Programs with known dates, in date order.

    Columns: those of ``metrics.program_table`` (program_id, region_id, title, kind, start_date,
    end_date, days, listed, reported, nationalities, unknown_nationality, person_days), plus
    finish (the day after end_date, where a bar drawn to midnight ends so that the last day is
    included) and countries (sorted known codes).
    """
    table = program_table(ds)
    dated = table[table["start_date"].notna() & table["end_date"].notna()][PROGRAM_TABLE_COLUMNS]
    dated = dated.sort_values(["start_date", "program_id"]).reset_index(drop=True)
    dated["finish"] = dated["end_date"] + ONE_DAY
    return _with_countries(ds, dated)


@memo
def undated_programs(ds: Dataset) -> pd.DataFrame:
    """Programs whose start or end date the source does not give (never placed in time).

    Columns: program_id, region_id, title, kind, listed, reported, nationalities,
    unknown_nationality, countries.
    """
    table = program_table(ds)
    undated = table[table["start_date"].isna() | table["end_date"].isna()]
    columns = ["program_id", "region_id", "title", "kind", "listed", "reported", "nationalities"]
    undated = undated[[*columns, "unknown_nationality"]].sort_values("program_id")
    return _with_countries(ds, undated.reset_index(drop=True))


@memo
def cumulative_table(ds: Dataset) -> pd.DataFrame:
    """Running totals as dated programs start, in date order.

    One row per dated program: date (its start), program_id, region_id, participants (distinct
    people in the programs so far), nationalities (distinct known), person_days (sum so far).
    People in undated programs only are in none of these.
    """
    dated = gantt_table(ds)
    order = pd.Series(range(len(dated)), index=dated["program_id"])
    people = _people(ds)
    people = people.assign(order=people["program_id"].map(order)).dropna(subset=["order"])

    def running(first_seen: pd.Series) -> list[int]:
        # each person (or nationality) counts from the first program they are in
        new = first_seen.value_counts().reindex(range(len(dated)), fill_value=0)
        return new.cumsum().astype(int).tolist()

    out = dated[["start_date", "program_id", "region_id"]].rename(columns={"start_date": "date"})
    out["participants"] = running(people.groupby("participant_id")["order"].min())
    known = people.dropna(subset=["nationality"])
    out["nationalities"] = running(known.groupby("nationality")["order"].min())
    out["person_days"] = dated["person_days"].astype(int).cumsum().tolist()
    return out.reset_index(drop=True)


# --- periods ---------------------------------------------------------------------------------


def season_of(day: dt.date | pd.Timestamp) -> tuple[int, str]:
    """``(year, season)`` of a day; December belongs to the winter of its own year."""
    month = day.month
    if month == 12:
        return day.year, "winter"
    if month <= 2:
        return day.year - 1, "winter"
    return day.year, SEASONS[(month - 3) // 3]


def _season_bounds(year: int, season: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    first_month = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}[season]
    start = pd.Timestamp(year, first_month, 1)
    return start, start + pd.DateOffset(months=3) - ONE_DAY


def _periods(first: pd.Timestamp, last: pd.Timestamp, by: str):
    """``(period, start, end)`` for every period from the one holding ``first`` to ``last``."""
    if by == "year":
        for year in range(first.year, last.year + 1):
            yield year, pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
        return
    year, season = season_of(first)
    end_year, end_season = season_of(last)
    while (year, SEASONS.index(season)) <= (end_year, SEASONS.index(end_season)):
        start, end = _season_bounds(year, season)
        yield f"{year}-{season}", start, end
        index = SEASONS.index(season) + 1
        year, season = (year + index // 4, SEASONS[index % 4])


@memo
def period_table(ds: Dataset, by: str = "year") -> pd.DataFrame:
    """Per year (``by="year"``) or season (``by="season"``), from the first dated program to the
    last, empty periods included.

    Columns: period (the year, or ``"2017-autumn"``), start, end, programs (running in it),
    participants (distinct people in those programs), nationalities (distinct known),
    unknown_nationality (people), person_days (days in the period times people listed).
    """
    if by not in ("year", "season"):
        raise ValueError(f"by must be 'year' or 'season', not {by!r}")
    columns = [
        "period",
        "start",
        "end",
        "programs",
        "participants",
        "nationalities",
        "unknown_nationality",
        "person_days",
    ]
    dated = gantt_table(ds)
    if dated.empty:
        return pd.DataFrame(columns=columns)
    people = _people(ds)
    rows = []
    for period, start, end in _periods(dated["start_date"].min(), dated["end_date"].max(), by):
        lo = dated["start_date"].clip(lower=start)
        hi = dated["end_date"].clip(upper=end)
        overlap = calendar_days(lo, hi).clip(lower=0)
        running = dated[overlap > 0]
        here = people[people["program_id"].isin(set(running["program_id"]))]
        unknown = here[here["nationality"].isna()]["participant_id"].nunique()
        rows.append(
            {
                "period": period,
                "start": start,
                "end": end,
                "programs": len(running),
                "participants": here["participant_id"].nunique(),
                "nationalities": here["nationality"].dropna().nunique(),
                "unknown_nationality": unknown,
                "person_days": int((overlap * dated["listed"]).sum()),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def period_label(period: int | str, lang: str) -> str:
    """``2017`` -> "2017" / "2017年"; ``"2017-winter"`` -> "Winter 2017–18" / "2017–18年 冬"."""
    if isinstance(period, str) and "-" in period:
        year, season = period.split("-", 1)
        year = int(year)
        if season == "winter":
            return t("timeline.season.winter", lang, year=year, next=f"{(year + 1) % 100:02d}")
        return t(f"timeline.season.{season}", lang, year=year)
    return t("timeline.year", lang, year=int(period))


# --- one program -----------------------------------------------------------------------------


@memo(maxsize=64)
def program_detail(ds: Dataset, program_id: str, lang: str) -> dict | None:
    """What the detail panel shows for one program, or None when it is not in ``ds``.

    Keys: program (its ``program_table`` row as a dict), town, dates (localised, "date unknown"
    when the source gives none), people (labels: names only where ``public_consent`` allows;
    people the viewer may not see one by one are left out and counted in unlisted),
    countries (localised names, unknown last), outcomes (list of dicts: kind, language,
    quantity, description), testimonials (list of dicts: label, text, language; text as is,
    never markup), reported (the organisation's figure or None).
    """
    table = program_table(ds)
    match = table[table["program_id"] == program_id]
    if match.empty:
        return None
    program = match.iloc[0].to_dict()
    region = ds.regions[ds.regions["region_id"] == program["region_id"]]
    town = town_name(region.iloc[0].to_dict(), lang) if not region.empty else program["region_id"]
    start, end = program["start_date"], program["end_date"]
    dates = format_date_range(start, end, lang)
    people = ds.participations[ds.participations["program_id"] == program_id].merge(
        ds.participants, on="participant_id"
    )
    people = people.sort_values(["nationality", "participant_id"], na_position="last")
    unlisted = int(withheld(people["participant_id"]).sum()) if not people.empty else 0
    records = people[~withheld(people["participant_id"]).to_numpy()].to_dict("records")
    labels = [person_label(row, lang) for row in records]
    names = {str(row.get("display_name") or "").strip() for row in records}
    labels.sort(key=lambda label: (label not in names, label))  # named people first
    codes = sorted(set(people["nationality"].dropna()))
    countries = sorted(country_name(code, lang) for code in codes)
    if people["nationality"].isna().any():
        countries.append(country_name("", lang))
    outcomes = ds.outcomes[ds.outcomes["program_id"] == program_id]
    consent = ds.participants.set_index("participant_id")
    texts = _testimonials_for(ds.testimonials, program_id)
    testimonials = []
    for row in texts.to_dict("records"):
        person = (
            consent.loc[row["participant_id"]].to_dict()
            if row["participant_id"] in consent.index
            else {}
        )
        testimonials.append(
            {
                "label": person_label(person, lang) if person else "",
                "text": str(row["text"]),
                "language": row.get("language"),
            }
        )
    reported = program["reported"]
    return {
        "program": program,
        "town": town,
        "dates": dates,
        "people": labels,
        "unlisted": unlisted,
        "countries": countries,
        "outcomes": [
            {key: (None if pd.isna(value) else value) for key, value in row.items()}
            for row in outcomes[["kind", "language", "quantity", "description"]].to_dict("records")
        ],
        "testimonials": testimonials,
        "reported": None if pd.isna(reported) else int(reported),
    }


def _testimonials_for(texts: pd.DataFrame, program_id: str) -> pd.DataFrame:
    """Testimonials tied to the program, or naming it among ``related_program_ids``."""
    tied = (texts["program_id"] == program_id).fillna(False).astype(bool)
    if "related_program_ids" in texts.columns:
        names = texts["related_program_ids"].map(lambda ids: program_id in split_ids(ids))
        tied = tied | names.astype(bool)
    return texts[tied]
