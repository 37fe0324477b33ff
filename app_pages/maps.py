"""Maps: where the partner towns are (folium), and where their participants come from (plotly).

Every map draws its geography offline: Leaflet is served from ./static, shapes come from the
japanmap package and data/geo/ (see dashboard/maps/). What is drawn is built by
dashboard/views/maps.py; this page reads widgets and renders.
"""

import streamlit as st

from dashboard.i18n import option_labels
from dashboard.maps.assets import static_url
from dashboard.maps.tables import select_town
from dashboard.markup import escape_markdown
from dashboard.ui import map_view
from dashboard.ui.shell import context
from dashboard.views import maps

ctx = context()
t, lang, viewer = ctx.t, ctx.lang, ctx.viewer

st.title(t("maps.title"))
st.caption(t("maps.subtitle"))

asked = maps.origin_view(st.query_params.get("origins"))


def partner_towns() -> None:
    """The partner-towns map (folium) and the selected town's panel."""
    st.caption(t("maps.towns.intro"))

    base = map_view.app_base()
    partner = maps.partner_view(ctx.data, lang, viewer, base, static_url(base))
    if partner.towns.empty:
        st.info(t("maps.towns.none"))
        return

    left, right = st.columns([3, 1])
    with left:
        # only a click on a marker comes back: panning and zooming do not rerun the page, and
        # the map's script is the same on every rerun, so it keeps its view
        state = map_view.show(
            partner.map, "maps_partner", 560, returned_objects=["last_object_clicked"]
        )
        clicked = (state or {}).get("last_object_clicked")
        if clicked and clicked != st.session_state.get("maps_last_click"):
            st.session_state["maps_last_click"] = clicked
            picked = select_town(partner.towns, clicked)
            if picked:
                st.session_state["maps_town"] = picked
        for note in partner.notes:
            st.caption(note)

    with right:
        st.markdown(f"**{t('maps.panel.header')}**")
        if st.session_state.get("maps_town") not in partner.names:
            st.session_state.pop("maps_town", None)
        rid = st.selectbox(
            t("maps.panel.pick"),
            list(partner.names),
            index=None,
            format_func=partner.names.__getitem__,
            placeholder=t("maps.panel.placeholder"),
            key="maps_town",
        )
        if rid is None:
            st.caption(t("maps.panel.hint"))
            return
        panel = maps.town_panel(partner, rid, lang, viewer)
        st.markdown(f"## {escape_markdown(panel.name)}")
        st.caption(escape_markdown(panel.other_name))
        if panel.prefecture:
            st.caption(panel.prefecture)
        columns = st.columns(2)
        for i, (label, value, help_) in enumerate(panel.metrics):
            columns[i % 2].metric(label, value, help=help_)
        if panel.reported:
            st.caption(panel.reported)
        if panel.programs:
            st.markdown(f"**{t('maps.panel.program_list')}**")
            for text in panel.programs:
                st.text(text)
        if panel.countries:
            st.caption(panel.countries)
        if panel.link:
            st.page_link(**panel.link, label=t("maps.panel.open"), icon=":material/location_city:")


def where_from() -> None:
    """Where participants come from: one world map at a time (each is a WebGL map that takes
    the browser a while to start), and ranked bars."""
    st.caption(t("maps.origins.intro"))

    found = maps.origins(ctx.data, ctx.full, lang, viewer)
    if found is None:
        st.info(t("maps.no_data"))
        return

    if "maps_origins" not in st.session_state and asked:
        st.session_state["maps_origins"] = asked
    left, right = st.columns([3, 2])
    with left:
        origin_view = st.segmented_control(
            t("maps.origins.view"),
            maps.ORIGIN_VIEWS,
            format_func=option_labels("maps.origins.view", lang),
            default="world",
            key="maps_origins",
            required=True,
        )
        if st.query_params.get("origins") != origin_view:
            st.query_params["origins"] = origin_view  # a link reopens this tab and view

        if origin_view != "flows":
            st.plotly_chart(found.world, key="maps_world", config={"scrollZoom": False})
            notes = found.world_notes
        elif found.flows is None:
            st.info(t("maps.flow.none"))
            notes = ()
        else:
            st.plotly_chart(found.flows, key="maps_flows", config={"scrollZoom": False})
            notes = found.flow_notes
        for note in notes:
            st.caption(note)

    with right:
        if found.bars is None:
            st.info(t("maps.no_data"))
        else:
            st.plotly_chart(found.bars, key="maps_bars", config={"displayModeBar": False})
        for note in found.bars_notes:
            st.caption(note)


# Two tabs, run only when open: the world maps would hold up the partner map by a second or
# more while the browser starts WebGL. ?origins=world|flows opens the second tab.
labels = maps.tab_labels(lang)
retitled = maps.retitled_tabs(lang)
if st.session_state.get("maps_tab") in retitled:  # the language changed
    st.session_state["maps_tab"] = retitled[st.session_state["maps_tab"]]
elif "maps_tab" not in st.session_state and asked:
    st.session_state["maps_tab"] = labels["origins"]
towns_tab, origins_tab = st.tabs(list(labels.values()), key="maps_tab", on_change="rerun")
if origins_tab.open:
    with origins_tab:
        where_from()
else:
    if "origins" in st.query_params:
        del st.query_params["origins"]
    with towns_tab:
        partner_towns()
