"""A town's report: one self-contained HTML file for a council meeting, and a zip of its tables.

The HTML embeds plotly.js once (no CDN), every chart inline, the map as a PNG drawn by kaleido
(when the prefecture shapes and a browser are available), print styles for A4 pages, the date it
was made and the data's source. It is built with jinja2 with autoescaping on, so text from the
data (testimonials, descriptions) is always escaped.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import threading
import warnings
import zipfile
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from dashboard import town as towns
from dashboard.data import Dataset
from dashboard.i18n import (
    country_name,
    format_date,
    format_date_range,
    format_number,
    label,
    language_name,
    t,
    town_name,
    town_names,
)
from dashboard.palette import NEUTRAL, UNKNOWN_COLOUR, town_colours

CHROMIUM = "/usr/bin/chromium"
RETURNING_NAMED_UP_TO = 10  # returning people named in a sentence; returning.csv has them all
REPORT_WIDTH = 660  # px: a chart's width, inside an A4 page with 15 mm margins (680 px)
PLOTLY_CONFIG = {"displaylogo": False, "responsive": False, "displayModeBar": False}

TEMPLATE = Path(__file__).parent / "templates" / "town_report.html"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(autoescape=select_autoescape(default=True, default_for_string=True))


# --- figures and tables shared with the page --------------------------------------------------


def countries_chart(ds: Dataset, region_id: str, lang: str) -> go.Figure:
    """The town's people per country, titled with the finding, in ``lang``."""
    region = towns.find_town(ds, region_id) or {"name_en": region_id, "name_ja": region_id}
    table = towns.countries(ds, region_id)
    rel = towns.relationship(ds, region_id)
    name = town_name(region, lang)
    n = format_number(rel.countries, lang)
    title = (
        t("town.chart.countries_unknown", lang, town=name, n=n, u=rel.unknown_nationality)
        if rel.unknown_nationality
        else t("town.chart.countries", lang, town=name, n=n)
    )
    colour = town_colours(towns.town_ids(ds)).get(region_id, NEUTRAL)
    return towns.countries_figure(
        table, lang, title=title, colour=colour, unknown_colour=UNKNOWN_COLOUR
    )


def network_chart(ds: Dataset, region_id: str, lang: str, per_row: int | None = None) -> go.Figure:
    """The town's figures beside the average of all towns, in ``lang``."""
    region = towns.find_town(ds, region_id) or {"name_en": region_id, "name_ja": region_id}
    table = towns.network_comparison(ds, region_id)
    name = town_name(region, lang)
    return towns.comparison_figure(
        table,
        title=t("town.chart.network", lang, town=name, n=int(table["towns"].iloc[0])),
        labels={m: t(f"town.measure.{m}", lang) for m in towns.COMPARED},
        town_label=t("town.chart.this_town", lang, town=name),
        average_label=t("town.chart.average", lang),
        colour=town_colours(towns.town_ids(ds)).get(region_id, NEUTRAL),
        average_colour=NEUTRAL,
        per_row=per_row,
    )


def program_rows(
    ds: Dataset, region_id: str, lang: str, *, mask_small: int | None = None
) -> pd.DataFrame:
    """The town's programs as a display table with translated column names.

    With ``mask_small`` (a threshold, e.g. 3), a program with fewer people than that shows its
    people counts as "<3" and the numbers that would tell them (person-days) as "–"."""
    table = towns.programs(ds, region_id)
    rows = []
    for row in table.to_dict("records"):
        small = mask_small is not None and 0 < row["listed"] < mask_small
        if small:
            row = {
                **row,
                "listed": f"<{mask_small}",
                "nationalities": f"<{mask_small}",
                "person_days": "–" if not pd.isna(row["person_days"]) else row["person_days"],
            }
        if mask_small is not None and not pd.isna(row["reported"]):
            if 0 < row["reported"] < mask_small:
                row = {**row, "reported": f"<{mask_small}"}
        rows.append(
            {
                t("town.col.program", lang): row["title"],
                t("town.col.dates", lang): format_date_range(
                    row["start_date"], row["end_date"], lang
                ),
                t("town.col.kind", lang): label("town.kind", row["kind"], lang),
                t("town.col.days", lang): format_number(
                    None if pd.isna(row["days"]) else int(row["days"]), lang
                ),
                t("town.col.listed", lang): _count(row["listed"], lang),
                t("town.col.reported", lang): _count(row["reported"], lang),
                t("town.col.countries", lang): _count(row["nationalities"], lang),
                t("town.col.person_days", lang): _count(row["person_days"], lang),
            }
        )
    cols = [
        t(f"town.col.{c}", lang)
        for c in (
            "program",
            "dates",
            "kind",
            "days",
            "listed",
            "reported",
            "countries",
            "person_days",
        )
    ]
    return pd.DataFrame(rows, columns=cols)


def _count(value, lang: str) -> str:
    """A count in the locale; a masked count ("<3", "–") as it is; missing is "unknown"."""
    if isinstance(value, str):
        return value
    return format_number(None if pd.isna(value) else int(value), lang)


def shown_numbers(rel: towns.Relationship, testimonials: int = 0) -> dict[str, int]:
    """The town's people counts under the names ``access.mask_headline`` knows, so that a
    viewer who may not see small counts gets them masked by the same rules as the overview."""
    return {
        "participants": rel.people,
        "participants_in_programs": rel.people,
        "participants_reported": rel.reported if rel.reported is not None else 0,
        "nationalities": rel.countries,
        "unknown_nationality": rel.unknown_nationality,
        "returning": rel.returning,
        "person_days": rel.person_days,
        "testimonials": testimonials,
        "undated_people": rel.undated_people,
    }


def relationship_notes(
    ds: Dataset, region_id: str, lang: str, masked: dict[str, int | str] | None = None
) -> list[str]:
    """The sentences under the relationship numbers: unknown nationalities, the organisation's
    head count, programs without dates, who came back.

    ``masked`` is ``shown_numbers`` after ``access.mask_headline``: a masked count is shown as
    such, and the returning people are not named when their count is masked."""
    rel = towns.relationship(ds, region_id)
    shown = masked or shown_numbers(rel)
    notes = []
    if rel.unknown_nationality:
        notes.append(t("town.note.unknown_nationality", lang, n=shown["unknown_nationality"]))
    if rel.reported is not None:
        if rel.reported == rel.people:
            notes.append(
                t("town.note.reported_same", lang, reported=shown["participants_reported"])
            )
        else:
            notes.append(
                t(
                    "town.note.reported",
                    lang,
                    reported=shown["participants_reported"],
                    listed=shown["participants"],
                )
            )
    if rel.undated_programs:
        notes.append(
            t(
                "town.note.undated",
                lang,
                programs=rel.undated_programs,
                people=shown.get("undated_people", rel.undated_people),
            )
        )
    back = towns.returning(ds, region_id)
    if isinstance(shown["returning"], str):
        if rel.returning:
            notes.append(t("town.note.returning_count", lang, n=shown["returning"]))
    elif len(back):
        names = []
        names_by_id = town_names(ds, lang)
        for row in back.iloc[:RETURNING_NAMED_UP_TO].to_dict("records"):
            others = [names_by_id.get(r, r) for r in row["other_towns"]] or [names_by_id[region_id]]
            sep = "、" if lang == "ja" else ", "
            country = country_name(row["nationality"], lang)
            if row["display_name"]:
                names.append(
                    t(
                        "town.note.returning_person",
                        lang,
                        name=row["display_name"],
                        country=country,
                        towns=sep.join(others),
                    )
                )
            else:
                names.append(
                    t(
                        "town.note.returning_anonymous",
                        lang,
                        country=country,
                        towns=sep.join(others),
                    )
                )
        if len(back) > RETURNING_NAMED_UP_TO:
            more = format_number(len(back) - RETURNING_NAMED_UP_TO, lang)
            names.append(t("town.note.returning_more", lang, n=more))
        notes.append(
            t("town.note.returning_who", lang, names=(" ／ " if lang == "ja" else "; ").join(names))
        )
    return notes


def outcome_rows(ds: Dataset, region_id: str, lang: str) -> pd.DataFrame:
    """What was made for the town, one row per outcome, translated."""
    table = towns.outcomes(ds, region_id)
    rows = [
        {
            t("town.col.outcome", lang): label("town.kind", row["kind"], lang),
            t("town.col.language", lang): language_name(
                None if pd.isna(row["language"]) else row["language"], lang
            ),
            t("town.col.quantity", lang): (
                t("town.outcomes.quantity_unknown", lang)
                if pd.isna(row["quantity"])
                else format_number(int(row["quantity"]), lang)
            ),
            t("town.col.description", lang): row["description"],
        }
        for row in table.to_dict("records")
    ]
    cols = [t(f"town.col.{c}", lang) for c in ("outcome", "language", "quantity", "description")]
    return pd.DataFrame(rows, columns=cols)


def voice_byline(row: dict, lang: str) -> str:
    """ "— Roger (United States)" or "— a participant (Thailand)"."""
    country = country_name(row["nationality"], lang)
    if row["name"]:
        return t("town.voices.by", lang, name=row["name"], country=country)
    return t("town.voices.by_anonymous", lang, country=country)


# --- the map ---------------------------------------------------------------------------------


def map_figure(region: dict, lang: str) -> go.Figure | None:
    """A plotly map of Japan's prefectures (the town's filled in its colour) and the town as a
    dot, on a blank background (draws offline). None when the prefecture shapes are missing."""
    try:
        from dashboard import maps  # built alongside; optional until it exists
    except ImportError:
        return None
    shapes = getattr(maps, "prefecture_geojson", None)
    if shapes is None:
        return None
    geojson = shapes()
    features = geojson.get("features", [])
    if not features:
        return None
    code = int(region["prefecture_code"])
    ids = [_feature_code(f) for f in features]
    fig = go.Figure(
        go.Choroplethmap(
            geojson=geojson,
            locations=ids,
            featureidkey="id" if features[0].get("id") is not None else _feature_key(features[0]),
            z=[1 if i == code else 0 for i in ids],
            colorscale=[[0, "#eef1f4"], [1, "#9ecae1"]],
            zmin=0,
            zmax=1,
            showscale=False,
            marker_line_color="#8a96a3",
            marker_line_width=0.5,
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scattermap(
            lat=[float(region["lat"])],
            lon=[float(region["lon"])],
            mode="markers+text",
            marker={"size": 16, "color": "#D55E00"},
            text=[town_name(region, lang)],
            textposition="middle right",
            textfont={"size": 16, "color": "#1f2933"},
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        map={
            "style": "white-bg",
            "center": {"lat": float(region["lat"]), "lon": float(region["lon"])},
            "zoom": 4.2,
        },
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        width=520,
        height=520,
        showlegend=False,
        paper_bgcolor="white",
    )
    return fig


def _feature_key(feature: dict) -> str:
    props = feature.get("properties", {})
    for key in ("prefecture_code", "code", "pref_code", "id"):
        if key in props:
            return f"properties.{key}"
    return "id"


def _feature_code(feature: dict) -> int | str:
    if feature.get("id") is not None:
        return feature["id"]
    key = _feature_key(feature).removeprefix("properties.")
    return feature.get("properties", {}).get(key)


def _map_key(region: dict, lang: str) -> tuple:
    return (
        str(region["region_id"]),
        int(region["prefecture_code"]),
        float(region["lat"]),
        float(region["lon"]),
        str(region["name_en"]),
        str(region["name_ja"]),
        lang,
    )


_MAP_LOCK = threading.Lock()
_MAPS: dict[tuple, bytes | None] = {}


def map_png(region: dict, lang: str) -> bytes | None:
    """The map as a PNG through kaleido and Debian's Chromium; None when it cannot be drawn.

    Drawn once per town and language and process (a few seconds: kaleido waits for the map to
    settle), then remembered; ``warm_map`` draws it in the background ahead of a download.
    """
    key = _map_key(region, lang)
    with _MAP_LOCK:
        if key not in _MAPS:
            _MAPS[key] = _draw_map(region, lang)
        return _MAPS[key]


def warm_map(region: dict, lang: str) -> None:
    """Start drawing the town's map in a background thread, so the report is quick to build."""
    if _map_key(region, lang) not in _MAPS:
        threading.Thread(target=map_png, args=(dict(region), lang), daemon=True).start()


@lru_cache(maxsize=1)
def _kaleido_started() -> bool:
    """Point kaleido at Debian's Chromium (unless BROWSER_PATH says otherwise) and keep one
    browser running for every image (starting one per image costs several seconds)."""
    if not os.environ.get("BROWSER_PATH") and os.path.exists(CHROMIUM):
        os.environ["BROWSER_PATH"] = CHROMIUM
    try:
        import kaleido

        kaleido.start_sync_server(silence_warnings=True)
        return True
    except Exception:  # noqa: BLE001 - one browser per image still works
        return False


def _draw_map(region: dict, lang: str) -> bytes | None:
    fig = map_figure(region, lang)
    if fig is None:
        return None
    _kaleido_started()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # kaleido's notes about its server
            return fig.to_image(format="png", width=520, height=520, scale=1)
    except Exception:  # noqa: BLE001 - no browser or kaleido: the report shows the map inline
        return None


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
    made = made or dt.date.today()
    name = town_name(region, lang)
    other = town_name(region, "en" if lang == "ja" else "ja")
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
        values.update(_report_sections(ds, region_id, lang, name, rel, plotlyjs=inline is None))
    return _environment().from_string(TEMPLATE.read_text(encoding="utf-8")).render(**values)


def _report_sections(
    ds: Dataset,
    region_id: str,
    lang: str,
    name: str,
    rel: towns.Relationship,
    *,
    plotlyjs: bool = True,
) -> dict[str, object]:
    numbers = [
        ("people", rel.people),
        ("countries", rel.countries),
        ("returning", rel.returning),
        ("person_days", rel.person_days),
        ("programs", rel.programs),
        ("outcomes", len(towns.outcomes(ds, region_id))),
    ]
    programs = program_rows(ds, region_id, lang)
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
    one zip, under a folder named after the town."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, frame in town_tables(ds, region_id).items():
            zf.writestr(f"{region_id}/{name}", frame.to_csv(index=False).encode("utf-8-sig"))
    return buffer.getvalue()
