"""A town's data in the layout town offices publish open data in: one CSV per table, UTF-8 with a
BOM, the 6-digit municipality code (全国地方公共団体コード) as the first column, then the
municipality's and prefecture's names; one row per program (per country, outcome, testimonial).
Headers are Japanese on a Japanese page. A README.txt names the sources and MLIT's credit.

Counts are masked for the viewer as the town page masks them (``access.mask_programs``,
``access.mask_small_counts``); names, as on the page, only of people who agreed to be named
(``town.testimonials``, on data already scoped to the viewer by ``access.scope``); formulas are
neutralised (``exports``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from dashboard import access, exports, outlines
from dashboard import town as towns
from dashboard.access import Viewer
from dashboard.data import Dataset
from dashboard.i18n import country_name, format_date, label, t, town_name
from dashboard.municipal import COLUMN as CODE

PROGRAMS = (
    "program_id",
    "title",
    "kind",
    "start_date",
    "end_date",
    "days",
    "listed",
    "reported",
    "countries",
    "person_days",
    "source",
)
COUNTRIES = ("country_code", "country", "people")
OUTCOMES = (
    "outcome_id",
    "program_id",
    "outcome_kind",
    "language",
    "quantity",
    "description",
    "source",
)
TESTIMONIALS = ("testimonial_id", "program_id", "name", "nationality", "language", "text")
LEAD = ("code", "municipality", "prefecture")


def _iso(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _plain(value) -> object:
    """A cell as written in the file: missing is empty, a whole number stays one."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return value


def _frame(rows: list[dict], columns: tuple[str, ...], region: dict, lang: str) -> pd.DataFrame:
    code = region.get(CODE)
    lead = {
        "code": code if isinstance(code, str) else "",
        "municipality": town_name(region, lang),
        "prefecture": towns.prefecture_name(region, lang),
    }
    keys = (*LEAD, *columns)
    data = [[_plain({**lead, **row}.get(k)) for k in keys] for row in rows]
    return pd.DataFrame(data, columns=[t(f"municipal.open.col.{k}", lang) for k in keys])


def open_tables(ds: Dataset, region_id: str, lang: str, viewer: Viewer) -> dict[str, pd.DataFrame]:
    """``{file name: table}`` of the town ``region_id`` for ``viewer``, headers in ``lang``:
    programs.csv, countries.csv, outcomes.csv, testimonials.csv. KeyError for an unknown town."""
    region = towns.find_town(ds, region_id)
    if region is None:
        raise KeyError(region_id)
    sources = ds.programs.set_index("program_id")["source"]
    shown = access.mask_programs(towns.programs(ds, region_id), viewer, town=region_id)
    programs = [
        {
            "program_id": row["program_id"],
            "title": row["title"],
            "kind": label("town.kind", row["kind"], lang),
            "start_date": _iso(row["start_date"]),
            "end_date": _iso(row["end_date"]),
            "days": row["days"],
            "listed": row["listed"],
            "reported": row["reported"],
            "countries": row["nationalities"],
            "person_days": row["person_days"],
            "source": sources.get(row["program_id"], ""),
        }
        for row in shown.to_dict("records")
    ]
    people = access.mask_small_counts(
        towns.countries(ds, region_id), ["people"], viewer, town=region_id
    )
    countries = [
        {
            "country_code": row["nationality"],
            "country": country_name(row["nationality"], lang),
            "people": row["people"],
        }
        for row in people.to_dict("records")
    ]
    outcomes = [
        {**row, "outcome_kind": label("town.kind", row["kind"], lang)}
        for row in towns.outcomes(ds, region_id).to_dict("records")
    ]
    # as the page's voices: a name only where the person agreed to be named (``ds`` is scoped
    # to the viewer, so a visitor never gets the texts of people hidden from them)
    texts = towns.testimonials(ds, region_id).to_dict("records")
    return {
        "programs.csv": _frame(programs, PROGRAMS, region, lang),
        "countries.csv": _frame(countries, COUNTRIES, region, lang),
        "outcomes.csv": _frame(outcomes, OUTCOMES, region, lang),
        "testimonials.csv": _frame(texts, TESTIMONIALS, region, lang),
    }


def readme(
    ds: Dataset, region_id: str, lang: str, viewer: Viewer, made: dt.date | None = None
) -> str:
    """README.txt of the town's open data: what each file holds, the sources, the credit."""
    region = towns.find_town(ds, region_id)
    if region is None:
        raise KeyError(region_id)
    made = made or dt.date.today()
    code = region.get(CODE) if isinstance(region.get(CODE), str) else "–"
    lines = [
        t("municipal.open.readme_title", lang, town=town_name(region, lang), code=code),
        t("municipal.open.readme_made", lang, date=format_date(made, lang), version=ds.version),
        "",
        t("municipal.open.readme_files", lang),
        *(
            f"- {t(f'municipal.open.readme_{name}', lang)}"
            for name in ("programs", "countries", "outcomes", "testimonials")
        ),
    ]
    if not access.can(viewer, "see_town", region_id):
        lines += ["", t("municipal.open.readme_masked", lang)]
    lines += [
        "",
        t("municipal.open.readme_sources", lang),
        f"- {t('municipal.open.readme_source_site', lang)}",
        f"- {t('municipal.open.readme_source_code', lang)}",
        "",
        t("municipal.open.readme_credit", lang),
        outlines.credit(lang),
    ]
    return "\r\n".join(lines) + "\r\n"


def zip_name(region: dict, made: dt.date | None = None) -> str:
    """``032085_tono_opendata_2026-12-01.zip`` (the code first, as open-data files are named;
    the region_id alone for a town without a code)."""
    made = made or dt.date.today()
    code = region.get(CODE)
    lead = f"{code}_" if isinstance(code, str) and code else ""
    return f"{lead}{region['region_id']}_opendata_{made.isoformat()}.zip"


def open_zip(
    ds: Dataset, region_id: str, lang: str, viewer: Viewer, made: dt.date | None = None
) -> bytes:
    """The town's open data as one zip: README.txt and one CSV per table (UTF-8 with BOM,
    formulas neutralised), in a folder named like the zip."""
    region = towns.find_town(ds, region_id)
    if region is None:
        raise KeyError(region_id)
    folder = zip_name(region, made).removesuffix(".zip")
    files = {f"{folder}/README.txt": readme(ds, region_id, lang, viewer, made).encode("utf-8-sig")}
    for name, frame in open_tables(ds, region_id, lang, viewer).items():
        files[f"{folder}/{name}"] = exports.csv_bytes(frame)
    return exports.zip_bytes(files)


def download_args(dataset: Callable[[], Dataset], region: dict, lang: str, viewer: Viewer) -> dict:
    """The town page's "Download the town's data (CSV)" button for the town ``region`` (its
    regions row): ``st.download_button``'s arguments, the zip made from ``dataset()`` only when
    it is pressed. The button keeps its function until the session's next run: it asks for the
    data again rather than holding it (a town's officials' scoped copy is the memos' to keep or
    drop)."""
    region_id = region["region_id"]
    return {
        "label": t("municipal.open.button", lang),
        "data": lambda: open_zip(dataset(), region_id, lang, viewer),
        "file_name": zip_name(region),
        "mime": "application/zip",
        "help": t("municipal.open.help", lang),
        "icon": ":material/dataset:",
        "on_click": "ignore",
        "key": "town_open_data_download",
    }
