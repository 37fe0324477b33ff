"""The Streamlit shell every page shares: language, data, sidebar filters, in the URL.

``streamlit_app.py`` calls ``start()`` once per run before the page; a page calls ``context()``.
Widgets are bound to query parameters (``bind="query-params"``), so ``?lang=ja&town=tono``
reopens a view as it was shared.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import streamlit as st

from dashboard import access, charts, metrics, upload
from dashboard.access import Viewer
from dashboard.charts import Chart, Section
from dashboard.data import Dataset, empty_dataset
from dashboard.exports import csv_bytes, with_codes
from dashboard.i18n import (
    LANGS,
    country_name,
    join_list,
    normalise_lang,
    town_names,
)
from dashboard.markup import md_translator
from dashboard.memo import memo
from dashboard.metrics import UNKNOWN, Filters
from dashboard.problems import Problem, errors
from dashboard.ui import auth_ui, cache, embed, present

LANG_LABELS = {"en": "English", "ja": "日本語"}
# the dashboard's style sheet (caption colour): served in ./static, injected on every run
STYLE = Path(__file__).resolve().parents[2] / "static" / "dashboard.css"


@dataclass(frozen=True)
class Context:
    """What a page needs: the language, ``t`` bound to it, the data before and after filters,
    and who is looking. ``t`` is for Markdown elements (every element but ``st.text``, tables
    and select box options): it escapes the values it fills in (``markup.md``). ``full`` and
    ``data`` are already scoped to what ``viewer`` may see (``dashboard.access.scope``): a page
    never holds data its viewer may not see.

    The context stays in the session between runs (fragments rerun with it), so it keeps only
    the loaded data, which every session shares; the scoped and filtered copies come from
    their memos when asked for. A session holding its own copies would keep one scoped copy
    of the whole data alive per town's officials, whatever the memos' budget (3.5 GB at 1,741
    towns with 100 sessions over 50 towns).
    """

    lang: str
    t: Callable[..., str]
    source: Dataset  # as loaded, before scoping: shared by every session
    filters: Filters
    viewer: Viewer = access.PUBLIC
    # the data failed to load and there is no good version to show: staff get the Data page
    # alone, to upload corrected files
    recovering: bool = False

    @property
    def full(self) -> Dataset:
        """The whole data as ``viewer`` may see it."""
        return access.scope(self.source, self.viewer)

    def get_full(self) -> Dataset:
        """``full``, as a function for a button that makes its file when pressed: Streamlit
        keeps it in the session, and a lambda in a page script would keep that page's globals
        (its copy of the data among them)."""
        return self.full

    @property
    def data(self) -> Dataset:
        """``full`` cut by the sidebar's filters."""
        return metrics.apply_filters(self.full, self.filters)

    @property
    def user(self) -> str:
        """The signed-in user's name ("" for a public visitor), e.g. for a version note."""
        return self.viewer.name or self.viewer.username


# Streamlit's own ``bind="query-params"`` writes a widget's *display label* into the URL (the
# town's name in the current language), so links would change with the language. The shell
# keeps stable ids in the URL instead: ``?lang=ja&town=tono&nat=TH&years=2017-2018``.


def _seed_from_url(key: str, parse: Callable[[list[str]], object]) -> None:
    """Set a sidebar widget's starting value: the value kept from the last page, else the
    browser's own (a session new on this replica), else the URL.

    Streamlit forgets a widget's value when the user switches page (the widget belongs to the
    page it was drawn on) and its page links drop the query string, so the shell keeps each
    sidebar value under a key of its own (``_keep``) and puts it back here.
    """
    kept = f"_kept_{key}"
    if key in st.session_state:
        return
    if kept in st.session_state:
        st.session_state[key] = st.session_state[kept]
    elif key in st.query_params and not _sent_by_browser(key):
        value = parse(st.query_params.get_all(key))
        if value is not None:
            st.session_state[key] = value


def _sent_by_browser(key: str) -> bool:
    """Whether this run's request carries the browser's own value of the widget ``key``, which
    a new session gets when the browser reconnects to another replica after its own has gone:
    what the browser shows then (a click made while it reconnected included) is newer than
    its URL. Streamlit names a keyed widget ``$$ID-<hash>-<key>``."""
    from streamlit.runtime.state.session_state_proxy import get_session_state

    states = get_session_state()._state._new_widget_state.states  # noqa: SLF001 (no public API)
    return any(wid.startswith("$$ID-") and wid.split("-", 2)[2] == key for wid in states)


def keep_in_url(key: str, value: list[str] | str | None) -> None:
    """Keep a sidebar widget's value for the next page, and put it in the URL (dropped from
    the URL when it is the default)."""
    st.session_state[f"_kept_{key}"] = st.session_state.get(key)
    if value in (None, "", []):
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get_all(key) != ([value] if isinstance(value, str) else value):
        st.query_params[key] = value


def current_lang() -> str:
    """The language from the sidebar, else the URL (``?lang=ja``), English by default."""
    return normalise_lang(st.session_state.get("lang") or st.query_params.get("lang"))


def language_picker() -> str:
    """The sidebar's language switch, kept in ``?lang=``."""
    _seed_from_url("lang", lambda v: v[-1] if v[-1] in LANGS else None)
    st.session_state.setdefault("lang", current_lang())
    st.sidebar.segmented_control(
        "Language / 言語", LANGS, format_func=LANG_LABELS.get, key="lang", required=True
    )
    lang = current_lang()
    keep_in_url("lang", None if lang == "en" else lang)
    return lang


def show_problems(problems: tuple[Problem, ...], lang: str) -> None:
    """The problems as a readable table (never a traceback): file, row, column, value, what is
    wrong, how to fix it."""
    st.dataframe(upload.problems_frame(problems, lang), hide_index=True, width="stretch")


def load_data(lang: str, viewer: Viewer = access.STAFF) -> Dataset | None:
    """The cached dataset. When there is none to show, the page stops with the message, except
    for a viewer who may manage the data: they get the problem list and None (the Data page,
    where they can upload corrected files).

    The problem list quotes values from the files, so only a viewer who may manage the data
    sees it; the others get the message alone.
    """
    tr = md_translator(lang)
    loaded = cache.load()
    details = access.can(viewer, "manage_data")
    if loaded.dataset is None:
        if not details:  # the server's folder is for those who manage the data
            st.error(tr("shell.data_unavailable"))
            st.stop()
        st.error(tr("shell.data_failed", folder=cache.current().key))  # a folder, or a URL
        st.info(tr("shell.data_fix"), icon=":material/upload_file:")
        with st.expander(tr("shell.show_problems"), expanded=True):
            show_problems(loaded.problems, lang)
        return None
    if errors(list(loaded.problems)):
        st.warning(tr("shell.data_stale"))
        if details:
            with st.expander(tr("shell.show_problems")):
                show_problems(loaded.problems, lang)
    return loaded.dataset


def filters_sidebar(ds: Dataset, lang: str) -> Filters:
    """Year range, towns and nationalities in the sidebar, each bound to a query parameter."""
    tr = md_translator(lang)
    side = st.sidebar
    side.header(tr("filters.header"))
    span = metrics.year_span(ds)
    years = None
    if span and span[0] < span[1]:
        _seed_from_url("years", lambda v: _parse_years(v[-1], span))
        chosen = side.slider(tr("filters.years"), span[0], span[1], value=span, key="years")
        years = None if tuple(chosen) == span else (int(chosen[0]), int(chosen[1]))
        keep_in_url("years", years and f"{years[0]}-{years[1]}")

    if st.session_state.get("_filters_lang") != lang:
        # the choices are shown by name, and names change with the language: hand the chosen
        # ids to the widgets again so they are drawn with the new names
        for key in ("town", "nat"):
            if key in st.session_state:
                st.session_state[key] = list(st.session_state[key])
        st.session_state["_filters_lang"] = lang
    names, town_order = _town_options(ds, lang)
    _seed_from_url("town", lambda v: [x for x in v if x in names])
    towns = side.multiselect(
        tr("filters.towns"),
        list(town_order),
        format_func=names.get,
        key="town",
        placeholder=tr("filters.all_towns"),
    )
    keep_in_url("town", towns)

    codes, code_order = _nationality_options(ds, lang)
    # "unknown" stands for the empty code in the URL
    _seed_from_url(
        "nat",
        lambda v: [
            UNKNOWN if x == "unknown" else x.upper()
            for x in v
            if (UNKNOWN if x == "unknown" else x.upper()) in codes
        ],
    )
    nats = side.multiselect(
        tr("filters.nationalities"),
        list(code_order),
        format_func=lambda c: country_name(c, lang),
        key="nat",
        placeholder=tr("filters.all_nationalities"),
    )
    keep_in_url("nat", [c or "unknown" for c in nats])
    return Filters(years=years, towns=tuple(towns), nationalities=tuple(nats))


@memo(maxsize=8)
def _town_options(ds: Dataset, lang: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """Town names in ``lang`` by id, and the ids in name order (once per dataset)."""
    names = town_names(ds, lang)
    return names, tuple(sorted(names, key=names.get))


@memo(maxsize=8)
def _nationality_options(ds: Dataset, lang: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The nationality codes present (``UNKNOWN`` for none), and in name order, unknown last."""
    codes = frozenset(ds.participants["nationality"].fillna(UNKNOWN).unique().tolist())
    return codes, tuple(sorted(codes, key=lambda c: (c == UNKNOWN, country_name(c, lang))))


def _parse_years(text: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """``"2017-2018"`` (or one year) -> a range clipped to ``span``; None when unreadable."""
    try:
        parts = [int(x) for x in text.split("-")]
    except ValueError:
        return None
    lo, hi = min(parts), max(parts)
    lo, hi = max(lo, span[0]), min(hi, span[1])
    return (lo, hi) if lo <= hi else None


def start() -> Context:
    """Language, viewer, data and filters for this run; stored for the page to pick up.

    The data is scoped to the viewer (``access.scope``) before the filters see it, so no URL
    parameter or widget can reach rows the viewer may not see.
    """
    st.html(STYLE)  # style alone: Streamlit puts it in the event container, taking no space
    embed.apply()  # ?embed=true: no sidebar in a municipality's frame
    lang = language_picker()
    viewer = auth_ui.current_viewer(lang)
    loaded = load_data(lang, viewer)
    if loaded is None:
        empty = empty_dataset()
        ctx = Context(lang, md_translator(lang), empty, Filters(), viewer, recovering=True)
        st.session_state["_ctx"] = ctx
        return ctx
    filters = filters_sidebar(access.scope(loaded, viewer), lang)
    ctx = Context(lang, md_translator(lang), loaded, filters, viewer)
    st.session_state["_ctx"] = ctx
    return ctx


def context() -> Context:
    """The context ``start()`` made for this run (a page run on its own gets one made now)."""
    return st.session_state.get("_ctx") or start()


# --- blocks pages share ------------------------------------------------------------------------


def table_with_download(table: pd.DataFrame, file_name: str, key: str) -> None:
    """A table and a button saving exactly that table as ``file_name``.csv (UTF-8 with a BOM,
    so Excel opens Japanese correctly); the CSV is written only when the button is pressed."""
    st.dataframe(table, hide_index=True, width="stretch", key=f"{key}_table")
    download_csv(table, file_name, key)


def download_csv(table: pd.DataFrame, file_name: str, key: str) -> None:
    """The CSV download button of ``table_with_download``, on its own; a table about towns
    gets their municipality codes beside their names (``exports.with_codes``)."""
    ctx = context()
    st.download_button(
        ctx.t("nationalities.download_csv"),
        data=lambda: csv_bytes(with_codes(table, ctx.full.regions, ctx.t("municipal.col.code"))),
        file_name=f"{file_name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
    )


def chart_block(chart: Chart, key: str, **chart_args):
    """The chart, its table one tab away, and a CSV of exactly that table. ``chart_args`` go to
    ``st.plotly_chart`` (``on_select=...``); returns what it returns."""
    tr = context().t
    chart_tab, table_tab = st.tabs([tr("nationalities.tab.chart"), tr("nationalities.tab.table")])
    with chart_tab:
        present.mark("chart")
        event = st.plotly_chart(
            chart.figure, key=key, config=charts.export_config(chart.file_name), **chart_args
        )
        if chart.note:
            st.caption(chart.note)
    with table_tab:
        st.dataframe(_arrow_table(chart), hide_index=True, width="stretch", key=f"{key}_table")
    download_csv(chart.table, chart.file_name, key)
    return event


_ARROW: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_ARROW_LOCK = threading.Lock()


def _arrow_table(chart: Chart) -> pa.Table | pd.DataFrame:
    """The chart's table as Arrow, converted once per chart rather than once per run: a chart
    comes from a memo, shared by every session that shows it. The table itself where Arrow
    refuses a column (Streamlit then converts it its own way)."""
    with _ARROW_LOCK:
        found = _ARROW.get(chart)
    if found is None:
        try:
            found = pa.Table.from_pandas(chart.table, preserve_index=False)
        except (pa.ArrowException, TypeError, ValueError):
            found = chart.table
        with _ARROW_LOCK:
            _ARROW[chart] = found
    return found


def metric_row(cards) -> None:
    """Headline numbers side by side: ``cards`` as (label, value, help) triples, in one
    horizontal container that wraps on a narrow screen. One element per number and one for
    the row (columns would add one per number): every element is a message on every run."""
    with st.container(horizontal=True, gap="medium"):
        for label, value, help_text in cards:
            st.metric(label, value, help=help_text, width="stretch")


def section_block(section: Section, key: str, empty: str, hidden: str | None = None, **chart_args):
    """A page's chart section: ``empty`` as a note when there is no chart, else the chart with
    its table and CSV (``chart_block``); then the groups left out for the viewer, named (or
    ``hidden``, a note of its own). Returns the chart's event (None without a chart)."""
    ctx = context()
    event = None
    if section.chart is None:
        st.info(empty)
    else:
        event = chart_block(section.chart, key, **chart_args)
    names = [name for name in section.hidden if name]
    if hidden and names:
        st.caption(hidden)
    elif names:
        st.caption(ctx.t("access.hidden_bars", names=join_list(names, ctx.lang)))
    return event
