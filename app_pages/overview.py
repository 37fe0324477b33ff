"""Overview: headline numbers, the purpose, and participants per town."""

import streamlit as st

from dashboard import access, charts, metrics
from dashboard.i18n import format_number, town_name
from dashboard.palette import town_colours
from shell import context

ctx = context()
t, lang = ctx.t, ctx.lang
viewer = ctx.viewer
n = lambda value: format_number(value, lang)  # noqa: E731


st.title(t("overview.title"))
st.caption(t("overview.subtitle"))

raw = metrics.headline(ctx.data)
# whole-network totals stay; a count of fewer than 3 people in a breakdown is shown as "<3"
h = access.mask_headline(raw, viewer, ctx.filters.towns, filtered=ctx.filters.active)
cards = [
    ("programs", h["programs"], None),
    ("towns", h["towns"], None),
    ("participants", h["participants"], None),
    ("nationalities", h["nationalities"], None),
    ("person_days", h["person_days"], None),
    ("outcomes", h["outcomes"], None),
]
for column, (key, value, _) in zip(st.columns(len(cards)), cards, strict=True):
    column.metric(t(f"overview.metric.{key}"), n(value), help=t(f"overview.help.{key}"))

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
    table = metrics.participants_by_town(ctx.data)
    # a town with 1 or 2 people is not drawn for a viewer who may not see them one by one
    small = access.is_small(table, ["listed", "reported"], viewer)
    hidden = table[small.to_numpy()]
    table = table[~small.to_numpy()].reset_index(drop=True)
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
    if not hidden.empty:
        names = ", ".join(town_name(row, lang) for row in hidden.to_dict("records"))
        st.caption(t("access.hidden_bars", names=names))
with right:
    st.subheader(t("overview.purpose.title"))
    st.markdown(t("overview.purpose.mission"))
    st.markdown(t("overview.purpose.essay"))
    st.caption(t("overview.purpose.source"))
