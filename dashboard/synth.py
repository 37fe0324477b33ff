"""A reproducible synthetic dataset of any size, for load tests and benchmarks.

``write_dataset(folder, towns=..., participants=..., seed=...)`` writes the six tables of the data
contract. Everything in it is clearly made up: ids start with ``syn-``, names read
"Synthtown 0001" / "Synthetic person 000001", and every ``source`` cell says
``synthetic (seed S)``. The same arguments always give byte-identical files.

What is realistic about it: nationalities follow a long-tailed spread (most people from a few
countries, a tail of many, some unknown); people take part in one or more programs; testimonials
come in several languages; each town is placed in a real municipality (N03 outlines,
``dashboard.outlines``): a random point inside its outline, its 6-digit
``municipality_code`` and its prefecture's code and names — the name stays made up. Each
municipality with an outline is used once before any is used twice (1,736 of them).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dashboard import schema

PREFECTURES_EN = (
    "Hokkaido Aomori Iwate Miyagi Akita Yamagata Fukushima Ibaraki Tochigi Gunma Saitama Chiba "
    "Tokyo Kanagawa Niigata Toyama Ishikawa Fukui Yamanashi Nagano Gifu Shizuoka Aichi Mie Shiga "
    "Kyoto Osaka Hyogo Nara Wakayama Tottori Shimane Okayama Hiroshima Yamaguchi Tokushima Kagawa "
    "Ehime Kochi Fukuoka Saga Nagasaki Kumamoto Oita Miyazaki Kagoshima Okinawa"
).split()

# A long-tailed spread, roughly like international students in Japan (weights, not facts).
NATIONALITY_WEIGHTS = {
    "CN": 300, "VN": 170, "NP": 70, "KR": 50, "ID": 30, "TW": 30, "LK": 25, "MM": 25, "BD": 15,
    "MN": 13, "TH": 12, "US": 12, "MY": 11, "PH": 10, "FR": 7, "UZ": 6, "IN": 6, "GB": 5,
    "DE": 5, "ES": 4, "BR": 4, "IT": 3, "CA": 3, "AU": 3, "MX": 3, "SG": 3, "PK": 3, "EG": 2,
    "KE": 2, "GH": 2, "NG": 2, "PE": 2, "CO": 2, "AR": 2, "CL": 2, "RU": 2, "UA": 2, "PL": 2,
    "SE": 1, "NO": 1, "FI": 1, "DK": 1, "NL": 1, "BE": 1, "CH": 1, "AT": 1, "PT": 1, "IE": 1,
    "NZ": 1, "TR": 1, "IR": 1, "SA": 1, "KH": 1, "LA": 1, "KZ": 1, "KG": 1, "ET": 1, "TZ": 1,
}  # fmt: skip
UNKNOWN_SHARE = 0.05  # people whose nationality is left empty

LANGUAGE_WEIGHTS = {
    "en": 45, "ja": 25, "zh": 10, "vi": 5, "ko": 4, "th": 3, "es": 3, "fr": 2, "id": 2, "ne": 1,
}  # fmt: skip
# One made-up sentence per language; every text says it is synthetic, in its own language.
SENTENCES = {
    "en": "Synthetic testimonial {n}: the days in {town} taught our team a great deal.",
    "ja": "合成データ {n}：{town}で過ごした日々から、チームは多くを学びました。",
    "zh": "合成数据 {n}：在{town}的日子让我们的团队学到了很多。",
    "vi": "Dữ liệu tổng hợp {n}: những ngày ở {town} đã dạy nhóm chúng tôi rất nhiều.",
    "ko": "합성 데이터 {n}: {town}에서 보낸 날들은 우리 팀에게 많은 것을 가르쳐 주었습니다.",
    "th": "ข้อมูลสังเคราะห์ {n}: วันเวลาใน {town} สอนทีมของเรามากมาย",
    "es": "Testimonio sintético {n}: los días en {town} enseñaron mucho a nuestro equipo.",
    "fr": "Témoignage synthétique {n} : les jours à {town} ont beaucoup appris à notre équipe.",
    "id": "Testimoni sintetis {n}: hari-hari di {town} mengajari tim kami banyak hal.",
    "ne": "कृत्रिम तथ्यांक {n}: {town} मा बिताएका दिनहरूले हाम्रो टोलीलाई धेरै सिकाए।",
}
OUTCOME_KINDS = ("leaflet", "review", "advice", "map", "video")
FIRST_DAY = dt.date(2015, 1, 1)
DAY_SPAN = (dt.date(2026, 6, 30) - FIRST_DAY).days


@dataclass(frozen=True)
class Sizes:
    """Row counts of the tables to write."""

    towns: int
    participants: int
    participations: int
    testimonials: int
    programs: int
    outcomes: int


def default_sizes(
    towns: int,
    participants: int,
    participations: int | None = None,
    testimonials: int | None = None,
    programs: int | None = None,
    outcomes: int | None = None,
) -> Sizes:
    """Counts not given grow with the ones given: 1.5 participations and 0.2 testimonials per
    participant, 3 programs per town, one outcome per program."""
    if towns < 1:
        raise ValueError("towns must be at least 1")
    if participants < 0:
        raise ValueError("participants must not be negative")
    programs = max(1, 3 * towns) if programs is None else programs
    if programs < 1:
        raise ValueError("programs must be at least 1")
    participations = round(1.5 * participants) if participations is None else participations
    testimonials = round(0.2 * participants) if testimonials is None else testimonials
    outcomes = programs if outcomes is None else outcomes
    if participations > participants * programs:
        raise ValueError("more participations than (participant, program) pairs")
    if testimonials and not participants:
        raise ValueError("testimonials need participants")
    if min(participations, testimonials, outcomes) < 0:
        raise ValueError("counts must not be negative")
    return Sizes(towns, participants, participations, testimonials, programs, outcomes)


def municipality_codes() -> tuple[str, ...]:
    """The municipalities synthetic towns are placed in: every one with an outline."""
    from dashboard import outlines

    return tuple(c for c in outlines.codes() if outlines.has_outline(c))


def _points_in_outline(rng: np.random.Generator, code: str, n: int) -> np.ndarray:
    """``n`` (lon, lat) points inside the outline of municipality ``code``, to 4 decimals."""
    import shapely

    from dashboard import outlines

    shape = outlines.shape(code)
    shapely.prepare(shape)
    x0, y0, x1, y1 = shape.bounds
    found = np.empty((0, 2))
    while len(found) < n:
        batch = np.round(rng.uniform((x0, y0), (x1, y1), size=(8 * n + 16, 2)), 4)
        inside = shapely.contains_xy(shape, batch[:, 0], batch[:, 1])
        found = np.concatenate([found, batch[inside]])
    return found[:n]


def _place_towns(rng: np.random.Generator, n: int) -> tuple[list[str], np.ndarray]:
    """``n`` municipality codes (each used once before any twice, sorted) and a point inside
    each one's outline."""
    available = np.array(municipality_codes())
    rounds, rest = divmod(n, len(available))
    chosen = [available] * rounds + [rng.choice(available, size=rest, replace=False)]
    codes = np.sort(np.concatenate(chosen))
    coords = np.empty((n, 2))
    for code in np.unique(codes):
        mask = codes == code
        coords[mask] = _points_in_outline(rng, str(code), int(mask.sum()))
    return [str(c) for c in codes], coords


def _date(day: int) -> str:
    return (FIRST_DAY + dt.timedelta(days=int(day))).isoformat()


def _write(path: Path, header: list[str], rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_dataset(
    folder: str | Path,
    towns: int,
    participants: int,
    seed: int = 0,
    participations: int | None = None,
    testimonials: int | None = None,
    programs: int | None = None,
    outcomes: int | None = None,
) -> Sizes:
    """Write the six CSV files of a synthetic dataset into ``folder``; returns the row counts."""
    sizes = default_sizes(towns, participants, participations, testimonials, programs, outcomes)
    rng = np.random.default_rng(seed)
    source = f"synthetic (seed {seed})"
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    import japanmap

    # --- regions: towns placed in real municipalities, each with its code and prefecture
    town_codes, coords = _place_towns(rng, sizes.towns)
    town_pref = [int(code[:2]) for code in town_codes]
    width = max(4, len(str(sizes.towns)))
    town_ids = [f"syn-town-{i:0{width}d}" for i in range(1, sizes.towns + 1)]
    town_en = [f"Synthtown {i:0{width}d}" for i in range(1, sizes.towns + 1)]
    town_ja = [f"合成町{i:0{width}d}" for i in range(1, sizes.towns + 1)]
    _write(
        folder / "regions.csv",
        [
            "region_id",
            "name_en",
            "name_ja",
            "municipality_code",
            "prefecture_code",
            "prefecture_en",
            "prefecture_ja",
            "lat",
            "lon",
            "source",
        ],
        (
            (
                town_ids[i],
                town_en[i],
                town_ja[i],
                town_codes[i],
                int(code),
                PREFECTURES_EN[code - 1],
                japanmap.pref_names[code],
                f"{coords[i, 1]:.4f}",
                f"{coords[i, 0]:.4f}",
                source,
            )
            for i, code in enumerate(town_pref)
        ),
    )

    # --- programs: every town gets one, the rest fall at random; a few have no dates
    program_town = np.concatenate(
        [
            np.arange(min(sizes.towns, sizes.programs)),
            rng.integers(0, sizes.towns, size=max(0, sizes.programs - sizes.towns)),
        ]
    )
    program_town = np.sort(program_town)
    starts = rng.integers(0, DAY_SPAN, size=sizes.programs)
    lengths = rng.integers(4, 41, size=sizes.programs)
    undated = rng.random(sizes.programs) < 0.03
    residency = rng.random(sizes.programs) < 0.2
    pwidth = max(5, len(str(sizes.programs)))
    program_ids = np.array([f"syn-prog-{i:0{pwidth}d}" for i in range(1, sizes.programs + 1)])

    # --- participations: everyone in one program while they last, the rest are returners
    first = rng.integers(0, sizes.programs, size=sizes.participants)
    n_first = min(sizes.participants, sizes.participations)
    person = np.arange(n_first)
    program = first[:n_first]
    pairs = person.astype(np.int64) * sizes.programs + program
    needed = sizes.participations - n_first
    if needed:
        seen = set(pairs.tolist())
        extra: list[int] = []
        while len(extra) < needed:
            draw = rng.integers(0, sizes.participants, size=2 * needed) * sizes.programs
            draw = draw + rng.integers(0, sizes.programs, size=2 * needed)
            for pair in draw.tolist():
                if pair not in seen:
                    seen.add(pair)
                    extra.append(pair)
                    if len(extra) == needed:
                        break
        pairs = np.concatenate([pairs, np.array(extra, dtype=np.int64)])
    pairs = np.sort(pairs)
    pair_person, pair_program = np.divmod(pairs, sizes.programs)
    listed = np.bincount(pair_program, minlength=sizes.programs)

    reported_given = rng.random(sizes.programs) < 0.3
    reported = listed + rng.integers(0, 4, size=sizes.programs)
    _write(
        folder / "programs.csv",
        schema.required_columns("programs"),
        (
            (
                program_ids[i],
                town_ids[program_town[i]],
                f"Synthetic program {i + 1:0{pwidth}d} ({town_en[program_town[i]]})",
                "residency" if residency[i] else "team",
                "" if undated[i] else _date(starts[i]),
                "" if undated[i] else _date(starts[i] + lengths[i] - 1),
                int(reported[i]) if reported_given[i] else "",
                source,
            )
            for i in range(sizes.programs)
        ),
    )

    # --- participants
    codes = list(NATIONALITY_WEIGHTS)
    nat_p = np.array(list(NATIONALITY_WEIGHTS.values()), dtype=float)
    nationality = rng.choice(len(codes), size=sizes.participants, p=nat_p / nat_p.sum())
    unknown = rng.random(sizes.participants) < UNKNOWN_SHARE
    unnamed = rng.random(sizes.participants) < 0.1
    consent = rng.random(sizes.participants) < 0.7
    awidth = max(6, len(str(sizes.participants)))
    person_ids = [f"syn-p-{i:0{awidth}d}" for i in range(1, sizes.participants + 1)]
    _write(
        folder / "participants.csv",
        ["participant_id", "display_name", "nationality", "public_consent", "source"],
        (
            (
                person_ids[i],
                "" if unnamed[i] else f"Synthetic person {i + 1:0{awidth}d}",
                "" if unknown[i] else codes[nationality[i]],
                "true" if consent[i] else "false",
                source,
            )
            for i in range(sizes.participants)
        ),
    )
    _write(
        folder / "participations.csv",
        ["participant_id", "program_id", "role", "source"],
        (
            (
                person_ids[p],
                program_ids[g],
                "resident" if residency[g] else "team member",
                source,
            )
            for p, g in zip(pair_person.tolist(), pair_program.tolist(), strict=True)
        ),
    )

    # --- testimonials: by people who took part, about their program (some name none)
    langs = list(LANGUAGE_WEIGHTS)
    lang_p = np.array(list(LANGUAGE_WEIGHTS.values()), dtype=float)
    if sizes.participations:
        chosen = rng.integers(0, len(pairs), size=sizes.testimonials)
        t_person, t_program = pair_person[chosen], pair_program[chosen]
    else:
        t_person = rng.integers(0, sizes.participants, size=sizes.testimonials)
        t_program = np.full(sizes.testimonials, -1)
    t_lang = rng.choice(len(langs), size=sizes.testimonials, p=lang_p / lang_p.sum())
    no_program = rng.random(sizes.testimonials) < 0.1
    repeats = rng.integers(1, 5, size=sizes.testimonials)
    twidth = max(5, len(str(sizes.testimonials)))

    def text(i: int) -> str:
        lang = langs[t_lang[i]]
        town_index = program_town[t_program[i]] if t_program[i] >= 0 else 0
        town = town_ja[town_index] if lang in ("ja", "zh") else town_en[town_index]
        sentence = SENTENCES[lang].format(n=i + 1, town=town)
        return " ".join([sentence] * int(repeats[i]))

    _write(
        folder / "testimonials.csv",
        ["testimonial_id", "participant_id", "program_id", "text", "language", "source"],
        (
            (
                f"syn-t-{i + 1:0{twidth}d}",
                person_ids[t_person[i]],
                "" if no_program[i] or t_program[i] < 0 else program_ids[t_program[i]],
                text(i),
                langs[t_lang[i]],
                source,
            )
            for i in range(sizes.testimonials)
        ),
    )

    # --- outcomes
    o_program = np.sort(rng.integers(0, sizes.programs, size=sizes.outcomes))
    o_kind = rng.integers(0, len(OUTCOME_KINDS), size=sizes.outcomes)
    o_lang = rng.choice(len(langs), size=sizes.outcomes, p=lang_p / lang_p.sum())
    o_qty = rng.integers(1, 20, size=sizes.outcomes)
    o_qty_given = rng.random(sizes.outcomes) < 0.7
    owidth = max(5, len(str(sizes.outcomes)))
    _write(
        folder / "outcomes.csv",
        ["outcome_id", "program_id", "kind", "language", "quantity", "description", "source"],
        (
            (
                f"syn-o-{i + 1:0{owidth}d}",
                program_ids[o_program[i]],
                OUTCOME_KINDS[o_kind[i]],
                langs[o_lang[i]] if OUTCOME_KINDS[o_kind[i]] in ("leaflet", "video") else "",
                int(o_qty[i]) if o_qty_given[i] else "",
                f"Synthetic {OUTCOME_KINDS[o_kind[i]]} {i + 1} for program {o_program[i] + 1}",
                source,
            )
            for i in range(sizes.outcomes)
        ),
    )
    return sizes
