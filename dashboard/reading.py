"""Read the bytes of one table file into a frame of text, or say why it cannot be read.

CSV in UTF-8 (with or without a byte-order mark) or Shift-JIS/CP932, or ``.xlsx``; headers in
Japanese are mapped to the contract's names; every cell is stripped, and the ``'`` that
downloads put before a formula-like text is taken off (``exports``).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import numpy as np
import pandas as pd
from charset_normalizer import from_bytes

from dashboard import schema
from dashboard.exports import restore
from dashboard.problems import Problem

# what a file that is not UTF-8 may be written in (charset-normalizer's names), as users know them
ENCODINGS = {
    "cp932": "Shift-JIS (Windows)",
    "euc_jp": "EUC-JP",
    "cp1252": "Windows-1252 (Western European)",
}
PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
# an .xlsx is a zip: what it unpacks to is checked before it is opened
XLSX_MAX_UNPACKED = 100 * 1024 * 1024
XLSX_MAX_RATIO = 100


def xlsx_archive_problems(file: str, data: bytes) -> list[Problem]:
    """Problems with an .xlsx's zip before it is opened: more than 100 MB unpacked, or packed
    more than 100 to 1 (a "zip bomb" would fill the server's memory)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        return [Problem(file, None, None, "unreadable_xlsx", params=(("detail", str(exc)),))]
    ratio = unpacked / max(len(data), 1)
    if unpacked > XLSX_MAX_UNPACKED or ratio > XLSX_MAX_RATIO:
        return [
            Problem(
                file,
                None,
                None,
                "xlsx_too_packed",
                params=(
                    ("unpacked", f"{unpacked / 1024 / 1024:,.0f} MB"),
                    ("ratio", f"{ratio:,.0f}"),
                    ("limit", f"{XLSX_MAX_UNPACKED // 1024 // 1024} MB"),
                    ("max_ratio", str(XLSX_MAX_RATIO)),
                ),
            )
        ]
    return []


def decode_text(data: bytes) -> tuple[str | None, str]:
    """CSV bytes -> (text, codec): UTF-8 (with or without BOM) when the bytes are UTF-8, else
    the likeliest of Shift-JIS (CP932), EUC-JP and Windows-1252 by charset-normalizer (a
    Windows-1252 "Andrés" is not read as Shift-JIS); (None, "") when none fits."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=list(ENCODINGS)).best()
    if best is None:
        return None, ""
    return str(best), best.encoding


def private_use_problems(file: str, frame: pd.DataFrame) -> list[Problem]:
    """A problem for each cell holding a private-use character (a company's own glyph, a
    mis-decoded byte): it shows as a box or as something else on another computer."""
    problems = []
    for column in frame.columns:
        values = frame[column].astype(str)
        found = values.str.contains(PRIVATE_USE, regex=True)
        for row, value in values[found.to_numpy()].items():
            char = PRIVATE_USE.search(value).group(0)
            problems.append(
                Problem(file, row, column, "private_use", value, (("char", f"U+{ord(char):04X}"),))
            )
    return problems


def read_table(file: str, data: bytes) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Bytes of one CSV or xlsx file -> a frame of stripped text, indexed by spreadsheet row.

    Headers in Japanese are mapped to the contract's names. Returns ``(None, problems)`` when
    the file cannot be read at all.
    """
    if not data.strip():
        return None, [Problem(file, None, None, "empty_file")]
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(file, data)
    if data.startswith(OLE_MAGIC) or b"\x00" in data[:8192]:
        return None, [Problem(file, None, None, "binary_file")]
    text, codec = decode_text(data)
    if text is None:
        return None, [Problem(file, None, None, "encoding")]
    frame, problems = _read_csv_text(file, text)
    if frame is not None and PRIVATE_USE.search(text):  # rare: look cell by cell
        problems += private_use_problems(file, frame)
    if codec != "utf-8":  # say which encoding was used, so a wrong guess is seen
        name = ENCODINGS.get(codec, codec)
        read_as = Problem(
            file, None, None, "read_as", severity="warning", params=(("encoding", name),)
        )
        problems.insert(0, read_as)
    return frame, problems


def _read_xlsx(file: str, data: bytes) -> tuple[pd.DataFrame | None, list[Problem]]:
    problems = xlsx_archive_problems(file, data)
    if problems:
        return None, problems
    try:
        raw = pd.read_excel(io.BytesIO(data), dtype=str, header=None, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        return None, [Problem(file, None, None, "unreadable_xlsx", params=(("detail", str(exc)),))]
    records = [["" if pd.isna(v) else str(v) for v in row] for row in raw.itertuples(index=False)]
    frame, problems = _frame_from_records(file, records, ragged_ok=True)
    if frame is not None:
        problems += private_use_problems(file, frame)
    return frame, problems


def _read_csv_text(file: str, text: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    try:  # the whole file at once; on an error, again record by record to say where
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        pass
    else:
        return _frame_from_records(file, records, ragged_ok=False)
    records = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        row = len(records) + 1
        return None, [Problem(file, row, None, "malformed_csv", params=(("detail", str(exc)),))]
    return _frame_from_records(file, records, ragged_ok=False)


def _frame_from_records(
    file: str, records: list[list[str]], *, ragged_ok: bool
) -> tuple[pd.DataFrame | None, list[Problem]]:
    if not records or not any(cell.strip() for cell in records[0]):
        return None, [Problem(file, 1, None, "no_header")]
    header = [_canonical_header(h) for h in records[0]]
    if ragged_ok:  # spreadsheets pad short rows and may carry empty trailing columns
        while header and not header[-1]:
            header.pop()
    problems: list[Problem] = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(file, 1, name, "duplicate_column"))
        seen.add(name)
    body = records[1:]
    if body and header and not ragged_ok and set(map(len, body)) == {len(header)}:
        # the usual file: every record as wide as the header, so strip column by column
        if problems:
            return None, problems
        cells = np.empty((len(body), len(header)), dtype=object)
        blank = np.ones(len(body), dtype=bool)
        for j, column in enumerate(zip(*body, strict=True)):
            cells[:, j] = restore(list(map(str.strip, column)))
            blank &= cells[:, j] == ""

        keep = ~blank  # a blank line is not a record
        index = pd.Index(np.flatnonzero(keep) + 2, name="row")
        return pd.DataFrame(cells[keep], columns=header, index=index, dtype=object), problems
    rows, index = [], []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # a blank line is not a record
        cells = restore([c.strip() for c in record])
        if len(cells) != len(header):
            extra = cells[len(header) :]
            if len(cells) > len(header) and not (ragged_ok and not any(extra)) and any(extra):
                problems.append(
                    Problem(
                        file,
                        number,
                        None,
                        "too_many_fields",
                        params=(("found", str(len(cells))), ("expected", str(len(header)))),
                    )
                )
                continue
            if len(cells) < len(header) and not ragged_ok:
                problems.append(
                    Problem(
                        file,
                        number,
                        None,
                        "too_few_fields",
                        params=(("found", str(len(cells))), ("expected", str(len(header)))),
                    )
                )
                continue
            cells = (cells + [""] * len(header))[: len(header)]
        rows.append(cells)
        index.append(number)
    if problems and any(p.code == "duplicate_column" for p in problems):
        return None, problems
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(index, name="row"), dtype=object)
    return frame, problems


def _canonical_header(name: str) -> str:
    name = name.strip().lstrip("\ufeff")
    return schema.HEADER_ALIASES_JA.get(name, name)
