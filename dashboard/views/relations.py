"""The town's 関係人口 in the ministries' terms, as the town page and its report show it.

``relation_rows`` takes the whole (access-scoped) dataset, a town, the language, the viewer and
the people counts as the viewer sees them (``views.town.shown_numbers`` after
``access.mask_headline``), and returns rows of figures (key, label, value, help): days spent
here in 国土交通省's bands, returning share, things made, people per 10,000 residents (only where
regions.csv gives a population), and people per engagement type (only where programs.csv gives
one). Counts the viewer may not see read "<3", numbers that would give them away "–".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dashboard import access, glossary, relations
from dashboard import town as towns
from dashboard.access import Viewer
from dashboard.data import Dataset
from dashboard.i18n import format_number, t, town_name

WITHHELD = "–"
BAND_KEYS = {
    "1": "days_1",
    "2-7": "days_2_7",
    "8+": "days_8",
    relations.DAYS_UNKNOWN: "days_unknown",
}


@dataclass(frozen=True)
class Figure:
    """One figure as shown: its glossary key, label, value (formatted, maybe masked), help."""

    key: str
    label: str
    value: str
    help: str


def _figure(key: str, value: str, lang: str, label: str | None = None) -> Figure:
    return Figure(
        key,
        label or glossary.label(f"town.{key}", lang),
        value,
        glossary.help_text(f"town.{key}", lang),
    )


def percent(value: float | None, lang: str) -> str:
    """A percentage in the locale ("18.2%"); None is "unknown"."""
    if value is None:
        return t("common.unknown", lang)
    return t("relations.percent", lang, n=format_number(value, lang))


def relation_rows(
    ds: Dataset, region_id: str, lang: str, viewer: Viewer, shown: dict
) -> tuple[tuple[Figure, ...], ...]:
    """The rows of figures (see the module's docstring); the engagement row only when the
    town's programs record an engagement type."""
    n = lambda value: format_number(access.mask_count(value, viewer, town=region_id), lang)  # noqa: E731
    bands = relations.day_bands(ds, region_id)
    days = tuple(_figure(BAND_KEYS[band], n(count), lang) for band, count in bands.items())
    rel = towns.relationship(ds, region_id)
    masked_people = isinstance(shown["participants"], str)
    share = relations.share(rel.returning, rel.people)
    other = [
        _figure(
            "returning_share",
            WITHHELD if isinstance(shown["returning"], str) else percent(share, lang),
            lang,
        ),
        _figure("outcomes", format_number(len(towns.outcomes(ds, region_id)), lang), lang),
    ]
    people_of = relations.population(towns.find_town(ds, region_id) or {})
    if people_of is not None:
        per = relations.per_residents(rel.people, people_of.residents)
        other.append(
            _figure("per_residents", WITHHELD if masked_people else format_number(per, lang), lang)
        )
    rows = [days, tuple(other)]
    engaged = relations.engagement(ds, region_id)
    if engaged:
        rows.append(
            tuple(
                _figure(
                    "engagement",
                    n(count),
                    lang,
                    label=t(f"relations.engagement.{kind or 'not_recorded'}", lang),
                )
                for kind, count in engaged.items()
                if count
            )
        )
    return tuple(rows)


def population_note(ds: Dataset, region_id: str, lang: str) -> str:
    """The town's population as the data gives it, with year and source; or the note that
    the data gives none (so there is no per-residents figure)."""
    region = towns.find_town(ds, region_id) or {}
    people_of = relations.population(region)
    if people_of is None:
        return t("relations.no_population", lang, town=town_name(region, lang) if region else "")
    residents = format_number(people_of.residents, lang)
    source = people_of.source or t("common.unknown", lang)
    if people_of.year is None:
        return t("relations.population_no_year", lang, residents=residents, source=source)
    return t("relations.population", lang, residents=residents, year=people_of.year, source=source)


def engagement_note(ds: Dataset, region_id: str, lang: str) -> str:
    """Where the town's engagement types come from ("" when its programs record none)."""
    return t("relations.engagement.reading", lang) if relations.engagement(ds, region_id) else ""


def provisional_titles(programs: pd.DataFrame, on: dt.date, lang: str) -> list[str]:
    """The programs' titles, each marked provisional when it is still running on ``on``."""
    running = set(relations.running_programs(programs, on)["program_id"])
    return [
        t("relations.provisional_mark", lang, title=title) if pid in running else title
        for pid, title in zip(programs["program_id"], programs["title"], strict=True)
    ]


def town_provisional_note(
    ds: Dataset, region_id: str, lang: str, on: dt.date, *, markdown: bool = False
) -> str:
    """The provisional note for the town's own programs ("" when none is still running);
    Markdown (titles escaped) with ``markdown``."""
    mine = ds.programs[ds.programs["region_id"] == region_id]
    return glossary.provisional_note(ds.replace(programs=mine), lang, on, markdown=markdown)


def ministries_terms(
    ds: Dataset, region_id: str, lang: str, shown: dict, on: dt.date
) -> dict[str, object]:
    """The report's values for the 関係人口 figures in the ministries' terms: h_relations,
    relations_intro, relations (rows of key/label/value dicts), relation_notes, provisional.
    The report is for viewers who see every count (staff, the town's officials)."""
    region = towns.find_town(ds, region_id) or {}
    return {
        "h_relations": t("relations.section", lang),
        "relations_intro": t("relations.intro", lang, town=town_name(region, lang)),
        "relations": [
            # things made are among the report's numbers already
            [{"key": f.key, "label": f.label, "value": f.value} for f in row if f.key != "outcomes"]
            for row in relation_rows(ds, region_id, lang, access.STAFF, shown)
        ],
        "relation_notes": [
            note
            for note in (population_note(ds, region_id, lang), engagement_note(ds, region_id, lang))
            if note
        ],
        "provisional": town_provisional_note(ds, region_id, lang, on),
    }
