"""Overview: headline numbers, the purpose, and participants per town."""

import streamlit as st

from dashboard import charts, metrics
from dashboard.i18n import format_number, town_name
from dashboard.palette import town_colours
from shell import context

ctx = context()
t, lang = ctx.t, ctx.lang

st.title(t("overview.title"))
st.caption(t("overview.subtitle"))

h = metrics.headline(ctx.data)
cards = [
    ("programs", h["programs"], None),
    ("towns", h["towns"], None),
    ("participants", h["participants"], None),
    ("nationalities", h["nationalities"], None),
    ("person_days", h["person_days"], None),
    ("outcomes", h["outcomes"], None),
]
for column, (key, value, _) in zip(st.columns(len(cards)), cards, strict=True):
    column.metric(
        t(f"overview.metric.{key}"), format_number(value, lang), help=t(f"overview.help.{key}")
    )

notes = []
if h["participants_reported"] != h["participants_in_programs"]:
    notes.append(
        t(
            "overview.note.reported",
            listed=format_number(h["participants_in_programs"], lang),
            reported=format_number(h["participants_reported"], lang),
        )
    )
if h["unknown_nationality"]:
    notes.append(
        t("overview.note.unknown_nationality", n=format_number(h["unknown_nationality"], lang))
    )
if h["programs_without_dates"]:
    notes.append(t("overview.note.undated", n=format_number(h["programs_without_dates"], lang)))
if h["returning"]:
    notes.append(t("overview.note.returning", n=format_number(h["returning"], lang)))
for note in notes:
    st.caption(note)

left, right = st.columns([3, 2])
with left:
    table = metrics.participants_by_town(ctx.data)
    if table.empty:
        st.info(t("common.no_data"))
    else:
        table["town"] = [town_name(row, lang) for row in table.to_dict("records")]
        top = table.iloc[0]
        fig = charts.participants_by_town(
            table,
            labels={
                "listed": t("overview.chart.listed"),
                "reported": t("overview.chart.reported"),
                "town": t("overview.chart.town"),
            },
            colours=town_colours(list(ctx.full.regions["region_id"])),
            title=t("overview.chart.title", town=top["town"], n=format_number(top["listed"], lang)),
        )
        st.plotly_chart(
            fig,
            key="overview_by_town",
            config={"toImageButtonOptions": {"filename": "participants-by-town"}},
        )
with right:
    st.subheader(t("overview.purpose.title"))
    st.markdown(t("overview.purpose.mission"))
    st.markdown(t("overview.purpose.essay"))
    st.caption(t("overview.purpose.source"))
