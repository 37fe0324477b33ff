"""What the nationalities page shows: its charts with their tables, built once per dataset,
language and viewer (a rerun that changes none of them builds nothing).

Each builder takes the filtered dataset, the whole (access-scoped) one for town names and
colours, the language and the viewer. Rows of 1 or 2 people the viewer may not see are left out
of a chart and named in ``hidden`` (the page says so under the chart).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import breakdowns, charts
from dashboard.access import Viewer, is_small, listable, mask_headline, mask_small_counts
from dashboard.breakdowns import display_table
from dashboard.charts import DRAWN_AT_MOST, Chart, Section
from dashboard.data import Dataset
from dashboard.i18n import country_name, format_number, t, town_names, translated
from dashboard.memo import memo
from dashboard.metrics import Filters, headline
from dashboard.palette import town_colours
from dashboard.views.timeline import program_names


def _split(frame: pd.DataFrame, columns: list[str], viewer: Viewer):
    """(rows the viewer may see, rows of 1 or 2 people they may not) of a breakdown."""
    small = is_small(frame, columns, viewer).to_numpy()
    return frame[~small].reset_index(drop=True), frame[small].reset_index(drop=True)


def _people_text(people: pd.Series, share: pd.Series, lang: str) -> list[str]:
    return [f"{format_number(p, lang)} ({s:.1f}%)" for p, s in zip(people, share, strict=True)]


@memo(maxsize=16)
def by_country(ds: Dataset, lang: str, viewer: Viewer) -> Section:
    """Bars of people per nationality, most first, unknown last."""
    table = breakdowns.nationality_table(ds)
    view = table.assign(
        country=[country_name(c, lang) for c in table["nationality"]],
        region=[breakdowns.world_region_name(r, lang) for r in table["world_region"]],
        text=_people_text(table["people"], table["share"], lang),
    )
    view, hidden = _split(view, ["people"], viewer)
    if view.empty:
        return Section(None, list(hidden["country"]))
    fig = charts.nationality_bars(
        view,
        title=breakdowns.nationality_title(table, lang),
        labels={
            "people": t("nationalities.col.people", lang),
            "country": t("nationalities.col.country", lang),
        },
    )
    columns = {
        "country": "nationalities.col.country",
        "nationality": "nationalities.col.code",
        "people": "nationalities.col.people",
        "share": "nationalities.col.share",
        "region": "nationalities.col.region",
    }
    table = display_table(view, translated(columns, lang))
    chart = Chart(fig, table, f"participants-by-nationality-{lang}")
    return Section(chart, list(hidden["country"]))


@memo(maxsize=16)
def by_town(ds: Dataset, full: Dataset, lang: str, viewer: Viewer) -> Section:
    """A treemap of towns split into nationalities; ``hidden`` holds one entry per town and
    nationality pair left out (the page gives their number, not their names)."""
    pairs, hidden = _split(breakdowns.town_nationality_table(ds), ["people"], viewer)
    hidden_pairs = [f"{r}/{c}" for r, c in zip(hidden["region_id"], hidden["nationality"],
                                                 strict=True)]  # fmt: skip
    if pairs.empty:
        return Section(None, hidden_pairs)
    towns = town_names(full, lang)
    view = pairs.assign(
        town=pairs["region_id"].map(towns).fillna(pairs["region_id"]),
        country=[country_name(c, lang) for c in pairs["nationality"]],
    )
    summary = breakdowns.town_summary(ds)
    drawn, note = view, ""
    if view["region_id"].nunique() > DRAWN_AT_MOST:
        most = summary.sort_values(["people", "region_id"], ascending=[False, True])
        drawn = view[view["region_id"].isin(most["region_id"].iloc[:DRAWN_AT_MOST])]
        total = format_number(view["region_id"].nunique(), lang)
        note = t("nationalities.by_town.top", lang, shown=DRAWN_AT_MOST, total=total)
    fig = charts.town_nationality_treemap(
        drawn,
        title=breakdowns.town_title(summary, towns, lang),
        colours=town_colours(list(full.regions["region_id"])),
    )
    columns = {
        "town": "nationalities.col.town",
        "country": "nationalities.col.country",
        "nationality": "nationalities.col.code",
        "people": "nationalities.col.people",
    }
    table = display_table(view, translated(columns, lang))
    chart = Chart(fig, table, f"nationalities-by-town-{lang}", note)
    return Section(chart, hidden_pairs)


@memo(maxsize=16)
def by_world_region(ds: Dataset, lang: str, viewer: Viewer) -> Section:
    """Bars of people per world region, unknown nationality last."""
    regions = breakdowns.world_region_table(ds)
    view = regions.assign(
        region=[breakdowns.world_region_name(r, lang) for r in regions["world_region"]],
        text=_people_text(regions["people"], regions["share"], lang),
        country_names=[
            ", ".join(country_name(c, lang) for c in codes) for codes in regions["countries"]
        ],
    )
    view, hidden = _split(view, ["people"], viewer)
    if view.empty:
        return Section(None, list(hidden["region"]))
    top_regions = view[~view["world_region"].isin(["", breakdowns.UNMAPPED_REGION])]
    if top_regions.empty:
        title = t("nationalities.by_region.title_none", lang)
    else:
        top = top_regions.iloc[0]
        title = t(
            "nationalities.by_region.title",
            lang,
            region=top["region"],
            n=format_number(top["people"], lang),
            total=format_number(headline(ds)["participants"], lang),
        )
    fig = charts.world_region_bars(
        view,
        title=title,
        labels={
            "people": t("nationalities.col.people", lang),
            "nationalities": t("nationalities.col.nationalities", lang),
        },
    )
    columns = {
        "region": "nationalities.col.region",
        "people": "nationalities.col.people",
        "share": "nationalities.col.share",
        "nationalities": "nationalities.col.nationalities",
        "country_names": "nationalities.col.countries",
    }
    table = display_table(view, translated(columns, lang))
    chart = Chart(fig, table, f"participants-by-world-region-{lang}")
    return Section(chart, list(hidden["region"]))


@memo(maxsize=16)
def diversity(ds: Dataset, full: Dataset, lang: str, viewer: Viewer) -> Section:
    """Bars of nationalities per program with their evenness (see ``breakdowns.shannon``)."""
    table, hidden = _split(breakdowns.diversity_table(ds), ["listed"], viewer)
    names = program_names(ds, full, lang)
    hidden_names = [names.get(p, p) for p in hidden["program_id"]]
    if table.empty:
        return Section(None, hidden_names)
    towns = town_names(full, lang)
    view = table.assign(
        town=table["region_id"].map(towns).fillna(table["region_id"]),
        program=table["program_id"].map(names),
        evenness_text=["–" if pd.isna(j) else f"J = {j:.2f}" for j in table["evenness"]],
    )
    view = mask_small_counts(view, ["unknown_nationality"], viewer)
    top = view.iloc[0]
    drawn, note = view, ""
    if len(view) > DRAWN_AT_MOST:
        drawn = view.head(DRAWN_AT_MOST)  # most nationalities first
        total = format_number(len(view), lang)
        note = t("nationalities.diversity.top", lang, shown=DRAWN_AT_MOST, total=total)
    fig = charts.diversity_bars(
        drawn,
        title=t(
            "nationalities.diversity.title",
            lang,
            program=top["program"],
            n=format_number(top["nationalities"], lang),
        ),
        labels=translated(
            {
                "nationalities": "nationalities.col.nationalities",
                "listed": "nationalities.col.listed",
                "unknown": "nationalities.col.unknown",
                "evenness": "nationalities.col.evenness",
            },
            lang,
        ),
        colours=town_colours(list(full.regions["region_id"])),
    )
    view["reported_text"] = [
        "" if pd.isna(r) else format_number(int(r), lang) for r in view["reported"]
    ]
    columns = {
        "program": "nationalities.col.program",
        "listed": "nationalities.col.listed",
        "reported_text": "nationalities.col.reported",
        "nationalities": "nationalities.col.nationalities",
        "unknown_nationality": "nationalities.col.unknown",
        "shannon": "nationalities.col.shannon",
        "evenness": "nationalities.col.evenness",
    }
    table = display_table(view, translated(columns, lang))
    return Section(Chart(fig, table, f"diversity-per-program-{lang}", note), hidden_names)


@memo(maxsize=16)
def returning(ds: Dataset, full: Dataset, lang: str) -> tuple[int, pd.DataFrame]:
    """(how many people came back, the table of those the viewer may see one by one: person,
    country, number of programs, the programs by town and date)."""
    people = breakdowns.returning_table(ds)
    count = len(people)
    people = listable(people).reset_index(drop=True)
    names = program_names(ds, full, lang)
    view = people.assign(
        person=[breakdowns.person_label(row, lang) for row in people.to_dict("records")],
        country=[country_name(c, lang) for c in people["nationality"].fillna("")],
        program_list=[" / ".join(names.get(p, p) for p in ids) for ids in people["program_ids"]],
    )
    columns = {
        "person": "nationalities.col.person",
        "country": "nationalities.col.country",
        "programs": "nationalities.col.programs_count",
        "program_list": "nationalities.col.programs",
    }
    return count, display_table(view, translated(columns, lang))


CARDS = ("participants", "nationalities", "unknown", "regions", "returning")


@dataclass(frozen=True)
class Cards:
    """The page's numbers as shown (``{key: text}`` in card order), whether any is masked, the
    people of unknown nationality as shown ("" when there are none) and the returning people's
    count as shown (a "<3" string when masked)."""

    shown: dict[str, str]
    masked: bool
    unknown: str
    returning: int | str


def headline_cards(ds: Dataset, filters: Filters, viewer: Viewer, lang: str) -> Cards:
    """The page's numbers over ``ds`` (the filtered data), masked for ``viewer``: the whole
    network's totals stay, a count of fewer than 3 people in a breakdown reads "<3"."""
    raw = headline(ds)
    h = mask_headline(raw, viewer, filters.towns, filtered=filters.active)
    regions = breakdowns.world_region_table(ds)
    known = regions[~regions["world_region"].isin(["", breakdowns.UNMAPPED_REGION])]
    values = {
        "participants": h["participants"],
        "nationalities": h["nationalities"],
        "unknown": h["unknown_nationality"],
        "regions": "–" if isinstance(h["participants"], str) else len(known),
        "returning": h["returning"],
    }
    return Cards(
        shown={key: format_number(values[key], lang) for key in CARDS},
        masked=any(isinstance(value, str) for value in values.values()),
        unknown=format_number(h["unknown_nationality"], lang) if raw["unknown_nationality"] else "",
        returning=h["returning"],
    )


def shows_unknown(section: Section, lang: str) -> bool:
    """Whether the by-country chart draws the grey bar of people of unknown nationality."""
    if section.chart is None:
        return False
    return "" in set(section.chart.table[t("nationalities.col.code", lang)])
