"""A town's own page for its officials: ``/town?town=tono&lang=ja``.

The town shown is the first ``?town=`` value; its figures come from the whole (access-scoped)
dataset, not from the sidebar's other filters, so the page always shows the whole town.
"""

import streamlit as st

from dashboard import mapshot, opendata, report
from dashboard.ui import embed, map_view, present, relations_block, town_picker
from dashboard.ui.meeting import pdf_report, slides_deck
from dashboard.ui.shell import context, metric_row
from dashboard.views import town as town_view

ctx = context()
t, lang, ds, viewer = ctx.t, ctx.lang, ctx.full, ctx.viewer
region = town_view.chosen_town(ds, viewer, st.query_params.get_all("town"))

if region is None:
    town_picker.show(town_view.picker(ds, lang, viewer), t)
    st.stop()

rid = region["region_id"]
page = town_view.town_page(ds, rid, lang, viewer)
st.title(page.title)
st.caption(page.subtitle)
embed.copy_control(ctx, rid, page.name)  # the <iframe> for a municipality's site
if note := town_view.whole_town_note(ctx.filters, lang):
    st.caption(note)


def small_map(column) -> None:
    with column:
        map_view.show(page.map, "town_map", 300)
        st.caption(page.map_caption)


def chart(fig, key: str) -> None:
    present.mark("chart")
    st.plotly_chart(
        present.enlarge(fig),
        key=f"town_{key}",
        config={"toImageButtonOptions": {"filename": f"{rid}-{key}"}},
    )


if page.empty:
    st.info(page.empty_title, icon=":material/hourglass_empty:")
    st.write(page.empty_body)
    small_map(st.container())
    st.stop()

if page.full_counts:
    mapshot.warm_map(region, lang)  # the report's map image, drawn in the background

# --- relationship population ------------------------------------------------------------------
left, right = st.columns([3, 1])
with left:
    present.header("numbers", t("town.section.relationship"))
    st.caption(t("town.section.relationship_intro", town=page.name))
    if page.provisional:
        st.warning(page.provisional, icon=":material/schedule:")
    metric_row((card.label, card.value, card.help) for card in page.cards)
    if page.notes:
        st.text("\n".join(page.notes))
    if page.no_returning:
        st.caption(page.no_returning)
    relations_block.show(page, t)
small_map(right)

# --- programs ---------------------------------------------------------------------------------
st.header(t("town.section.programs"))
st.dataframe(page.programs, hide_index=True, width="stretch", key="town_programs")

chart_left, chart_right = st.columns(2)
with chart_left:
    if page.countries_chart is not None:
        chart(page.countries_chart, "countries")
    else:  # the names of the countries, without the small counts
        st.subheader(t("town.metric.countries"))
        st.text(page.countries_text)

# --- what was made ----------------------------------------------------------------------------
with chart_right:
    st.header(t("town.section.outcomes", town=page.name))
    if page.outcomes is None:
        st.caption(page.no_outcomes)
    else:
        for item in page.outcome_items:
            st.markdown(f"- {item}")
        st.dataframe(page.outcomes, hide_index=True, width="stretch", key="town_outcomes")

# --- voices -----------------------------------------------------------------------------------
present.header("quotes", t("town.section.voices"))
if not page.voices:
    st.caption(page.no_voices)
else:
    st.caption(t("town.voices.language_note"))
    columns = st.columns(min(3, len(page.voices)))
    for i, voice in enumerate(page.voices):
        with columns[i % len(columns)].container(border=True, key=f"town_voice_{voice.key}"):
            if voice.pinned:
                st.caption(voice.pinned)
            st.text(voice.quote)
            st.text(voice.byline)
            if voice.related:
                st.caption(voice.related)
            with st.expander(t("town.voices.read_more")):
                st.text(voice.text)

# --- beside the network -----------------------------------------------------------------------
present.header("chart", t("town.section.network", town=page.name))
if page.network_chart is not None:
    chart(page.network_chart, "network")
else:  # a table, with this town's small counts masked like the figures above
    st.dataframe(page.network_table, hide_index=True, key="town_network_table")
    st.caption(t("town.network.masked"))

# --- downloads --------------------------------------------------------------------------------
present.header("sources", t("town.download.title"))
# for every viewer, masked as on this page; a button asks ctx for the data when pressed
slides_deck(ctx, region)
st.download_button(**opendata.download_args(ctx.get_full, region, lang, viewer))
if not page.full_counts:  # the report holds every count: for the town's officials and staff
    st.caption(t("town.download.restricted"))
    st.caption(t("town.source"))
    st.stop()
html_args, zip_args = report.download_args(ctx.get_full, region, lang)
down_left, down_right = st.columns(2)
down_left.download_button(**html_args)
with down_left:
    pdf_report(ctx, region)
down_right.download_button(**zip_args)
st.caption(t("town.source"))
