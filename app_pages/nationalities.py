"""Nationalities: who came, from which countries and world regions, to which towns, and who
came back."""

import streamlit as st

from dashboard import access, breakdowns, metrics, nationalities
from dashboard.i18n import format_number
from dashboard.ui.shell import chart_block, context, table_with_download

ctx = context()
t, lang = ctx.t, ctx.lang
ds = ctx.data
viewer = ctx.viewer
n = lambda value: format_number(value, lang)  # noqa: E731


def hidden_note(names) -> None:
    names = [name for name in names if name]
    if names:
        st.caption(t("access.hidden_bars", names=", ".join(names)))


st.title(t("nationalities.title"))
st.caption(t("nationalities.subtitle"))

if ds.participants.empty:
    st.info(t("common.no_data"))
    st.stop()

regions = breakdowns.world_region_table(ds)
raw = metrics.headline(ds)
# whole-network totals stay; a count of fewer than 3 people in a breakdown is shown as "<3"
h = access.mask_headline(raw, viewer, ctx.filters.towns, filtered=ctx.filters.active)
known_regions = regions[~regions["world_region"].isin(["", breakdowns.UNMAPPED_REGION])]
few_people = isinstance(h["participants"], str)

cards = [
    ("participants", h["participants"]),
    ("nationalities", h["nationalities"]),
    ("unknown", h["unknown_nationality"]),
    ("regions", "–" if few_people else len(known_regions)),
    ("returning", h["returning"]),
]
for column, (key, value) in zip(st.columns(len(cards)), cards, strict=True):
    column.metric(t(f"nationalities.metric.{key}"), n(value), help=t(f"nationalities.help.{key}"))
if any(isinstance(value, str) for _, value in cards):
    st.caption(t("access.small_counts"))

# --- participants by nationality ---------------------------------------------------------------
st.subheader(t("nationalities.by_country.header"))
section = nationalities.by_country(ds, lang, viewer)
if section.chart is None:
    st.info(t("nationalities.hidden_all"))
else:
    chart_block(section.chart, "nat_by_country")
hidden_note(section.hidden)
shown_codes = set(section.chart.table[t("nationalities.col.code")]) if section.chart else set()
if raw["unknown_nationality"] and "" in shown_codes:
    st.caption(t("nationalities.by_country.unknown_note", n=n(h["unknown_nationality"])))

# --- who came to each town --------------------------------------------------------------------
st.subheader(t("nationalities.by_town.header"))
section = nationalities.by_town(ds, ctx.full, lang, viewer)
if section.chart is None:
    st.info(t("nationalities.hidden_all" if section.hidden else "nationalities.by_town.empty"))
else:
    chart_block(section.chart, "nat_by_town")
    st.caption(t("nationalities.by_town.note"))
    if section.hidden:
        st.caption(t("nationalities.by_town.hidden", n=n(len(section.hidden))))

# --- world regions ------------------------------------------------------------------------------
st.subheader(t("nationalities.by_region.header"))
section = nationalities.by_world_region(ds, lang, viewer)
if section.chart is None:
    st.info(t("nationalities.hidden_all"))
else:
    chart_block(section.chart, "nat_by_region")
hidden_note(section.hidden)
st.caption(t("nationalities.by_region.source"))

# --- diversity per program ----------------------------------------------------------------------
st.subheader(t("nationalities.diversity.header"), help=t("nationalities.diversity.help"))
section = nationalities.diversity(ds, ctx.full, lang, viewer)
if section.chart is None:
    st.info(t("nationalities.hidden_all") if section.hidden else t("common.no_data"))
else:
    chart_block(section.chart, "nat_diversity")
    st.caption(t("nationalities.diversity.help"))
hidden_note(section.hidden)

# --- returning participants ---------------------------------------------------------------------
st.subheader(t("nationalities.returning.header"))
count, table = nationalities.returning(ds, ctx.full, lang)
if count:
    st.caption(
        t("access.small_counts")
        if isinstance(h["returning"], str)
        else breakdowns.returning_caption(count, lang)
    )
if table.empty:
    st.caption(t("nationalities.returning.none"))
else:
    table_with_download(table, f"returning-participants-{lang}", "nat_returning")
