"""A town's report: one self-contained HTML file for a council meeting, and a zip of its tables.

The HTML embeds plotly.js once (no CDN), every chart inline, the map as a PNG drawn by kaleido
(``dashboard.mapshot``; an inline map when no browser is available), print styles for A4 pages,
the date it was made and the data's source. It is built with jinja2 with autoescaping on, so
text from the data (testimonials, descriptions) is always escaped.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from dashboard import access, exports, relations
from dashboard import town as towns
from dashboard.data import Dataset
from dashboard.i18n import (
    country_name,
    format_date,
    format_number,
    label,
    language_name,
    other_lang,
    t,
    town_name,
)
from dashboard.maps.japan import outline_credit
from dashboard.mapshot import map_figure, map_png
from dashboard.palette import NEUTRAL, town_colours
from dashboard.views.relations import ministries_terms
from dashboard.views.town import (
    countries_chart,
    network_chart,
    program_rows,
    relationship_notes,
    shown_numbers,
    voice_byline,
)

REPORT_WIDTH = 660  # px: a chart's width, inside an A4 page with 15 mm margins (680 px)
PLOTLY_CONFIG = {"displaylogo": False, "responsive": False, "displayModeBar": False}

TEMPLATE = Path(__file__).parent / "templates" / "town_report.html"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(autoescape=select_autoescape(default=True, default_for_string=True))


# --- the HTML report -------------------------------------------------------------------------


def _figure_html(fig: go.Figure, *, first: bool, width: int = REPORT_WIDTH) -> Markup:
    """A figure as a ``<div>`` and its script; ``first`` embeds plotly.js (once per report)."""
    fig = go.Figure(fig)
    fig.update_layout(width=width, autosize=False)
    html = fig.to_html(
        include_plotlyjs=True if first else False, full_html=False, config=PLOTLY_CONFIG
    )
    return Markup(html)  # noqa: S704 - plotly's own markup, data inside it is JSON-encoded


def town_report(
    ds: Dataset,
    region_id: str,
    lang: str,
    *,
    made: dt.date | None = None,
    map_image: bytes | None | bool = True,
) -> str:
    """The whole report for one town as one HTML document.

    ``made`` is the date printed on it (today by default); ``map_image`` is a PNG to embed, or
    True to draw one with kaleido, or False/None for no map.
    """
    region = towns.find_town(ds, region_id)
    if region is None:
        raise KeyError(region_id)
    made = made or relations.today()  # also the day a season still running is provisional on
    name = town_name(region, lang)
    other = town_name(region, other_lang(lang))
    prefecture = towns.prefecture_name(region, lang)
    rel = towns.relationship(ds, region_id)
    empty = rel.programs == 0
    colour = town_colours(towns.town_ids(ds)).get(region_id, NEUTRAL)
    values: dict[str, object] = {
        "lang": lang,
        "title": t("report.title", lang, town=name),
        "name_other": other,
        "prefecture": prefecture,
        "colour": colour,
        "width": REPORT_WIDTH,
        "made": t("report.made", lang, date=format_date(made, lang)),
        "version": t("report.data_version", lang, version=ds.version) if ds.version else "",
        "print_hint": t("report.print_hint", lang),
        "empty": empty,
        "empty_title": t("town.empty.title", lang, town=name),
        "empty_body": t("town.empty.body", lang, town=name),
        "h_source": t("report.source", lang),
        "source_text": t("report.source_text", lang),
        "region_source": region.get("source", ""),
        "outline_credit": outline_credit(region, lang),  # the map draws the N03 outline
    }
    if not empty:
        png = map_png(region, lang) if map_image is True else (map_image or None)
        values["map_src"] = (
            "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else ""
        )
        values["map_alt"] = t("report.map_alt", lang, town=name, prefecture=prefecture)
        inline = map_figure(region, lang) if map_image is True and not png else None
        if inline is not None:  # no image could be drawn: the map as an inline plotly map
            inline.update_layout(width=260, height=260)
            values["map_html"] = _figure_html(inline, first=True, width=260)
        values.update(
            _report_sections(ds, region_id, lang, name, rel, plotlyjs=inline is None, on=made)
        )
    return _environment().from_string(TEMPLATE.read_text(encoding="utf-8")).render(**values)


def _report_sections(
    ds: Dataset,
    region_id: str,
    lang: str,
    name: str,
    rel: towns.Relationship,
    *,
    plotlyjs: bool = True,
    on: dt.date | None = None,
) -> dict[str, object]:
    numbers = [
        ("people", rel.people),
        ("countries", rel.countries),
        ("returning", rel.returning),
        ("person_days", rel.person_days),
        ("programs", rel.programs),
        ("outcomes", len(towns.outcomes(ds, region_id))),
    ]
    # the report is offered only to viewers who may see the town's every count (see_town)
    programs = program_rows(ds, region_id, lang, access.STAFF, on)
    country_table = towns.countries(ds, region_id)
    outcomes = towns.outcomes(ds, region_id)
    voices = towns.testimonials(ds, region_id)
    network = towns.network_comparison(ds, region_id)
    return {
        "h_relationship": t("town.section.relationship", lang),
        "relationship_intro": t("town.section.relationship_intro", lang, town=name),
        "numbers": [
            {
                "key": key,
                "value": format_number(value, lang),
                "label": t(f"town.metric.{key}", lang),
            }
            for key, value in numbers
        ],
        "notes": relationship_notes(ds, region_id, lang),
        **ministries_terms(ds, region_id, lang, shown_numbers(rel), on or relations.today()),
        "h_programs": t("town.section.programs", lang),
        "program_cols": list(programs.columns),
        "program_rows": programs.values.tolist(),
        "h_countries": t("report.countries_list", lang),
        "countries_chart": _figure_html(
            countries_chart(ds, region_id, lang).update_layout(
                margin={"l": 150, "r": 30, "t": 60, "b": 30}
            ),
            first=plotlyjs,
        ),
        "col_country": t("town.col.country", lang),
        "col_people": t("town.col.people", lang),
        "countries": [
            {
                "code": row["nationality"] or "unknown",
                "name": country_name(row["nationality"], lang),
                "people": format_number(int(row["people"]), lang),
            }
            for row in country_table.to_dict("records")
        ],
        "h_outcomes": t("town.section.outcomes", lang, town=name),
        "col_outcome": t("town.col.outcome", lang),
        "col_language": t("town.col.language", lang),
        "col_quantity": t("town.col.quantity", lang),
        "col_description": t("town.col.description", lang),
        "outcomes": [
            {
                "kind_id": row["kind"],
                "kind": label("town.kind", row["kind"], lang),
                "language": language_name(
                    None if pd.isna(row["language"]) else row["language"], lang
                ),
                "quantity": (
                    t("town.outcomes.quantity_unknown", lang)
                    if pd.isna(row["quantity"])
                    else format_number(int(row["quantity"]), lang)
                ),
                "description": row["description"],
            }
            for row in outcomes.to_dict("records")
        ],
        "no_outcomes": t("town.outcomes.none", lang, town=name),
        "h_voices": t("town.section.voices", lang),
        "voices_note": t("town.voices.language_note", lang),
        "quote_full": t("report.quote_full", lang),
        "voices": [
            {
                "id": row["testimonial_id"],
                "language": row["language"],
                "quote": row["quote"],
                "text": row["text"],
                "by": voice_byline(row, lang),
                "related": t("town.voices.related", lang, town=name) if row["related"] else "",
            }
            for row in voices.to_dict("records")
        ],
        "no_voices": t("town.voices.none", lang, town=name),
        "h_network": t("town.section.network", lang, town=name),
        "network_chart": _figure_html(
            network_chart(ds, region_id, lang, per_row=3).update_layout(
                margin={"l": 10, "r": 10, "t": 70, "b": 40}
            ),
            first=False,
        ),
        "col_measure": t("town.col.measure", lang),
        "col_town": t("town.col.town", lang),
        "col_average": t("town.col.average", lang),
        "network": [
            {
                "key": row["measure"],
                "label": t(f"town.measure.{row['measure']}", lang),
                "town": format_number(row["town"], lang),
                "average": format_number(row["average"], lang),
            }
            for row in network.to_dict("records")
        ],
    }


def report_filename(region: dict, made: dt.date | None = None, ext: str = "html") -> str:
    """``sosei-partners-tono-2026-11-24.html``."""
    made = made or dt.date.today()
    return f"sosei-partners-{region['region_id']}-{made.isoformat()}.{ext}"


def download_args(dataset: Callable[[], Dataset], region: dict, lang: str) -> tuple[dict, dict]:
    """``st.download_button``'s arguments for the town page's HTML report and CSV zip, each
    made from ``dataset()`` only when pressed: a button keeps its function until the session's
    next run, so it asks for the data rather than holding a viewer's scoped copy."""
    rid = region["region_id"]
    html = {
        "label": t("town.download.report", lang),
        "data": lambda: town_report(dataset(), rid, lang).encode("utf-8"),
        "file_name": report_filename(region),
        "mime": "text/html",
        "help": t("town.download.report_help", lang),
        "icon": ":material/description:",
        "on_click": "ignore",
        "key": "town_report_download",
    }
    csv = {
        "label": t("town.download.csv", lang),
        "data": lambda: town_csv_zip(dataset(), rid),
        "file_name": report_filename(region, ext="zip"),
        "mime": "application/zip",
        "help": t("town.download.csv_help", lang),
        "icon": ":material/folder_zip:",
        "on_click": "ignore",
        "key": "town_csv_download",
    }
    return html, csv


# --- the CSV bundle --------------------------------------------------------------------------


def town_tables(ds: Dataset, region_id: str) -> dict[str, pd.DataFrame]:
    """The town's tables for the zip, by file name; people appear only as counts per country,
    with names only of those who consented."""
    back = towns.returning(ds, region_id)
    back = back.assign(other_towns=back["other_towns"].map(";".join))
    texts = towns.testimonials(ds, region_id).drop(columns=["participant_id"])
    program_table = towns.programs(ds, region_id).copy()
    for col in ("start_date", "end_date"):
        program_table[col] = program_table[col].dt.strftime("%Y-%m-%d")
    rel = towns.relationship(ds, region_id)
    summary = pd.DataFrame(
        [
            {"measure": k, "value": "" if v is None else str(v)}
            for k, v in {
                "programs": rel.programs,
                "people": rel.people,
                "reported": rel.reported,
                "countries": rel.countries,
                "unknown_nationality": rel.unknown_nationality,
                "returning": rel.returning,
                "person_days": rel.person_days,
                "undated_programs": rel.undated_programs,
                "undated_people": rel.undated_people,
            }.items()
        ]
    )
    return {
        "summary.csv": summary,
        "programs.csv": program_table,
        "countries.csv": towns.countries(ds, region_id),
        "returning.csv": back.drop(columns=["participant_id"]),
        "outcomes.csv": towns.outcomes(ds, region_id),
        "testimonials.csv": texts,
        "network.csv": towns.network_comparison(ds, region_id),
    }


def town_csv_zip(ds: Dataset, region_id: str) -> bytes:
    """The town's tables as UTF-8 (with BOM, so spreadsheet programs read Japanese) CSV files in
    one zip, under a folder named after the town; formulas neutralised (``exports``). Each
    table begins with the town's name and municipality code (``exports.with_town``)."""
    tables = town_tables(ds, region_id)
    region = towns.find_town(ds, region_id)
    return exports.zip_bytes(
        {
            f"{region_id}/{name}": exports.csv_bytes(exports.with_town(frame, region))
            for name, frame in tables.items()
        }
    )
