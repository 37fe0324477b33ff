"""Tooltips for the folium maps that hand their text to the browser as data.

folium's own ``Tooltip`` (and so ``Marker(tooltip=...)``) pastes its text into a JavaScript
template literal, where `````` ` ````` and ``${…}`` run as script, and ``GeoJsonTooltip`` writes a
feature's properties into the page as HTML. Here the text is JSON in the script (jinja's
``tojson``, which also escapes ``<``, ``>``, ``&`` and ``'``) and reaches Leaflet as escaped
HTML (``TextTooltip``) or as a DOM node's ``textContent`` (``TextGeoJsonTooltip``).
"""

from __future__ import annotations

import html

from branca.element import MacroElement
from jinja2 import Template


class TextTooltip(MacroElement):
    """A tooltip showing ``text`` as written, on the element it is added to (a marker).

    Leaflet gets the text HTML-escaped, as a JSON string: streamlit-folium reads a clicked
    marker's tooltip back as HTML, so a string (not a DOM node) keeps that working.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindTooltip(
            {{ this.html|tojson }}, {{ this.options|tojson }}
        );
        {% endmacro %}"""
    )

    def __init__(self, text: str, sticky: bool = True) -> None:
        super().__init__()
        self._name = "TextTooltip"
        self.text = str(text)
        self.html = html.escape(self.text)
        self.options = {"sticky": sticky}


class TextGeoJsonTooltip(MacroElement):
    """A GeoJson layer's tooltip: each of ``fields`` (feature properties) on a line of its own,
    set as text, never parsed as HTML."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindTooltip(function (layer) {
            var div = L.DomUtil.create("div");
            var fields = {{ this.fields|tojson }};
            for (var i = 0; i < fields.length; i++) {
                var value = layer.feature.properties[fields[i]];
                var line = L.DomUtil.create("div", "", div);
                line.textContent = value === null || value === undefined ? "" : String(value);
            }
            return div;
        }, {{ this.options|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, fields: list[str], sticky: bool = True) -> None:
        super().__init__()
        self._name = "TextGeoJsonTooltip"
        self.fields = list(fields)
        self.options = {"sticky": sticky, "className": "foliumtooltip"}


class Attribution(MacroElement):
    """A credit in the map's attribution corner, added to the map it is a child of; the text
    reaches Leaflet HTML-escaped, as a JSON string."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.html|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.text = str(text)
        self.html = html.escape(self.text)
