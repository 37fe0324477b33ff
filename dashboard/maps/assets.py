"""Offline assets of the folium maps: Leaflet and its marker-cluster plugin from the app's own
``static/`` folder (Streamlit static serving, at ``/app/static/...``), never a CDN.

``offline_assets`` points a map's ``default_js``/``default_css`` there and refuses any other
remote asset; ``asset_links`` lists what a map will load.
"""

from __future__ import annotations

import folium
from branca.element import MacroElement
from jinja2 import Template

# Where Streamlit serves ./static (server.enableStaticServing = true). An absolute path: the
# folium map lives in an iframe under /component/..., where a relative URL would miss.
STATIC_URL = "/app/static"
LEAFLET_DIR = "leaflet-1.9.3"
CLUSTER_DIR = "leaflet.markercluster-1.5.3"
# Leaflet finds marker-icon.png through leaflet.css (images/ beside it).
ASSETS_JS = {
    "leaflet": f"{LEAFLET_DIR}/leaflet.js",
    "markerclusterjs": f"{CLUSTER_DIR}/leaflet.markercluster.js",
}
ASSETS_CSS = {
    "leaflet_css": f"{LEAFLET_DIR}/leaflet.css",
    "markerclustercss": f"{CLUSTER_DIR}/MarkerCluster.css",
    "markerclusterdefaultcss": f"{CLUSTER_DIR}/MarkerCluster.Default.css",
}


def static_url(app_base: str) -> str:
    """Where the app serves ./static below its URL path ``app_base`` ("/" or "/<base>/")."""
    return f"{app_base}app/static"


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


class _IconPath(MacroElement):
    """Tells Leaflet where its marker images are. Leaflet guesses the folder from leaflet.css,
    which the map's iframe may not have applied yet when the first marker is drawn; the guess
    then falls back to the iframe's own folder (/component/...), where there is no image."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        L.Icon.Default.imagePath = {{ this.path|tojson }};
        {% endmacro %}"""
    )

    def __init__(self, path: str) -> None:
        super().__init__()
        self._name = "IconPath"
        self.path = path


def offline_assets(fmap: folium.Map, base: str = STATIC_URL) -> folium.Map:
    """Point every JS/CSS asset of ``fmap`` and its children at the app's own copies.

    Folium's defaults (Leaflet, jQuery, Bootstrap, awesome-markers, Font Awesome from CDNs) are
    replaced by Leaflet alone: the maps here use Leaflet's own markers, so the rest is not
    needed. The marker-cluster plugin is served too. Raises ``ValueError`` if an element needs
    an asset that is not vendored (it would leave the map blank offline).
    """
    base = base.rstrip("/")
    fmap.default_js = [("leaflet", f"{base}/{ASSETS_JS['leaflet']}")]
    fmap.default_css = [("leaflet_css", f"{base}/{ASSETS_CSS['leaflet_css']}")]
    if not any(isinstance(c, _IconPath) for c in fmap._children.values()):
        icon_path = _IconPath(f"{base}/{LEAFLET_DIR}/images/")
        # first among the map's children, so it runs before any marker is made
        fmap._children = {icon_path.get_name(): icon_path, **fmap._children}
        icon_path._parent = fmap
    for element in _walk(fmap):
        if element is fmap:
            continue
        if isinstance(element, folium.Icon):  # L.AwesomeMarkers, dropped with the CDN defaults
            raise ValueError("folium.Icon needs Leaflet.awesome-markers, not vendored")
        for attr, known in (("default_js", ASSETS_JS), ("default_css", ASSETS_CSS)):
            links = getattr(element, attr, None)
            if not links:
                continue
            local = []
            for name, url in links:
                if name not in known:
                    raise ValueError(f"{type(element).__name__} needs {url}, not vendored")
                local.append((name, f"{base}/{known[name]}"))
            setattr(element, attr, local)
    return fmap


def asset_links(fmap: folium.Map) -> list[str]:
    """Every JS and CSS link the map will load (what streamlit-folium passes to the browser)."""
    links: list[str] = []
    for element in _walk(fmap):
        links += [url for _, url in getattr(element, "default_js", []) or []]
        links += [url for _, url in getattr(element, "default_css", []) or []]
    return list(dict.fromkeys(links))
