"""Entry point: page config, the shared sidebar, and navigation over ``pages/``."""

from pathlib import Path

import streamlit as st

import present
import shell

HERE = Path(__file__).parent
# (file in pages/, icon); a page's title is t("nav.<file stem>")
PAGES = [
    ("overview.py", ":material/dashboard:"),
    ("nationalities.py", ":material/public:"),
    ("timeline.py", ":material/timeline:"),
    ("town.py", ":material/location_city:"),
    ("data.py", ":material/upload_file:"),
]

st.set_page_config(page_icon="🌏", layout="wide")
ctx = shell.start()
navigation = st.navigation(
    [
        st.Page(HERE / "pages" / name, title=ctx.t(f"nav.{name[:-3]}"), icon=icon, default=i == 0)
        for i, (name, icon) in enumerate(PAGES)
    ]
)
present.apply(ctx, PAGES)  # ?present=1: projector view on every page
navigation.run()
