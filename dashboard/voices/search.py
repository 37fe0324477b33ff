"""Search: a query in, the testimonials that say every term of it out, and where they say it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from dashboard.voices.themes import keyword_pattern

_TERM = re.compile(r'"([^"]+)"|(\S+)')


def parse_query(query: str | None) -> tuple[str, ...]:
    """Search terms from a query: words, or "quoted phrases"; full-width letters made plain."""
    text = unicodedata.normalize("NFKC", query or "").replace("“", '"').replace("”", '"')
    terms = [(a or b).strip() for a, b in _TERM.findall(text)]
    return tuple(dict.fromkeys(term for term in terms if term.strip('"*')))


@lru_cache(maxsize=256)
def _term_pattern(term: str) -> re.Pattern:
    """A term matches whole words (``tea`` finds tea, not team); ``*`` allows any ending
    (``welcom*``). Terms in Japanese match anywhere."""
    return keyword_pattern(term)


def match_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the terms occur in ``text``: sorted, overlapping spans merged."""
    spans = sorted(
        (m.start(), m.end())
        for term in terms
        for m in _term_pattern(term).finditer(str(text))
        if m.end() > m.start()
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def matches(text: str, terms: Iterable[str]) -> bool:
    """True when every term occurs in ``text``."""
    return all(_term_pattern(term).search(str(text)) for term in terms)


def search(table: pd.DataFrame, query: str | None) -> pd.DataFrame:
    """The rows whose text (or public author name) contains every term of ``query``."""
    terms = parse_query(query)
    if not terms:
        return table
    keep = [
        matches(f"{text}\n{name}", terms)
        for text, name in zip(table["text"], table["search_name"], strict=True)
    ]
    return table[keep]
