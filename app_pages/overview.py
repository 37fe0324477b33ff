"""Overview: headline numbers, the purpose, and participants per town."""

import streamlit as st

from dashboard import access, charts, metrics, overview
from dashboard.i18n import format_number
from dashboard.ui.shell import context

ctx = context()
t, lang = ctx.t, ctx.lang
viewer = ctx.viewer
n = lambda value: format_number(value, lang)  # noqa: E731


st.title(t("overview.title"))
st.caption(t("overview.subtitle"))

raw = metrics.headline(ctx.data)
# whole-network totals stay; a count of fewer than 3 people in a breakdown is shown as "<3"
h = access.mask_headline(raw, viewer, ctx.filters.towns, filtered=ctx.filters.active)
cards = ["programs", "towns", "participants", "nationalities", "person_days", "outcomes"]
shown = {key: n(h[key]) for key in cards}
for row in overview.card_rows(shown):
    for column, key in zip(st.columns(len(row)), row, strict=True):
        column.metric(t(f"overview.metric.{key}"), shown[key], help=t(f"overview.help.{key}"))

notes = []
if raw["participants_reported"] != raw["participants_in_programs"]:
    notes.append(
        t(
            "overview.note.reported",
            listed=n(h["participants_in_programs"]),
            reported=n(h["participants_reported"]),
        )
    )
if raw["unknown_nationality"]:
    notes.append(t("overview.note.unknown_nationality", n=n(h["unknown_nationality"])))
if raw["programs_without_dates"]:
    notes.append(t("overview.note.undated", n=n(h["programs_without_dates"])))
if raw["returning"]:
    notes.append(t("overview.note.returning", n=n(h["returning"])))
if any(isinstance(v, str) for v in h.values()):
    notes.append(t("access.small_counts"))
for note in notes:
    st.caption(note)

left, right = st.columns([3, 2])
with left:
    section = overview.town_bars(ctx.data, ctx.full, lang, viewer)
    if section.chart is None:
        st.info(t("common.no_data"))
    else:
        st.plotly_chart(
            section.chart.figure,
            key="overview_by_town",
            config=charts.export_config(section.chart.file_name),
        )
        if section.chart.note:
            st.caption(section.chart.note)
    if section.hidden:
        st.caption(t("access.hidden_bars", names=", ".join(section.hidden)))
with right:
    st.subheader(t("overview.purpose.title"))
    st.markdown(t("overview.purpose.mission"))
    st.markdown(t("overview.purpose.essay"))
    st.caption(t("overview.purpose.source"))
