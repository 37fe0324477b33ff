"""One town, seen by its own officials: its programs, its relationship population (関係人口),
what was made for it, what visitors said, and how it compares with the whole network.

Pure functions over a ``Dataset`` (pass the whole, access-scoped dataset: a town's page always
shows the whole town, whatever the sidebar filters say). Counts are counts of rows; unknown
nationalities and dates stay unknown and are counted apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from dashboard.data import Dataset, split_ids
from dashboard.i18n import country_name, join_list, language_name, other_lang, town_name
from dashboard.memo import memo
from dashboard.metrics import UNKNOWN, program_table

SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")
# The figures compared with the network, in the order they are shown.
COMPARED = ("people", "countries", "person_days", "returning", "outcomes", "testimonials")


# --- which town ------------------------------------------------------------------------------


def town_ids(ds: Dataset) -> list[str]:
    """The towns' ids in the dataset's order."""
    return list(ds.regions["region_id"])


def find_town(ds: Dataset, value: str | None) -> dict | None:
    """The regions row (as a dict) whose id is ``value`` (case and spaces ignored), else None."""
    if not value:
        return None
    wanted = str(value).strip().lower()
    rows = ds.regions[ds.regions["region_id"] == wanted]
    return None if rows.empty else rows.iloc[0].to_dict()


def town_links(ds: Dataset, lang: str) -> list[dict]:
    """Every town for a picker: region_id, name (in ``lang``), other (the other script),
    prefecture (in ``lang`` when known), sorted by name in ``lang``."""
    out = []
    for row in ds.regions.to_dict("records"):
        out.append(
            {
                "region_id": row["region_id"],
                "name": town_name(row, lang),
                "other": town_name(row, other_lang(lang)),
                "prefecture": prefecture_name(row, lang),
            }
        )
    return sorted(out, key=lambda r: r["name"])


def prefecture_name(region: dict, lang: str) -> str:
    """The prefecture's name in ``lang`` from the optional prefecture_en/_ja columns (empty when
    the data does not give it)."""
    value = region.get("prefecture_ja" if lang == "ja" else "prefecture_en")
    if value is None or pd.isna(value) or not str(value).strip():
        value = region.get("prefecture_en") if lang == "ja" else None
    return "" if value is None or pd.isna(value) else str(value)


# --- the town's tables -----------------------------------------------------------------------


@memo(maxsize=64)
def programs(ds: Dataset, region_id: str) -> pd.DataFrame:
    """The town's programs (``metrics.program_table`` columns), oldest first, undated last."""
    table = program_table(ds)
    table = table[table["region_id"] == region_id]
    return table.sort_values(["start_date", "program_id"], na_position="last").reset_index(
        drop=True
    )


def _people(ds: Dataset, region_id: str) -> pd.DataFrame:
    """Participations in the town's programs joined with the people: participant_id,
    program_id, nationality, display_name, public_consent."""
    ids = set(ds.programs.loc[ds.programs["region_id"] == region_id, "program_id"])
    pairs = ds.participations[ds.participations["program_id"].isin(ids)]
    cols = ["participant_id", "nationality", "display_name", "public_consent"]
    return pairs[["participant_id", "program_id"]].merge(
        ds.participants[cols], on="participant_id", how="left"
    )


@memo(maxsize=64)
def countries(ds: Dataset, region_id: str) -> pd.DataFrame:
    """People of the town per nationality: nationality (alpha-2, ``""`` unknown), people.

    Most first, unknown last; a person counts once however many times they came.
    """
    people = _people(ds, region_id).drop_duplicates("participant_id")
    codes = people["nationality"].fillna(UNKNOWN)
    out = codes.value_counts().rename_axis("nationality").reset_index(name="people")
    out["unknown"] = out["nationality"] == UNKNOWN
    out = out.sort_values(["unknown", "people", "nationality"], ascending=[True, False, True])
    return out.drop(columns="unknown").reset_index(drop=True)


@memo(maxsize=64)
def returning(ds: Dataset, region_id: str) -> pd.DataFrame:
    """People of the town who took part in another program too, or came to it twice:
    participant_id, display_name (empty unless the person consented to be named), nationality,
    programs (count, all towns), other_towns (region ids of their other programs)."""
    people = _people(ds, region_id)
    ids = people["participant_id"].unique()
    all_pairs = ds.participations[ds.participations["participant_id"].isin(ids)].merge(
        ds.programs[["program_id", "region_id"]], on="program_id", how="left"
    )
    counts = all_pairs.groupby("participant_id")["program_id"].count()
    back = sorted(counts[counts > 1].index)
    cols = ["participant_id", "display_name", "nationality", "programs", "other_towns"]
    if not back:
        return pd.DataFrame(columns=cols)
    elsewhere = all_pairs[all_pairs["participant_id"].isin(back)].dropna(subset=["region_id"])
    elsewhere = elsewhere[elsewhere["region_id"] != region_id]
    other_towns = elsewhere.groupby("participant_id")["region_id"].agg(lambda r: sorted(set(r)))
    person = ds.participants.drop_duplicates("participant_id").set_index("participant_id")
    person = person.reindex(back)
    named = person["public_consent"].fillna(False).astype(bool) & person["display_name"].notna()
    return pd.DataFrame(
        {
            "participant_id": back,
            "display_name": person["display_name"].where(named, "").fillna("").tolist(),
            "nationality": person["nationality"].fillna("").tolist(),
            "programs": [int(counts[pid]) for pid in back],
            "other_towns": [other_towns.get(pid, []) for pid in back],
        },
        columns=cols,
    )


@dataclass(frozen=True)
class Relationship:
    """A town's relationship population, counted from the rows.

    ``people`` are distinct people listed in its programs; ``reported`` adds the
    organisation's head counts where it gave one (None when it gave none for any program);
    ``countries`` are distinct known nationalities, ``unknown_nationality`` people without one;
    ``person_days`` covers programs with known dates, ``undated_programs`` and
    ``undated_people`` what it leaves out.
    """

    programs: int
    people: int
    reported: int | None
    countries: int
    unknown_nationality: int
    returning: int
    person_days: int
    days: int
    undated_programs: int
    undated_people: int
    first_year: int | None = None
    last_year: int | None = None
    returning_ids: tuple[str, ...] = field(default=())


@memo(maxsize=64)
def relationship(ds: Dataset, region_id: str) -> Relationship:
    """The town's relationship population (see ``Relationship``)."""
    table = programs(ds, region_id)
    people = _people(ds, region_id)
    distinct = people.drop_duplicates("participant_id")
    back = returning(ds, region_id)
    undated = table[table["days"].isna()]
    undated_people = people[people["program_id"].isin(set(undated["program_id"]))]
    has_reported = table["reported"].notna().any()
    reported = int(table["reported"].fillna(table["listed"]).sum()) if has_reported else None
    starts = table["start_date"].dropna()
    ends = table["end_date"].dropna()
    return Relationship(
        programs=len(table),
        people=int(distinct["participant_id"].nunique()),
        reported=reported,
        countries=int(distinct["nationality"].dropna().nunique()),
        unknown_nationality=int(distinct["nationality"].isna().sum()),
        returning=len(back),
        person_days=int(table["person_days"].sum(skipna=True)),
        days=int(table["days"].sum(skipna=True)),
        undated_programs=len(undated),
        undated_people=int(undated_people["participant_id"].nunique()),
        first_year=int(starts.dt.year.min()) if len(starts) else None,
        last_year=int(ends.dt.year.max()) if len(ends) else None,
        returning_ids=tuple(back["participant_id"]),
    )


@memo(maxsize=64)
def outcomes(ds: Dataset, region_id: str) -> pd.DataFrame:
    """What was made for the town: outcome_id, program_id, kind, language, quantity,
    description, source; in the file's order."""
    ids = set(ds.programs.loc[ds.programs["region_id"] == region_id, "program_id"])
    cols = ["outcome_id", "program_id", "kind", "language", "quantity", "description", "source"]
    return ds.outcomes.loc[ds.outcomes["program_id"].isin(ids), cols].reset_index(drop=True)


def outcome_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Outcomes per kind: kind, items (rows), quantity (sum where given, None when no row gives
    one), languages (sorted codes). In order of first appearance."""
    rows = []
    for kind, group in table.groupby("kind", sort=False):
        quantities = group["quantity"].dropna()
        rows.append(
            {
                "kind": kind,
                "items": len(group),
                "quantity": int(quantities.sum()) if len(quantities) else None,
                "languages": sorted(set(group["language"].dropna())),
            }
        )
    return pd.DataFrame(rows, columns=["kind", "items", "quantity", "languages"])


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (to the first . ! ? or 。), whitespace tidied."""
    text = " ".join(str(text).split())
    parts = SENTENCE_END.split(text, maxsplit=1)
    return parts[0].strip() if parts else text


def _highlight_of(row: dict) -> tuple[str, bool]:
    """The testimonial's pull-quote and whether staff pinned it: the voices module's choice
    when it is available, else the pinned ``highlight`` when the text still holds it, else the
    first sentence."""
    pinned = row.get("highlight")
    pinned = "" if pinned is None or pd.isna(pinned) else str(pinned).strip()
    try:
        from dashboard.voices.highlights import highlight_for
    except ImportError:  # the testimonials module is optional here
        highlight_for = None
    if highlight_for is not None:
        chosen = highlight_for(row["text"], pinned or None)
        return chosen.sentence, bool(chosen.pinned)
    if pinned and " ".join(pinned.split()) in " ".join(str(row["text"]).split()):
        return pinned, True
    return first_sentence(row["text"]), False


@memo(maxsize=64)
def testimonials(ds: Dataset, region_id: str) -> pd.DataFrame:
    """Testimonials tied to the town's programs (by program_id or related_program_ids).

    Columns: testimonial_id, participant_id, program_id, name (empty unless consented),
    nationality, language, quote (the highlight sentence), text, pinned (staff chose the
    highlight), related (tied only through related_program_ids). Pinned highlights first, then
    texts about this town directly, then in the file's order.
    """
    ids = set(ds.programs.loc[ds.programs["region_id"] == region_id, "program_id"])
    texts = ds.testimonials
    direct = texts["program_id"].isin(ids).fillna(False)
    if "related_program_ids" in texts.columns:
        related = texts["related_program_ids"].map(lambda v: bool(ids & set(split_ids(v))))
    else:
        related = pd.Series(False, index=texts.index)
    chosen = texts[direct | related].copy()
    chosen["related"] = ~direct[chosen.index]
    chosen["order"] = range(len(chosen))
    people = ds.participants.set_index("participant_id")
    rows = []
    for row in chosen.to_dict("records"):
        pid = row["participant_id"]
        person = people.loc[pid] if pid in people.index else None
        named = (
            person is not None
            and bool(person["public_consent"])
            and not pd.isna(person["display_name"])
        )
        nat = "" if person is None or pd.isna(person["nationality"]) else person["nationality"]
        quote, pinned = _highlight_of(row)
        rows.append(
            {
                "testimonial_id": row["testimonial_id"],
                "participant_id": pid,
                "program_id": "" if pd.isna(row["program_id"]) else row["program_id"],
                "name": person["display_name"] if named else "",
                "nationality": nat,
                "language": row["language"],
                "quote": quote,
                "text": row["text"],
                "pinned": pinned,
                "related": bool(row["related"]),
                "order": row["order"],
            }
        )
    cols = [
        "testimonial_id",
        "participant_id",
        "program_id",
        "name",
        "nationality",
        "language",
        "quote",
        "text",
        "pinned",
        "related",
    ]
    out = pd.DataFrame(rows, columns=[*cols, "order"])
    out = out.sort_values(["pinned", "related", "order"], ascending=[False, True, True])
    return out[cols].reset_index(drop=True)


# --- the town beside the network -------------------------------------------------------------


@memo(maxsize=64)
def figures(ds: Dataset, region_id: str) -> dict[str, int]:
    """The figures compared with the network (``COMPARED``) for one town."""
    rel = relationship(ds, region_id)
    return {
        "people": rel.people,
        "countries": rel.countries,
        "person_days": rel.person_days,
        "returning": rel.returning,
        "outcomes": len(outcomes(ds, region_id)),
        "testimonials": len(testimonials(ds, region_id)),
    }


@memo(maxsize=8)
def network_figures(ds: Dataset) -> pd.DataFrame:
    """``figures`` of every town of the dataset at once, column-wise (one town at a time took
    minutes with 1,741 towns): a row per town in the dataset's order, indexed by region_id,
    a column per ``COMPARED`` measure."""
    town_of = ds.programs.set_index("program_id")["region_id"]
    pairs = ds.participations[["participant_id", "program_id"]].assign(
        region_id=ds.participations["program_id"].map(town_of)
    )
    people = pairs.drop_duplicates(["region_id", "participant_id"])
    people = people.assign(
        nationality=people["participant_id"].map(
            ds.participants.set_index("participant_id")["nationality"]
        ),
        several=people["participant_id"].map(pairs["participant_id"].value_counts()) > 1,
    )
    texts = ds.testimonials
    tied = [texts[["testimonial_id", "program_id"]]]
    if "related_program_ids" in texts.columns:
        related = texts["related_program_ids"].map(split_ids)
        tied.append(texts[["testimonial_id"]].assign(program_id=related).explode("program_id"))
    tied = pd.concat(tied, ignore_index=True)
    tied = tied.assign(region_id=tied["program_id"].map(town_of)).dropna(subset=["region_id"])
    tied = tied.drop_duplicates(["region_id", "testimonial_id"])
    by_town = {
        "people": people.groupby("region_id")["participant_id"].nunique(),
        "countries": people.groupby("region_id")["nationality"].nunique(),
        "person_days": program_table(ds).groupby("region_id")["person_days"].sum(),
        "returning": people.groupby("region_id")["several"].sum(),
        "outcomes": ds.outcomes["program_id"].map(town_of).value_counts(),
        "testimonials": tied["region_id"].value_counts(),
    }
    index = pd.Index(town_ids(ds), name="region_id")
    return pd.DataFrame(
        {m: by_town[m].reindex(index).fillna(0).astype(int) for m in COMPARED}, index=index
    )


@memo(maxsize=64)
def network_comparison(ds: Dataset, region_id: str) -> pd.DataFrame:
    """The town's figures next to the average over all towns of the dataset: measure, town,
    average (rounded to one decimal), towns (how many towns the average is over)."""
    every = network_figures(ds)
    mine = figures(ds, region_id)
    rows = []
    for measure in COMPARED:
        values = every[measure]
        rows.append(
            {
                "measure": measure,
                "town": mine[measure],
                "average": round(int(values.sum()) / len(values), 1) if len(values) else 0.0,
                "towns": len(values),
            }
        )
    return pd.DataFrame(rows)


# --- figures for the page and the report ------------------------------------------------------


def countries_figure(
    table: pd.DataFrame, lang: str, *, title: str, colour: str, unknown_colour: str
) -> go.Figure:
    """Horizontal bars of the town's people per country (unknown last, in grey), labelled with
    the count. ``table`` is ``countries()``."""
    from dashboard.charts import style

    names = [country_name(code, lang) for code in table["nationality"]]
    fig = go.Figure(
        go.Bar(
            x=table["people"].astype(int).tolist(),
            y=names,
            orientation="h",
            text=table["people"].astype(int).tolist(),
            textposition="outside",
            cliponaxis=False,
            marker_color=[unknown_colour if not c else colour for c in table["nationality"]],
            customdata=list(table["nationality"]),
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(rangemode="tozero", dtick=1, tickformat="d")
    fig.update_layout(height=max(260, 30 * len(table) + 110), showlegend=False)
    return style(fig, title)


def comparison_figure(
    table: pd.DataFrame,
    *,
    title: str,
    labels: dict[str, str],
    town_label: str,
    average_label: str,
    colour: str,
    average_colour: str,
    per_row: int | None = None,
) -> go.Figure:
    """Paired bars per measure: the town and the average of all towns. ``table`` is
    ``network_comparison()``; ``labels`` names each measure. Each measure has its own small
    panel, since person-days and people are not on one scale; ``per_row`` panels to a row
    (all in one row by default)."""
    from plotly.subplots import make_subplots

    from dashboard.charts import style

    n = len(table)
    cols = per_row or n
    rows = -(-n // cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[labels[m] for m in table["measure"]],
        horizontal_spacing=0.06,
        vertical_spacing=0.18,
    )
    for i, row in enumerate(table.to_dict("records")):
        r, c = i // cols + 1, i % cols + 1
        fig.add_trace(
            go.Bar(
                x=[town_label, average_label],
                y=[row["town"], row["average"]],
                text=[f"{row['town']:g}", f"{row['average']:g}"],
                textposition="outside",
                cliponaxis=False,
                marker_color=[colour, average_colour],
                showlegend=False,
                hovertemplate="%{x}: %{y}<extra></extra>",
            ),
            row=r,
            col=c,
        )
        top = max(row["town"], row["average"], 1)
        fig.update_yaxes(range=[0, top * 1.3], showticklabels=False, row=r, col=c)
        fig.update_xaxes(tickangle=0, row=r, col=c)
    fig.update_layout(height=120 + 200 * rows, bargap=0.25)
    fig.update_annotations(font={"size": 13})
    return style(fig, title)


def languages_text(codes: list[str], lang: str) -> str:
    """Language codes as names in ``lang``, as a list (``English, Chinese, and Thai``)."""
    return join_list([language_name(c, lang) for c in codes], lang)
