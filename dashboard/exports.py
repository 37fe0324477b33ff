"""Tables as the files people download: CSV for Excel, XLSX, and zips of them.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or
a carriage return) as a formula. Every file the app writes goes through here: in CSV such text
cells get a leading ``'`` (Excel shows the text as written); in XLSX every text cell is stored
as a string, never as a formula. Numbers stay numbers. ``reading.read_table`` takes the ``'`` off
again, so a downloaded table uploads unchanged.

A table about towns carries each town's 6-digit municipality code (全国地方公共団体コード) beside
the town's name (``with_codes``, ``with_town``), so a town office can join it to its own data.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CODE = "municipality_code"
QUOTE = "'"


def neutralise(value: object) -> object:
    """A text that a spreadsheet would run, with a leading ``'``; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def restore(values: list[str]) -> list[str]:
    """``neutralise`` undone for cells read from a file: ``'=x`` -> ``=x``."""
    return [v[1:] if v[:1] == QUOTE and v[1:2] in _STARTS else v for v in values]


_STARTS = frozenset(FORMULA_STARTS)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell neutralised (column names too); numeric columns as
    they are."""
    out = frame.rename(columns={c: neutralise(c) for c in frame.columns if isinstance(c, str)})
    for column in out.columns:
        values = out[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            out[column] = values.map(neutralise).astype(object)
    return out


def csv_bytes(frame: pd.DataFrame, bom: bool = True) -> bytes:
    """A table as CSV, formulas neutralised, in UTF-8 (with a byte-order mark by default, so
    Excel opens Japanese correctly). Lines end in CRLF (RFC 4180), so that a carriage return
    inside a cell is quoted."""
    text = safe_frame(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """Tables as one workbook, a sheet each; every text cell a string, never a formula."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([None if _missing(v) else _cell(v) for v in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # openpyxl takes "=..." for a formula otherwise
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    """Files (name -> content) as one zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _cell(value: object) -> object:
    """A value openpyxl can write: numbers and text as they are, dates as dates, else text."""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def _town_keys(regions: pd.DataFrame) -> dict[str, dict[str, str]]:
    """``{column: {value: code}}`` for the columns naming a town: names first, then ids."""
    if CODE not in regions.columns:
        return {}
    keyed = regions[regions[CODE].notna()]
    return {
        column: dict(zip(keyed[column].astype(str), keyed[CODE].astype(str), strict=True))
        for column in ("name_en", "name_ja", "region_id")
        if column in keyed
    }


def with_codes(frame: pd.DataFrame, regions: pd.DataFrame, header: str = CODE) -> pd.DataFrame:
    """``frame`` with a ``header`` column of municipality codes right after its first column
    naming towns (every value a town's English or Japanese name, or else its region_id); a
    frame with no such column, or with the codes already, as it is. A town without a code
    gets an empty cell."""
    if frame.empty or CODE in frame.columns or header in frame.columns:
        return frame
    keys = _town_keys(regions)
    if not keys:
        return frame
    for kind in ("names", "ids"):
        for position, column in enumerate(frame.columns):
            values = frame[column].dropna()
            if values.empty or values.map(type).ne(str).any():
                continue
            lookups = [keys[k] for k in keys if (k == "region_id") == (kind == "ids")]
            for lookup in lookups:
                if values.isin(lookup.keys()).all():
                    codes = frame[column].map(lookup).astype(object)
                    out = frame.copy()
                    out.insert(position + 1, header, codes.where(codes.notna(), None))
                    return out
    return frame


def with_town(frame: pd.DataFrame, region: dict, headers: tuple[str, str] = ("town_name", CODE)):
    """``frame`` led by the town's name and its municipality code (``headers``), one town's
    table for its zip; a column already there is not repeated."""
    out = frame.copy()
    code = region.get(CODE)
    code = code if isinstance(code, str) else ""
    for position, (header, value) in enumerate(
        zip(headers, (region["name_en"], code), strict=True)
    ):
        if header not in out.columns:
            out.insert(position, header, value)
    return out
