"""Maps: where the partner towns are (folium), and where their participants come from (plotly).

Every map draws its geography offline: Leaflet is served from ./static, shapes come from the
japanmap package and data/geo/ (see dashboard/maps.py).
"""

import streamlit as st

from dashboard import access, maps
from dashboard.i18n import country_name, format_date_range, format_number, town_name
from dashboard.i18n import t as translate
from dashboard.pages import page
from dashboard.ui import map_view
from dashboard.ui.shell import context

ctx = context()
t, lang, viewer = ctx.t, ctx.lang, ctx.viewer


n = lambda value: format_number(value, lang)  # noqa: E731


def app_base() -> str:
    """The app's URL path ("/" or "/<server.baseUrlPath>/"): links and assets inside the map's
    iframe need it, since a relative URL there resolves under /component/..."""
    path = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{path}/" if path else "/"


st.title(t("maps.title"))
st.caption(t("maps.subtitle"))

ORIGIN_VIEWS = ("world", "flows")
asked = st.query_params.get("origins")


def partner_towns() -> None:
    """The partner-towns map (folium) and the selected town's panel."""
    st.caption(t("maps.towns.intro"))

    base = app_base()
    partner = maps.partner_view(ctx.data, lang, viewer, base, f"{base}app/static")
    towns, prefectures = partner.towns, partner.prefectures
    prefecture_masked = partner.prefecture_masked

    if towns.empty:
        st.info(t("maps.towns.none"))
    else:
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
                picked = maps.select_town(towns, clicked)
                if picked:
                    st.session_state["maps_town"] = picked
            hosted = prefectures.loc[~prefecture_masked.to_numpy(), "people"]
            if len(hosted) and hosted.max() > 0:
                st.caption(t("maps.towns.legend", n=n(int(hosted.max()))))
            if len(towns) > maps.CLUSTER_ABOVE:
                st.caption(t("maps.towns.many", n=n(len(towns))))
            st.caption(t("maps.towns.offline"))

        with right:
            st.markdown(f"**{t('maps.panel.header')}**")
            ids = list(towns["region_id"])
            if st.session_state.get("maps_town") not in ids:
                st.session_state.pop("maps_town", None)
            records = {r["region_id"]: r for r in towns.to_dict("records")}
            rid = st.selectbox(
                t("maps.panel.pick"),
                ids,
                index=None,
                format_func=lambda r: town_name(records[r], lang),
                placeholder=t("maps.panel.placeholder"),
                key="maps_town",
            )
            if rid is None:
                st.caption(t("maps.panel.hint"))
            else:
                row = records[rid]
                other = town_name(row, "en" if lang == "ja" else "ja")
                st.markdown(f"### {town_name(row, lang)}")
                st.caption(other)
                pref = prefectures.set_index("code")
                code = row["prefecture_code"]
                if code in pref.index:
                    name_col = "name_ja" if lang == "ja" else "name_en"
                    st.caption(t("maps.panel.prefecture", name=pref.loc[code, name_col]))
                a, b = st.columns(2)
                a.metric(t("maps.panel.programs"), n(int(row["programs"])))
                b.metric(t("maps.panel.people"), n(row["people_shown"]))
                a.metric(t("maps.panel.countries"), n(len(row["countries"])))
                b.metric(t("maps.panel.unknown"), n(row["unknown_shown"]))
                if row["reported_shown"] != row["people_shown"]:
                    st.caption(t("maps.popup.reported", n=n(row["reported_shown"])))
                if row["program_list"]:
                    st.markdown(f"**{t('maps.panel.program_list')}**")
                    for title, start, end in row["program_list"]:
                        st.text(f"{title}\n{format_date_range(start, end, lang)}")
                if row["countries"]:
                    names = ", ".join(country_name(c, lang) for c in row["countries"])
                    st.caption(t("maps.panel.from", names=names))
                if access.can_open(viewer, "town"):
                    st.page_link(
                        page("town").path,
                        label=t("maps.panel.open"),
                        icon=":material/location_city:",
                        query_params={"town": rid, "lang": lang},
                    )


def where_from() -> None:
    """Where participants come from: one world map at a time (each is a WebGL map that takes
    the browser a while to start), and ranked bars."""
    st.caption(t("maps.origins.intro"))

    found = maps.origins(ctx.data, ctx.full, lang, viewer)
    if found is None:
        st.info(t("maps.no_data"))
        return

    if "maps_origins" not in st.session_state and asked in ORIGIN_VIEWS:
        st.session_state["maps_origins"] = asked
    left, right = st.columns([3, 2])
    with left:
        origin_view = st.segmented_control(
            t("maps.origins.view"),
            ORIGIN_VIEWS,
            format_func=lambda v: t(f"maps.origins.view.{v}"),
            default="world",
            key="maps_origins",
            required=True,
        )
        if st.query_params.get("origins") != origin_view:
            st.query_params["origins"] = origin_view  # a link reopens this tab and view

        if origin_view != "flows":
            st.plotly_chart(found.world, key="maps_world", config={"scrollZoom": False})
            if found.unknown:
                st.caption(t("maps.world.unknown", n=n(found.unknown)))
            else:
                st.caption(t("maps.world.all_known"))
        elif found.flows is None:
            st.info(t("maps.flow.none"))
        else:
            st.plotly_chart(found.flows, key="maps_flows", config={"scrollZoom": False})
            st.caption(t("maps.flow.caption"))
            if found.flow_count > maps.MAX_FLOWS:
                st.caption(t("maps.flow.top", shown=n(maps.MAX_FLOWS), total=n(found.flow_count)))
            if found.no_line:
                st.caption(t("maps.flow.unknown", n=n(found.no_line)))

    with right:
        if found.bars is None:
            st.info(t("maps.no_data"))
        else:
            st.plotly_chart(found.bars, key="maps_bars", config={"displayModeBar": False})
            if found.more:
                st.caption(t("maps.bars.more", n=n(len(found.more)), names=", ".join(found.more)))
        if found.hidden:
            st.caption(t("maps.small_hidden", names=", ".join(found.hidden)))


# Two tabs, run only when open: the world maps would hold up the partner map by a second or
# more while the browser starts WebGL. ?origins=world|flows opens the second tab.
labels = {key: t(f"maps.{key}.header") for key in ("towns", "origins")}
other = "en" if lang == "ja" else "ja"
in_other = {translate(f"maps.{key}.header", other): label for key, label in labels.items()}
if st.session_state.get("maps_tab") in in_other:  # the language changed
    st.session_state["maps_tab"] = in_other[st.session_state["maps_tab"]]
elif "maps_tab" not in st.session_state and asked in ORIGIN_VIEWS:
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
