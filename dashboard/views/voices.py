"""What the voices page shows: the testimonials found (a page of cards, or one quote on the
wall), the line above them, the theme chart with its table, the lexicon and a card's pin
choices, from a ``VoicesQuery`` and the themes chosen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from dashboard.charts import Chart
from dashboard.i18n import format_number, t
from dashboard.memo import memo
from dashboard.palette import town_colours
from dashboard.voices.chart import chart_title, theme_chart
from dashboard.voices.highlights import auto_highlight, split_sentences
from dashboard.voices.search import parse_query
from dashboard.voices.tables import (
    VoicesQuery,
    found_table,
    scoped_table,
    theme_summary,
    with_theme,
)
from dashboard.voices.themes import Theme

CARDS_PER_PAGE = 24  # thousands of cards would make every rerun slow
CHART_FILE = "themes-by-town"


@dataclass(frozen=True, eq=False)
class Voices:
    """The testimonials to show (found, and tagged with every theme chosen; one row per card,
    columns of ``voices_table``), the search terms to mark in them, how many the filters
    select (``scoped``) and the search finds (``found``), and the line said above the cards."""

    shown: pd.DataFrame
    terms: tuple[str, ...]
    scoped: int
    found: int
    message: str


def build(q: VoicesQuery, theme_ids: Iterable[str] = ()) -> Voices:
    """The testimonials of ``q`` found by its search and tagged with every one of
    ``theme_ids``, with the counts and the message above them."""
    scoped = len(scoped_table(q))
    found = found_table(q)
    shown = with_theme(found, theme_ids)
    return Voices(
        shown, parse_query(q.query), scoped, len(found), message(scoped, len(shown), q.lang)
    )


def message(scoped: int, shown: int, lang: str) -> str:
    """The line above the cards: none in scope, none found, or how many are shown of how many."""
    if not scoped:
        return t("voices.empty_scope", lang)
    if not shown:
        return t("voices.empty", lang)
    numbers = {"shown": format_number(shown, lang), "total": format_number(scoped, lang)}
    return t("voices.count" if shown == scoped else "voices.count_filtered", lang, **numbers)


def theme_labels(themes: tuple[Theme, ...], lang: str) -> dict[str, str]:
    """``{theme_id: label}`` in lexicon order, for the theme picker."""
    return {theme.theme_id: theme.label(lang) for theme in themes}


def page_count(total: int) -> int:
    """How many pages of ``CARDS_PER_PAGE`` cards ``total`` testimonials fill."""
    return -(-total // CARDS_PER_PAGE)


def pager_label(total: int, lang: str) -> str:
    """The page picker's label: "Page (of 3)"."""
    return t("voices.cards.page", lang, pages=format_number(page_count(total), lang))


def cards_on_page(shown: pd.DataFrame, number: int = 1) -> list[dict]:
    """The rows of page ``number`` (from 1) as dicts; only those, since turning all of 20,000
    into dicts would slow every rerun."""
    first = (int(number) - 1) * CARDS_PER_PAGE
    return shown.iloc[first : first + CARDS_PER_PAGE].to_dict("records")


def showing(total: int, number: int, lang: str) -> str:
    """ "Showing 25–48 of 60 testimonials" for page ``number``."""
    first = (int(number) - 1) * CARDS_PER_PAGE
    last = min(first + CARDS_PER_PAGE, total)
    return t(
        "voices.cards.showing",
        lang,
        first=format_number(first + 1, lang),
        last=format_number(last, lang),
        total=format_number(total, lang),
    )


def wall_quote(shown: pd.DataFrame, index: int) -> dict:
    """Row ``index`` of the testimonials shown, as a dict, for the quote wall."""
    return shown.iloc[index : index + 1].to_dict("records")[0]


def wall_position(index: int, total: int, lang: str) -> str:
    """ "Quote 2 of 5" for row ``index`` (from 0) of ``total``."""
    return t(
        "voices.wall.position",
        lang,
        n=format_number(index + 1, lang),
        total=format_number(total, lang),
    )


@memo(maxsize=32)
def theme_section(q: VoicesQuery) -> Chart | None:
    """Testimonials per theme, one colour per town, and the same counts as a table (a row per
    theme, a column per town); None when no testimonial found touches any theme."""
    counts, totals = theme_summary(q)
    if not max(totals.values(), default=0):
        return None
    lang = q.lang
    fig = theme_chart(
        counts,
        colours=town_colours(list(q.full.regions["region_id"])),
        title=chart_title(totals, q.themes, len(found_table(q)), lang),
        labels={
            "count": t("voices.chart.count", lang),
            "theme": t("voices.chart.theme", lang),
            "town": t("voices.chart.town", lang),
        },
    )
    table = counts.pivot_table(
        index="theme", columns="town", values="count", sort=False, aggfunc="sum"
    ).reset_index()
    table = table.rename(columns={"theme": t("voices.col.theme", lang)})
    return Chart(fig, table, CHART_FILE)


def lexicon_table(themes: tuple[Theme, ...], lang: str) -> pd.DataFrame:
    """The lexicon as the page lists it: each theme's label and its keywords in both languages."""
    return pd.DataFrame(
        {
            t("voices.col.theme", lang): [theme.label(lang) for theme in themes],
            t("voices.col.keywords_en", lang): ["; ".join(x.keywords_en) for x in themes],
            t("voices.col.keywords_ja", lang): ["; ".join(x.keywords_ja) for x in themes],
        }
    )


@dataclass(frozen=True)
class PinChoice:
    """A card's pin picker: the choices ("" for the automatic one, then the text's sentences,
    then a pin no longer among them), the one pinned now ("" for none), the automatic one."""

    options: tuple[str, ...]
    current: str
    automatic: str


def pin_choice(row: Mapping[str, object]) -> PinChoice:
    """The pin picker of one card (a row of ``voices_table``)."""
    current = row["highlight"] if row["pinned"] else ""
    options = list(dict.fromkeys(["", *split_sentences(row["text"])]))
    if current and current not in options:
        options.append(current)
    return PinChoice(tuple(options), current, auto_highlight(row["text"]))
