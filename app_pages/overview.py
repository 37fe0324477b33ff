"""Overview: headline numbers, the purpose, and participants per town."""

import streamlit as st

from dashboard.glossary import help_text
from dashboard.ui import present
from dashboard.ui.meeting import slides_deck
from dashboard.ui.shell import context, metric_row, section_block
from dashboard.views import overview

ctx = context()
t, lang = ctx.t, ctx.lang

st.title(t("overview.title"))
st.caption(t("overview.subtitle"))

head = overview.headline_cards(ctx.data, ctx.filters, ctx.viewer, lang)
present.mark("numbers")
for row in overview.card_rows(head.shown):
    metric_row(
        (t(f"overview.metric.{key}"), head.shown[key], help_text(f"overview.{key}", lang))
        for key in row
    )
if head.notes:  # one element: paragraphs of one caption
    st.caption("\n\n".join(head.notes))

left, right = st.columns([3, 2])
with left:
    section = overview.town_bars(ctx.data, ctx.full, lang, ctx.viewer)
    section_block(section, "overview_by_town", t("common.no_data"))
with right:
    st.header(t("overview.purpose.title"))
    st.markdown(t("overview.purpose.mission"))
    st.markdown(t("overview.purpose.essay"))
    st.caption(t("overview.purpose.source"))

st.subheader(t("meeting.slides.title"))
slides_deck(ctx)
