"""Overview: headline numbers, the purpose, and participants per town."""

import streamlit as st

from dashboard.ui.shell import context, section_block
from dashboard.views import overview

ctx = context()
t, lang = ctx.t, ctx.lang

st.title(t("overview.title"))
st.caption(t("overview.subtitle"))

head = overview.headline_cards(ctx.data, ctx.filters, ctx.viewer, lang)
for row in overview.card_rows(head.shown):
    for column, key in zip(st.columns(len(row)), row, strict=True):
        column.metric(t(f"overview.metric.{key}"), head.shown[key], help=t(f"overview.help.{key}"))
for note in head.notes:
    st.caption(note)

left, right = st.columns([3, 2])
with left:
    section = overview.town_bars(ctx.data, ctx.full, lang, ctx.viewer)
    section_block(section, "overview_by_town", t("common.no_data"))
with right:
    st.header(t("overview.purpose.title"))
    st.markdown(t("overview.purpose.mission"))
    st.markdown(t("overview.purpose.essay"))
    st.caption(t("overview.purpose.source"))
