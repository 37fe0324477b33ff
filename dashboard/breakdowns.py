"""Who took part, by nationality, town and world region: pure tables for the nationalities page.

Every function takes a (filtered) ``Dataset`` and returns plain counts of rows; nothing here
hides small numbers, so a caller that must (the public view) can mask them on top.

Unknown nationality is its own category, coded ``""`` (``metrics.UNKNOWN``), and is always
listed last. World regions are the UN M49 continents (Asia ``142``, Europe ``150``, Americas
``019``, Africa ``002``, Oceania ``009``) as given for each country by the ``country_converter``
package; their names in each language come from CLDR through babel.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from functools import cache

import numpy as np
import pandas as pd
from babel import Locale

from dashboard.data import Dataset
from dashboard.i18n import country_name, format_number, normalise_lang, t
from dashboard.memo import memo
from dashboard.metrics import UNKNOWN, program_table, returning_participants

# country_converter's continent names -> UN M49 codes, which CLDR (babel) names in every language
CONTINENT_M49 = {
    "Africa": "002",
    "America": "019",
    "Asia": "142",
    "Europe": "150",
    "Oceania": "009",
    "Antarctica": "AQ",
}
UNMAPPED_REGION = "ZZ"  # a known country the converter cannot place (CLDR: "Unknown Region")


# --- world regions ---------------------------------------------------------------------------


@cache
def _converter():
    """country_converter's converter, built on first use.

    Its table is read here with ``keep_default_na=False``: pandas 3 otherwise reads Namibia's
    code ``NA`` as missing, which breaks the converter's own loader.
    """
    import country_converter as coco
    from country_converter.country_converter import COUNTRY_DATA_FILE

    table = pd.read_csv(
        COUNTRY_DATA_FILE, sep="\t", encoding="utf-8", keep_default_na=False, na_values=[""]
    )
    return coco.CountryConverter(country_data=table)


@cache
def world_region(code: str | None) -> str:
    """The M49 continent code of nationality ``code``: ``""`` when the nationality is unknown,
    ``"ZZ"`` when the country is known but has no continent in the converter's table."""
    if not code:
        return UNKNOWN
    continent = _converter().convert(code.upper(), src="ISO2", to="continent", not_found=None)
    return (
        CONTINENT_M49.get(continent, UNMAPPED_REGION)
        if isinstance(continent, str)
        else (UNMAPPED_REGION)
    )


def world_region_name(code: str, lang: str) -> str:
    """The region's name in ``lang`` (CLDR); ``""`` is "unknown nationality"."""
    if not code:
        return t("common.unknown_nationality", lang)
    return Locale.parse(normalise_lang(lang)).territories.get(code, code)


# --- tables ----------------------------------------------------------------------------------


def _unknown_last(frame: pd.DataFrame, code: str, by: list[str], ascending: list[bool]):
    """Sort by ``by`` with rows whose ``code`` is unknown at the end."""
    frame = frame.assign(_unknown=frame[code] == UNKNOWN)
    frame = frame.sort_values(["_unknown", *by], ascending=[True, *ascending])
    return frame.drop(columns="_unknown").reset_index(drop=True)


def _share(people: pd.Series, total: int) -> pd.Series:
    """Percent of ``total``, one decimal; 0 when there is no one."""
    return (people * 100 / total).round(1) if total else people * 0.0


@memo
def nationality_table(ds: Dataset) -> pd.DataFrame:
    """People per nationality, most first, unknown last.

    Columns: nationality (alpha-2, ``""`` unknown), people, share (% of everyone listed in
    ``ds.participants``), world_region (M49 code).
    """
    codes = ds.participants["nationality"].fillna(UNKNOWN).astype(str)
    out = codes.value_counts().rename_axis("nationality").reset_index(name="people")
    out["people"] = out["people"].astype(int)
    out["share"] = _share(out["people"], len(codes))
    out["world_region"] = out["nationality"].map(world_region)
    return _unknown_last(out, "nationality", ["people", "nationality"], [False, True])


def _people_in_towns(ds: Dataset) -> pd.DataFrame:
    """Distinct (region_id, participant_id, nationality) rows of people who took part there."""
    pairs = ds.participations.merge(ds.programs[["program_id", "region_id"]], on="program_id")
    pairs = pairs.merge(ds.participants[["participant_id", "nationality"]], on="participant_id")
    pairs["nationality"] = pairs["nationality"].fillna(UNKNOWN).astype(str)
    return pairs[["region_id", "participant_id", "nationality"]].drop_duplicates()


@memo
def town_nationality_table(ds: Dataset) -> pd.DataFrame:
    """People per town and nationality (someone in two programs in one town counts once there;
    someone in two towns counts in each).

    Columns: region_id, nationality, people. Towns in name order; within a town most first,
    unknown last.
    """
    people = _people_in_towns(ds)
    out = (
        people.groupby(["region_id", "nationality"])["participant_id"]
        .nunique()
        .rename("people")
        .reset_index()
    )
    out["people"] = out["people"].astype(int)
    out = out.assign(_unknown=out["nationality"] == UNKNOWN)
    out = out.sort_values(
        ["region_id", "_unknown", "people", "nationality"], ascending=[True, True, False, True]
    )
    return out.drop(columns="_unknown").reset_index(drop=True)


@memo
def town_summary(ds: Dataset) -> pd.DataFrame:
    """Per town with people: region_id, people, nationalities (distinct known), unknown
    (people of unknown nationality). Most nationalities first."""
    people = _people_in_towns(ds)
    known = people[people["nationality"] != UNKNOWN]
    out = pd.DataFrame({"region_id": sorted(set(people["region_id"]))})
    out["people"] = out["region_id"].map(people.groupby("region_id")["participant_id"].nunique())
    out["nationalities"] = (
        out["region_id"].map(known.groupby("region_id")["nationality"].nunique()).fillna(0)
    )
    unknown = people[people["nationality"] == UNKNOWN].groupby("region_id")["participant_id"]
    out["unknown"] = out["region_id"].map(unknown.nunique()).fillna(0)
    out = out.astype({"people": int, "nationalities": int, "unknown": int})
    return out.sort_values(
        ["nationalities", "people", "region_id"], ascending=[False, False, True]
    ).reset_index(drop=True)


@memo
def world_region_table(ds: Dataset) -> pd.DataFrame:
    """People per world region, most first, unknown nationality last.

    Columns: world_region (M49 code, ``""`` unknown), people, nationalities (distinct known
    countries in it), share (% of everyone in ``ds.participants``), countries (sorted codes).
    """
    table = nationality_table(ds)
    total = int(table["people"].sum())
    grouped = table.groupby("world_region")
    out = pd.DataFrame(
        {
            "people": grouped["people"].sum().astype(int),
            "nationalities": grouped["nationality"].agg(lambda s: int((s != UNKNOWN).sum())),
            "countries": grouped["nationality"].agg(lambda s: sorted(c for c in s if c)),
        }
    ).reset_index()
    out["share"] = _share(out["people"], total)
    out = out[["world_region", "people", "nationalities", "share", "countries"]]
    return _unknown_last(out, "world_region", ["people", "world_region"], [False, True])


def shannon(counts: Iterable[int]) -> tuple[float, float | None]:
    """Shannon diversity ``H`` and evenness ``J`` of a set of group sizes.

    ``H = -sum(p_i * ln p_i)`` over the groups with people, ``p_i`` a group's share; ``J =
    H / ln(S)`` with ``S`` the number of groups: 1 when every nationality has as many people
    as every other, towards 0 when one nationality dominates. ``J`` is undefined (None) for
    fewer than two groups.
    """
    sizes = [c for c in counts if c > 0]
    total = sum(sizes)
    if not total:
        return 0.0, None
    h = -sum(c / total * math.log(c / total) for c in sizes)
    h = h + 0.0  # no negative zero
    return h, (h / math.log(len(sizes)) if len(sizes) > 1 else None)


@memo
def diversity_table(ds: Dataset) -> pd.DataFrame:
    """Per program: how many nationalities took part and how evenly they were spread.

    Columns: program_id, region_id, title, kind, start_date, listed (people), reported (the
    organisation's figure, NA when none), nationalities (distinct known), unknown_nationality
    (people), shannon (H), evenness (J, NA below two nationalities). Both measures count known
    nationalities only; see ``shannon``. Most nationalities first.
    """
    table = program_table(ds)
    people = ds.participations.merge(
        ds.participants[["participant_id", "nationality"]], on="participant_id"
    )
    sizes = people.dropna(subset=["nationality"]).groupby(["program_id", "nationality"]).size()
    share = sizes / sizes.groupby(level=0).transform("sum")
    h = (-(share * np.log(share))).groupby(level=0).sum() + 0.0  # + 0.0: no negative zero
    groups = sizes.groupby(level=0).size()
    j = (h / np.log(groups)).where(groups > 1)
    ids = table["program_id"]
    out = table[
        [
            "program_id",
            "region_id",
            "title",
            "kind",
            "start_date",
            "listed",
            "reported",
            "nationalities",
            "unknown_nationality",
        ]
    ].copy()
    # the same measures as ``shannon``, for every program at once
    out["shannon"] = ids.map(h).fillna(0.0).round(3).to_numpy()
    out["evenness"] = pd.array(ids.map(j).round(3).to_numpy(), dtype="Float64")
    return out.sort_values(
        ["nationalities", "listed", "program_id"], ascending=[False, False, True]
    ).reset_index(drop=True)


@memo
def returning_table(ds: Dataset) -> pd.DataFrame:
    """People in more than one program, with the programs.

    Columns: participant_id, display_name, nationality, public_consent, programs (count),
    program_ids (list, in date order, undated last).
    """
    out = returning_participants(ds)
    if out.empty:
        return out.assign(public_consent=pd.Series(dtype="boolean"))
    consent = ds.participants.set_index("participant_id")["public_consent"]
    out["public_consent"] = out["participant_id"].map(consent).fillna(False).astype(bool)
    start = ds.programs.set_index("program_id")["start_date"]
    pairs = out[["participant_id", "program_ids"]].explode("program_ids")
    pairs = pairs.assign(start=pairs["program_ids"].map(start), row=pairs.index)
    pairs = pairs.sort_values(["row", "start", "program_ids"], na_position="last")
    out["program_ids"] = pairs.groupby("row", sort=False)["program_ids"].agg(list)
    return out[
        [
            "participant_id",
            "display_name",
            "nationality",
            "public_consent",
            "programs",
            "program_ids",
        ]
    ]


# --- people and display ----------------------------------------------------------------------


def person_label(person: Mapping, lang: str) -> str:
    """How a person is shown: their name where ``public_consent`` allows and a name is known,
    else "A participant from Thailand" (or "of unknown nationality")."""
    name = person.get("display_name")
    consent = person.get("public_consent")
    consented = consent is not None and not pd.isna(consent) and bool(consent)
    if consented and isinstance(name, str) and name.strip():
        return name.strip()
    code = person.get("nationality")
    if not isinstance(code, str) or not code:
        return t("nationalities.person.unknown", lang)
    return t("nationalities.person.from", lang, country=country_name(code, lang))


def display_table(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """``frame``'s ``columns`` (keys), in that order, renamed to their labels (values): the table
    a page shows beside a chart and offers as CSV.

    A column that mixes numbers and text (a count masked as ``"<3"``) becomes text throughout,
    so it shows and exports the same way in every row."""
    out = frame[list(columns)].rename(columns=dict(columns)).reset_index(drop=True)
    for column in out.columns:
        values = out[column]
        if values.dtype == object and values.map(lambda v: isinstance(v, str)).any():
            out[column] = values.map(lambda v: "" if v is None or v is pd.NA else str(v))
    return out


# --- titles that state the finding ---------------------------------------------------------


def nationality_title(table: pd.DataFrame, lang: str) -> str:
    """The title over ``nationality_table``: how many people, from how many countries, most
    from where ("27 participants from 15 countries; most from Thailand (4)")."""
    people = int(table["people"].sum())
    known = table[table["nationality"] != UNKNOWN]
    number = lambda v: format_number(v, lang)  # noqa: E731
    if known.empty:
        return t("nationalities.by_country.title_none", lang, people=number(people))
    top = known.iloc[0]
    country = country_name(top["nationality"], lang)
    if len(known) == 1:
        return t(
            "nationalities.by_country.title_one_country",
            lang,
            top=country,
            top_n=number(top["people"]),
            people=number(people),
        )
    return t(
        "nationalities.by_country.title",
        lang,
        n=number(len(known)),
        people=number(people),
        top=country,
        top_n=number(top["people"]),
    )


def town_title(summary: pd.DataFrame, town_names: Mapping[str, str], lang: str) -> str:
    """The title over the town -> nationality view, from ``town_summary``: the town with the
    most nationalities ("Tono brought together 9 nationalities")."""
    lead = summary.iloc[0]
    town = town_names.get(lead["region_id"], lead["region_id"])
    count = int(lead["nationalities"])
    if count == 0:
        return t("nationalities.by_town.title_none", lang, town=town)
    if count == 1:
        return t("nationalities.by_town.title_one", lang, town=town)
    return t("nationalities.by_town.title", lang, town=town, n=format_number(count, lang))


def returning_caption(count: int, lang: str) -> str:
    """ "2 people took part in more than one program" (one person: singular)."""
    if count == 1:
        return t("nationalities.returning.caption_one", lang)
    return t("nationalities.returning.caption", lang, n=format_number(count, lang))
