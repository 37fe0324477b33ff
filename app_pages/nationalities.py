"""Nationalities: who came, from which countries and world regions, to which towns, and who
came back."""

from functools import partial

import streamlit as st

from dashboard import breakdowns, glossary
from dashboard.i18n import format_number
from dashboard.ui.shell import context, section_block, table_with_download
from dashboard.views import nationalities

ctx = context()
t, lang = ctx.t, ctx.lang
ds = ctx.data
viewer = ctx.viewer
n = partial(format_number, lang=lang)

st.title(t("nationalities.title"))
st.caption(t("nationalities.subtitle"))

if ds.participants.empty:
    st.info(t("common.no_data"))
    st.stop()

cards = nationalities.headline_cards(ds, ctx.filters, viewer, lang)
for column, (key, value) in zip(st.columns(len(cards.shown)), cards.shown.items(), strict=True):
    help_ = glossary.help_text(f"nationalities.{key}", lang)  # the figure catalog's
    column.metric(t(f"nationalities.metric.{key}"), value, help=help_)
if cards.masked:
    st.caption(t("access.small_counts"))
hidden_all = t("nationalities.hidden_all")

# --- participants by nationality ---------------------------------------------------------------
st.header(t("nationalities.by_country.header"))
section = nationalities.by_country(ds, lang, viewer)
section_block(section, "nat_by_country", hidden_all)
if cards.unknown and nationalities.shows_unknown(section, lang):
    st.caption(t("nationalities.by_country.unknown_note", n=cards.unknown))

# --- who came to each town --------------------------------------------------------------------
st.header(t("nationalities.by_town.header"))
section = nationalities.by_town(ds, ctx.full, lang, viewer)
section_block(
    section,
    "nat_by_town",
    hidden_all if section.hidden else t("nationalities.by_town.empty"),
    hidden=t("nationalities.by_town.hidden", n=n(len(section.hidden))),
)
if section.chart is not None:
    st.caption(t("nationalities.by_town.note"))

# --- world regions ------------------------------------------------------------------------------
st.header(t("nationalities.by_region.header"))
section_block(nationalities.by_world_region(ds, lang, viewer), "nat_by_region", hidden_all)
st.caption(t("nationalities.by_region.source"))

# --- diversity per program ----------------------------------------------------------------------
st.header(t("nationalities.diversity.header"), help=t("nationalities.diversity.help"))
section = nationalities.diversity(ds, ctx.full, lang, viewer)
section_block(section, "nat_diversity", hidden_all if section.hidden else t("common.no_data"))
if section.chart is not None:
    st.caption(t("nationalities.diversity.help"))

# --- returning participants ---------------------------------------------------------------------
st.header(t("nationalities.returning.header"))
count, table = nationalities.returning(ds, ctx.full, lang)
if count:
    st.caption(
        t("access.small_counts")
        if isinstance(cards.returning, str)
        else breakdowns.returning_caption(count, lang)
    )
if table.empty:
    st.caption(t("nationalities.returning.none"))
else:
    table_with_download(table, f"returning-participants-{lang}", "nat_returning")
