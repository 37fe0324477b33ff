"""Presentation mode for a projector: ``?present=1`` on any page.

It hides the sidebar and Streamlit's own chrome (header, toolbar, menu), enlarges text, numbers
and charts, and puts a row of page links at the top in place of the sidebar navigation. The
flag stays in the URL as pages change; "Exit presentation" turns it off. The filters still
apply from the URL (``?lang=ja&town=tono&present=1``).

``streamlit_app.py`` calls ``apply(ctx, pages)`` once per run, after ``st.navigation`` and
before the page runs. The style sheet holds no data.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard.pages import Page

PARAM = "present"
STATE = "_present"
ON = {"1", "true", "yes", "on"}

CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stMainMenu"], [data-testid="stAppDeployButton"],
[data-testid="stStatusWidget"], footer { display: none !important; }
html { font-size: 20px; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 1rem 2.5rem 2rem; }
[data-testid="stMain"] h1 { font-size: 2.8rem; }
[data-testid="stMain"] h2, [data-testid="stMain"] h3 { font-size: 1.9rem; }
[data-testid="stMetricValue"] { font-size: 3.4rem !important; line-height: 1.1; }
[data-testid="stMetricLabel"] p { font-size: 1.15rem !important; }
[data-testid="stCaptionContainer"] { font-size: 1rem; }
[data-testid="stPageLink"] p { font-size: 1rem; }
</style>
"""


def active() -> bool:
    """Whether this run is in presentation mode: the URL says so, else the session remembers."""
    if PARAM in st.query_params:
        return st.query_params.get(PARAM, "").strip().lower() in ON
    return bool(st.session_state.get(STATE))


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
