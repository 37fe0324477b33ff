"""The figure catalog: every figure the dashboard shows, what it counts and where it comes from.

Each ``Figure`` names the catalog key of its label and of its help text (what it counts), the
data files it is counted from, what it leaves out and where the data comes from. The pages take
a figure's help text from here (``help_text``) and the Glossary page lists the same entries
(``rows``), so the two always say the same. Chart entries also name the catalog keys of the
titles their charts may carry (``titles``), so a test can tell each chart on a page by its title.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from dashboard.data import Dataset
from dashboard.i18n import catalogs, format_date, join_list, normalise_lang, t
from dashboard.pages import PAGES

# what a figure may leave out, and where its data may come from (``glossary.leaves.*``,
# ``glossary.source.*`` in the catalogs)
LEAVES_OUT = ("undated", "unknown_nationality", "masked", "unlinked", "not_recorded")
SOURCES = ("site", "reading", "regions", "reference", "upload")

PROGRAMS, PEOPLE, PAIRS = "programs.csv", "participants.csv", "participations.csv"
TEXTS, MADE, REGIONS = "testimonials.csv", "outcomes.csv", "regions.csv"


@dataclass(frozen=True)
class Figure:
    """One figure: ``key`` ("town.people"), the ``page`` it is on (file stem), the catalog keys
    of its ``label`` and ``help``, the ``tables`` it is counted from, what it ``leaves_out``
    (``LEAVES_OUT``), its ``sources`` (``SOURCES``), and for a chart the catalog keys of its
    possible ``titles``."""

    key: str
    page: str
    label: str
    help: str
    tables: tuple[str, ...]
    leaves_out: tuple[str, ...] = ()
    sources: tuple[str, ...] = ("site",)
    titles: tuple[str, ...] = ()

    @property
    def chart(self) -> bool:
        return bool(self.titles)


def _own(key: str) -> str:
    """The catalog key of an entry's help kept in the glossary's own catalog."""
    return f"glossary.help.{key.replace('.', '_')}"


def _fig(key, label, help_key, tables, leaves=(), sources=("site",), titles=()) -> Figure:
    return Figure(
        key, key.split(".")[0], label, help_key or _own(key), tables, leaves, sources, titles
    )


FIGURES: tuple[Figure, ...] = (
    # --- overview
    _fig("overview.programs", "overview.metric.programs", "overview.help.programs", (PROGRAMS,)),
    _fig("overview.towns", "overview.metric.towns", "overview.help.towns", (REGIONS, PROGRAMS)),
    _fig(
        "overview.participants",
        "overview.metric.participants",
        "overview.help.participants",
        (PEOPLE, PAIRS),
        ("masked",),
    ),
    _fig(
        "overview.nationalities",
        "overview.metric.nationalities",
        "overview.help.nationalities",
        (PEOPLE,),
        ("unknown_nationality", "masked"),
    ),
    _fig(
        "overview.person_days",
        "overview.metric.person_days",
        "overview.help.person_days",
        (PROGRAMS, PAIRS),
        ("undated", "masked"),
    ),
    _fig("overview.outcomes", "overview.metric.outcomes", "overview.help.outcomes", (MADE,)),
    _fig(
        "overview.by_town",
        "glossary.label.overview_by_town",
        None,
        (PAIRS, PROGRAMS, REGIONS),
        ("masked",),
        titles=("overview.chart.title",),
    ),
    # --- maps
    _fig(
        "maps.world",
        "glossary.label.maps_world",
        None,
        (PEOPLE,),
        ("unknown_nationality", "masked"),
        ("site", "reference"),
        ("maps.world.title", "maps.world.title_none"),
    ),
    _fig(
        "maps.flow",
        "glossary.label.maps_flow",
        None,
        (PEOPLE, PAIRS, PROGRAMS, REGIONS),
        ("unknown_nationality", "masked"),
        ("site", "reference"),
        ("maps.flow.title",),
    ),
    _fig(
        "maps.bars",
        "glossary.label.maps_bars",
        None,
        (PEOPLE,),
        ("unknown_nationality", "masked"),
        titles=("maps.bars.title",),
    ),
    _fig("maps.programs", "maps.panel.programs", None, (PROGRAMS,)),
    _fig("maps.people", "maps.panel.people", None, (PAIRS,), ("masked",)),
    _fig(
        "maps.countries",
        "maps.panel.countries",
        None,
        (PEOPLE, PAIRS),
        ("unknown_nationality", "masked"),
    ),
    _fig("maps.unknown", "maps.panel.unknown", None, (PEOPLE, PAIRS), ("masked",)),
    # --- nationalities
    _fig(
        "nationalities.participants",
        "nationalities.metric.participants",
        "nationalities.help.participants",
        (PEOPLE,),
        ("masked",),
    ),
    _fig(
        "nationalities.nationalities",
        "nationalities.metric.nationalities",
        "nationalities.help.nationalities",
        (PEOPLE,),
        ("unknown_nationality", "masked"),
    ),
    _fig(
        "nationalities.unknown",
        "nationalities.metric.unknown",
        "nationalities.help.unknown",
        (PEOPLE,),
        ("masked",),
    ),
    _fig(
        "nationalities.regions",
        "nationalities.metric.regions",
        "nationalities.help.regions",
        (PEOPLE,),
        ("unknown_nationality",),
        ("site", "reference"),
    ),
    _fig(
        "nationalities.returning",
        "nationalities.metric.returning",
        "nationalities.help.returning",
        (PAIRS,),
        ("masked",),
    ),
    _fig(
        "nationalities.by_country",
        "glossary.label.nationalities_by_country",
        None,
        (PEOPLE,),
        ("masked",),
        titles=(
            "nationalities.by_country.title",
            "nationalities.by_country.title_none",
            "nationalities.by_country.title_one_country",
        ),
    ),
    _fig(
        "nationalities.by_town",
        "glossary.label.nationalities_by_town",
        None,
        (PEOPLE, PAIRS, PROGRAMS),
        ("unknown_nationality", "masked"),
        titles=(
            "nationalities.by_town.title",
            "nationalities.by_town.title_one",
            "nationalities.by_town.title_none",
        ),
    ),
    _fig(
        "nationalities.by_region",
        "glossary.label.nationalities_by_region",
        None,
        (PEOPLE,),
        ("unknown_nationality", "masked"),
        ("site", "reference"),
        ("nationalities.by_region.title", "nationalities.by_region.title_none"),
    ),
    _fig(
        "nationalities.diversity",
        "glossary.label.nationalities_diversity",
        None,
        (PEOPLE, PAIRS, PROGRAMS),
        ("unknown_nationality", "undated", "masked"),
        titles=("nationalities.diversity.title",),
    ),
    # --- timeline
    _fig(
        "timeline.gantt",
        "glossary.label.timeline_gantt",
        None,
        (PROGRAMS, PAIRS),
        ("undated", "masked"),
        titles=("timeline.gantt.title", "timeline.gantt.title_one", "timeline.gantt.title_town"),
    ),
    _fig(
        "timeline.cumulative",
        "glossary.label.timeline_cumulative",
        None,
        (PROGRAMS, PAIRS, PEOPLE),
        ("undated", "unknown_nationality", "masked"),
        titles=(
            "timeline.cumulative.title",
            "timeline.cumulative.title_one",
            "timeline.cumulative.title_one_country",
            "timeline.cumulative.title_unknown",
        ),
    ),
    _fig("timeline.dates", "timeline.col.dates", None, (PROGRAMS,), ("undated",)),
    _fig("timeline.days", "timeline.col.days", None, (PROGRAMS,), ("undated",)),
    _fig("timeline.participants", "timeline.col.participants", None, (PAIRS,), ("masked",)),
    _fig(
        "timeline.nationalities",
        "timeline.col.nationalities_count",
        None,
        (PEOPLE, PAIRS),
        ("unknown_nationality", "masked"),
    ),
    # --- town
    _fig("town.people", "town.metric.people", "town.help.people", (PAIRS, PROGRAMS), ("masked",)),
    _fig(
        "town.countries",
        "town.metric.countries",
        "town.help.countries",
        (PEOPLE, PAIRS),
        ("unknown_nationality", "masked"),
    ),
    _fig("town.returning", "town.metric.returning", "town.help.returning", (PAIRS,), ("masked",)),
    _fig(
        "town.person_days",
        "town.metric.person_days",
        "town.help.person_days",
        (PROGRAMS, PAIRS),
        ("undated", "masked"),
    ),
    _fig("town.days_1", "relations.metric.days_1", None, (PROGRAMS, PAIRS), ("undated", "masked")),
    _fig(
        "town.days_2_7", "relations.metric.days_2_7", None, (PROGRAMS, PAIRS), ("undated", "masked")
    ),
    _fig("town.days_8", "relations.metric.days_8", None, (PROGRAMS, PAIRS), ("undated", "masked")),
    _fig(
        "town.days_unknown", "relations.metric.days_unknown", None, (PROGRAMS, PAIRS), ("masked",)
    ),
    _fig("town.returning_share", "relations.metric.returning_share", None, (PAIRS,), ("masked",)),
    _fig("town.outcomes", "town.metric.outcomes", None, (MADE, PROGRAMS)),
    _fig(
        "town.per_residents",
        "relations.metric.per_residents",
        None,
        (PAIRS, REGIONS),
        ("masked",),
        ("site", "regions"),
    ),
    _fig(
        "town.engagement",
        "relations.metric.engagement",
        None,
        (PROGRAMS, PAIRS),
        ("not_recorded", "masked"),
        ("reading", "site"),
    ),
    _fig(
        "town.countries_chart",
        "glossary.label.town_countries_chart",
        None,
        (PEOPLE, PAIRS),
        ("masked",),
        titles=("town.chart.countries", "town.chart.countries_unknown"),
    ),
    _fig(
        "town.network",
        "glossary.label.town_network",
        None,
        (PAIRS, PEOPLE, PROGRAMS, MADE, TEXTS),
        ("undated", "masked"),
        titles=("town.chart.network",),
    ),
    # --- voices
    _fig(
        "voices.themes",
        "glossary.label.voices_themes",
        None,
        (TEXTS,),
        ("unlinked",),
        titles=(
            "voices.chart.title",
            "voices.chart.title_none",
            "voices.chart.title_single",
            "voices.chart.title_tie",
        ),
    ),
    # --- data
    _fig("data.added", "data.diff.added", None, (), sources=("upload",)),
    _fig("data.changed", "data.diff.changed", None, (), sources=("upload",)),
    _fig("data.removed", "data.diff.removed", None, (), sources=("upload",)),
)
BY_KEY = {figure.key: figure for figure in FIGURES}


def entry(key: str) -> Figure:
    """The figure ``key`` ("town.people"); KeyError for a figure the catalog does not hold."""
    return BY_KEY[key]


def help_text(key: str, lang: str) -> str:
    """What figure ``key`` counts, in ``lang``: the help text a page shows beside it."""
    return t(entry(key).help, lang)


def label(key: str, lang: str) -> str:
    """The figure's name in ``lang``."""
    return t(entry(key).label, lang)


def leaves_out_text(figure: Figure, lang: str) -> str:
    """What the figure leaves out, as one list in ``lang`` ("nothing" when it leaves out
    nothing)."""
    if not figure.leaves_out:
        return t("glossary.leaves.nothing", lang)
    return join_list([t(f"glossary.leaves.{reason}", lang) for reason in figure.leaves_out], lang)


def sources_text(figure: Figure, lang: str) -> str:
    """Where the figure's data comes from, as one list in ``lang``."""
    return join_list([t(f"glossary.source.{source}", lang) for source in figure.sources], lang)


def rows(lang: str, pages: tuple[str, ...] | None = None) -> list[dict[str, str]]:
    """The glossary's rows in navigation order, for the pages in ``pages`` (all by default):
    key, page (its title), figure, counts (= ``help_text``), tables, leaves_out, sources."""
    order = [p.name for p in PAGES if pages is None or p.name in pages]
    out = []
    for name in order:
        for figure in (f for f in FIGURES if f.page == name):
            out.append(
                {
                    "key": figure.key,
                    "page": t(f"nav.{name}", lang),
                    "figure": label(figure.key, lang),
                    "counts": help_text(figure.key, lang),
                    "tables": ", ".join(figure.tables) or t("glossary.tables.none", lang),
                    "leaves_out": leaves_out_text(figure, lang),
                    "sources": sources_text(figure, lang),
                }
            )
    return out


# --- telling a figure by what a page shows -----------------------------------------------------


@cache
def _title_patterns(lang: str) -> tuple[tuple[re.Pattern, str], ...]:
    """(pattern, figure key) for each chart title of the catalog in ``lang``: the title's text
    with its ``{placeholders}`` matching anything."""
    texts = catalogs()[normalise_lang(lang)]
    out = []
    for figure in FIGURES:
        for key in figure.titles:
            parts = re.split(r"\{[^}]*\}", texts[key])
            out.append(
                (re.compile("^" + ".+?".join(map(re.escape, parts)) + "$", re.S), figure.key)
            )
    return tuple(out)


def figure_for_title(title: str, lang: str) -> str | None:
    """The key of the chart figure whose title template ``title`` matches, else None."""
    for pattern, key in _title_patterns(lang):
        if pattern.match(title.strip()):
            return key
    return None


def figure_for_help(help_: str, page: str, lang: str) -> str | None:
    """The key of the figure of ``page`` whose help text is ``help_``, else None."""
    for figure in FIGURES:
        if figure.page == page and help_text(figure.key, lang) == help_:
            return figure.key
    return None


# --- seasons still running ---------------------------------------------------------------------


def provisional_note(
    ds: Dataset, lang: str, on: dt.date | None = None, *, markdown: bool = False
) -> str:
    """The note that some of the numbers shown are provisional: programs of ``ds`` whose end
    date is after ``on`` (today by default), named; "" when none is still running. With
    ``markdown`` the programs' titles are escaped for a Markdown element."""
    from dashboard.markup import md
    from dashboard.relations import running_programs, today

    on = on or today()
    running = running_programs(ds.programs, on)
    if running.empty:
        return ""
    say = md if markdown else t
    titles = join_list(list(running["title"]), lang)
    return say(
        "glossary.provisional", lang, n=len(running), programs=titles, date=format_date(on, lang)
    )
