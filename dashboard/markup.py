"""Text from the data, made inert for the context it lands in: Streamlit's Markdown, plotly's
label markup.

Streamlit renders Markdown (CommonMark, GitHub's extensions, its own directives such as
``:red[…]`` and ``:material/…:``, ``$…$`` as math) in ``st.markdown``, ``st.caption``,
``st.title``/``header``/``subheader``, ``st.info``/``warning``/``error``/``success``, ``st.write``
of a string, and in the labels and help of metrics, tabs, expanders, buttons, page links and
widgets. A town called ``[x](https://example.org)`` would be a link there. ``escape_markdown``
makes a value read as written; ``md``/``md_translator`` fill a catalog text's placeholders with
escaped values, so the catalog's own Markdown (``**{name}**``) keeps working.

plotly reads a small HTML-like syntax (``<b>``, ``<br>``, ``<a href>``, ``&lt;``) in titles,
axis and tick labels, legend names, bar texts and hover labels, including values substituted into
a ``hovertemplate``. ``escape_plotly`` escapes one value; ``inert_figure`` escapes every text a
figure takes from its data (our own hovertemplates are left as they are).

Which to use is the caller's choice, since only it knows where a string goes: values for
``st.text``, tables, downloads and the folium maps stay plain.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

from dashboard.i18n import t

# Every ASCII punctuation character that CommonMark, GitHub's extensions or Streamlit give a
# meaning to (CommonMark lets any ASCII punctuation be escaped with a backslash).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:/&])")
_LINE_BREAKS = re.compile(r"\s*[\r\n\t\v\f]+\s*")
# Rewrites done on the text after parsing, which a backslash cannot stop: GitHub's bare URLs and
# e-mail addresses become links, ``:streamlit:`` and emoji short codes become pictures, ``->``
# becomes an arrow. A WORD JOINER (invisible, zero width) breaks each pattern.
WORD_JOINER = "\u2060"
_REWRITTEN = (
    (re.compile(r"(https?)(?=:)", re.IGNORECASE), rf"\1{WORD_JOINER}"),
    (re.compile(r"(www)(?=\.)", re.IGNORECASE), rf"\1{WORD_JOINER}"),
    (re.compile(r"@"), f"{WORD_JOINER}@"),
    (re.compile(r":(?=[\w+-]+:)"), f":{WORD_JOINER}"),
    (re.compile(r"(?<!\S)([<>~-])(?=(?:->|-|>|=)(?!\S))"), rf"\1{WORD_JOINER}"),
)


def escape_markdown(text: object) -> str:
    """``text`` as Markdown that Streamlit shows exactly as written (one line).

    Backslash-escapes the punctuation Markdown and Streamlit read (links, images, emphasis,
    code, HTML, math, directives, lists and headings), puts a word joiner into bare URLs,
    e-mail addresses, short codes and arrows (rewritten after parsing), and makes line breaks
    spaces (a line of its own could start a list, a heading or a code block).
    """
    text = "" if text is None else str(text)
    text = _LINE_BREAKS.sub(" ", text)
    for pattern, replacement in _REWRITTEN:
        text = pattern.sub(replacement, text)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    if text[:1].isspace():  # four spaces at the start of a line are a code block
        text = "&#32;" + text[1:]
    return text


def md(key: str, lang: str, **params: object) -> str:
    """``t(key, lang, **params)`` for a Markdown element: each value escaped
    (``escape_markdown``), the catalog's text as it is."""
    return t(key, lang, **{name: escape_markdown(value) for name, value in params.items()})


def md_translator(lang: str) -> Callable[..., str]:
    """``md`` bound to one language: what a page's ``ctx.t`` is."""

    def bound(key: str, **params: object) -> str:
        return md(key, lang, **params)

    return bound


# --- plotly ---------------------------------------------------------------------------------

_PLOTLY_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape_plotly(text: object) -> str:
    """``text`` for a plotly label: ``&``, ``<`` and ``>`` as entities, so that no tag
    (``<a href>``, ``<img>``, ``<b>``, ``<br>``) or entity in the data takes effect."""
    text = "" if text is None else str(text)
    for char, entity in _PLOTLY_SPECIAL.items():
        text = text.replace(char, entity)
    return text


# What plotly draws as text, by trace: the values (strings only: numbers and dates stay).
# Left alone: hovertemplate and texttemplate (ours, with their tags), ids that link traces
# (``locations``, ``legendgroup``) and ``meta``.
_TRACE_TEXTS = ("x", "y", "text", "hovertext", "customdata", "labels", "ids", "parents", "name")
_TRACE_TITLES = ("colorbar", "marker.colorbar", "legendgrouptitle")
# scattermap / scattermapbox write ``text`` on the map with MapLibre, as plain text
_PLAIN_MAP_TEXT = {"scattermap", "scattermapbox"}
_AXIS = re.compile(r"^[xy]axis\d*$")


def _escaped(value):
    """A value with every string in it escaped (arrays and nested lists element-wise)."""
    if isinstance(value, str):
        return escape_plotly(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "OUS":
            return np.vectorize(_escaped, otypes=[object])(value) if value.size else value
        return value
    if isinstance(value, list | tuple):
        return type(value)(_escaped(v) for v in value)
    return value


def _has_markup(value) -> bool:
    if isinstance(value, str):
        return any(c in value for c in _PLOTLY_SPECIAL)
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "OUS" and any(_has_markup(v) for v in value.ravel())
    if isinstance(value, list | tuple):
        return any(_has_markup(v) for v in value)
    return False


def _escape_prop(obj, prop: str) -> None:
    """``obj[prop]`` escaped in place, when it holds a character to escape."""
    try:
        value = obj[prop]
    except (KeyError, ValueError, AttributeError):
        return
    if value is not None and _has_markup(value):
        obj[prop] = _escaped(value)


def inert_figure(fig: go.Figure) -> go.Figure:
    """``fig`` with every text it takes from data escaped for plotly's label markup
    (``escape_plotly``): trace values, names and colour bar titles; the figure's, axes' and
    legend's titles, tick texts, category orders and annotations. Changes ``fig`` and returns it.

    Every figure of the app gets this from ``charts.style``, on texts that are plain; a figure
    is escaped once (a text escaped twice would show its entities).
    """
    if getattr(fig, "_inert", False):
        return fig
    for trace in fig.data:
        map_text = trace.type in _PLAIN_MAP_TEXT and "text" in (trace.mode or "")
        for prop in _TRACE_TEXTS:
            if prop in trace and not (prop == "text" and map_text):
                _escape_prop(trace, prop)
        for prop in _TRACE_TITLES:
            _escape_prop(trace, f"{prop}.title.text")
    layout = fig.layout
    _escape_prop(layout, "title.text")
    _escape_prop(layout, "legend.title.text")
    _escape_prop(layout, "coloraxis.colorbar.title.text")
    for name in [key for key in layout if _AXIS.match(key)]:
        for prop in ("title.text", "ticktext", "categoryarray", "tickvals"):
            _escape_prop(layout[name], prop)
    for annotation in layout.annotations:
        _escape_prop(annotation, "text")
    fig._inert = True
    return fig
