"""The testimonials as a table, one row per card: who (named only with consent), where, the
highlight and the themes; scoped by the sidebar's filters, searched, and remembered per query."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dashboard.data import Dataset, isin, split_ids
from dashboard.i18n import country_flag, country_name, format_date_range, label, t, town_names
from dashboard.memo import memo
from dashboard.metrics import Filters
from dashboard.voices.chart import theme_counts, theme_totals
from dashboard.voices.highlights import highlight_for
from dashboard.voices.search import search
from dashboard.voices.themes import Theme, theme_matches


def may_name(person: Mapping[str, object]) -> bool:
    """True when the person agreed to be named (``public_consent``) and has a name."""
    consent = person.get("public_consent")
    name = person.get("display_name")
    agreed = consent is not None and not pd.isna(consent) and bool(consent)
    return agreed and isinstance(name, str) and bool(name.strip())


def author_label(person: Mapping[str, object], lang: str) -> str:
    """The author's name when they agreed to be named, else "a participant from <country>"."""
    if may_name(person):
        return str(person["display_name"]).strip()
    code = person.get("nationality")
    if isinstance(code, str) and code:
        return t("voices.anonymous_from", lang, country=country_name(code, lang))
    return t("voices.anonymous", lang)


def in_scope(full: Dataset, filtered: Dataset, filters: Filters) -> pd.DataFrame:
    """The testimonials the sidebar's filters select.

    Unlike the shared filter, a testimonial about several programs (``related_program_ids``)
    stays when any of them is selected: Urahoro keeps what Trinh Doan and Alejandro said.
    """
    texts = full.testimonials
    texts = texts[texts["participant_id"].isin(set(filtered.participants["participant_id"]))]
    if filters.towns or filters.years:
        chosen = set(filtered.programs["program_id"])
        related = texts.get("related_program_ids", pd.Series(None, index=texts.index))
        keep = [
            bool(chosen & {p for p in [program, *split_ids(rel)] if isinstance(p, str)})
            for program, rel in zip(texts["program_id"], related, strict=True)
        ]
        texts = texts[np.asarray(keep, dtype=bool)]  # a bare [] would select no columns
    return texts


def voices_table(
    ds: Dataset, texts: pd.DataFrame, themes: tuple[Theme, ...], lang: str
) -> pd.DataFrame:
    """One row per testimonial, ready for a card.

    Columns: testimonial_id, text, language, author (name or anonymous label), named,
    nationality, flag, country, program_ids, region_ids, towns, programs, highlight, pinned,
    stale_pin, themes (``{theme_id: words}``), search_name (the name when it may be searched).
    """
    # look-ups by id for the people and programs these testimonials name, built once
    cited = ds.participants[isin(ds.participants["participant_id"], texts["participant_id"])]
    people = dict(zip(cited["participant_id"], cited.to_dict("records"), strict=True))
    town_of = town_names(ds, lang)
    program_town = dict(zip(ds.programs["program_id"], ds.programs["region_id"], strict=True))
    program_rows = ds.programs.set_index("program_id")[["start_date", "end_date", "kind"]]
    program_rows = program_rows.to_dict("index")
    labels: dict[str, str] = {}

    def program_label(program_id: str) -> str:
        if program_id not in labels:
            labels[program_id] = _program_label(program_rows[program_id], lang)
        return labels[program_id]

    rows = []
    for row in texts.to_dict("records"):
        person = people[row["participant_id"]]
        program_ids = [
            p
            for p in dict.fromkeys(
                [row.get("program_id"), *split_ids(row.get("related_program_ids"))]
            )
            if isinstance(p, str) and p in program_town
        ]
        region_ids = list(dict.fromkeys(program_town[p] for p in program_ids))
        towns = [town_of.get(r, r) for r in region_ids]
        code = person.get("nationality")
        code = code if isinstance(code, str) and code else ""
        named = may_name(person)
        chosen = highlight_for(row["text"], row.get("highlight"))
        rows.append(
            {
                "testimonial_id": row["testimonial_id"],
                "text": row["text"],
                "language": row.get("language") or "",
                "author": author_label(person, lang),
                "named": named,
                "nationality": code,
                "flag": country_flag(code),
                "country": country_name(code, lang),
                "program_ids": program_ids,
                "region_ids": region_ids,
                "towns": towns,
                "programs": [program_label(p) for p in program_ids],
                "highlight": chosen.sentence,
                "pinned": chosen.pinned,
                "stale_pin": chosen.stale_pin,
                "themes": theme_matches(row["text"], themes),
                "search_name": person["display_name"] if named else "",
            }
        )
    columns = [
        "testimonial_id",
        "text",
        "language",
        "author",
        "named",
        "nationality",
        "flag",
        "country",
        "program_ids",
        "region_ids",
        "towns",
        "programs",
        "highlight",
        "pinned",
        "stale_pin",
        "themes",
        "search_name",
    ]
    return pd.DataFrame(rows, columns=columns)


def _program_label(program: Mapping, lang: str) -> str:
    start, end = program["start_date"], program["end_date"]
    dates = format_date_range(start, end, lang)
    kind = label("voices.kind", program["kind"], lang)
    return t("voices.program", lang, kind=kind, dates=dates)


@dataclass(frozen=True)
class VoicesQuery:
    """What the voices page asks for: the data before (``full``) and after (``filtered``) the
    sidebar's ``filters``, the theme lexicon, the language and the search (``query``).

    Hashable (a ``Dataset`` hashes by identity), so the tables below are remembered by it.
    """

    full: Dataset
    filtered: Dataset
    filters: Filters
    themes: tuple[Theme, ...]
    lang: str
    query: str | None = None

    def unsearched(self) -> VoicesQuery:
        """The same query without the search."""
        return replace(self, query=None)


def scoped_table(q: VoicesQuery) -> pd.DataFrame:
    """``voices_table`` of the testimonials the filters select, whatever the search (cached; do
    not modify it)."""
    return _scoped_table(q.unsearched())


# memo, not lru_cache: the query holds the viewer's scoped data, which an lru_cache would keep
# alive outside the memory budget (32 scoped copies of the whole data at 1,741 towns)
@memo(maxsize=32, copies=False)
def _scoped_table(q: VoicesQuery) -> pd.DataFrame:
    return voices_table(q.full, in_scope(q.full, q.filtered, q.filters), q.themes, q.lang)


@memo(maxsize=32)
def found_table(q: VoicesQuery) -> pd.DataFrame:
    """``scoped_table`` searched for ``q.query`` (see ``search``), remembered per query."""
    return search(scoped_table(q), q.query)


@memo(maxsize=32)
def theme_summary(q: VoicesQuery) -> tuple[pd.DataFrame, dict[str, int]]:
    """``(theme_counts, theme_totals)`` of ``found_table``, remembered per query."""
    table = found_table(q)
    return theme_counts(table, q.themes, q.full.regions, q.lang), theme_totals(table, q.themes)


def with_theme(table: pd.DataFrame, theme_ids: Iterable[str]) -> pd.DataFrame:
    """The rows tagged with every one of ``theme_ids`` (all rows when none is given)."""
    wanted = set(theme_ids)
    if not wanted:
        return table
    return table[[wanted <= set(found) for found in table["themes"]]]
