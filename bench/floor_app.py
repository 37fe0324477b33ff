"""The floor: a bare Streamlit page drawing pre-computed charts, to compare the dashboard with.

It shows the same figures as the dashboard page it stands for (their JSON, recorded by the
benchmark, read from the file named by ``FLOOR_DATA``) and a sidebar multiselect with the same
options; choosing any option swaps in the figures recorded with a filter. Nothing is computed
on a rerun, so its timings are what Streamlit itself costs for that many charts.
"""

import json
import os

import plotly.io as pio
import streamlit as st


@st.cache_resource
def recorded(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        raw = json.load(handle)
    return {
        "label": raw["label"],
        "options": raw["options"],
        "all": [pio.from_json(spec) for spec in raw["all"]],
        "filtered": [pio.from_json(spec) for spec in raw["filtered"]],
    }


st.set_page_config(page_title="Floor", layout="wide")
data = recorded(os.environ["FLOOR_DATA"])
chosen = st.sidebar.multiselect(data["label"], data["options"], key="floor_filter")
st.title("Floor")
for i, figure in enumerate(data["filtered"] if chosen else data["all"]):
    st.plotly_chart(figure, key=f"floor_chart_{i}")
