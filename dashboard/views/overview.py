"""What the overview page shows: its headline numbers laid out in rows, and the people per
town, built once per dataset, language and viewer (a filter change back to a choice seen
before builds nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard import charts
from dashboard.access import Viewer, is_small, mask_headline
from dashboard.charts import DRAWN_AT_MOST, Chart, Section
from dashboard.data import Dataset
from dashboard.glossary import provisional_note
from dashboard.i18n import format_number, t, town_names
from dashboard.memo import memo
from dashboard.metrics import Filters, headline, participants_by_town
from dashboard.palette import town_colours

WHOLE_IN_A_SIXTH = 7  # characters of a number shown whole in one of six columns (1366 px)
CARDS = ("programs", "towns", "participants", "nationalities", "person_days", "outcomes")


@dataclass(frozen=True)
class Headline:
    """The headline numbers as shown (``{key: text}``, in card order) and the notes beside
    them (what differs from the organisation's figure, what is unknown, what is masked)."""

    shown: dict[str, str]
    notes: list[str]


def headline_cards(ds: Dataset, filters: Filters, viewer: Viewer, lang: str) -> Headline:
    """The overview's numbers over ``ds`` (the filtered data), masked for ``viewer``: the
    whole network's totals stay, a count of fewer than 3 people in a breakdown reads "<3"."""
    raw = headline(ds)
    h = mask_headline(raw, viewer, filters.towns, filtered=filters.active)
    n = lambda value: format_number(value, lang)  # noqa: E731
    notes = []
    if raw["participants_reported"] != raw["participants_in_programs"]:
        notes.append(
            t(
                "overview.note.reported",
                lang,
                listed=n(h["participants_in_programs"]),
                reported=n(h["participants_reported"]),
            )
        )
    for key, note in (
        ("unknown_nationality", "unknown_nationality"),
        ("programs_without_dates", "undated"),
        ("returning", "returning"),
    ):
        if raw[key]:
            notes.append(t(f"overview.note.{note}", lang, n=n(h[key])))
    if running := provisional_note(ds, lang, markdown=True):  # seasons still running
        notes.insert(0, running)
    if any(isinstance(v, str) for v in h.values()):
        notes.append(t("access.small_counts", lang))
    return Headline({key: n(h[key]) for key in CARDS}, notes)


def card_rows(shown: dict[str, str]) -> list[list[str]]:
    """The headline numbers' keys (in order) as rows: six in a row, or two rows of three once
    a formatted number is too long to show whole in a sixth of the page ("3,194,216")."""
    keys = list(shown)
    per_row = 6 if max(map(len, shown.values()), default=0) <= WHOLE_IN_A_SIXTH else 3
    return [keys[first : first + per_row] for first in range(0, len(keys), per_row)]


@memo(maxsize=16)
def town_bars(ds: Dataset, full: Dataset, lang: str, viewer: Viewer) -> Section:
    """Bars of people listed per town, most first: ``ds`` the filtered data, ``full`` the whole
    (scoped) data for colours. Towns of 1 or 2 people the viewer may not see are left out and
    named in ``hidden``; above ``DRAWN_AT_MOST`` towns the figure draws the largest and its
    note says so (the chart's table keeps every town)."""
    table = participants_by_town(ds)
    table["town"] = table["region_id"].map(town_names(ds, lang))
    small = is_small(table, ["listed", "reported"], viewer).to_numpy()
    hidden = list(table.loc[small, "town"])
    table = table[~small].reset_index(drop=True)
    if table.empty:
        return Section(None, hidden)
    drawn, note = table, ""
    if len(table) > DRAWN_AT_MOST:
        drawn = table.iloc[:DRAWN_AT_MOST]
        total = format_number(len(table), lang)
        note = t("overview.chart.top", lang, shown=DRAWN_AT_MOST, total=total)
    top, most = table["town"].iloc[0], format_number(table["listed"].iloc[0], lang)
    fig = charts.participants_by_town(
        drawn,
        labels={
            "listed": t("overview.chart.listed", lang),
            "reported": t("overview.chart.reported", lang),
            "town": t("overview.chart.town", lang),
        },
        colours=town_colours(list(full.regions["region_id"])),
        title=t("overview.chart.title", lang, town=top, n=most),
    )
    return Section(Chart(fig, table, "participants-by-town", note), hidden)
