"""Who sees what: roles, the data each role may hold, and small-count suppression.

Three roles:

- ``staff`` sees everything, names included, and may manage the data and pin quotes;
- ``municipality`` (with a ``town``) sees its own town's rows in full, and everything else as
  the public does;
- ``public`` sees aggregates, and people (names, testimonials) only where ``public_consent`` is
  true.

``scope(dataset, viewer)`` cuts the data *before* any page sees it: a person the viewer may not
see individually keeps the row (so network-wide counts stay right) but loses every identifying
field: the id becomes an opaque pseudonym, every other field of the row but nationality and
consent (name, source note, any extra column) is removed, their testimonials are dropped, and
their name is blanked out (``[…]``) from the free text of every table. Pages then show counts
through ``mask_small_counts``: a count of 1 or 2 people in a breakdown is shown as ``"<3"`` to
anyone who may not see those people individually.

How a name is found in free text (``Names.redact``): text and names are compared after NFKC
normalisation and case folding, so ``JOY`` and full-width ``Ｊｏｙ`` are Joy. A name matches as
whole words: the whole name (``Chao Ping``), and each part of it that is capitalised and has 3 or
more letters (``Chao``, ``Ping``; ``Li Na`` only as a whole). A word ends where its letters end,
so a possessive or a suffix after an apostrophe, a hyphen or Japanese script stays beside the
blank: ``Joy's`` -> ``[…]'s``, ``Chao Ping-san`` -> ``[…]-san``, ``Joyさん`` -> ``[…]さん``;
``enjoy`` and ``Joyce`` are other words. A name written in a script without spaces (Japanese,
Chinese, Korean, Thai) is blanked wherever it occurs. As the match ignores case, a name that is
also a word (``Joy``, ``joy``) is blanked as a word too: the rule errs on the side of the person.
Free text is every column of ``FREE_TEXT`` and every column the contract does not know.

A municipality, per row (``scope`` for ``Viewer("municipality", town)``):

- a person who agreed to be shown is seen as by the public; a person who did not and never took
  part in the town's programs is hidden as from the public;
- a person who did not agree but took part in one of the town's programs (the town's own) keeps
  their id and name: the town sees its own people. But (a) of their testimonials only those about
  the town stay: a testimonial is the town's when its ``program_id`` is one of the town's
  programs, or, when it names none, when every one of its ``related_program_ids`` is (one
  naming no program at all is dropped); (b) their source note (and any extra column of their
  row) is removed unless every program they took part in is the town's, since a note on a
  person describes them across towns; (c) in other towns' breakdowns they count as anyone does;
- their name is kept in the free text of the rows about the town (its region and programs,
  participations in and outcomes of its programs, its testimonials by the rule above, and the
  people all of whose programs are the town's) and blanked (``[…]``) in every other row.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import pandas as pd

from dashboard import pages, schema
from dashboard.data import Dataset, isin, split_ids
from dashboard.memo import memo
from dashboard.redaction import Names, matcher

ROLES = ("staff", "municipality", "public")
ACTIONS = ("manage_data", "pin", "see_names", "see_town")
WITHHELD_PREFIX = "withheld-"
SMALL_COUNT_THRESHOLD = 3
# text columns that may mention people by name; a column the contract does not know is free text
# too (``free_text_columns``)
FREE_TEXT = {
    "regions": ("source", "population_source"),
    "programs": ("title", "source"),
    "participants": ("source",),
    "participations": ("role", "source"),
    "testimonials": ("text", "highlight", "source"),
    "outcomes": ("kind", "description", "source"),
}
# the contract's other text columns: ids, codes, a validated kind, a person's own name (removed
# whole when hidden) and the names of places
NOT_FREE_TEXT = {
    "regions": (
        "region_id",
        "name_en",
        "name_ja",
        "prefecture_en",
        "prefecture_ja",
        "municipality_code",
    ),
    "programs": ("program_id", "region_id", "kind", "engagement_type"),
    "participants": ("participant_id", "display_name", "nationality"),
    "participations": ("participant_id", "program_id"),
    "testimonials": (
        "testimonial_id",
        "participant_id",
        "program_id",
        "related_program_ids",
        "language",
    ),  # fmt: skip
    "outcomes": ("outcome_id", "program_id", "language"),
}
# a key only this process knows, so pseudonyms cannot be turned back into ids by guessing
_PSEUDONYM_KEY = secrets.token_bytes(32)


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a role, the town of a municipality, and how to greet them."""

    role: str = "public"
    town: str | None = None
    name: str = ""
    username: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}: use one of {', '.join(ROLES)}")
        if self.role == "municipality" and not self.town:
            raise ValueError("a municipality user needs a town (a region_id)")
        if self.role != "municipality" and self.town:
            object.__setattr__(self, "town", None)


PUBLIC = Viewer("public")
STAFF = Viewer("staff")


def can(viewer: Viewer | None, action: str, town: str | None = None) -> bool:
    """Whether ``viewer`` may do ``action``; deny by default (no viewer may do nothing).

    ``manage_data`` (the data page: uploads, edits, restores) and ``pin`` (choosing the quotes
    others see first) are staff-only. ``see_names`` is whether the viewer may see people who did
    not consent to be shown: staff everywhere, a municipality in its own town (``scope`` has
    already removed the others). ``see_town`` is whether the viewer sees every count of
    ``town`` (its page's charts unmasked, its report and tables to download): staff, and the
    town's own municipality. An unknown action is refused loudly.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}: use one of {', '.join(ACTIONS)}")
    if not isinstance(viewer, Viewer):
        return False
    if action == "see_names":
        return viewer.role in ("staff", "municipality")
    if action == "see_town":
        return shows_all_counts(viewer, (town,) if town else ())
    return viewer.role == "staff"


def can_open(viewer: Viewer, page: str) -> bool:
    """Whether the page with file stem ``page`` is in ``viewer``'s navigation (the registry's
    ``needs``; an unknown page is refused)."""
    try:
        need = pages.page(page).needs
    except KeyError:
        return False
    return need is None or can(viewer, need)


def allowed_towns(viewer: Viewer) -> tuple[str, ...] | None:
    """The towns whose page the viewer may open in full; None means every town.

    A municipality opens its own town's page only; staff and the public may open every town's
    page (the public sees it scoped and masked like every other page).
    """
    return (viewer.town,) if viewer.role == "municipality" else None


# --- scoping the data -----------------------------------------------------------------------


def visible_people(ds: Dataset, viewer: Viewer) -> set[str]:
    """Ids of the people ``viewer`` may see individually (name, testimonials, row in a list)."""
    people = ds.participants
    if viewer.role == "staff":
        return set(people["participant_id"].tolist())
    consent = people["public_consent"].fillna(False).astype(bool).to_numpy()
    visible = set(people.loc[consent, "participant_id"].tolist())
    if viewer.role == "municipality":
        own_programs = set(ds.programs.loc[ds.programs["region_id"] == viewer.town, "program_id"])
        pairs = ds.participations
        visible |= set(
            pairs.loc[isin(pairs["program_id"], own_programs), "participant_id"].tolist()
        )
    return visible


@lru_cache(maxsize=262_144)
def pseudonym(participant_id: str) -> str:
    """An opaque, stable (for this server process) stand-in for a hidden person's id."""
    digest = hmac.new(_PSEUDONYM_KEY, participant_id.encode(), hashlib.sha256).hexdigest()
    return WITHHELD_PREFIX + digest[:12]


def withheld(ids: pd.Series) -> pd.Series:
    """True where a participant id is a pseudonym, i.e. the person is not to be listed."""
    return ids.astype("string").str.startswith(WITHHELD_PREFIX).fillna(False).astype(bool)


def listable(frame: pd.DataFrame, column: str = "participant_id") -> pd.DataFrame:
    """The rows of a person-level frame (one row per person) the viewer may see one by one.

    Works on any frame made from scoped data: rows about hidden people carry a pseudonym.
    """
    if frame.empty or column not in frame:
        return frame
    return frame[~withheld(frame[column]).to_numpy()]


@cache
def _contract_columns(table: str) -> frozenset[str]:
    return frozenset(schema.column_kinds(table))


def free_text_columns(table: str, frame: pd.DataFrame) -> tuple[str, ...]:
    """The columns of ``frame`` (the table called ``table``) whose text may name people:
    ``FREE_TEXT``, and every column the contract does not know (deny by default)."""
    known = _contract_columns(table)
    extra = [c for c in frame.columns if c not in known and c not in NOT_FREE_TEXT[table]]
    return tuple(c for c in (*FREE_TEXT[table], *extra) if c in frame)


def _redact(
    frame: pd.DataFrame,
    columns: Iterable[str],
    names: Names,
    others: Names | None = None,
    own: Iterable[bool] | None = None,
) -> pd.DataFrame:
    """``frame`` with ``names`` blanked from ``columns``; with ``own`` (a flag per row), the
    rows not flagged are blanked of ``others`` instead. Each distinct text is redacted once
    (``Names`` remembers its answers: source notes repeat a lot, across columns and scopes)."""
    if not len(frame) or not (names or others):
        return frame
    if own is None or others is None:
        groups = [(names, slice(None))]
    else:
        flags = np.asarray(own, dtype=bool)
        groups = [(names, flags), (others, ~flags)]
    changed = {}
    for column in columns:
        if column not in frame:
            continue
        values = frame[column]
        out = values.to_numpy(dtype=object, copy=True)
        for blanker, rows in groups:
            part = out[rows]
            codes, uniques = pd.factorize(part)
            if not len(uniques):
                continue
            blanked = np.empty(len(uniques), dtype=object)
            for i, text in enumerate(uniques):
                blanked[i] = blanker.redact(text) if isinstance(text, str) else text
            found = codes >= 0
            part[found] = blanked[codes[found]]
            out[rows] = part
        changed[column] = pd.Series(out, index=values.index, dtype=values.dtype)
    return frame.assign(**changed) if changed else frame


def scope(ds: Dataset, viewer: Viewer) -> Dataset:
    """The part of ``ds`` that ``viewer`` may hold. Staff get ``ds`` itself.

    For the others, every person they may not see individually (see ``visible_people``) keeps
    their row, nationality and participations, so that counts over the network stay right, but:
    their id becomes a pseudonym in every table, every other field of their row (name, source
    note) and the notes of their participations are removed, their testimonials are dropped,
    and their name is replaced by ``[…]`` in the free text of every table
    (``free_text_columns``). A municipality's own people who did not consent follow the
    module's per-row rule.
    """
    if viewer.role == "staff":
        return ds
    return _scope(ds, viewer.role, viewer.town)


def _pseudonymise(ids: pd.Series, mapping: dict[str, str]) -> pd.Series:
    values = ids.to_numpy(dtype=object)
    return pd.Series([mapping.get(i, i) for i in values], index=ids.index, dtype=ids.dtype)


def _ids_column(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column] if column in frame else pd.Series(None, index=frame.index, dtype=object)


def town_testimonials(testimonials: pd.DataFrame, programs: set[str]) -> list[bool]:
    """For each testimonial, whether it is about the town whose programs are ``programs``: its
    ``program_id`` is one of them, or, when it names none, every one of its
    ``related_program_ids`` is (and it has some)."""
    own = []
    for program, related in zip(
        testimonials["program_id"],
        _ids_column(testimonials, "related_program_ids"),
        strict=True,
    ):
        if isinstance(program, str) and program:
            own.append(program in programs)
        else:
            ids = split_ids(related)
            own.append(bool(ids) and all(p in programs for p in ids))
    return own


# memo, not lru_cache: a room of visitors opening one link at once must share one scoped copy
# (each would build its own, and every builder downstream would then run once per visitor)
@memo(maxsize=32)
def _scope(ds: Dataset, role: str, town: str | None) -> Dataset:
    viewer = Viewer(role, town)
    visible = visible_people(ds, viewer)
    people = ds.participants
    ids = people["participant_id"]
    consent = people["public_consent"].fillna(False).astype(bool).to_numpy()
    hidden = ~isin(ids, visible)
    # a municipality's own people who did not consent: named only in the rows about its town
    local = ~hidden & ~consent if role == "municipality" else np.zeros(len(people), bool)
    if not hidden.any() and not local.any():
        return ds
    mapping = {pid: pseudonym(pid) for pid in ids[hidden].tolist()}
    hidden_names = people.loc[hidden, "display_name"].dropna().tolist()
    blank = matcher(hidden_names)

    own_programs: set[str] = set()
    others = None
    pairs = ds.participations
    if local.any():
        own_programs = set(ds.programs.loc[ds.programs["region_id"] == town, "program_id"])
        local_names = people.loc[local, "display_name"].dropna().tolist()
        others = matcher([*hidden_names, *local_names])
    # people all of whose programs are the town's (a row about them is a row about the town)
    elsewhere = set(pairs.loc[~isin(pairs["program_id"], own_programs), "participant_id"].tolist())
    only_here = isin(ids, set(pairs["participant_id"].tolist())) & ~isin(ids, elsewhere)

    people = people.copy()
    for column in people.columns:
        if column not in ("participant_id", "nationality", "public_consent"):
            people[column] = people[column].mask(hidden)
            if column != "display_name":  # a note on the person describes them across towns
                people[column] = people[column].mask(local & ~only_here)
    people["participant_id"] = _pseudonymise(people["participant_id"], mapping)
    # a participation's note is about the person too: removed where their row's note is
    by = pairs["participant_id"]
    noted = isin(by, set(ids[hidden].tolist())) | (
        isin(by, set(ids[local].tolist())) & ~isin(pairs["program_id"], own_programs)
    )
    pairs = pairs.assign(
        participant_id=_pseudonymise(by, mapping),
        **{
            c: pairs[c].mask(noted)
            for c in pairs.columns
            if c not in ("participant_id", "program_id", "role")
        },
    )

    texts = ds.testimonials
    by = texts["participant_id"]
    consenting = set(ids[consent].tolist())
    keep = isin(by, consenting)
    if local.any():
        mine = town_testimonials(texts, own_programs)
        keep = keep | (isin(by, set(ids[local].tolist())) & np.array(mine, dtype=bool))
    texts = texts[keep]

    tables = {
        "regions": ds.regions,
        "programs": ds.programs,
        "participants": people,
        "participations": pairs,
        "testimonials": texts,
        "outcomes": ds.outcomes,
    }
    own_rows = {
        "regions": lambda f: f["region_id"] == town,
        "programs": lambda f: f["region_id"] == town,
        "participants": lambda f: only_here,
        "participations": lambda f: isin(f["program_id"], own_programs),
        "testimonials": lambda f: town_testimonials(f, own_programs),
        "outcomes": lambda f: isin(f["program_id"], own_programs),
    }
    for name, frame in tables.items():
        own = own_rows[name](frame) if others is not None else None
        tables[name] = _redact(frame, free_text_columns(name, frame), blank, others, own)
    return ds.replace(**tables)


# --- small counts ---------------------------------------------------------------------------


def small_cells(
    frame: pd.DataFrame,
    columns: Iterable[str],
    viewer: Viewer,
    threshold: int = SMALL_COUNT_THRESHOLD,
    town: str | None = None,
) -> pd.DataFrame:
    """True for each count in ``columns`` that ``viewer`` must not see: from 1 to
    ``threshold - 1``. Zero and missing counts single nobody out and stay.

    Staff see every count. A municipality sees every count of its own town: rows whose
    ``region_id`` is its town, or the whole frame when ``town`` (the town the frame is about)
    is its town.
    """
    columns = [c for c in columns if c in frame]
    cells = pd.DataFrame(False, index=frame.index, columns=columns)
    if viewer.role == "staff" or frame.empty:
        return cells
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        cells[column] = ((values > 0) & (values < threshold)).fillna(False).astype(bool)
    if viewer.role == "municipality":
        if town is not None and town == viewer.town:
            cells.loc[:, :] = False
        elif "region_id" in frame:
            own = (frame["region_id"] == viewer.town).fillna(False).to_numpy()
            cells.loc[own, :] = False
    return cells


def is_small(
    frame: pd.DataFrame,
    columns: Iterable[str],
    viewer: Viewer,
    threshold: int = SMALL_COUNT_THRESHOLD,
    town: str | None = None,
) -> pd.Series:
    """True for each row with at least one count ``viewer`` must not see (drop it from charts)."""
    return small_cells(frame, columns, viewer, threshold, town).any(axis=1)


def mask_small_counts(
    frame: pd.DataFrame,
    columns: Iterable[str],
    viewer: Viewer,
    threshold: int = SMALL_COUNT_THRESHOLD,
    town: str | None = None,
) -> pd.DataFrame:
    """A copy of ``frame`` for display: counts ``viewer`` must not see become ``"<3"``.

    Columns with a masked cell become text (object dtype); the others keep their type, so a
    staff member's table is unchanged. Apply it to a table just before showing or downloading it.
    """
    cells = small_cells(frame, columns, viewer, threshold, town)
    out = frame.copy()
    for column in cells.columns:
        if cells[column].any():
            values = out[column].astype(object)
            values[cells[column].to_numpy()] = f"<{threshold}"
            out[column] = values
    return out


def mask_count(
    value: int | None,
    viewer: Viewer,
    threshold: int = SMALL_COUNT_THRESHOLD,
    town: str | None = None,
) -> int | str | None:
    """One count for display: ``"<3"`` when ``viewer`` must not see it, else the count (the
    rule of ``small_cells``, for one value)."""
    own = viewer.role == "municipality" and town is not None and town == viewer.town
    if viewer.role == "staff" or own:
        return value
    if value is None or pd.isna(value) or not 0 < value < threshold:
        return value
    return f"<{threshold}"


def mask_programs(
    table: pd.DataFrame,
    viewer: Viewer,
    threshold: int = SMALL_COUNT_THRESHOLD,
    town: str | None = None,
) -> pd.DataFrame:
    """A programs table (``metrics.program_table`` columns) for display to ``viewer``.

    ``listed`` and ``reported`` are masked by ``mask_small_counts``; a program whose listed
    people are masked shows its ``nationalities`` as ``"<3"`` too and its ``person_days``
    (which would tell the number) as ``"–"``.
    """
    small = small_cells(table, ["listed"], viewer, threshold, town)["listed"].to_numpy()
    out = mask_small_counts(table, ["listed", "reported"], viewer, threshold, town)
    if small.any():
        nationalities = out["nationalities"].astype(object)
        nationalities[small] = f"<{threshold}"
        days = out["person_days"].astype(object)
        days[small & days.notna().to_numpy()] = "–"
        out = out.assign(nationalities=nationalities, person_days=days)
    return out


def mask_towns(
    towns: pd.DataFrame,
    viewer: Viewer,
    threshold: int = SMALL_COUNT_THRESHOLD,
) -> pd.DataFrame:
    """A per-town table (``maps.tables.town_summary``: ``region_id``, ``people``, ``reported``,
    ``unknown``, ``countries`` as a tuple of codes) with what ``viewer`` may see of each town:
    ``people_shown``, ``reported_shown``, ``unknown_shown`` (``mask_small_counts``) and
    ``countries_shown``, the number of countries, ``"<3"`` where the town's people are masked
    (as ``mask_programs`` and ``mask_headline`` do: it would bound or tell the head count)."""
    shown = mask_small_counts(towns, ["people", "reported", "unknown"], viewer, threshold)
    small = small_cells(towns, ["people"], viewer, threshold)["people"].to_numpy()
    countries = pd.Series([len(c) for c in towns["countries"]], index=towns.index, dtype=object)
    countries[small] = f"<{threshold}"
    return towns.assign(
        people_shown=shown["people"],
        reported_shown=shown["reported"],
        unknown_shown=shown["unknown"],
        countries_shown=countries,
    )


def shows_all_counts(viewer: Viewer, towns: Iterable[str] = ()) -> bool:
    """Whether ``viewer`` sees every count of data limited to ``towns`` (empty: every town)."""
    towns = tuple(towns)
    if viewer.role == "staff":
        return True
    return viewer.role == "municipality" and len(towns) > 0 and set(towns) == {viewer.town}


# counts of people among the headline numbers; the first is the total, the others subgroups
HEADLINE_PEOPLE = ("participants", "participants_in_programs")
HEADLINE_SUBGROUPS = ("unknown_nationality", "returning")
# numbers that tell the number of people when it is small
HEADLINE_DERIVED = ("nationalities", "person_days", "participants_reported", "testimonials")


def mask_headline(
    numbers: dict[str, int],
    viewer: Viewer,
    towns: Iterable[str] = (),
    filtered: bool = False,
    threshold: int = SMALL_COUNT_THRESHOLD,
) -> dict[str, int | str]:
    """The headline numbers (``metrics.headline``) for display to ``viewer``.

    Over the whole network (``filtered`` False) the totals stay: they are aggregates of every
    town. Subgroup counts (people of unknown nationality, returning people) below the threshold
    become ``"<3"``. Once filters cut the data (``filtered``; ``towns`` the towns chosen), the
    totals are a breakdown too: a people count below the threshold becomes ``"<3"``, and so do
    the numbers that would tell it (nationalities, person-days, reported count, testimonials).
    """
    out: dict[str, int | str] = dict(numbers)
    if shows_all_counts(viewer, towns if filtered else ()):
        return out
    keys = HEADLINE_SUBGROUPS + (HEADLINE_PEOPLE if filtered else ())
    for key in keys:
        if key in out:
            out[key] = mask_count(out[key], viewer, threshold)
    if filtered and any(isinstance(out.get(k), str) for k in HEADLINE_PEOPLE):
        # fewer people than the threshold: so are their nationalities and subgroups; the other
        # numbers are withheld ("–")
        bounded = ("nationalities", *HEADLINE_SUBGROUPS)
        for key in (*HEADLINE_DERIVED, *HEADLINE_SUBGROUPS):
            if key in out and out[key]:
                out[key] = f"<{threshold}" if key in bounded else "–"
    return out
