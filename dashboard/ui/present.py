"""Presentation mode for a projector: ``?present=1`` on any page.

It hides the sidebar and Streamlit's own chrome (header, toolbar, menu), enlarges text, numbers
and charts, and puts a row of page links at the top in place of the sidebar navigation. The
flag stays in the URL as pages change; "Exit presentation" turns it off. The filters still
apply from the URL (``?lang=ja&town=tono&present=1``).

The arrow keys and PageDown / PageUp (what a presenter's clicker sends) walk the page's sections
in the deck's order (``dashboard.deck.KINDS``: title, numbers, map, charts, quotes, sources), so
the live page and the slide file agree: a page marks where each section starts with ``mark()``
and ``static/present-keys.js`` scrolls from mark to mark.

Text keeps a contrast of at least 7:1 on the projector (WCAG AAA): the style sheet's colours
are the constants below, and tests/test_present.py measures them (``dashboard.contrast``).

``streamlit_app.py`` calls ``apply(ctx, pages)`` once per run, after ``st.navigation`` and
before the page runs. The style sheet holds no data.
"""

from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from dashboard.deck import KINDS
from dashboard.pages import Page

PARAM = "present"
STATE = "_present"
ON = {"1", "true", "yes", "on"}
KEYS_JS = Path(__file__).resolve().parents[2] / "static" / "present-keys.js"

# the projector's colours: each text colour at least 7:1 on BACKGROUND and on the pale tint
# of the primary colour that Streamlit puts behind a chosen option
BACKGROUND = "#FFFFFF"
TEXT = "#1F1E1D"  # 16.6:1
MUTED = "#3F3E3C"  # captions and quotes, 10.7:1
ACCENT = "#00466E"  # links and chosen options, 10.0:1 (8.5:1 on the primary's tint)
TEXT_COLOURS = {"text": TEXT, "muted": MUTED, "accent": ACCENT}

CSS = f"""
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stMainMenu"], [data-testid="stAppDeployButton"],
[data-testid="stStatusWidget"], footer {{ display: none !important; }}
html {{ font-size: 20px; }}
[data-testid="stApp"] {{ background: {BACKGROUND}; color: {TEXT}; }}
[data-testid="stMain"] :is([data-testid="stCaptionContainer"], blockquote),
[data-testid="stMain"] :is([data-testid="stCaptionContainer"], blockquote) :is(p, span) {{
  color: {MUTED}; opacity: 1;
}}
[data-testid="stMain"] a, [data-testid="stMain"] a :is(p, span),
[data-testid="stMain"] button[data-selected="true"] p {{ color: {ACCENT}; }}
[data-testid="stMainBlockContainer"] {{ max-width: 100% !important; padding: 1rem 2.5rem 2rem; }}
[data-testid="stMain"] h1 {{ font-size: 2.8rem; }}
[data-testid="stMain"] h2, [data-testid="stMain"] h3 {{ font-size: 1.9rem; }}
[data-testid="stMetricValue"] {{ font-size: 3.4rem !important; line-height: 1.1; }}
[data-testid="stMetricLabel"] p {{ font-size: 1.15rem !important; }}
[data-testid="stCaptionContainer"] {{ font-size: 1rem; }}
[data-testid="stPageLink"] p {{ font-size: 1rem; }}
</style>
"""


def active() -> bool:
    """Whether this run is in presentation mode: the URL says so, else the session remembers."""
    if PARAM in st.query_params:
        return st.query_params.get(PARAM, "").strip().lower() in ON
    return bool(st.session_state.get(STATE))


def order() -> tuple[str, ...]:
    """The kinds of section the keys walk, in the deck's order."""
    return KINDS


def keys_script() -> str:
    """The key handler (``static/present-keys.js``) with the deck's order filled in."""
    return "<script>" + KEYS_JS.read_text().replace("__ORDER__", json.dumps(order())) + "</script>"


def mark(kind: str) -> None:
    """Where a section of kind ``kind`` (one of ``dashboard.deck.KINDS``) starts on the page:
    an empty marker the keys scroll to, drawn in presentation mode only."""
    if kind not in KINDS:
        raise ValueError(f"not a deck section: {kind!r} (one of {', '.join(KINDS)})")
    if active():
        st.html(f'<div data-deck-section="{kind}"></div>')


def header(kind: str, text: str, **kwargs) -> None:
    """A section's heading (``st.header``, h2) with its ``mark(kind)`` above it."""
    mark(kind)
    st.header(text, **kwargs)


def enlarge(fig: go.Figure) -> go.Figure:
    """A figure made bigger for a projector when presentation mode is on (unchanged otherwise)."""
    if not active():
        return fig
    fig = go.Figure(fig)
    height = fig.layout.height or 450
    fig.update_layout(height=int(height * 1.3), font={"size": 22})
    fig.update_annotations(font={"size": 20})
    return fig


def _exit() -> None:
    st.session_state[STATE] = False
    if PARAM in st.query_params:
        del st.query_params[PARAM]


def apply(ctx, pages: list[Page]) -> bool:
    """Turn presentation mode on for this run when asked (style sheet, page links, exit button),
    and keep ``?present=1`` in the URL across pages. Returns whether it is on."""
    on = active()
    st.session_state[STATE] = on
    if not on:
        return False
    if st.query_params.get(PARAM) != "1":
        st.query_params[PARAM] = "1"
    st.html(CSS)
    st.html(keys_script(), unsafe_allow_javascript=True)
    mark("title")  # the top of the page, its title, is the deck's first step
    links = st.columns([*([1] * len(pages)), 1.6], vertical_alignment="center")
    for column, page in zip(links, pages, strict=False):
        column.page_link(page.path, label=ctx.t(page.title_key), icon=page.icon)
    links[-1].button(
        ctx.t("present.exit"),
        key="present_exit",
        icon=":material/close_fullscreen:",
        on_click=_exit,
        type="tertiary",
    )
    return True
