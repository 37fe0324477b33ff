"""A meeting's deck as plain data: the ordered sections a slide file or presentation mode shows.

``sections(ds, viewer, lang, region_id=None, filters=None)`` returns, in order,

    title -> numbers -> map -> chart (two or three) -> quotes -> sources

for one town (``region_id``) or for the whole network (None). ``ds`` is the access-scoped data
(``access.scope``, what pages call ``ctx.full``); ``filters`` (the sidebar's) cut the network's
deck as they cut the overview, and are ignored for a town, whose page shows the whole town.
Every count is masked for ``viewer`` by the same builders the pages use (``views.town``,
``views.overview``, ``views.nationalities``, ``views.timeline``), and quotes name only people
who agreed, as on the pages. Figures come from those builders and are shared: copy one
(``go.Figure(fig)``) before changing it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard import mapshot
from dashboard import town as towns
from dashboard.access import Viewer
from dashboard.data import Dataset
from dashboard.i18n import (
    country_name,
    format_date,
    format_number,
    join_list,
    other_lang,
    t,
    town_name,
)
from dashboard.metrics import Filters, apply_filters
from dashboard.views import nationalities, overview, timeline
from dashboard.views import town as town_view
from dashboard.voices.tables import in_scope, voices_table

KINDS = ("title", "numbers", "map", "chart", "quotes", "sources")
QUOTES = 3
# the outline credit when the outlines module does not say it (国土数値情報, 国土交通省)
OUTLINE_CREDIT = "「国土数値情報（行政区域データ）」（国土交通省）を加工して作成"


@dataclass(frozen=True)
class Number:
    """One headline number: its key, label and value as shown (formatted, maybe "<3")."""

    key: str
    label: str
    value: str


@dataclass(frozen=True)
class Quote:
    """One testimonial's highlight (``text``, without quotation marks), who said it
    (``by``: the name only with consent, else "a participant from …") and its language."""

    key: str
    text: str
    by: str
    language: str


@dataclass(frozen=True, eq=False)
class Section:
    """One step of the deck, of kind ``kind`` (one of ``KINDS``); ``key`` names it ("title",
    "numbers", "map", "chart-countries", …). Texts are plain (not Markdown).

    - title: ``title``, ``subtitle`` and ``lines`` (the date made, the data version);
    - numbers: ``numbers`` and ``notes`` (the sentences beside them, masked alike);
    - map: ``figure`` (a plotly map that draws offline) and ``subtitle`` (its caption);
    - chart: ``figure``; or, when the viewer may not see its counts, ``figure`` None and
      ``table`` (counts masked) with ``notes``;
    - quotes: ``quotes`` (at most ``QUOTES``; none when there is nothing the viewer may read);
    - sources: ``lines``, one source or credit each.
    """

    kind: str
    key: str
    title: str
    subtitle: str = ""
    numbers: tuple[Number, ...] = ()
    notes: tuple[str, ...] = ()
    figure: go.Figure | None = None
    table: pd.DataFrame | None = None
    quotes: tuple[Quote, ...] = ()
    lines: tuple[str, ...] = ()


def outline_credit(lang: str) -> str:
    """The credit for municipality outlines as the pages show it (``outlines.credit``), or
    ``OUTLINE_CREDIT`` where that module is not installed."""
    try:
        from dashboard.outlines import credit
    except ImportError:
        return OUTLINE_CREDIT
    return credit(lang)


def sections(
    ds: Dataset,
    viewer: Viewer,
    lang: str,
    region_id: str | None = None,
    filters: Filters | None = None,
    made: dt.date | None = None,
) -> tuple[Section, ...]:
    """The deck of ``region_id`` (a town) or of the network (None), in ``lang`` for ``viewer``:
    title, numbers, map, charts, quotes, sources (see the module doc). ``made`` is the date on
    the title slide (today by default). Raises KeyError for a town not in ``ds``."""
    made = made or dt.date.today()
    if region_id is not None:
        return _town_sections(ds, viewer, lang, region_id, made)
    return _network_sections(ds, viewer, lang, filters or Filters(), made)


def _dated(ds: Dataset, lang: str, made: dt.date) -> tuple[str, ...]:
    lines = [t("meeting.deck.made", lang, date=format_date(made, lang))]
    if ds.version:
        lines.append(t("report.data_version", lang, version=ds.version))
    return tuple(lines)


def _sources(ds: Dataset, lang: str, extra: tuple[str, ...] = ()) -> Section:
    lines = (
        t("report.source_text", lang),
        *extra,
        t("meeting.deck.outline_credit", lang, credit=outline_credit(lang)),
        t("meeting.deck.shapes_credit", lang),
    )
    return Section("sources", "sources", t("report.source", lang), lines=lines)


# --- a town ----------------------------------------------------------------------------------


def _town_sections(
    ds: Dataset, viewer: Viewer, lang: str, region_id: str, made: dt.date
) -> tuple[Section, ...]:
    page = town_view.town_page(ds, region_id, lang, viewer)  # masked for the viewer
    region = page.region
    name, other = page.name, town_name(region, other_lang(lang))
    prefecture = towns.prefecture_name(region, lang)
    title = Section(
        "title",
        "title",
        t("report.title", lang, town=name),
        subtitle=f"{name}　{other}" if lang == "ja" else f"{name} · {other}",
        lines=_dated(ds, lang, made),
    )
    place = t("town.map.caption", lang, town=name, prefecture=prefecture) if prefecture else name
    where = Section(
        "map",
        "map",
        t("meeting.deck.map_title", lang, town=name),
        subtitle=place,
        figure=mapshot.map_figure(region, lang),
    )
    region_source = str(region.get("source") or "")
    sources = _sources(ds, lang, (t("meeting.deck.region_source", lang, source=region_source),))
    if page.empty:
        numbers = Section(
            "numbers", "numbers", t("meeting.deck.numbers_title", lang), notes=(page.empty_body,)
        )
        return (title, numbers, where, sources)
    rel = towns.relationship(ds, region_id)
    numbers = Section(
        "numbers",
        "numbers",
        t("town.section.relationship", lang),
        subtitle=t("town.section.relationship_intro", lang, town=name),
        numbers=(
            *(Number(card.key, card.label, card.value) for card in page.cards),
            Number("programs", t("town.metric.programs", lang), format_number(rel.programs, lang)),
            Number(
                "outcomes",
                t("town.metric.outcomes", lang),
                format_number(len(towns.outcomes(ds, region_id)), lang),
            ),
        ),
        notes=page.notes,
    )
    if page.full_counts:
        charts = (
            Section(
                "chart",
                "chart-countries",
                _title_of(page.countries_chart) or t("town.metric.countries", lang),
                figure=page.countries_chart,
            ),
            Section(
                "chart",
                "chart-network",
                _title_of(page.network_chart) or t("town.section.network", lang, town=name),
                figure=page.network_chart,
            ),
        )
    else:  # as on the page: the countries by name, the network as a table with counts masked
        charts = (
            Section(
                "chart",
                "chart-network",
                t("town.section.network", lang, town=name),
                table=page.network_table,
                notes=(page.countries_text, t("town.network.masked", lang)),
            ),
        )
    quotes = Section(
        "quotes",
        "quotes",
        t("town.section.voices", lang),
        quotes=tuple(
            Quote(v.key, v.quote.strip("“”"), v.byline, _language(ds, v.key))
            for v in page.voices[:QUOTES]
        ),
        notes=() if page.voices else (t("town.voices.none", lang, town=name),),
    )
    return (title, numbers, where, *charts, quotes, sources)


def _title_of(fig: go.Figure | None) -> str:
    """A figure's title, which says its finding ("Tono is linked to 9 countries")."""
    return str(fig.layout.title.text or "") if fig is not None else ""


def _language(ds: Dataset, testimonial_id: str) -> str:
    texts = ds.testimonials
    found = texts.loc[texts["testimonial_id"] == testimonial_id, "language"]
    return str(found.iloc[0]) if len(found) and isinstance(found.iloc[0], str) else ""


# --- the network -----------------------------------------------------------------------------


def _network_sections(
    ds: Dataset, viewer: Viewer, lang: str, filters: Filters, made: dt.date
) -> tuple[Section, ...]:
    data = apply_filters(ds, filters)
    title = Section(
        "title",
        "title",
        t("overview.title", lang),
        subtitle=t("overview.subtitle", lang),
        lines=_dated(ds, lang, made),
    )
    head = overview.headline_cards(data, filters, viewer, lang)
    numbers = Section(
        "numbers",
        "numbers",
        t("meeting.deck.numbers_title", lang),
        numbers=tuple(
            Number(key, t(f"overview.metric.{key}", lang), value)
            for key, value in head.shown.items()
        ),
        notes=tuple(head.notes),
    )
    regions = data.regions.to_dict("records")
    where = Section(
        "map",
        "map",
        t("meeting.deck.network_map_title", lang),
        subtitle=t("meeting.deck.network_map_caption", lang, n=format_number(len(regions), lang)),
        figure=mapshot.towns_map_figure(regions, lang),
    )
    charts = []
    for key, section in (
        ("chart-towns", overview.town_bars(data, ds, lang, viewer)),
        ("chart-countries", nationalities.by_country(data, lang, viewer)),
    ):
        if section.chart is not None:
            notes = (section.chart.note,) if section.chart.note else ()
            if section.hidden:
                notes += (t("meeting.deck.hidden", lang, names=join_list(section.hidden, lang)),)
            charts.append(
                Section(
                    "chart",
                    key,
                    _title_of(section.chart.figure),
                    notes=notes,
                    figure=section.chart.figure,
                )
            )
    running = timeline.cumulative_chart(data, ds, lang, viewer)
    if running is not None:
        charts.append(
            Section(
                "chart",
                "chart-timeline",
                _title_of(running.figure),
                figure=running.figure,
            )
        )
    quotes = Section(
        "quotes",
        "quotes",
        t("town.section.voices", lang),
        quotes=_network_quotes(ds, data, filters, lang),
    )
    return (title, numbers, where, *charts, quotes, _sources(ds, lang))


def _network_quotes(ds: Dataset, data: Dataset, filters: Filters, lang: str) -> tuple[Quote, ...]:
    """Three testimonials the filters select (pinned ones first), each from another town when
    there are enough, attributed as on the voices page (``voices.tables.author_label``)."""
    table = voices_table(ds, in_scope(ds, data, filters), (), lang)
    if table.empty:
        return ()
    table = table.sort_values("pinned", ascending=False, kind="stable")
    chosen, towns_seen = [], set()
    for spread in (True, False):
        for row in table.to_dict("records"):
            if len(chosen) == QUOTES:
                break
            key = tuple(row["region_ids"])
            if any(row["testimonial_id"] == c["testimonial_id"] for c in chosen):
                continue
            if spread and key in towns_seen:
                continue
            towns_seen.add(key)
            chosen.append(row)
    return tuple(
        Quote(
            row["testimonial_id"],
            row["highlight"],
            _attribution(row, lang),
            str(row["language"] or ""),
        )
        for row in chosen
    )


def _attribution(row: dict, lang: str) -> str:
    country = row["country"] if row["nationality"] else country_name(None, lang)
    if not row["towns"]:
        return t("meeting.deck.quote_by_no_town", lang, author=row["author"], country=country)
    where = " / ".join(row["towns"])
    return t("meeting.deck.quote_by", lang, author=row["author"], country=country, towns=where)


def deck_filename(region: dict | None, made: dt.date | None = None) -> str:
    """``sosei-partners-tono-slides-2026-12-01.pptx`` (``network`` for the whole network)."""
    made = made or dt.date.today()
    who = region["region_id"] if region else "network"
    return f"sosei-partners-{who}-slides-{made.isoformat()}.pptx"
