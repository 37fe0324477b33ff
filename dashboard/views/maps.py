"""What the maps page shows: the partner-towns map with its notes and the selected town's
panel, and where participants come from (world map, flows, ranked bars) with their captions.

Built once per dataset, language and viewer (and, for the folium map, the app's URL paths): a
rerun that changes none of them builds nothing. Every text is in the page's language; counts
of 1 or 2 people the viewer may not see are "<3" (``dashboard.access``).
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import pandas as pd
import plotly.graph_objects as go

from dashboard import access, municipal, outlines
from dashboard.access import Viewer, mask_count, small_cells
from dashboard.data import Dataset
from dashboard.glossary import help_text
from dashboard.i18n import (
    country_name,
    format_date_range,
    format_number,
    join_list,
    other_lang,
    t,
    town_name,
)
from dashboard.maps.assets import STATIC_URL
from dashboard.maps.japan import CLUSTER_ABOVE, partner_map
from dashboard.maps.tables import (
    flow_table,
    nationality_table,
    prefecture_counts,
    town_summary,
    unknown_in_flows,
)
from dashboard.maps.world import MAX_FLOWS, flow_figure, nationality_bars, world_figure
from dashboard.markup import md
from dashboard.memo import memo
from dashboard.pages import page

TABS = ("towns", "origins")  # the page's two tabs, by catalog key maps.<tab>.header
ORIGIN_VIEWS = ("world", "flows")  # the origins tab's two maps; ?origins=world|flows opens one
BARS_LIMIT = 25  # bars beside the maps; the rest are named under them


# --- tabs ---------------------------------------------------------------------------------------


def tab_labels(lang: str) -> dict[str, str]:
    """``{"towns": title, "origins": title}``: the tabs' titles in ``lang``."""
    return {key: t(f"maps.{key}.header", lang) for key in TABS}


def retitled_tabs(lang: str) -> dict[str, str]:
    """``{title in the other language: title in lang}``: the open tab stays open when the
    language changes."""
    other = tab_labels(other_lang(lang))
    return {other[key]: label for key, label in tab_labels(lang).items()}


def origin_view(asked: str | None) -> str | None:
    """The origins map a link asks for (``?origins=world|flows``), None for anything else."""
    return asked if asked in ORIGIN_VIEWS else None


# --- partner towns ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PartnerView:
    """The partner-towns map with the tables beside it: ``towns`` (``town_summary`` plus
    ``people_shown``, ``reported_shown``, ``unknown_shown``, ``countries_shown``: counts as the
    viewer may see them, ``access.mask_towns``),
    ``prefectures`` (``prefecture_counts``), ``prefecture_masked`` (True where a prefecture's
    count is hidden from the viewer), ``notes`` (the captions under the map) and ``names``
    (``{region_id: name in lang}``, in the towns' order). Shared between reruns: read it, do
    not change it."""

    map: folium.Map | None
    towns: pd.DataFrame
    prefectures: pd.DataFrame
    prefecture_masked: pd.Series
    notes: tuple[str, ...] = ()
    names: dict[str, str] | None = None


def _map_notes(
    towns: pd.DataFrame, prefectures: pd.DataFrame, masked: pd.Series, lang: str
) -> tuple[str, ...]:
    """The legend's darkest count (hidden counts left out), clustering, and the offline note."""
    notes = []
    hosted = prefectures.loc[~masked.to_numpy(), "people"]
    if len(hosted) and hosted.max() > 0:
        notes.append(t("maps.towns.legend", lang, n=format_number(int(hosted.max()), lang)))
    if len(towns) > CLUSTER_ABOVE:
        notes.append(t("maps.towns.many", lang, n=format_number(len(towns), lang)))
    notes.append(t("maps.towns.offline", lang))
    if municipal.COLUMN in towns and towns[municipal.COLUMN].map(outlines.has_outline).any():
        notes.append(outlines.credit(lang))  # MLIT's terms: wherever the outlines are shown
    return tuple(notes)


@memo(maxsize=8)
def partner_view(
    ds: Dataset, lang: str, viewer: Viewer, link_base: str = "/", asset_base: str = STATIC_URL
) -> PartnerView:
    """``partner_map`` of ``ds`` for ``viewer``: counts of 1 or 2 people become "<3" where the
    viewer may not see those people one by one (``map`` is None and ``notes`` empty when there
    are no towns)."""
    towns = access.mask_towns(town_summary(ds), viewer)
    prefectures = prefecture_counts(ds)
    masked = small_cells(prefectures, ["people"], viewer)["people"]
    fmap, notes = None, ()
    if not towns.empty:
        fmap = partner_map(
            towns,
            prefectures,
            lang,
            link_base=link_base,
            asset_base=asset_base,
            prefecture_masked=masked,
        )
        notes = _map_notes(towns, prefectures, masked, lang)
    name_col = "name_ja" if lang == "ja" else "name_en"
    names = dict(zip(towns["region_id"], towns[name_col], strict=True))
    return PartnerView(fmap, towns, prefectures, masked, notes, names)


@dataclass(frozen=True)
class TownPanel:
    """The selected town's panel beside the map.

    ``name`` in the page's language, ``other_name`` in the other (plain text: the page escapes
    them for its Markdown); ``prefecture``, ``reported`` and ``countries`` are Markdown captions
    (values escaped). ``prefecture`` (a caption, or None); ``metrics``: (label, value, help)
    for programs, people, countries and unknown nationality, two to a row; ``reported`` (the
    organisation's figure where it differs from the list, else None); ``programs``: one
    "title\\ndates" per program, by start; ``countries`` (the "from ..." caption, or None);
    ``link``: ``st.page_link``'s ``page`` and ``query_params`` for the town's page, None when
    the viewer may not open it.
    """

    name: str
    other_name: str
    prefecture: str | None
    metrics: tuple[tuple[str, str, str], ...]
    reported: str | None
    programs: tuple[str, ...]
    countries: str | None
    link: dict | None


def town_panel(partner: PartnerView, region_id: str, lang: str, viewer: Viewer) -> TownPanel:
    """The panel of the town ``region_id`` of ``partner.towns`` (KeyError for another id)."""
    rows = partner.towns[partner.towns["region_id"] == region_id].to_dict("records")
    if not rows:
        raise KeyError(region_id)
    row = rows[0]
    n = lambda value: format_number(value, lang)  # noqa: E731
    pref = partner.prefectures.set_index("code")
    code = row["prefecture_code"]
    prefecture = None
    if code in pref.index:
        name_col = "name_ja" if lang == "ja" else "name_en"
        prefecture = md("maps.panel.prefecture", lang, name=pref.loc[code, name_col])
    metrics = tuple(  # label, value, help (the figure catalog's)
        (t(f"maps.panel.{key}", lang), n(value), help_text(f"maps.{key}", lang))
        for key, value in (
            ("programs", int(row["programs"])),
            ("people", row["people_shown"]),
            ("countries", row["countries_shown"]),
            ("unknown", row["unknown_shown"]),
        )
    )
    reported = None
    if row["reported_shown"] != row["people_shown"]:
        reported = md("maps.popup.reported", lang, n=n(row["reported_shown"]))
    programs = tuple(
        f"{title}\n{format_date_range(start, end, lang)}"
        for title, start, end in row["program_list"]
    )
    countries = None
    if row["countries"]:
        names = join_list([country_name(c, lang) for c in row["countries"]], lang)
        countries = md("maps.panel.from", lang, names=names)
    link = None
    if access.can_open(viewer, "town"):
        link = {"page": page("town").path, "query_params": {"town": region_id, "lang": lang}}
    return TownPanel(
        name=town_name(row, lang),
        other_name=town_name(row, other_lang(lang)),
        prefecture=prefecture,
        metrics=metrics,
        reported=reported,
        programs=programs,
        countries=countries,
        link=link,
    )


# --- where participants come from ---------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Origins:
    """Where participants come from, as the maps page shows it.

    ``world``: the world map; ``unknown``: people of unknown nationality (a count, or "<3");
    ``flows``: the flow map (None when no one of known nationality took part in a program);
    ``flow_count``: home-country-to-town pairs; ``no_line``: people in programs whose
    nationality is unknown (count or "<3"); ``bars``: the ranked bars (None when every country
    is hidden); ``more``: countries beyond the bars' limit; ``hidden``: countries hidden from
    the viewer (1 or 2 people). Country lists are names in the page's language. The captions
    under each: ``world_notes``, ``flow_notes`` (when there is a flow map) and ``bars_notes``.
    """

    world: go.Figure
    unknown: int | str
    flows: go.Figure | None
    flow_count: int
    no_line: int | str
    bars: go.Figure | None
    more: list[str]
    hidden: list[str]
    world_notes: tuple[str, ...] = ()
    flow_notes: tuple[str, ...] = ()
    bars_notes: tuple[str, ...] = ()


def _origin_notes(
    unknown, flow_count: int, no_line, more: list[str], hidden: list[str], lang: str
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The captions under the world map, the flow map and the bars."""
    n = lambda value: format_number(value, lang)  # noqa: E731
    world = (t("maps.world.unknown", lang, n=n(unknown)) if unknown
             else t("maps.world.all_known", lang),)  # fmt: skip
    flows = [t("maps.flow.caption", lang)]
    if flow_count > MAX_FLOWS:
        flows.append(t("maps.flow.top", lang, shown=n(MAX_FLOWS), total=n(flow_count)))
    if no_line:
        flows.append(t("maps.flow.unknown", lang, n=n(no_line)))
    bars = []
    if more:
        bars.append(t("maps.bars.more", lang, n=n(len(more)), names=join_list(more, lang)))
    if hidden:
        bars.append(t("maps.small_hidden", lang, names=join_list(hidden, lang)))
    return world, tuple(flows), tuple(bars)


@memo(maxsize=8)
def origins(ds: Dataset, full: Dataset, lang: str, viewer: Viewer) -> Origins | None:
    """The world map, flows and ranked bars of ``ds`` for ``viewer`` (None when no one is
    listed)."""
    nat = nationality_table(ds)
    if nat.empty:
        return None
    masked = small_cells(nat, ["people"], viewer)["people"]
    known = nat[nat["nationality"] != ""]
    count = format_number(len(known), lang)
    title = t("maps.world.title", lang, n=count) if len(known) else t("maps.world.title_none", lang)
    world = world_figure(nat, lang, title, masked=masked)
    unknown = mask_count(int(nat.loc[nat["nationality"] == "", "people"].sum()), viewer)

    flows = flow_table(ds)
    flow_fig = None
    if not flows.empty:
        flow_masked = small_cells(flows, ["people"], viewer)["people"]
        flow_fig = flow_figure(
            flows, full.regions, lang, t("maps.flow.title", lang), masked=flow_masked
        )
    no_line = mask_count(unknown_in_flows(ds), viewer)

    bars = nat[~masked.to_numpy()]
    bars_fig = None
    if not bars.empty:
        bars_fig = nationality_bars(
            bars, lang, t("maps.bars.title", lang), axis=t("maps.bars.axis", lang),
            limit=BARS_LIMIT,
        )  # fmt: skip
    names = lambda codes: [country_name(c, lang) for c in codes]  # noqa: E731
    more = names(bars["nationality"].iloc[BARS_LIMIT:])
    hidden = names(nat.loc[masked.to_numpy(), "nationality"])
    world_notes, flow_notes, bars_notes = _origin_notes(
        unknown, len(flows), no_line, more, hidden, lang
    )
    return Origins(
        world=world,
        unknown=unknown,
        flows=flow_fig,
        flow_count=len(flows),
        no_line=no_line,
        bars=bars_fig,
        more=more,
        hidden=hidden,
        world_notes=world_notes,
        flow_notes=flow_notes,
        bars_notes=bars_notes,
    )
