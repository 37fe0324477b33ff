"""The registered pages, by file name, for parametrised tests (``dashboard.pages``)."""

from __future__ import annotations

from dashboard.i18n import t
from dashboard.pages import PAGES, page


def registered_pages() -> list[str]:
    """File names of the registry's pages, in navigation order."""
    return [p.file for p in PAGES]


def page_title(name: str, lang: str) -> str:
    """The navigation title of page file ``name`` in ``lang``."""
    return t(page(name).title_key, lang)
