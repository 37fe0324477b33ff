"""What the town page shows (``/town?town=tono``), and the figures and tables its report shares.

``town_page`` takes the whole (access-scoped) dataset, a town, the language and the viewer, and
returns everything the page draws; counts the viewer may not see are already masked
(``dashboard.access``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import folium
import pandas as pd
import plotly.graph_objects as go

from dashboard import access, glossary, relations
from dashboard import town as towns
from dashboard.access import Viewer
from dashboard.data import Dataset
from dashboard.i18n import (
    country_name,
    format_date_range,
    format_number,
    join_list,
    label,
    language_name,
    other_lang,
    t,
    town_name,
    town_names,
)
from dashboard.maps.japan import outline_credit, town_map
from dashboard.markup import escape_markdown, md
from dashboard.memo import memo
from dashboard.metrics import Filters
from dashboard.palette import NEUTRAL, UNKNOWN_COLOUR, town_colours
from dashboard.views.relations import (
    engagement_note,
    population_note,
    provisional_titles,
    relation_rows,
    town_provisional_note,
)

RETURNING_NAMED_UP_TO = 10  # returning people named in a sentence; returning.csv has them all
PICKER_BUTTONS = 24  # more towns than this are chosen from a searchable list
# the network table's measures, by the names of ``shown_numbers`` they are masked as
MASKED_AS = {
    "people": "participants",
    "countries": "nationalities",
    "person_days": "person_days",
    "returning": "returning",
    "testimonials": "testimonials",
}


# --- which town ------------------------------------------------------------------------------


def chosen_town(ds: Dataset, viewer: Viewer, asked: list[str]) -> dict | None:
    """The regions row of the first town in ``asked`` (the ``?town=`` values), or None; a
    municipality gets its own town when none is asked, and None for another town."""
    allowed = access.allowed_towns(viewer)
    chosen = list(asked)
    if allowed is not None and not chosen:
        chosen = list(allowed)
    if allowed is not None and chosen[0] not in allowed:
        chosen = []
    return towns.find_town(ds, chosen[0]) if chosen else None


@dataclass(frozen=True)
class Picker:
    """The towns to choose from: ``labels`` by region_id (sorted by name, plain text, for the
    searchable list), ``search`` that list's label when there are too many for buttons (""
    otherwise), and ``buttons`` the same labels as Markdown (names escaped) for the buttons."""

    labels: dict[str, str]
    search: str
    buttons: dict[str, str] = field(default_factory=dict)


def picker(ds: Dataset, lang: str, viewer: Viewer) -> Picker:
    """The towns whose page ``viewer`` may open, labelled "Tono (遠野市), Iwate"."""
    allowed = access.allowed_towns(viewer)
    links = [r for r in towns.town_links(ds, lang) if allowed is None or r["region_id"] in allowed]

    def link(row: dict, tr) -> str:
        if row["prefecture"]:
            return tr(
                "town.pick.link",
                lang,
                name=row["name"],
                other=row["other"],
                prefecture=row["prefecture"],
            )
        return tr("town.pick.link_no_pref", lang, name=row["name"], other=row["other"])

    labels = {row["region_id"]: link(row, t) for row in links}
    many = len(links) > PICKER_BUTTONS
    search = t("town.pick.search", lang, n=format_number(len(links), lang)) if many else ""
    buttons = {} if many else {row["region_id"]: link(row, md) for row in links}
    return Picker(labels, search, buttons)


def whole_town_note(filters: Filters, lang: str) -> str:
    """The note that the page ignores the sidebar's filters, when they would cut it ("" if not)."""
    if filters.years or filters.nationalities or len(filters.towns) > 1:
        return t("town.whole_town", lang)
    return ""


# --- figures and tables shared with the report ------------------------------------------------


def _region(ds: Dataset, region_id: str) -> dict:
    return towns.find_town(ds, region_id) or {"name_en": region_id, "name_ja": region_id}


def countries_chart(ds: Dataset, region_id: str, lang: str) -> go.Figure:
    """The town's people per country, titled with the finding, in ``lang``."""
    table = towns.countries(ds, region_id)
    rel = towns.relationship(ds, region_id)
    name = town_name(_region(ds, region_id), lang)
    n = format_number(rel.countries, lang)
    title = (
        t("town.chart.countries_unknown", lang, town=name, n=n, u=rel.unknown_nationality)
        if rel.unknown_nationality
        else t("town.chart.countries", lang, town=name, n=n)
    )
    colour = town_colours(towns.town_ids(ds)).get(region_id, NEUTRAL)
    return towns.countries_figure(
        table, lang, title=title, colour=colour, unknown_colour=UNKNOWN_COLOUR
    )


def network_chart(ds: Dataset, region_id: str, lang: str, per_row: int | None = None) -> go.Figure:
    """The town's figures beside the average of all towns, in ``lang``."""
    table = towns.network_comparison(ds, region_id)
    name = town_name(_region(ds, region_id), lang)
    return towns.comparison_figure(
        table,
        title=t("town.chart.network", lang, town=name, n=int(table["towns"].iloc[0])),
        labels={m: t(f"town.measure.{m}", lang) for m in towns.COMPARED},
        town_label=t("town.chart.this_town", lang, town=name),
        average_label=t("town.chart.average", lang),
        colour=town_colours(towns.town_ids(ds)).get(region_id, NEUTRAL),
        average_colour=NEUTRAL,
        per_row=per_row,
    )


PROGRAM_COLUMNS = (
    "program",
    "dates",
    "kind",
    "days",
    "listed",
    "reported",
    "countries",
    "person_days",
)


def program_rows(
    ds: Dataset, region_id: str, lang: str, viewer: Viewer, on: dt.date | None = None
) -> pd.DataFrame:
    """The town's programs as a display table with translated column names, their counts
    masked for ``viewer`` by ``access.mask_programs``; a program still running on ``on``
    (today by default) is marked provisional."""
    table = access.mask_programs(towns.programs(ds, region_id), viewer, town=region_id)
    titles = provisional_titles(table, on or relations.today(), lang)
    rows = [
        {
            t("town.col.program", lang): title,
            t("town.col.dates", lang): format_date_range(row["start_date"], row["end_date"], lang),
            t("town.col.kind", lang): label("town.kind", row["kind"], lang),
            t("town.col.days", lang): format_number(
                None if pd.isna(row["days"]) else int(row["days"]), lang
            ),
            t("town.col.listed", lang): _count(row["listed"], lang),
            t("town.col.reported", lang): _count(row["reported"], lang),
            t("town.col.countries", lang): _count(row["nationalities"], lang),
            t("town.col.person_days", lang): _count(row["person_days"], lang),
        }
        for row, title in zip(table.to_dict("records"), titles, strict=True)
    ]
    cols = [t(f"town.col.{c}", lang) for c in PROGRAM_COLUMNS]
    return pd.DataFrame(rows, columns=cols)


def _count(value, lang: str) -> str:
    """A count in the locale; a masked count ("<3", "–") as it is; missing is "unknown"."""
    if isinstance(value, str):
        return value
    return format_number(None if pd.isna(value) else int(value), lang)


def shown_numbers(rel: towns.Relationship, testimonials: int = 0) -> dict[str, int]:
    """The town's people counts under the names ``access.mask_headline`` knows."""
    return {
        "participants": rel.people,
        "participants_in_programs": rel.people,
        "participants_reported": rel.reported if rel.reported is not None else 0,
        "nationalities": rel.countries,
        "unknown_nationality": rel.unknown_nationality,
        "returning": rel.returning,
        "person_days": rel.person_days,
        "testimonials": testimonials,
        "undated_people": rel.undated_people,
    }


def relationship_notes(
    ds: Dataset, region_id: str, lang: str, masked: dict[str, int | str] | None = None
) -> list[str]:
    """The sentences under the relationship numbers: unknown nationalities, the organisation's
    head count, programs without dates, who came back.

    ``masked`` is ``shown_numbers`` after ``access.mask_headline``: a masked count is shown as
    such, and the returning people are not named when their count is masked."""
    rel = towns.relationship(ds, region_id)
    shown = masked or shown_numbers(rel)
    notes = []
    if rel.unknown_nationality:
        notes.append(t("town.note.unknown_nationality", lang, n=shown["unknown_nationality"]))
    if rel.reported is not None:
        reported, listed = shown["participants_reported"], shown["participants"]
        if rel.reported == rel.people:
            notes.append(t("town.note.reported_same", lang, reported=reported))
        else:
            notes.append(t("town.note.reported", lang, reported=reported, listed=listed))
    if rel.undated_programs:
        people = shown.get("undated_people", rel.undated_people)
        notes.append(t("town.note.undated", lang, programs=rel.undated_programs, people=people))
    back = towns.returning(ds, region_id)
    if isinstance(shown["returning"], str):
        if rel.returning:
            notes.append(t("town.note.returning_count", lang, n=shown["returning"]))
    elif len(back):
        names = []
        names_by_id = town_names(ds, lang)
        for row in back.iloc[:RETURNING_NAMED_UP_TO].to_dict("records"):
            others = [names_by_id.get(r, r) for r in row["other_towns"]] or [names_by_id[region_id]]
            country, where = country_name(row["nationality"], lang), join_list(others, lang)
            if row["display_name"]:
                names.append(
                    t(
                        "town.note.returning_person",
                        lang,
                        name=row["display_name"],
                        country=country,
                        towns=where,
                    )
                )
            else:
                names.append(t("town.note.returning_anonymous", lang, country=country, towns=where))
        if len(back) > RETURNING_NAMED_UP_TO:
            more = format_number(len(back) - RETURNING_NAMED_UP_TO, lang)
            names.append(t("town.note.returning_more", lang, n=more))
        notes.append(
            t("town.note.returning_who", lang, names=(" ／ " if lang == "ja" else "; ").join(names))
        )
    return notes


def outcome_rows(ds: Dataset, region_id: str, lang: str) -> pd.DataFrame:
    """What was made for the town, one row per outcome, translated."""
    table = towns.outcomes(ds, region_id)
    rows = [
        {
            t("town.col.outcome", lang): label("town.kind", row["kind"], lang),
            t("town.col.language", lang): language_name(
                None if pd.isna(row["language"]) else row["language"], lang
            ),
            t("town.col.quantity", lang): (
                t("town.outcomes.quantity_unknown", lang)
                if pd.isna(row["quantity"])
                else format_number(int(row["quantity"]), lang)
            ),
            t("town.col.description", lang): row["description"],
        }
        for row in table.to_dict("records")
    ]
    cols = [t(f"town.col.{c}", lang) for c in ("outcome", "language", "quantity", "description")]
    return pd.DataFrame(rows, columns=cols)


def voice_byline(row: dict, lang: str) -> str:
    """ "— Roger (United States)" or "— a participant (Thailand)"."""
    country = country_name(row["nationality"], lang)
    if row["name"]:
        return t("town.voices.by", lang, name=row["name"], country=country)
    return t("town.voices.by_anonymous", lang, country=country)


# --- the page's own pieces --------------------------------------------------------------------


def outcome_items(ds: Dataset, region_id: str, lang: str) -> list[str]:
    """One line per kind of outcome: "Leaflet: 3 in English, Thai, and Chinese", as Markdown
    (the kind, which a town office may have named itself, escaped)."""
    items = []
    for row in towns.outcome_summary(towns.outcomes(ds, region_id)).to_dict("records"):
        item = md(
            "town.outcomes.summary_item",
            lang,
            kind=label("town.kind", row["kind"], lang),
            items=format_number(row["quantity"] or row["items"], lang),
        )
        if row["languages"]:
            languages = towns.languages_text(row["languages"], lang)
            item += ("" if lang == "ja" else " ") + md(
                "town.outcomes.languages", lang, languages=languages
            )
        items.append(item)
    return items


def countries_text(ds: Dataset, region_id: str, lang: str) -> str:
    """The town's countries by name, without their counts (for a viewer who sees them masked)."""
    codes = [c for c in towns.countries(ds, region_id)["nationality"] if c]
    names = join_list([country_name(c, lang) for c in codes], lang)
    return t("town.countries.masked", lang, countries=names or "–")


def network_table(ds: Dataset, region_id: str, lang: str, shown: dict) -> pd.DataFrame:
    """The network comparison as a table, the town's counts as in ``shown`` (``shown_numbers``
    after ``access.mask_headline``)."""
    table = towns.network_comparison(ds, region_id)
    mine = [
        shown[MASKED_AS[m]] if m in MASKED_AS else v
        for m, v in zip(table["measure"], table["town"], strict=True)
    ]
    return pd.DataFrame(
        {
            t("town.col.measure", lang): [t(f"town.measure.{m}", lang) for m in table["measure"]],
            t("town.col.town", lang): [format_number(v, lang) for v in mine],
            t("town.col.average", lang): [format_number(v, lang) for v in table["average"]],
        }
    )


@dataclass(frozen=True)
class Card:
    """One relationship number: its label, value (formatted, maybe masked) and help."""

    key: str
    label: str
    value: str
    help: str


@dataclass(frozen=True)
class Voice:
    """One testimonial as shown: ``pinned`` and ``related`` are notes ("" when none)."""

    key: str
    quote: str
    byline: str
    text: str
    pinned: str
    related: str


@dataclass(frozen=True)
class TownPage:
    """What the town page draws. For a town with no programs (``empty``) only the heading,
    the map and ``empty_title``/``empty_body`` are set. Without ``full_counts`` there is no
    countries chart (``countries_text`` names them), the network is a table, and the report and
    tables are not offered.

    ``title``, ``subtitle``, ``map_caption``, ``empty_title``, ``empty_body``,
    ``outcome_items``, ``no_outcomes``, ``no_voices`` and a voice's ``related`` are Markdown, for
    the page's Markdown elements (data in them escaped, ``dashboard.markup``); ``name`` and every
    other text are plain."""

    region: dict
    name: str
    title: str
    subtitle: str
    map: folium.Map
    map_caption: str
    empty: bool
    empty_title: str = ""
    empty_body: str = ""
    full_counts: bool = False
    cards: tuple[Card, ...] = ()
    # the 関係人口 figures in the ministries' terms, in rows (``views.relations``), their notes,
    # and the note (Markdown) that some numbers are provisional ("" when none is)
    relation_rows: tuple[tuple[Card, ...], ...] = ()
    relation_notes: tuple[str, ...] = ()
    provisional: str = ""
    notes: tuple[str, ...] = ()
    no_returning: str = ""
    programs: pd.DataFrame | None = None
    countries_chart: go.Figure | None = None
    countries_text: str = ""
    outcome_items: tuple[str, ...] = ()
    outcomes: pd.DataFrame | None = None
    no_outcomes: str = ""
    voices: tuple[Voice, ...] = ()
    no_voices: str = ""
    network_chart: go.Figure | None = None
    network_table: pd.DataFrame | None = None


CARDS = (
    ("people", "participants"),
    ("countries", "nationalities"),
    ("returning", "returning"),
    ("person_days", "person_days"),
)


def town_page(
    ds: Dataset, region_id: str, lang: str, viewer: Viewer, on: dt.date | None = None
) -> TownPage:
    """Everything the page draws for ``region_id`` (in ``ds.regions``), in ``lang``, for
    ``viewer``, with programs still running on ``on`` (today by default) marked provisional.
    Shared between reruns: the page must not change what it is given."""
    return _town_page(ds, region_id, lang, viewer, on or relations.today())


@memo(maxsize=16)
def _town_page(ds: Dataset, region_id: str, lang: str, viewer: Viewer, on: dt.date) -> TownPage:
    region = towns.find_town(ds, region_id)
    if region is None:
        raise KeyError(region_id)
    name, other = town_name(region, lang), town_name(region, other_lang(lang))
    prefecture = towns.prefecture_name(region, lang)
    heading = {
        "region": region,
        "name": name,
        "title": escape_markdown(f"{name}　{other}" if lang == "ja" else f"{name} · {other}"),
        "subtitle": md("town.subtitle", lang, prefecture=prefecture)
        if prefecture
        else t("town.subtitle_no_pref", lang),
        "map": town_map(ds, region_id, lang),
        "map_caption": md("town.map.caption", lang, town=name, prefecture=prefecture)
        + (f"  \n{escape_markdown(credit)}" if (credit := outline_credit(region, lang)) else ""),
    }
    rel = towns.relationship(ds, region_id)
    if rel.programs == 0:
        return TownPage(
            **heading,
            empty=True,
            empty_title=md("town.empty.title", lang, town=name),
            empty_body=md("town.empty.body", lang, town=name),
        )
    full = access.can(viewer, "see_town", region_id)
    voices = towns.testimonials(ds, region_id)
    shown = access.mask_headline(
        shown_numbers(rel, len(voices)), viewer, (region_id,), filtered=True
    )
    made = towns.outcomes(ds, region_id)
    return TownPage(
        **heading,
        empty=False,
        full_counts=full,
        cards=tuple(
            Card(
                key,
                t(f"town.metric.{key}", lang),
                format_number(shown[number], lang),
                glossary.help_text(f"town.{key}", lang),
            )
            for key, number in CARDS
        ),
        relation_rows=tuple(
            tuple(Card(f.key, f.label, f.value, f.help) for f in row)
            for row in relation_rows(ds, region_id, lang, viewer, shown)
        ),
        relation_notes=tuple(
            note
            for note in (
                population_note(ds, region_id, lang),
                engagement_note(ds, region_id, lang),
            )
            if note
        ),
        provisional=town_provisional_note(ds, region_id, lang, on, markdown=True),
        notes=tuple(relationship_notes(ds, region_id, lang, masked=shown)),
        no_returning="" if rel.returning else t("town.note.no_returning", lang),
        programs=program_rows(ds, region_id, lang, viewer, on),
        countries_chart=countries_chart(ds, region_id, lang) if full else None,
        countries_text="" if full else countries_text(ds, region_id, lang),
        outcome_items=tuple(outcome_items(ds, region_id, lang)),
        outcomes=None if made.empty else outcome_rows(ds, region_id, lang),
        no_outcomes=md("town.outcomes.none", lang, town=name) if made.empty else "",
        voices=tuple(
            Voice(
                key=row["testimonial_id"],
                quote=f"“{row['quote']}”",
                byline=voice_byline(row, lang),
                text=row["text"],
                pinned=t("town.voices.pinned", lang) if row["pinned"] else "",
                related=md("town.voices.related", lang, town=name) if row["related"] else "",
            )
            for row in voices.to_dict("records")
        ),
        no_voices=md("town.voices.none", lang, town=name) if voices.empty else "",
        network_chart=network_chart(ds, region_id, lang) if full else None,
        network_table=None if full else network_table(ds, region_id, lang, shown),
    )
