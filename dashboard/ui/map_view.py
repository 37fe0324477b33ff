"""A folium map on a page, rendered to Leaflet script once per map.

``streamlit_folium.st_folium`` renders its map on every call: at 1,741 towns that is half a
second and 2.4 MB of script on every rerun. ``show`` renders a map the first time it sees it
(``dashboard.views.maps`` and ``dashboard.maps.japan`` build each map once per data version) and
hands the kept script to the same component with the arguments ``st_folium`` gives it
(streamlit-folium 0.27.4, pinned in requirements.txt; ``tests/test_map_view.py`` checks the two
stay the same).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import folium
import streamlit as st
import streamlit_folium as sf

from dashboard.memo import memo
from dashboard.ui import present

# what the component can report back, as st_folium lists it
RETURNED = (
    "last_clicked",
    "last_object_clicked",
    "last_object_clicked_count",
    "last_object_clicked_tooltip",
    "last_object_clicked_popup",
    "all_drawings",
    "last_active_drawing",
    "bounds",
    "zoom",
    "last_circle_radius",
    "last_circle_polygon",
    "selected_layers",
    "selected_tags",
    "last_geocoder_result",
)


@dataclass(frozen=True)
class Rendered:
    """What the component needs of a map, and its key on the page."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: list[str]
    js_links: list[str]
    bounds: dict
    zoom: int | None
    hash_key: str


def _assets(fmap: folium.Map) -> tuple[list[str], list[str]]:
    css, js = [], []

    def walk(element):
        if isinstance(element, folium.elements.JSCSSMixin):
            css.extend(href for _, href in getattr(element, "default_css", []))
            js.extend(src for _, src in getattr(element, "default_js", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(fmap)
    return list(dict.fromkeys(css)), list(dict.fromkeys(js))


@memo(maxsize=16)  # a folium Map hashes by identity; the builders keep theirs alive
def render(fmap: folium.Map, key: str) -> Rendered:
    """``fmap`` rendered as ``st_folium`` renders it (it changes the map: render a map once)."""
    fmap.get_root().render()
    fmap.render()
    html, header = sf._get_html(fmap), sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    (south, west), (north, east) = fmap.get_bounds()
    css, js = _assets(fmap)
    return Rendered(
        script=script,
        header=header,
        html=html,
        map_id=sf.get_full_id(fmap),
        css_links=css,
        js_links=js,
        bounds={
            "_southWest": {"lat": south, "lng": west},
            "_northEast": {"lat": north, "lng": east},
        },
        zoom=fmap.options.get("zoom"),
        hash_key=sf.generate_js_hash(script, key, False),
    )


def show(fmap: folium.Map, key: str, height: int, returned_objects: Iterable[str] = ()):
    """``st_folium(fmap, key=key, height=height, use_container_width=True,
    returned_objects=returned_objects)``, without rendering ``fmap`` again on a rerun."""
    present.mark("map")  # a map is the deck's map step in presentation mode
    rendered = render(fmap, key)
    returned_objects = list(returned_objects)
    defaults = dict.fromkeys(RETURNED, None) | {"bounds": rendered.bounds, "zoom": rendered.zoom}

    def on_change() -> None:
        st.session_state[key] = st.session_state.get(rendered.hash_key, {})

    return sf._component_func(
        script=rendered.script,
        header=rendered.header,
        html=rendered.html,
        id=rendered.map_id,
        key=rendered.hash_key,
        height=height,
        width=None,
        returned_objects=returned_objects,
        default={k: v for k, v in defaults.items() if k in returned_objects},
        zoom=None,
        center=None,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=rendered.css_links,
        js_links=rendered.js_links,
        on_change=on_change,
        wrap_longitude=False,
    )


def app_base() -> str:
    """The app's URL path ("/" or "/<server.baseUrlPath>/"): links and assets inside a map's
    iframe need it, since a relative URL there resolves under /component/..."""
    path = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{path}/" if path else "/"
