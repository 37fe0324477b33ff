"""What the timeline page shows: the Gantt, the running totals, the period summary and one
program's panel, built from ``dashboard.timeline``'s tables.

Each builder takes the filtered dataset, the whole (access-scoped) one for town names, the
language and the viewer, and is remembered for them: a rerun that changes none of these builds
nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import pandas as pd

from dashboard import charts
from dashboard.access import (
    SMALL_COUNT_THRESHOLD,
    Viewer,
    is_small,
    mask_count,
    mask_small_counts,
)
from dashboard.breakdowns import display_table
from dashboard.charts import DRAWN_AT_MOST, Chart
from dashboard.data import Dataset
from dashboard.glossary import help_text
from dashboard.i18n import (
    country_name,
    format_date,
    format_date_range,
    format_number,
    join_list,
    label,
    language_name,
    t,
    town_names,
    translated,
)
from dashboard.markup import md
from dashboard.memo import memo
from dashboard.metrics import program_table
from dashboard.palette import KIND_COLOURS
from dashboard.timeline import (
    cumulative_table,
    gantt_table,
    period_label,
    period_table,
    program_detail,
    undated_programs,
)

BAR_TEXT_UP_TO = 60  # Gantt bars with their people and days written beside them
SMALL = f"<{SMALL_COUNT_THRESHOLD}"  # how a count of 1 or 2 people shows where it is hidden


# --- titles that state the finding ---------------------------------------------------------


def gantt_title(gantt: pd.DataFrame, town_names: Mapping[str, str], lang: str) -> str:
    """The title over the Gantt: how many programs, in how many towns, over which dates."""
    first, last = gantt["start_date"].min(), gantt["end_date"].max()
    dates = format_date_range(first, last, lang)
    towns = list(dict.fromkeys(gantt["region_id"]))
    town = town_names.get(towns[0], towns[0])
    if len(gantt) == 1:
        return t("timeline.gantt.title_one", lang, town=town, dates=dates)
    count = format_number(len(gantt), lang)
    if len(towns) == 1:
        return t("timeline.gantt.title_town", lang, n=count, town=town, dates=dates)
    return t(
        "timeline.gantt.title", lang, n=count, towns=format_number(len(towns), lang), dates=dates
    )


def cumulative_title(cumulative: pd.DataFrame, lang: str) -> str:
    """The title over the running totals: where they end ("18 participants from 10 countries
    spent 152 person-days in the towns")."""
    final = cumulative.iloc[-1]
    people, nations = int(final["participants"]), int(final["nationalities"])
    values = {
        "people": format_number(people, lang),
        "nationalities": format_number(nations, lang),
        "person_days": format_number(int(final["person_days"]), lang),
    }
    if people == 1:
        return t("timeline.cumulative.title_one", lang, person_days=values["person_days"])
    if nations == 0:
        key = "timeline.cumulative.title_unknown"
        return t(key, lang, people=values["people"], person_days=values["person_days"])
    if nations == 1:
        key = "timeline.cumulative.title_one_country"
        return t(key, lang, people=values["people"], person_days=values["person_days"])
    return t("timeline.cumulative.title", lang, **values)


# --- the page's builders --------------------------------------------------------------------


def kind_label(kind: str, lang: str) -> str:
    """A program kind ("team", "residency") in ``lang``; an unknown kind as it is."""
    return label("timeline.kind", kind, lang)


def _countries_text(codes: list[str], unknown: int, lang: str) -> str:
    names = [country_name(c, lang) for c in codes]
    if unknown:
        names.append(t("timeline.unknown_people", lang, n=format_number(unknown, lang)))
    return join_list(names, lang) or "–"


@memo(maxsize=16)
def program_names(ds: Dataset, full: Dataset, lang: str) -> dict[str, str]:
    """``{program_id: "Tono · Sep 6 – 9, 2017"}`` (the town and dates, "date unknown" where
    the source gives none) for every program: dated ones in date order, then undated ones."""
    towns = town_names(full, lang)
    order = [*gantt_table(ds)["program_id"], *undated_programs(ds)["program_id"]]
    rows = (
        program_table(ds)
        .set_index("program_id")
        .loc[order, ["region_id", "start_date", "end_date"]]
        .reset_index()
    )
    return {
        pid: f"{towns.get(rid, rid)} · {format_date_range(start, end, lang)}"
        for pid, rid, start, end in rows.itertuples(index=False)
    }


@memo(maxsize=16)
def gantt_chart(ds: Dataset, full: Dataset, lang: str, viewer: Viewer) -> Chart | None:
    """The Gantt of dated programs with its table (None when no program has dates).

    A program of 1 or 2 people the viewer may not see keeps its bar, without its head count,
    countries or person-days.
    """
    gantt = gantt_table(ds)
    if gantt.empty:
        return None
    n = functools.partial(format_number, lang=lang)
    towns = town_names(full, lang)
    view = gantt.assign(
        town=gantt["region_id"].map(towns).fillna(gantt["region_id"]),
        kind_label=[kind_label(k, lang) for k in gantt["kind"]],
        dates=[
            format_date_range(s, e, lang)
            for s, e in zip(gantt["start_date"], gantt["end_date"], strict=True)
        ],
        countries_text=[
            _countries_text(c, u, lang)
            for c, u in zip(gantt["countries"], gantt["unknown_nationality"], strict=True)
        ],
        bar_text=[
            t(
                "timeline.gantt.bar_text_one" if p == 1 else "timeline.gantt.bar_text",
                lang,
                people=n(p),
                days=n(d),
            )
            for p, d in zip(gantt["listed"], gantt["days"], strict=True)
        ],
    )
    small = is_small(gantt, ["listed"], viewer).to_numpy()
    if small.any():
        view = view.astype({"listed": object, "person_days": object})
        view.loc[small, "listed"] = SMALL
        view.loc[small, "countries_text"] = "–"
        view.loc[small, "person_days"] = "–"
        view.loc[small, "bar_text"] = [
            t("timeline.gantt.bar_text_days", lang, days=n(d)) for d in view.loc[small, "days"]
        ]
    drawn, note = view, ""
    program_towns = gantt["region_id"].unique()
    if len(program_towns) > DRAWN_AT_MOST:
        people = gantt.groupby("region_id")["listed"].sum().sort_values(ascending=False)
        drawn = view[view["region_id"].isin(people.index[:DRAWN_AT_MOST])]
        note = t(
            "timeline.gantt.top",
            lang,
            programs=n(len(drawn)),
            towns=n(DRAWN_AT_MOST),
            total=n(len(view)),
            total_towns=n(len(program_towns)),
        )
    if len(drawn) > BAR_TEXT_UP_TO:  # written beside each of many bars they would overlap
        drawn = drawn.assign(bar_text="")
    fig = charts.program_gantt(
        drawn,
        title=gantt_title(gantt, towns, lang),
        labels={
            "town": t("timeline.col.town", lang),
            "days": t("timeline.col.days", lang),
            "participants": t("timeline.col.participants", lang),
            "nationalities": t("timeline.col.nationalities", lang),
        },
        colours={kind_label(k, lang): c for k, c in KIND_COLOURS.items()},
        date_format=t("timeline.axis_date", lang),
    )
    columns = {
        "town": "timeline.col.town",
        "title": "timeline.col.program",
        "kind_label": "timeline.col.kind",
        "dates": "timeline.col.dates",
        "days": "timeline.col.days",
        "listed": "timeline.col.participants",
        "countries_text": "timeline.col.nationalities",
        "person_days": "timeline.col.person_days",
    }
    table = display_table(view, translated(columns, lang))
    return Chart(fig, table, f"program-timeline-{lang}", note)


@memo(maxsize=16)
def undated_cards(ds: Dataset, full: Dataset, lang: str, viewer: Viewer) -> list[tuple[str, str]]:
    """``(heading, caption)`` per program of unknown dates: "Ishinomaki · Team", "3 people from
    …" (``"<3"`` and no countries where the viewer may not see so few)."""
    towns = town_names(full, lang)
    undated = undated_programs(ds)
    small = is_small(undated, ["listed"], viewer).to_numpy()
    cards = []
    for row, hide in zip(undated.to_dict("records"), small, strict=True):
        town = towns.get(row["region_id"], row["region_id"])
        heading = f"{town} · {kind_label(row['kind'], lang)}"
        caption = t(
            "timeline.undated.people",
            lang,
            n=SMALL if hide else format_number(row["listed"], lang),
            countries="–"
            if hide
            else _countries_text(row["countries"], row["unknown_nationality"], lang),
        )
        cards.append((heading, caption))
    return cards


@memo(maxsize=16)
def cumulative_chart(ds: Dataset, full: Dataset, lang: str, viewer: Viewer) -> Chart | None:
    """Running totals as a chart with its table; steps of 1 or 2 people the viewer may not see
    are left out (None when nothing is left)."""
    running = cumulative_table(ds)
    small = is_small(running.drop(columns="region_id"), ["participants"], viewer).to_numpy()
    running = running[~small].reset_index(drop=True)
    if running.empty:
        return None
    names = program_names(ds, full, lang)
    view = running.assign(
        program=running["program_id"].map(names),
        date_text=[format_date(d, lang) for d in running["date"]],
    )
    fig = charts.cumulative_lines(
        view,
        title=cumulative_title(running, lang),
        labels={
            "participants": t("timeline.col.participants_so_far", lang),
            "nationalities": t("timeline.col.nationalities_so_far", lang),
            "person_days": t("timeline.col.person_days_so_far", lang),
        },
        date_format=t("timeline.axis_date", lang),
    )
    columns = {
        "date_text": "timeline.col.date",
        "program": "timeline.col.program",
        "participants": "timeline.col.participants_so_far",
        "nationalities": "timeline.col.nationalities_so_far",
        "person_days": "timeline.col.person_days_so_far",
    }
    table = display_table(view, translated(columns, lang))
    return Chart(fig, table, f"cumulative-participants-{lang}")


@memo(maxsize=16)
def period_summary(ds: Dataset, by: str, lang: str, viewer: Viewer) -> pd.DataFrame:
    """``period_table`` as the page shows it: labelled and dated in ``lang``, with counts of
    1 or 2 people the viewer may not see masked (empty when no program has dates)."""
    periods = period_table(ds, by)
    if periods.empty:
        return periods
    small = is_small(periods, ["participants"], viewer).to_numpy()
    periods = mask_small_counts(periods, ["participants", "unknown_nationality"], viewer)
    if small.any():
        periods = periods.astype({"nationalities": object, "person_days": object})
        periods.loc[small, "nationalities"] = SMALL
        periods.loc[small, "person_days"] = "–"
    view = periods.assign(
        label=[period_label(p, lang) for p in periods["period"]],
        span=[
            format_date_range(s, e, lang)
            for s, e in zip(periods["start"], periods["end"], strict=True)
        ],
    )
    columns = {
        "label": "timeline.col.period",
        "span": "timeline.col.dates",
        "programs": "timeline.col.programs",
        "participants": "timeline.col.participants",
        "nationalities": "timeline.col.nationalities_count",
        "unknown_nationality": "timeline.col.unknown",
        "person_days": "timeline.col.person_days",
    }
    return display_table(view, translated(columns, lang))


# --- one program's panel ----------------------------------------------------------------------


def program_panel(ds: Dataset, program_id: str, lang: str, viewer: Viewer) -> dict | None:
    """What the "one program" section shows, masked for ``viewer`` (None: not in ``ds``).

    Keys: heading (Markdown: the town's name escaped); cards (label, text, help); reported (a
    note, or ""); countries (text, or "" when masked); people (text); unlisted (a note, or "");
    masked (whether counts read "<3"); outcomes (a display table, empty when there are none);
    testimonials (label/text dicts).
    """
    detail = program_detail(ds, program_id, lang)
    if not detail:
        return None
    program = detail["program"]
    town = program["region_id"]
    n = functools.partial(format_number, lang=lang)
    listed = mask_count(program["listed"], viewer, town=town)
    masked = isinstance(listed, str)
    days = t("common.unknown", lang) if pd.isna(program["days"]) else n(program["days"])
    cards = [  # label, value, help (the figure catalog's)
        (t("timeline.col.dates", lang), detail["dates"], help_text("timeline.dates", lang)),
        (t("timeline.col.days", lang), days, help_text("timeline.days", lang)),
        (t("timeline.col.participants", lang), n(listed), help_text("timeline.participants", lang)),
        (
            t("timeline.col.nationalities_count", lang),
            SMALL if masked else n(program["nationalities"]),
            help_text("timeline.nationalities", lang),
        ),
    ]
    reported = ""
    if detail["reported"] is not None and detail["reported"] != program["listed"]:
        reported = t(
            "timeline.detail.reported",
            lang,
            listed=n(program["listed"]),
            reported=n(detail["reported"]),
        )
    unlisted = ""
    if detail["unlisted"]:
        unlisted = t(
            "timeline.detail.unlisted", lang, n=n(mask_count(detail["unlisted"], viewer, town=town))
        )
    return {
        "heading": md(
            "timeline.detail.heading",
            lang,
            town=detail["town"],
            kind=kind_label(program["kind"], lang),
        ),
        "cards": cards,
        "reported": reported,
        "masked": masked,
        "countries": "" if masked else (join_list(detail["countries"], lang) or "–"),
        "people": join_list(detail["people"], lang) or "–",
        "unlisted": unlisted,
        "outcomes": _outcome_table(detail["outcomes"], lang),
        "testimonials": detail["testimonials"],
    }


def _outcome_table(outcomes: list[dict], lang: str) -> pd.DataFrame:
    """A program's outcomes as shown: kind, description, language, quantity, in ``lang``."""
    if not outcomes:
        return pd.DataFrame()
    table = pd.DataFrame(outcomes)
    table["kind"] = [label("timeline.outcome", k, lang) for k in table["kind"]]
    table["language"] = [language_name(c, lang) for c in table["language"]]
    table["quantity"] = [
        t("common.unknown", lang) if q is None else format_number(q, lang)
        for q in table["quantity"]
    ]
    columns = {
        "kind": "timeline.col.outcome_kind",
        "description": "timeline.col.description",
        "language": "timeline.col.language",
        "quantity": "timeline.col.quantity",
    }
    return display_table(table, translated(columns, lang))
