"""Who sees what: roles, the data each role may hold, and small-count suppression.

Three roles:

- ``staff`` sees everything, names included, and may manage the data and pin quotes;
- ``municipality`` (with a ``town``) sees its own town's people in full, and everything else as
  the public does;
- ``public`` sees aggregates, and people (names, testimonials) only where ``public_consent`` is
  true.

``scope(dataset, viewer)`` cuts the data *before* any page sees it: a person the viewer may not
see individually keeps the row (so network-wide counts stay right) but loses every identifying
field: the id becomes an opaque pseudonym, the name and the source note are removed, their
testimonials are dropped, and their name is blanked out (``[…]``) from the free text of every
table. Pages then show counts through ``mask_small_counts``: a count of 1 or 2 people in a
breakdown is shown as ``"<3"`` to anyone who may not see those people individually.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from dashboard import pages
from dashboard.data import Dataset

ROLES = ("staff", "municipality", "public")
ACTIONS = ("manage_data", "pin", "see_names", "see_town")
WITHHELD_PREFIX = "withheld-"
REDACTED = "[…]"
SMALL_COUNT_THRESHOLD = 3
# text columns that may mention people by name
FREE_TEXT = {
    "regions": ("source",),
    "programs": ("title", "source"),
    "participants": ("source",),
    "participations": ("role", "source"),
    "testimonials": ("text", "highlight", "source"),
    "outcomes": ("description", "source"),
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
        return set(people["participant_id"])
    consent = people["public_consent"].fillna(False).astype(bool).to_numpy()
    visible = set(people.loc[consent, "participant_id"])
    if viewer.role == "municipality":
        own_programs = set(ds.programs.loc[ds.programs["region_id"] == viewer.town, "program_id"])
        pairs = ds.participations
        visible |= set(pairs.loc[pairs["program_id"].isin(own_programs), "participant_id"])
    return visible


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


WORD_RE = re.compile(r"\w+(?:['’-]\w+)*")
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
REPEATED_REDACTION = re.compile(re.escape(REDACTED) + r"(?:\s+" + re.escape(REDACTED) + ")+")


@dataclass(frozen=True)
class _Names:
    """Names to blank out: whole names (as runs of words), single words (parts of names), and
    CJK names (matched anywhere, as Japanese and Chinese text has no spaces between words)."""

    words: frozenset[str]
    phrases: frozenset[tuple[str, ...]]
    cjk: tuple[str, ...]
    starts: frozenset[str] = frozenset()  # first words of the phrases
    longest: int = 1

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases or self.cjk)

    def redact(self, text: str) -> str:
        tokens = list(WORD_RE.finditer(text))
        longest = self.longest
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            step = 0
            first = tokens[i].group(0)
            if first not in self.starts:
                if first in self.words:
                    spans.append(tokens[i].span())
                i += 1
                continue
            for n in range(min(longest, len(tokens) - i), 1, -1):
                if tuple(t.group(0) for t in tokens[i : i + n]) in self.phrases:
                    step = n
                    break
            if step:
                spans.append((tokens[i].start(), tokens[i + step - 1].end()))
                i += step
                continue
            if tokens[i].group(0) in self.words:
                spans.append(tokens[i].span())
            i += 1
        out = text
        for start, end in reversed(spans):
            out = out[:start] + REDACTED + out[end:]
        for name in self.cjk:
            out = out.replace(name, REDACTED)
        return REPEATED_REDACTION.sub(REDACTED, out) if out != text else text


def _names(names: Iterable[str]) -> _Names:
    """What to blank out of each name: the whole name, a one-word name, and each capitalised
    part of 3+ letters of a longer one ("Chao Ping" -> "Chao Ping", "Chao", "Ping")."""
    words: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    cjk: set[str] = set()
    for name in names:
        name = name.strip()
        if not name:
            continue
        if CJK_RE.search(name):
            cjk.add(name)
            continue
        parts = WORD_RE.findall(name)
        if len(parts) == 1:
            words.add(parts[0])
        elif parts:
            phrases.add(tuple(parts))
            words.update(p for p in parts if len(p) >= 3 and p[:1].isupper())
    return _Names(
        frozenset(words),
        frozenset(phrases),
        tuple(sorted(cjk, key=len, reverse=True)),
        starts=frozenset(p[0] for p in phrases),
        longest=max((len(p) for p in phrases), default=1),
    )


def _redact(frame: pd.DataFrame, columns: Iterable[str], names: _Names) -> pd.DataFrame:
    if not names:
        return frame
    changed = {}
    for column in columns:
        if column in frame and len(frame):
            values = frame[column]
            # each distinct text once (source notes repeat a lot)
            done = {v: names.redact(v) for v in values.dropna().unique() if isinstance(v, str)}
            changed[column] = pd.Series(
                [done.get(v, v) if isinstance(v, str) else v for v in values],
                index=values.index,
                dtype=values.dtype,
            )
    return frame.assign(**changed) if changed else frame


def scope(ds: Dataset, viewer: Viewer) -> Dataset:
    """The part of ``ds`` that ``viewer`` may hold. Staff get ``ds`` itself.

    For the others, every person they may not see individually (see ``visible_people``) keeps
    their row, nationality and participations, so that counts over the network stay right, but:
    their id becomes a pseudonym in every table, their name and source note are removed, their
    testimonials are dropped, and their name is replaced by ``[…]`` in the free text of every
    table (a testimonial or an outcome that mentions them).
    """
    if viewer.role == "staff":
        return ds
    return _scope(ds, viewer.role, viewer.town)


def _pseudonymise(ids: pd.Series, mapping: dict[str, str]) -> pd.Series:
    return pd.Series([mapping.get(i, i) for i in ids], index=ids.index, dtype=ids.dtype)


@lru_cache(maxsize=32)
def _scope(ds: Dataset, role: str, town: str | None) -> Dataset:
    viewer = Viewer(role, town)
    visible = visible_people(ds, viewer)
    people = ds.participants
    hidden = ~people["participant_id"].isin(visible)
    if not hidden.any():
        return ds
    mapping = {pid: pseudonym(pid) for pid in people.loc[hidden, "participant_id"]}
    names = people.loc[hidden, "display_name"].dropna().astype(str)
    blank = _names(names)

    people = people.copy()
    people.loc[hidden, "display_name"] = pd.NA
    people.loc[hidden, "source"] = pd.NA
    people["participant_id"] = _pseudonymise(people["participant_id"], mapping)
    pairs = ds.participations.assign(
        participant_id=_pseudonymise(ds.participations["participant_id"], mapping)
    )
    texts = ds.testimonials[ds.testimonials["participant_id"].isin(visible)]
    tables = {
        "regions": ds.regions,
        "programs": ds.programs,
        "participants": people,
        "participations": pairs,
        "testimonials": texts,
        "outcomes": ds.outcomes,
    }
    for name, columns in FREE_TEXT.items():
        tables[name] = _redact(tables[name], columns, blank)
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
