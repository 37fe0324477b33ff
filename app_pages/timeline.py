"""Timeline: when and where programs ran, what they added up to, and one program in detail."""

from functools import partial

import streamlit as st

from dashboard.glossary import provisional_note
from dashboard.i18n import format_number, option_labels
from dashboard.markup import escape_markdown
from dashboard.ui.shell import chart_block, context, table_with_download
from dashboard.views import timeline

ctx = context()
t, lang = ctx.t, ctx.lang
ds = ctx.data
viewer = ctx.viewer
n = partial(format_number, lang=lang)


st.title(t("timeline.title"))
st.caption(t("timeline.subtitle"))
if running := provisional_note(ds, lang, markdown=True):  # seasons still running
    st.warning(running, icon=":material/schedule:")

gantt = timeline.gantt_chart(ds, ctx.full, lang, viewer)
undated = timeline.undated_cards(ds, ctx.full, lang, viewer)

if gantt is None and not undated:
    st.info(t("common.no_data"))
    st.stop()

UNDATED_CARDS = 20  # cards beside the Gantt; every program stays in the picker below

# --- Gantt, with undated programs beside it ----------------------------------------------------
left, right = st.columns([3, 1])
clicked = None
with left:
    st.header(t("timeline.gantt.header"))
    if gantt is None:
        st.info(t("timeline.gantt.empty"))
    else:
        event = chart_block(gantt, "timeline_gantt", on_select="rerun", selection_mode="points")
        points = (event or {}).get("selection", {}).get("points", []) if event else []
        if points:
            data = points[0].get("customdata") or []
            clicked = data[0] if data else None
        st.caption(t("timeline.gantt.click_hint"))
with right:
    st.header(t("timeline.undated.header"))
    if not undated:
        st.caption(t("timeline.undated.none"))
    else:
        st.caption(t("timeline.undated.caption"))
        for heading, caption in undated[:UNDATED_CARDS]:
            with st.container(border=True):
                st.text(heading)
                st.caption(caption)
        if len(undated) > UNDATED_CARDS:
            st.caption(t("timeline.undated.more", n=n(len(undated) - UNDATED_CARDS)))

# --- cumulative -------------------------------------------------------------------------------
st.header(t("timeline.cumulative.header"))
running = timeline.cumulative_chart(ds, ctx.full, lang, viewer)
if running is None:
    st.info(t("timeline.gantt.empty"))
else:
    chart_block(running, "timeline_cumulative")
    if undated:
        st.caption(t("timeline.cumulative.undated_note", n=n(len(undated))))

# --- per year / season -------------------------------------------------------------------------
st.header(t("timeline.periods.header"), help=t("timeline.periods.help"))
by = st.segmented_control(
    t("timeline.periods.by"),
    ["year", "season"],
    format_func=option_labels("timeline.periods", lang),
    default="year",
    key="timeline_period_by",
    required=True,
)
by = by or "year"
periods = timeline.period_summary(ds, by, lang, viewer)
if periods.empty:
    st.info(t("timeline.gantt.empty"))
else:
    table_with_download(periods, f"summary-by-{by}-{lang}", "timeline_periods")
    st.caption(t("timeline.periods.help"))

# --- one program --------------------------------------------------------------------------------
st.header(t("timeline.detail.header"))
names = timeline.program_names(ds, ctx.full, lang)
order = list(names)
if clicked in names and st.session_state.get("_timeline_clicked") != clicked:
    st.session_state["timeline_program"] = clicked
st.session_state["_timeline_clicked"] = clicked
if st.session_state.get("timeline_program") not in names:
    st.session_state["timeline_program"] = order[0]
chosen = st.selectbox(
    t("timeline.detail.pick"), order, format_func=names.get, key="timeline_program"
)
panel = timeline.program_panel(ds, chosen, lang, viewer) if chosen else None
if panel:
    st.markdown(f"### {panel['heading']}")
    for column, (name, value, help_) in zip(st.columns([3, 1, 1, 1]), panel["cards"], strict=True):
        column.metric(name, value, help=help_)
    if panel["reported"]:
        st.caption(panel["reported"])
    if panel["masked"]:
        st.caption(t("access.small_counts"))
    else:
        st.caption(t("timeline.detail.countries"))
        st.text(panel["countries"])
    st.caption(t("timeline.detail.people"))
    st.text(panel["people"])
    if panel["unlisted"]:
        st.caption(panel["unlisted"])
    st.caption(t("timeline.detail.consent_note"))
    st.markdown(f"#### {t('timeline.detail.outcomes')}")
    if panel["outcomes"].empty:
        st.caption(t("timeline.detail.no_outcomes"))
    else:
        st.dataframe(
            panel["outcomes"], hide_index=True, width="stretch", key="timeline_outcomes_table"
        )
    st.markdown(f"#### {t('timeline.detail.testimonials')}")
    for i, quote in enumerate(panel["testimonials"]):
        with st.container(border=True, key=f"timeline_quote_{i}"):
            st.caption(escape_markdown(quote["label"]))
            st.text(quote["text"])
    if not panel["testimonials"]:
        st.caption(t("timeline.detail.no_testimonials"))
