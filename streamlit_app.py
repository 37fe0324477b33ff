"""Entry point: page config, the shared sidebar, and navigation over ``app_pages/``."""

from pathlib import Path

import streamlit as st

from dashboard import access
from dashboard.pages import PAGES
from dashboard.ui import present, runs, shell

HERE = Path(__file__).parent

st.set_page_config(page_icon="🌏", layout="wide")
# a few runs at a time, the others waiting their turn (dashboard/ui/runs.py)
with runs.turn():
    ctx = shell.start()
    # a page the viewer's role may not open is not registered at all: its URL leads nowhere
    visible = [p for p in PAGES if access.can_open(ctx.viewer, p.name)]
    if ctx.recovering:  # no data to show: only the page that takes corrected files
        visible = [p for p in visible if p.name == "data"]
    navigation = st.navigation(
        [
            st.Page(
                HERE / p.path,
                title=ctx.t(p.title_key),
                icon=p.icon,
                url_path=p.url_path,
                default=i == 0,
            )
            for i, p in enumerate(visible)
        ]
    )
    present.apply(ctx, visible)  # ?present=1: projector view on every page
    navigation.run()
