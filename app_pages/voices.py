"""Voices: testimonial highlights as cards or a quote wall, search, themes per town, pins.

Every piece of testimonial text reaches the page escaped (``dashboard.voices.cards`` builds the
HTML) or through plain-text elements (``st.code``, select box options).
"""

import streamlit as st

from dashboard import access
from dashboard.i18n import option_labels
from dashboard.ui import cache, present, quotes
from dashboard.ui.shell import context, keep_in_url
from dashboard.views import voices as view
from dashboard.voices.cards import CARD_CSS
from dashboard.voices.tables import VoicesQuery
from dashboard.voices.themes import load_themes

ctx = context()
t, lang = ctx.t, ctx.lang

themes = load_themes(cache.data_dir())
labels = view.theme_labels(themes, lang)

st.title(t("voices.title"))
st.caption(t("voices.subtitle"))
st.html(CARD_CSS)

# --- controls: search (in the URL as ?q=), themes (?theme=), view (?view=wall) ---------------
quotes.seed_controls(labels)
left, middle, right = st.columns([3, 3, 2], vertical_alignment="bottom")
query = left.text_input(
    t("voices.search"),
    key="q",
    bind="query-params",
    placeholder=t("voices.search_placeholder"),
    help=t("voices.search_help"),
    icon=":material/search:",
)
chosen = middle.multiselect(
    t("voices.themes"),
    list(labels),
    format_func=labels.get,
    key="voices_theme",
    placeholder=t("voices.themes_placeholder"),
    help=t("voices.themes_help"),
)
mode = right.segmented_control(
    t("voices.view"),
    ["cards", "wall"],
    format_func=option_labels("voices.view", lang),
    key="voices_view",
    required=True,
)
keep_in_url("theme", chosen)
keep_in_url("view", None if mode == "cards" else mode)

if st.session_state.pop(quotes.FLASH, None):
    st.success(t("voices.pin.saved"), icon=":material/push_pin:")

# --- the testimonials ----------------------------------------------------------------------
q = VoicesQuery(ctx.full, ctx.data, ctx.filters, themes, lang, query)
page = view.build(q, chosen)

if not page.scoped:
    st.info(page.message)
elif page.shown.empty:
    st.info(page.message, icon=":material/search_off:")
else:
    st.caption(page.message)

present.mark("quotes")
if not page.shown.empty and mode == "wall":
    quotes.wall(page.shown, ctx)
elif not page.shown.empty:
    quotes.card_grid(page.shown, ctx, themes, page.terms, access.can(ctx.viewer, "pin"))

if mode != "wall":
    with st.expander(t("voices.method"), icon=":material/help:", key="voices_method"):
        st.markdown(t("voices.method.text"))

    # --- themes per town -------------------------------------------------------------------
    if page.found:
        st.header(t("voices.chart.heading"))
        chart = view.theme_section(q)
        if chart is None:
            st.info(t("voices.chart.title_none"))
        else:
            chart_tab, table_tab = st.tabs([t("voices.tab.chart"), t("voices.tab.table")])
            with chart_tab:
                st.plotly_chart(
                    chart.figure,
                    key="voices_themes_chart",
                    config={"toImageButtonOptions": {"filename": chart.file_name}},
                )
            with table_tab:
                st.dataframe(
                    chart.table, hide_index=True, width="stretch", key="voices_themes_table"
                )
            st.caption(t("voices.chart.caption"))

    with st.expander(t("voices.lexicon"), icon=":material/sell:", key="voices_lexicon"):
        st.caption(t("voices.lexicon.caption"))
        st.dataframe(
            view.lexicon_table(themes, lang),
            hide_index=True,
            width="stretch",
            key="voices_lexicon_table",
        )
