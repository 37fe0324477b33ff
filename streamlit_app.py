"""Entry point: page config, the shared sidebar, and navigation over ``app_pages/``."""

from pathlib import Path

import streamlit as st

import present
import shell
from dashboard import access

HERE = Path(__file__).parent
# (file in app_pages/, icon); a page's title is t("nav.<file stem>")
PAGES = [
    ("overview.py", ":material/dashboard:"),
    ("maps.py", ":material/map:"),
    ("nationalities.py", ":material/public:"),
    ("timeline.py", ":material/timeline:"),
    ("town.py", ":material/location_city:"),
    ("voices.py", ":material/format_quote:"),
    ("data.py", ":material/upload_file:"),
]

st.set_page_config(page_icon="🌏", layout="wide")
ctx = shell.start()
# a page the viewer's role may not open is not registered at all: its URL leads nowhere
visible = [(name, icon) for name, icon in PAGES if access.can_open(ctx.viewer, name)]
if ctx.recovering:  # no data to show: only the page that takes corrected files
    visible = [(name, icon) for name, icon in visible if name == "data.py"]
navigation = st.navigation(
    [
        st.Page(
            HERE / "app_pages" / name, title=ctx.t(f"nav.{name[:-3]}"), icon=icon, default=i == 0
        )
        for i, (name, icon) in enumerate(visible)
    ]
)
present.apply(ctx, visible)  # ?present=1: projector view on every page
navigation.run()
