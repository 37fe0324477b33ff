"""Load a data folder into one immutable ``Dataset``, or say every problem found.

``reading.read_table`` turns the bytes of one file into a frame of text; ``parse_table`` types
it and checks it against its contract;
``cross_table_problems`` checks what spans tables; ``load_dataset`` does all of it for a folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc
import pycountry
from babel import Locale

from dashboard import schema
from dashboard.municipal import fill_regions
from dashboard.problems import Problem, errors
from dashboard.reading import read_table

DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00:00)?$")
SLASH_DATE_RE = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
TRUE_WORDS = {"true", "1", "yes"}
FALSE_WORDS = {"false", "0", "no"}
# Cells the vectorised parser takes as they are; anything else goes through ``_parse_cell``.
PLAIN_INT_RE = r"[+-]?[0-9]{1,15}"
PLAIN_FLOAT_RE = r"[+-]?[0-9]{1,15}(?:\.[0-9]{1,15})?"
PLAIN_DATE_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
# the longest program in the bundled data runs 42 days: a program over 400 days is a typo (an end
# in 2107 for 2017), one over 120 is worth a second look
LONGEST_PROGRAM_DAYS = 400
LONG_PROGRAM_DAYS = 120
MARKUP_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|\]\([^)]*\)|javascript:", re.IGNORECASE)
# Control characters (C0, DEL, C1) cannot be shown and have no place in the data; long free
# texts may hold line breaks and tabs.
CONTROL_RE = r"[\x00-\x1f\x7f-\x9f]"
FREE_TEXT_CONTROL_RE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
FREE_TEXT = {("testimonials", "text"), ("testimonials", "highlight"), ("outcomes", "description")}
# Names and titles may not hold what would be code in some browser context: a backtick or ${
# (a JavaScript template literal), angle brackets (HTML tags).
NAME_COLUMNS = {
    ("regions", "name_en"),
    ("regions", "name_ja"),
    ("regions", "prefecture_en"),
    ("regions", "prefecture_ja"),
    ("programs", "title"),
    ("participants", "display_name"),
    ("outcomes", "kind"),
}
NAME_MARKUP_RE = r"[`<>]|\$\{"


@dataclass(frozen=True, eq=False)
class Dataset:
    """The six tables, typed and validated. Hashes by identity, so caches can key on it."""

    regions: pd.DataFrame
    programs: pd.DataFrame
    participants: pd.DataFrame
    participations: pd.DataFrame
    testimonials: pd.DataFrame
    outcomes: pd.DataFrame
    version: str = ""

    def table(self, name: str) -> pd.DataFrame:
        """The table called ``name``."""
        return getattr(self, name)

    def replace(self, **tables: pd.DataFrame) -> Dataset:
        """A copy with some tables swapped."""
        return dataclasses.replace(self, **tables)


def calendar_days(start: pd.Series, end: pd.Series) -> pd.Series:
    """Days from ``start`` to ``end``, both included (Int64; NA where either is missing).

    Counted in whole days, not as a difference of nanosecond timestamps, which overflows for
    dates more than 292 years apart.
    """

    def day_number(dates: pd.Series) -> pd.Series:
        days = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype("int64")
        return pd.Series(days, index=dates.index).where(dates.notna().to_numpy()).astype("Int64")

    return day_number(end) - day_number(start) + 1


def split_ids(cell: object) -> list[str]:
    """The ids in a ``*_ids`` cell (``related_program_ids``): separated by ``;`` or spaces, as
    the loader checks them; an empty or missing cell has none."""
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return []
    return [token for token in re.split(r"[;\s]+", str(cell)) if token]


def empty_dataset() -> Dataset:
    """A dataset with every table empty (the contract's columns, no rows)."""
    from dashboard import schema

    return Dataset(
        **{
            table: pd.DataFrame({c: pd.Series(dtype=object) for c in schema.column_kinds(table)})
            for table in schema.TABLES
        }
    )


@dataclass(frozen=True)
class LoadResult:
    """What ``load_dataset`` found: a dataset when nothing blocks it, and every problem."""

    dataset: Dataset | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.dataset is not None


# --- typing and checking one table ---------------------------------------------------------


def parse_table(table: str, file: str, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """A frame of text -> a typed frame checked against ``table``'s contract, and its problems.

    regions.csv first gets the cells its ``municipality_code`` fills in (``municipal``)."""
    problems: list[Problem] = []
    if table == "regions":
        raw, problems = fill_regions(file, raw)
    missing = [c for c in schema.required_columns(table) if c not in raw.columns]
    for column in missing:
        problems.append(Problem(file, 1, column, "missing_column"))
    if missing:
        return raw.iloc[0:0], problems

    typed = pd.DataFrame(index=raw.index)
    bad_cells: set[tuple[int, str]] = set()
    for column in raw.columns:
        kind = schema.column_kinds(table).get(column, "str")
        values, cell_problems = _parse_column(table, file, column, raw[column], kind)
        typed[column] = values
        problems += cell_problems
        bad_cells |= {(p.row, column) for p in cell_problems}
    problems += _model_problems(table, file, typed, bad_cells)
    problems += text_problems(table, file, typed)
    return typed, problems


def text_problems(table: str, file: str, typed: pd.DataFrame) -> list[Problem]:
    """A problem per text cell holding a control character (``control_character``; line
    breaks and tabs are allowed in free texts, source notes and columns of the office's own),
    and per name or title holding a backtick, ``${`` or an angle bracket
    (``markup_in_name``): each with its file, row and column, the character in ``char``."""
    kinds = schema.column_kinds(table)
    problems: list[Problem] = []
    for column in typed.columns:
        known = column in kinds
        if (known and kinds[column] != "str") or (table, column) in schema.CODE_COLUMNS:
            continue
        if column.endswith(("_id", "_ids")):  # ids are checked as ids
            continue
        free = not known or column == "source" or (table, column) in FREE_TEXT
        rules = [("control_character", FREE_TEXT_CONTROL_RE if free else CONTROL_RE)]
        if (table, column) in NAME_COLUMNS:
            rules.append(("markup_in_name", NAME_MARKUP_RE))
        cells = typed[column]
        text = cells[cells.notna()].astype(str)
        for code, pattern in rules:
            hits = text[text.str.contains(pattern, regex=True).to_numpy(dtype=bool)]
            found = hits.str.extract(f"({pattern})", expand=False).dropna() if len(hits) else hits
            for row, char in found.items():
                shown = char if code == "markup_in_name" else f"U+{ord(char):04X}"
                problems.append(
                    Problem(file, row, column, code, str(cells[row]), (("char", shown),))
                )
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


_DTYPES = {
    "date": "datetime64[ns]",
    "int": "Int64",
    "float": "float64",
    "bool": "boolean",
    "str": "str",
}


def _parse_column(
    table: str, file: str, column: str, cells: pd.Series, kind: str
) -> tuple[pd.Series, list[Problem]]:
    """A column of text -> typed values and a problem per bad cell.

    Cells that are plainly valid are converted a whole column at a time; every other cell goes
    through ``_parse_cell`` as ``_parse_cells`` would, so values and problems are the same.
    """
    values = cells.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=False) != "string":  # not all text: cell by cell
        return _parse_cells(table, file, column, cells, kind)
    text = np.array(list(map(str.strip, values)), dtype=object)
    empty = text == ""
    codes = schema.CODE_COLUMNS.get((table, column))
    series = pd.Series(text, dtype=object)
    out = np.full(len(text), None, dtype=object)
    if kind == "str" and codes is None:
        ok = ~empty
        out[ok] = text[ok]
    elif kind == "str":
        code, known = codes
        norm = series.str.upper() if code == "unknown_country" else series.str.lower()
        ok = norm.isin(known()).to_numpy(dtype=bool) & ~empty
        out[ok] = norm.to_numpy(dtype=object)[ok]
    elif kind == "bool":
        lower = series.str.lower()
        is_true = lower.isin(TRUE_WORDS).to_numpy(dtype=bool)
        is_false = lower.isin(FALSE_WORDS).to_numpy(dtype=bool)
        ok = is_true | is_false
        out[is_true] = True
        out[is_false] = False
    elif kind in ("int", "float"):
        plain = series.str.replace(",", "", regex=False)
        pattern = PLAIN_INT_RE if kind == "int" else PLAIN_FLOAT_RE
        ok = plain.str.fullmatch(pattern).to_numpy(dtype=bool) & ~empty
        convert = int if kind == "int" else float
        out[ok] = [convert(v) for v in plain.to_numpy(dtype=object)[ok]]
    else:  # date
        ok = series.str.fullmatch(PLAIN_DATE_RE).to_numpy(dtype=bool)
        days = pd.to_datetime(series.where(ok), format="%Y-%m-%d", errors="coerce")
        years = days.dt.year
        ok = ok & (days.notna() & (years >= 1900) & (years < 2200)).to_numpy(dtype=bool)
        out[ok] = list(days[ok])
    problems: list[Problem] = []
    slow = np.flatnonzero(~ok & ~empty)
    rows = cells.index.tolist() if len(slow) else []  # plain ints, as cells.items() gives
    for i in slow:
        value = text[i]
        parsed, code, params = _parse_cell(value, kind, codes)
        if code:
            problems.append(Problem(file, rows[i], column, code, value, params))
        out[i] = parsed
    return pd.Series(out, index=cells.index, dtype=_DTYPES[kind]), problems


def _parse_cells(
    table: str, file: str, column: str, cells: pd.Series, kind: str
) -> tuple[pd.Series, list[Problem]]:
    """``_parse_column`` one cell at a time (for cells that are not all text)."""
    problems: list[Problem] = []
    out: list[object] = []
    codes = schema.CODE_COLUMNS.get((table, column))
    for row, value in cells.items():
        value = "" if value is None else str(value).strip()
        if value == "":
            out.append(None)
            continue
        parsed, code, params = _parse_cell(value, kind, codes)
        if code:
            problems.append(Problem(file, row, column, code, value, params))
        out.append(parsed)
    dtype = {
        "date": "datetime64[ns]",
        "int": "Int64",
        "float": "float64",
        "bool": "boolean",
        "str": "str",
    }[kind]
    return pd.Series(out, index=cells.index, dtype=dtype if out else dtype), problems


def _parse_cell(value: str, kind: str, codes) -> tuple[object, str, tuple]:
    """One cell -> (value, problem code or "", params)."""
    if kind == "date":
        match = DATE_RE.match(value)
        if match:
            try:
                day = dt.date(*map(int, match.groups()))
            except ValueError:
                return None, "impossible_date", ()
            if not 1900 <= day.year < 2200:  # also keeps it inside a datetime64[ns] column
                return None, "date_out_of_range", ()
            return pd.Timestamp(day), "", ()
        slash = SLASH_DATE_RE.match(value)
        if slash:
            y, m, d = map(int, slash.groups())
            return None, "date_not_iso", (("suggestion", f"{y:04d}-{m:02d}-{d:02d}"),)
        return None, "invalid_date", ()
    if kind in ("int", "float"):
        try:
            number = float(value.replace(",", ""))
        except ValueError:
            return None, "invalid_number", ()
        if number != number or number in (float("inf"), float("-inf")):  # nan, inf
            return None, "invalid_number", ()
        if kind == "int":
            if not number.is_integer():
                return None, "not_whole_number", ()
            if abs(number) >= 2**63:  # beyond what an Int64 column holds
                return None, "number_too_large", ()
            return int(number), "", ()
        return number, "", ()
    if kind == "bool":
        word = value.lower()
        if word in TRUE_WORDS:
            return True, "", ()
        if word in FALSE_WORDS:
            return False, "", ()
        return None, "invalid_bool", ()
    if codes is not None:
        code, known = codes
        normalised = value.upper() if code == "unknown_country" else value.lower()
        if normalised not in known():
            hint = suggest_country(value) if code == "unknown_country" else ""
            return None, code + ("_suggest" if hint else ""), (("suggestion", hint),)
        return normalised, "", ()
    return value, "", ()


_PANDERA_CODES = {
    "field_uniqueness": "duplicate_id",
    "str_matches": "bad_id",
    "str_length": "empty_value",
    "isin": "not_allowed",
    "not_nullable": "missing_value",
}
_RANGE_CODES = {
    "prefecture_code": "bad_prefecture",
    "lat": "outside_japan",
    "lon": "outside_japan",
}


def _model_problems(
    table: str, file: str, typed: pd.DataFrame, bad_cells: set[tuple[int, str]]
) -> list[Problem]:
    try:
        schema.MODELS[table].validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    problems: list[Problem] = []
    seen: set[tuple] = set()
    for case in cases.itertuples(index=False):
        check = str(case.check)
        name = check.split("(")[0]
        if name in ("dtype", "coerce_dtype") or case.index is None or pd.isna(case.index):
            continue
        row, column = int(case.index), str(case.column)
        if (row, column) in bad_cells:
            continue
        if name in _PANDERA_CODES:
            code = _PANDERA_CODES[name]
        elif name.startswith(("greater", "less", "in_range")):
            code = _RANGE_CODES.get(column, "negative")
        else:
            code = "invalid_value"
        if code == "missing_value" and column in ("display_name",):
            continue
        params: tuple = ()
        if code == "not_allowed":
            params = (("allowed", ", ".join(schema.KINDS)),)
        value = "" if pd.isna(case.failure_case) else str(case.failure_case)
        key = (row, column, code)
        if key not in seen:
            seen.add(key)
            problems.append(Problem(file, row, column, code, value, params))
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


def suggest_country(value: str) -> str:
    """The alpha-2 code a country name, alpha-3 code or Japanese name most likely means, or ""."""
    key = value.strip().lower()
    return _country_lookup().get(key, "")


def _country_lookup() -> dict[str, str]:
    global _COUNTRY_LOOKUP
    if _COUNTRY_LOOKUP is None:
        lookup: dict[str, str] = {"uk": "GB", "usa": "US", "england": "GB"}
        for country in pycountry.countries:
            for attr in ("alpha_3", "name", "common_name", "official_name"):
                if hasattr(country, attr):
                    lookup[getattr(country, attr).lower()] = country.alpha_2
        codes = schema.country_codes()
        for lang in ("en", "ja"):
            for code, name in Locale.parse(lang).territories.items():
                if code in codes:
                    lookup.setdefault(name.lower(), code)
        _COUNTRY_LOOKUP = lookup
    return _COUNTRY_LOOKUP


_COUNTRY_LOOKUP: dict[str, str] | None = None


def isin(values: pd.Series, targets) -> np.ndarray:
    """``values.isin(targets)`` as a boolean array, fast for text columns.

    pandas' own ``isin`` on Arrow-backed text converts every target to a scalar one by one
    (seconds for 100,000 ids); Arrow's ``is_in`` gives the same answer at once. Missing values
    are never in ``targets`` here; other dtypes, or targets holding missing values, go to pandas.
    """
    if isinstance(targets, set | frozenset | dict):
        targets = list(targets)
    try:
        left = pa_arrow.array(values, from_pandas=True)
        right = pa_arrow.array(targets, from_pandas=True)
    except (pa_arrow.ArrowInvalid, pa_arrow.ArrowTypeError, TypeError, ValueError):
        left = right = None
    strings = (pa_arrow.string(), pa_arrow.large_string())
    if (
        left is not None
        and left.type in strings
        and (right.type in strings or (len(right) == 0))
        and right.null_count == 0
    ):
        found = pc.is_in(left, value_set=right.cast(left.type), skip_nulls=True)
        return found.fill_null(False).to_numpy(zero_copy_only=False)
    return values.isin(targets).to_numpy(dtype=bool)


# --- rules across tables -------------------------------------------------------------------


def cross_table_problems(tables: dict[str, pd.DataFrame], files: dict[str, str]) -> list[Problem]:
    """References resolve, pairs are unique, dates run forward, texts carry no markup."""
    problems: list[Problem] = []

    def ids(table: str, column: str) -> set[str]:
        frame = tables.get(table)
        return set() if frame is None or column not in frame else set(frame[column].dropna())

    def check_refs(table: str, column: str, target: str, target_column: str) -> None:
        frame = tables.get(table)
        if frame is None or column not in frame or tables.get(target) is None:
            return
        values = frame[column]
        if column.endswith("_ids"):
            known = ids(target, target_column)
            pending = values.dropna()
        else:  # one id per cell: look them all up at once, then report the missing ones
            target_frame = tables[target]
            known = set()
            if target_column in target_frame:
                targets = target_frame[target_column].dropna()
                bad = values.notna() & ~isin(values, targets)
            else:
                bad = values.notna()
            pending = values[bad.to_numpy(dtype=bool)]
        for row, value in pending.items():
            if pd.isna(value):
                continue
            for token in split_ids(value) if column.endswith("_ids") else [value]:
                if token and token not in known:
                    problems.append(
                        Problem(
                            files[table],
                            row,
                            column,
                            "unknown_reference",
                            token,
                            (("target", files[target]),),
                        )
                    )

    check_refs("programs", "region_id", "regions", "region_id")
    check_refs("participations", "participant_id", "participants", "participant_id")
    check_refs("participations", "program_id", "programs", "program_id")
    check_refs("testimonials", "participant_id", "participants", "participant_id")
    check_refs("testimonials", "program_id", "programs", "program_id")
    check_refs("testimonials", "related_program_ids", "programs", "program_id")
    check_refs("outcomes", "program_id", "programs", "program_id")

    pairs = tables.get("participations")
    if pairs is not None and {"participant_id", "program_id"} <= set(pairs.columns):
        dup = pairs.duplicated(["participant_id", "program_id"], keep="first")
        for row in pairs.index[dup]:
            problems.append(Problem(files["participations"], row, "program_id", "duplicate_pair"))

    programs = tables.get("programs")
    if programs is not None and {"start_date", "end_date"} <= set(programs.columns):
        days = calendar_days(programs["start_date"], programs["end_date"])
        for row, length in days.dropna().items():
            end = str(programs.at[row, "end_date"].date())
            start = (("start", str(programs.at[row, "start_date"].date())),)
            if length < 1:
                code, severity = "end_before_start", "error"
            elif length > LONGEST_PROGRAM_DAYS:
                code, severity = "program_too_long", "error"
            elif length > LONG_PROGRAM_DAYS:
                code, severity = "program_long", "warning"
            else:
                continue
            problems.append(
                Problem(
                    files["programs"],
                    row,
                    "end_date",
                    code,
                    end,
                    (*start, ("days", str(length)), ("limit", str(LONGEST_PROGRAM_DAYS))),
                    severity=severity,
                )
            )

    texts = tables.get("testimonials")
    if texts is not None and "text" in texts:
        for row, text in texts["text"].items():
            if isinstance(text, str) and MARKUP_RE.search(text):
                problems.append(
                    Problem(
                        files["testimonials"], row, "text", "markup_in_text", severity="warning"
                    )
                )
    return problems


# --- a whole folder ------------------------------------------------------------------------


def table_path(folder: Path, table: str) -> Path | None:
    """The file holding ``table`` in ``folder`` (``.csv`` preferred, then ``.xlsx``), or None."""
    for suffix in (".csv", ".xlsx"):
        path = folder / f"{table}{suffix}"
        if path.is_file():
            return path
    return None


def fingerprint(folder: str | Path) -> str:
    """A cheap key that changes when any table file changes (names, sizes, modification times)."""
    folder = Path(folder)
    parts = []
    for table in schema.TABLES:
        path = table_path(folder, table)
        if path is not None:
            stat = path.stat()
            parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()


def load_tables(sources: dict[str, tuple[str, bytes]]) -> LoadResult:
    """``{table: (file name, bytes)}`` for all six tables -> a ``LoadResult``."""
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    files = {table: name for table, (name, _) in sources.items()}
    for table in schema.TABLES:
        if table not in sources:
            files[table] = f"{table}.csv"
            problems.append(Problem(f"{table}.csv", None, None, "missing_file"))
            continue
        name, data = sources[table]
        raw, read_problems = read_table(name, data)
        problems += read_problems
        if raw is None:
            continue
        typed, parse_problems = parse_table(table, name, raw)
        problems += parse_problems
        if not any(p.code == "missing_column" for p in parse_problems):
            tables[table] = typed
    problems += cross_table_problems(tables, files)
    if errors(problems) or len(tables) != len(schema.TABLES):
        return LoadResult(None, tuple(problems))
    digest = hashlib.sha1(b"".join(data for _, data in sources.values())).hexdigest()
    frames = {name: frame.reset_index(drop=True) for name, frame in tables.items()}
    return LoadResult(Dataset(**frames, version=digest[:12]), tuple(problems))


def load_dataset(folder: str | Path) -> LoadResult:
    """Read and validate every table in ``folder``; never raises for bad data."""
    folder = Path(folder)
    if not folder.is_dir():
        return LoadResult(None, (Problem(str(folder), None, None, "missing_folder"),))
    sources: dict[str, tuple[str, bytes]] = {}
    problems: list[Problem] = []
    for table in schema.TABLES:
        path = table_path(folder, table)
        if path is None:
            continue
        try:
            sources[table] = (path.name, path.read_bytes())
        except OSError as exc:
            problems.append(
                Problem(path.name, None, None, "unreadable_file", params=(("detail", str(exc)),))
            )
    result = load_tables(sources)
    if problems:
        return LoadResult(None, tuple(problems) + result.problems)
    return result
