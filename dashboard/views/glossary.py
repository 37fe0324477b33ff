"""What the Glossary page shows: how every figure is counted, page by page, in one language.

``glossary_page`` takes the language and the viewer and returns the page's texts and one table
per page the viewer may open, built from the figure catalog (``dashboard.glossary``), the same
entries the figures' help texts come from.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import access, glossary
from dashboard.access import Viewer
from dashboard.i18n import t
from dashboard.markup import escape_markdown
from dashboard.memo import memo
from dashboard.pages import PAGES

COLUMNS = ("figure", "counts", "tables", "leaves_out", "sources")
COLUMN_KEYS = {
    "figure": "glossary.col.figure",
    "counts": "glossary.what_it_counts",
    "tables": "glossary.counted_from",
    "leaves_out": "glossary.leaves_out",
    "sources": "glossary.data_from",
}
RULES = ("rows", "unknown", "masked", "provisional", "ministries")


@dataclass(frozen=True)
class Section:
    """One page's figures: its title, and a table of them (plain text, translated columns)."""

    page: str
    title: str
    table: pd.DataFrame


@dataclass(frozen=True)
class GlossaryPage:
    """The Glossary page: ``title``, ``intro``, ``rules_title`` and ``rules`` (Markdown, one
    rule a line), and a ``Section`` per page ``viewer`` may open, in navigation order."""

    title: str
    intro: str
    rules_title: str
    rules: tuple[str, ...]
    sections: tuple[Section, ...]


@memo(maxsize=8)
def glossary_page(lang: str, viewer: Viewer) -> GlossaryPage:
    """The Glossary page in ``lang`` for ``viewer`` (the pages it may open)."""
    names = tuple(p.name for p in PAGES if access.can_open(viewer, p.name))
    rows = pd.DataFrame(glossary.rows(lang, names))
    sections = []
    for name in names:
        mine = rows[rows["key"].str.startswith(f"{name}.")] if len(rows) else rows
        if mine.empty:
            continue
        table = mine[list(COLUMNS)].rename(columns={c: t(k, lang) for c, k in COLUMN_KEYS.items()})
        sections.append(Section(name, t(f"nav.{name}", lang), table.reset_index(drop=True)))
    return GlossaryPage(
        title=escape_markdown(t("glossary.title", lang)),
        intro=escape_markdown(t("glossary.intro", lang)),
        rules_title=escape_markdown(t("glossary.rules.title", lang)),
        rules=tuple(escape_markdown(t(f"glossary.rules.{rule}", lang)) for rule in RULES),
        sections=tuple(sections),
    )
