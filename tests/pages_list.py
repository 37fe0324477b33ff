"""The pages the app registers, read from streamlit_app.py (so new pages are tested too)."""

from __future__ import annotations

import ast

from dashboard.i18n import t

from .conftest import APP


def registered_pages() -> list[str]:
    """File names in ``PAGES`` of the entry script, in navigation order."""
    tree = ast.parse(APP.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PAGES":
            return [elt.elts[0].value for elt in node.value.elts]
    raise AssertionError("streamlit_app.py has no PAGES list")


def page_title(name: str, lang: str) -> str:
    """The navigation title of page file ``name`` in ``lang``."""
    return t(f"nav.{name.removesuffix('.py')}", lang)
