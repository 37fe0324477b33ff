"""What both kinds of map share: the shades a count is filled with, and the text of a count,
a country or a date range (remembered: the popups of 1,741 towns repeat the same few)."""

from __future__ import annotations

from functools import lru_cache

from dashboard import access
from dashboard.i18n import country_name, format_date_range, format_number

SHADES = "Blues"  # the sequential palette of people counts
TOWN_SHADES = "Oranges"  # the same counts for the towns' own municipalities, over the blues
NO_PROGRAM_FILL = "#f1f3f5"
MASKED_FILL = "#c6dbef"  # one light shade for counts hidden from the viewer


def small_label() -> str:
    """What a hidden count shows instead: ``"<3"``."""
    return f"<{access.SMALL_COUNT_THRESHOLD}"


@lru_cache(maxsize=4096)
def number(value, lang: str) -> str:
    """``format_number``, remembered."""
    return format_number(value, lang)


def shown(value, lang: str) -> str:
    """A count as the viewer sees it: a masked count ("<3") as it is, else the number."""
    return value if isinstance(value, str) else number(int(value), lang)


@lru_cache(maxsize=2048)
def country(code: str, lang: str) -> str:
    """``country_name``, remembered."""
    return country_name(code, lang)


@lru_cache(maxsize=8192)  # the popups of 1,741 towns date some 5,000 programs
def dates(start, end, lang: str) -> str:
    """``format_date_range``, remembered."""
    return format_date_range(start, end, lang)
