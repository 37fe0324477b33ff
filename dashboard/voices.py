"""Participants' voices: pull-quote highlights, theme tags, search, and safe HTML for cards.

Pure functions (no Streamlit). Testimonial text is data: every character of it that reaches
HTML goes through ``html.escape`` first, and the only tags in the output are the ones built here.

How a highlight is chosen (``auto_highlight``), in two lines:
    Keep the sentences of 6–32 words (12–90 characters in Japanese); each scores +1 per strong
    word (best, never, welcomed, unforgettable, recommend …) and −1 if it opens by leaning on the
    sentence before (However, Also, It, This, So …). The highest score wins, then the shorter
    sentence, then the earlier; when no sentence has a fitting length, the shortest one.
A highlight staff pinned in the ``highlight`` column wins over the automatic choice, as long as
it is still found in the text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard.charts import style
from dashboard.data import Dataset, isin, read_table, split_ids, table_path
from dashboard.i18n import (
    country_flag,
    country_name,
    format_date_range,
    format_number,
    label,
    t,
    town_names,
)
from dashboard.memo import memo
from dashboard.metrics import Filters

BUNDLED_THEMES = Path(__file__).resolve().parent.parent / "data" / "themes.csv"
THEMES_FILE = "themes.csv"
NO_TOWN = ""  # the town of a testimonial that names no program

# --- sentences and highlights ------------------------------------------------------------------

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
# a sentence runs to its end mark (and any closing quote or bracket after it), or to the end
_SENTENCE = re.compile(r"[^.!?。！？]+(?:[.!?。！？]+[\"'”’)）」』]*|$)")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")

STRONG_WORDS_EN = frozenset(
    """best never unforgettable unique recommend rewarding eye-opening valuable welcomed
    welcoming warm warmly amazing amazed love loved grand excellent fortunate charming happy
    grateful gratitude treasure inspiring humbling fun fulfilling wonderful beautiful friendly
    generosity""".split()
)
STRONG_WORDS_JA = (
    "最高",
    "忘れられない",
    "貴重",
    "感動",
    "素晴らし",
    "すばらし",
    "温か",
    "あたたか",
    "おすすめ",
    "お勧め",
    "楽しかった",
    "大好き",
    "感謝",
    "一生",
    "歓迎",
    "素敵",
)
# first words that lean on the sentence before
OPENERS_EN = frozenset(
    """however moreover also so but and then first second third last lastly finally overall
    here there this that those it they he she""".split()
)
OPENERS_JA = (
    "しかし",
    "また",
    "そして",
    "それ",
    "これ",
    "その",
    "この",
    "でも",
    "だから",
    "さらに",
)
WORDS_RANGE = (6, 32)
CHARS_RANGE = (12, 90)


_LETTER = re.compile(r"[^\W\d_]")


def is_japanese(text: str) -> bool:
    """True when ``text`` is written mostly in Japanese script."""
    letters = len(_LETTER.findall(text))
    return bool(letters) and len(_CJK.findall(text)) * 2 >= letters


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, verbatim, in order; a line break also ends a sentence."""
    out = []
    for line in str(text).splitlines():
        for match in _SENTENCE.finditer(line):
            sentence = match.group(0).strip()
            if sentence:
                out.append(sentence)
    return out


def sentence_score(sentence: str) -> int | None:
    """The pull-quote score of one sentence, or None when it is too short or too long."""
    if is_japanese(sentence):
        if not CHARS_RANGE[0] <= sentence_length(sentence, True) <= CHARS_RANGE[1]:
            return None
        strong = sum(sentence.count(word) for word in STRONG_WORDS_JA)
        leans = sentence.startswith(OPENERS_JA)
    else:
        words = [w.lower().strip("'’-") for w in _WORD.findall(sentence)]
        if not WORDS_RANGE[0] <= len(words) <= WORDS_RANGE[1]:
            return None
        strong = sum(w in STRONG_WORDS_EN for w in words)
        leans = words[0] in OPENERS_EN
    return strong - int(leans)


def sentence_length(sentence: str, japanese: bool | None = None) -> int:
    """Words in a sentence, or characters (without spaces) in a Japanese one."""
    if japanese if japanese is not None else is_japanese(sentence):
        return len(re.sub(r"\s", "", sentence))
    return len(_WORD.findall(sentence))


def auto_highlight(text: str) -> str:
    """The sentence of ``text`` that best stands alone as a pull-quote (see the module doc)."""
    sentences = split_sentences(text)
    if not sentences:
        return str(text).strip()
    ranked = [
        (score, -sentence_length(sentence), -i)
        for i, sentence in enumerate(sentences)
        if (score := sentence_score(sentence)) is not None
    ]
    if not ranked:
        return min(sentences, key=sentence_length)
    return sentences[-max(ranked)[2]]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text))).strip()


def pin_is_valid(text: str, pinned: str | None) -> bool:
    """True when ``pinned`` is a non-empty passage of ``text`` (spacing may differ)."""
    return bool(pinned and _squash(pinned)) and _squash(pinned) in _squash(text)


@dataclass(frozen=True)
class Highlight:
    """The sentence shown large, whether staff pinned it, and a pin that no longer fits."""

    sentence: str
    pinned: bool
    stale_pin: str = ""


def highlight_for(text: str, pinned: object = None) -> Highlight:
    """The pinned sentence when it is still in the text, else the automatic choice."""
    pin = "" if pinned is None or pd.isna(pinned) else str(pinned).strip()
    if pin and pin_is_valid(text, pin):
        return Highlight(pin, True)
    return Highlight(auto_highlight(text), False, pin)


# --- themes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """One theme of the lexicon (``data/themes.csv``)."""

    theme_id: str
    label_en: str
    label_ja: str
    keywords_en: tuple[str, ...]
    keywords_ja: tuple[str, ...]
    note: str = ""

    def label(self, lang: str) -> str:
        return self.label_ja if lang == "ja" else self.label_en


def _keywords(cell: object) -> tuple[str, ...]:
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return ()
    return tuple(k.strip() for k in str(cell).split(";") if k.strip())


def parse_themes(frame: pd.DataFrame) -> tuple[Theme, ...]:
    """The lexicon from a frame with theme_id, label_en, label_ja, keywords_en, keywords_ja."""
    themes = []
    for row in frame.to_dict("records"):
        theme_id = str(row.get("theme_id") or "").strip()
        if not theme_id:
            continue
        themes.append(
            Theme(
                theme_id=theme_id,
                label_en=str(row.get("label_en") or theme_id).strip(),
                label_ja=str(row.get("label_ja") or row.get("label_en") or theme_id).strip(),
                keywords_en=_keywords(row.get("keywords_en")),
                keywords_ja=_keywords(row.get("keywords_ja")),
                note=str(row.get("note") or "").strip(),
            )
        )
    return tuple(themes)


@lru_cache(maxsize=8)
def _read_themes(path: str, stamp: tuple[int, int]) -> tuple[Theme, ...]:
    raw, _ = read_table(Path(path).name, Path(path).read_bytes())
    return () if raw is None else parse_themes(raw)


def themes_path(folder: str | Path | None = None) -> Path:
    """``themes.csv`` of the data folder when it has one, else the bundled lexicon."""
    if folder is not None:
        candidate = Path(folder) / THEMES_FILE
        if candidate.is_file():
            return candidate
    return BUNDLED_THEMES


def load_themes(folder: str | Path | None = None) -> tuple[Theme, ...]:
    """The theme lexicon, read again only when the file changes."""
    path = themes_path(folder)
    stat = path.stat()
    return _read_themes(str(path), (stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=512)
def _keyword_pattern(keyword: str) -> re.Pattern:
    """A keyword as a regex: whole words, ``*`` for any ending, any spacing between words.

    Keywords in Japanese (or any other script without spaces) match anywhere.
    """
    keyword = unicodedata.normalize("NFKC", keyword).strip()
    star = keyword.endswith("*")
    body = keyword.rstrip("*").strip()
    parts = [re.escape(p) for p in body.split()]
    pattern = r"\s+".join(parts)
    if _CJK.search(body):
        return re.compile(pattern + (r"\w*" if star else ""), re.IGNORECASE)
    return re.compile(r"(?<!\w)" + pattern + (r"[\w'’-]*" if star else r"(?![\w])"), re.I)


def _keyword_body(keyword: str) -> tuple[str, bool]:
    """A keyword's regex body (lowercase) and whether it is written in Japanese script."""
    keyword = unicodedata.normalize("NFKC", keyword).strip().lower()
    star = keyword.endswith("*")
    body = keyword.rstrip("*").strip()
    pattern = r"\s+".join(re.escape(p) for p in body.split())
    if _CJK.search(body):
        return pattern + (r"\w*" if star else ""), True
    return pattern + (r"[\w'’-]*" if star else r"(?!\w)"), False


@lru_cache(maxsize=64)
def _theme_pattern(keywords: tuple[str, ...]) -> re.Pattern:
    """One regex for all of a theme's keywords, to run on lowercased text: whole words for
    keywords in Latin script, anywhere for keywords in Japanese."""
    latin = [body for body, cjk in map(_keyword_body, keywords) if not cjk]
    cjk = [body for body, is_cjk in map(_keyword_body, keywords) if is_cjk]
    parts = [r"(?<!\w)(?:" + "|".join(latin) + ")"] if latin else []
    parts += cjk
    return re.compile("|".join(parts) or r"(?!)")


def theme_matches(text: str, themes: Iterable[Theme]) -> dict[str, tuple[str, ...]]:
    """``{theme_id: words found}`` for every theme with at least one keyword in ``text``.

    The words are as written in the text (lowercased, each once, in order of appearance).
    """
    text = unicodedata.normalize("NFKC", str(text)).lower()
    found: dict[str, tuple[str, ...]] = {}
    for theme in themes:
        keywords = theme.keywords_en + theme.keywords_ja
        if not keywords:
            continue
        words = [
            re.sub(r"\s+", " ", match.group(0)) for match in _theme_pattern(keywords).finditer(text)
        ]
        if words:
            found[theme.theme_id] = tuple(dict.fromkeys(words))
    return found


# --- the testimonials as cards -----------------------------------------------------------------


def may_name(person: Mapping[str, object]) -> bool:
    """True when the person agreed to be named (``public_consent``) and has a name."""
    consent = person.get("public_consent")
    name = person.get("display_name")
    agreed = consent is not None and not pd.isna(consent) and bool(consent)
    return agreed and isinstance(name, str) and bool(name.strip())


def author_label(person: Mapping[str, object], lang: str) -> str:
    """The author's name when they agreed to be named, else "a participant from <country>"."""
    if may_name(person):
        return str(person["display_name"]).strip()
    code = person.get("nationality")
    if isinstance(code, str) and code:
        return t("voices.anonymous_from", lang, country=country_name(code, lang))
    return t("voices.anonymous", lang)


def in_scope(full: Dataset, filtered: Dataset, filters: Filters) -> pd.DataFrame:
    """The testimonials the sidebar's filters select.

    Unlike the shared filter, a testimonial about several programs (``related_program_ids``)
    stays when any of them is selected: Urahoro keeps what Trinh Doan and Alejandro said.
    """
    texts = full.testimonials
    texts = texts[texts["participant_id"].isin(set(filtered.participants["participant_id"]))]
    if filters.towns or filters.years:
        chosen = set(filtered.programs["program_id"])
        related = texts.get("related_program_ids", pd.Series(None, index=texts.index))
        keep = [
            bool(chosen & {p for p in [program, *split_ids(rel)] if isinstance(p, str)})
            for program, rel in zip(texts["program_id"], related, strict=True)
        ]
        texts = texts[keep]
    return texts


def voices_table(
    ds: Dataset, texts: pd.DataFrame, themes: tuple[Theme, ...], lang: str
) -> pd.DataFrame:
    """One row per testimonial, ready for a card.

    Columns: testimonial_id, text, language, author (name or anonymous label), named,
    nationality, flag, country, program_ids, region_ids, towns, programs, highlight, pinned,
    stale_pin, themes (``{theme_id: words}``), search_name (the name when it may be searched).
    """
    # look-ups by id for the people and programs these testimonials name, built once
    cited = ds.participants[isin(ds.participants["participant_id"], texts["participant_id"])]
    people = dict(zip(cited["participant_id"], cited.to_dict("records"), strict=True))
    town_of = town_names(ds, lang)
    program_town = dict(zip(ds.programs["program_id"], ds.programs["region_id"], strict=True))
    program_rows = ds.programs.set_index("program_id")[["start_date", "end_date", "kind"]]
    program_rows = program_rows.to_dict("index")
    labels: dict[str, str] = {}

    def program_label(program_id: str) -> str:
        if program_id not in labels:
            labels[program_id] = _program_label(program_rows[program_id], lang)
        return labels[program_id]

    rows = []
    for row in texts.to_dict("records"):
        person = people[row["participant_id"]]
        program_ids = [
            p
            for p in dict.fromkeys(
                [row.get("program_id"), *split_ids(row.get("related_program_ids"))]
            )
            if isinstance(p, str) and p in program_town
        ]
        region_ids = list(dict.fromkeys(program_town[p] for p in program_ids))
        towns = [town_of.get(r, r) for r in region_ids]
        code = person.get("nationality")
        code = code if isinstance(code, str) and code else ""
        named = may_name(person)
        chosen = highlight_for(row["text"], row.get("highlight"))
        rows.append(
            {
                "testimonial_id": row["testimonial_id"],
                "text": row["text"],
                "language": row.get("language") or "",
                "author": author_label(person, lang),
                "named": named,
                "nationality": code,
                "flag": country_flag(code),
                "country": country_name(code, lang),
                "program_ids": program_ids,
                "region_ids": region_ids,
                "towns": towns,
                "programs": [program_label(p) for p in program_ids],
                "highlight": chosen.sentence,
                "pinned": chosen.pinned,
                "stale_pin": chosen.stale_pin,
                "themes": theme_matches(row["text"], themes),
                "search_name": person["display_name"] if named else "",
            }
        )
    columns = [
        "testimonial_id",
        "text",
        "language",
        "author",
        "named",
        "nationality",
        "flag",
        "country",
        "program_ids",
        "region_ids",
        "towns",
        "programs",
        "highlight",
        "pinned",
        "stale_pin",
        "themes",
        "search_name",
    ]
    return pd.DataFrame(rows, columns=columns)


def _program_label(program: Mapping, lang: str) -> str:
    start, end = program["start_date"], program["end_date"]
    dates = format_date_range(start, end, lang)
    kind = label("voices.kind", program["kind"], lang)
    return t("voices.program", lang, kind=kind, dates=dates)


@lru_cache(maxsize=32)
def scoped_table(
    full: Dataset, filtered: Dataset, filters: Filters, themes: tuple[Theme, ...], lang: str
) -> pd.DataFrame:
    """``voices_table`` of the testimonials the filters select (cached; do not modify it)."""
    return voices_table(full, in_scope(full, filtered, filters), themes, lang)


@memo(maxsize=32)
def found_table(
    full: Dataset,
    filtered: Dataset,
    filters: Filters,
    themes: tuple[Theme, ...],
    lang: str,
    query: str | None,
) -> pd.DataFrame:
    """``scoped_table`` searched for ``query`` (see ``search``), remembered per query."""
    return search(scoped_table(full, filtered, filters, themes, lang), query)


@memo(maxsize=32)
def theme_summary(
    full: Dataset,
    filtered: Dataset,
    filters: Filters,
    themes: tuple[Theme, ...],
    lang: str,
    query: str | None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """``(theme_counts, theme_totals)`` of ``found_table``, remembered per query."""
    table = found_table(full, filtered, filters, themes, lang, query)
    return theme_counts(table, themes, full.regions, lang), theme_totals(table, themes)


def with_theme(table: pd.DataFrame, theme_ids: Iterable[str]) -> pd.DataFrame:
    """The rows tagged with every one of ``theme_ids`` (all rows when none is given)."""
    wanted = set(theme_ids)
    if not wanted:
        return table
    return table[[wanted <= set(found) for found in table["themes"]]]


# --- search ------------------------------------------------------------------------------------

_TERM = re.compile(r'"([^"]+)"|(\S+)')


def parse_query(query: str | None) -> tuple[str, ...]:
    """Search terms from a query: words, or "quoted phrases"; full-width letters made plain."""
    text = unicodedata.normalize("NFKC", query or "").replace("“", '"').replace("”", '"')
    terms = [(a or b).strip() for a, b in _TERM.findall(text)]
    return tuple(dict.fromkeys(term for term in terms if term.strip('"*')))


@lru_cache(maxsize=256)
def _term_pattern(term: str) -> re.Pattern:
    """A term matches whole words (``tea`` finds tea, not team); ``*`` allows any ending
    (``welcom*``). Terms in Japanese match anywhere."""
    return _keyword_pattern(term)


def match_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the terms occur in ``text``: sorted, overlapping spans merged."""
    spans = sorted(
        (m.start(), m.end())
        for term in terms
        for m in _term_pattern(term).finditer(str(text))
        if m.end() > m.start()
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def matches(text: str, terms: Iterable[str]) -> bool:
    """True when every term occurs in ``text``."""
    return all(_term_pattern(term).search(str(text)) for term in terms)


def search(table: pd.DataFrame, query: str | None) -> pd.DataFrame:
    """The rows whose text (or public author name) contains every term of ``query``."""
    terms = parse_query(query)
    if not terms:
        return table
    keep = [
        matches(f"{text}\n{name}", terms)
        for text, name in zip(table["text"], table["search_name"], strict=True)
    ]
    return table[keep]


# --- safe HTML ---------------------------------------------------------------------------------


def escape(text: object) -> str:
    """Every character of ``text`` safe inside HTML text or a quoted attribute."""
    return html.escape(str(text), quote=True)


def marked(text: str, terms: Iterable[str] = ()) -> str:
    """``text`` escaped, with each match of the terms wrapped in ``<mark>``."""
    text = str(text)
    out, pos = [], 0
    for start, end in match_spans(text, tuple(terms)):
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def paragraphs_html(text: str, terms: Iterable[str] = ()) -> str:
    """The whole testimonial as escaped paragraphs (blank lines split them), matches marked."""
    terms = tuple(terms)
    parts = [p.strip() for p in re.split(r"\n\s*\n", str(text)) if p.strip()]
    return "".join(
        f'<p class="voices-para">{marked(p, terms).replace(chr(10), "<br>")}</p>' for p in parts
    )


CARD_CSS = """
<style>
.voices-quote{font-size:1.45rem;line-height:1.45;font-weight:600;margin:.2rem 0 .6rem 0;}
.voices-quote::before{content:"\\201C";} .voices-quote::after{content:"\\201D";}
.voices-meta{font-size:.95rem;opacity:.8;margin:0;}
.voices-themes{margin:.4rem 0 0 0;}
.voices-chip{display:inline-block;border:1px solid rgba(128,128,128,.45);border-radius:1rem;
  padding:.05rem .6rem;margin:.15rem .3rem .15rem 0;font-size:.85rem;}
.voices-chip small{opacity:.7;}
.voices-para{margin:0 0 .7rem 0;line-height:1.55;}
.voices-pin{font-size:.85rem;opacity:.75;}
.voices-wall{min-height:55vh;display:flex;flex-direction:column;justify-content:center;
  padding:2rem 3rem;}
.voices-wall-quote{font-size:clamp(2rem,3.6vw,3.6rem);line-height:1.3;font-weight:600;}
.voices-wall-quote::before{content:"\\201C";} .voices-wall-quote::after{content:"\\201D";}
.voices-wall-who{font-size:clamp(1.2rem,1.8vw,1.8rem);margin-top:1.5rem;opacity:.85;}
mark{background:#ffe08a;color:inherit;padding:0 .1em;border-radius:.15em;}
</style>
"""


def meta_line(row: Mapping[str, object], lang: str) -> str:
    """Author · flag country · town(s) · program(s), as escaped HTML."""
    towns = " / ".join(row["towns"]) or t("voices.no_town", lang)
    programs = " / ".join(row["programs"]) or t("voices.no_program", lang)
    parts = [
        f"<strong>{escape(row['author'])}</strong>",
        f"{escape(row['flag'])} {escape(row['country'])}",
        escape(towns),
        escape(programs),
    ]
    return " · ".join(parts)


def themes_html(found: Mapping[str, tuple[str, ...]], themes: tuple[Theme, ...], lang: str) -> str:
    """Theme chips with the words that put each theme there (escaped)."""
    chips = [
        f'<span class="voices-chip">{escape(theme.label(lang))} '
        f"<small>({escape(', '.join(found[theme.theme_id]))})</small></span>"
        for theme in themes
        if theme.theme_id in found
    ]
    return f'<div class="voices-themes">{"".join(chips)}</div>' if chips else ""


def card_html(
    row: Mapping[str, object], themes: tuple[Theme, ...], lang: str, terms: Iterable[str] = ()
) -> str:
    """The top of a card: the highlight large, who and where, the themes; all data escaped."""
    terms = tuple(terms)
    pin = f' <span class="voices-pin">· {escape(t("voices.pinned", lang))}</span>'
    return (
        f'<div class="voices-card" data-testimonial="{escape(row["testimonial_id"])}">'
        f'<p class="voices-quote" lang="{escape(row["language"])}">'
        f"{marked(row['highlight'], terms)}</p>"
        f'<p class="voices-meta">{meta_line(row, lang)}{pin if row["pinned"] else ""}</p>'
        f"{themes_html(row['themes'], themes, lang)}</div>"
    )


def wall_html(row: Mapping[str, object], lang: str) -> str:
    """One quote for a projector: large, with who, the country and the town (escaped)."""
    towns = " / ".join(row["towns"]) or t("voices.no_town", lang)
    return (
        f'<div class="voices-wall" data-testimonial="{escape(row["testimonial_id"])}">'
        f'<div class="voices-wall-quote" lang="{escape(row["language"])}">'
        f"{escape(row['highlight'])}</div>"
        f'<div class="voices-wall-who">— {escape(row["author"])} · {escape(row["flag"])} '
        f"{escape(row['country'])} · {escape(towns)}</div></div>"
    )


def citation(row: Mapping[str, object], lang: str) -> str:
    """The quote with its attribution, as plain text to copy into a report or a slide."""
    towns = " / ".join(row["towns"])
    where = f", {towns}" if towns else ""
    return f"“{row['highlight']}” — {row['author']} ({row['country']}{where})"


# --- themes per town ---------------------------------------------------------------------------


def theme_counts(
    table: pd.DataFrame, themes: tuple[Theme, ...], regions: pd.DataFrame, lang: str
) -> pd.DataFrame:
    """How many testimonials touch each theme, per town they are about.

    Columns: theme_id, theme, region_id (``NO_TOWN`` when the text names no program), town,
    count. A testimonial about two towns counts once for each. Every theme is listed (count 0
    when no testimonial touches it); only towns with testimonials appear.
    """
    names = dict(
        zip(regions["region_id"], regions["name_ja" if lang == "ja" else "name_en"], strict=True)
    )
    counts: dict[tuple[str, str], int] = {}
    for found, region_ids in zip(table["themes"], table["region_ids"], strict=True):
        for region_id in region_ids or [NO_TOWN]:
            for theme_id in found:
                counts[(theme_id, region_id)] = counts.get((theme_id, region_id), 0) + 1
    towns = sorted(
        {r for ids in table["region_ids"] for r in (ids or [NO_TOWN])},
        key=lambda r: (r == NO_TOWN, names.get(r, r)),
    )
    rows = []
    for theme in themes:
        for region_id in towns:
            rows.append(
                {
                    "theme_id": theme.theme_id,
                    "theme": theme.label(lang),
                    "region_id": region_id,
                    "town": names.get(region_id, region_id)
                    if region_id
                    else t("voices.no_town", lang),
                    "count": counts.get((theme.theme_id, region_id), 0),
                }
            )
    return pd.DataFrame(rows, columns=["theme_id", "theme", "region_id", "town", "count"])


def theme_totals(table: pd.DataFrame, themes: tuple[Theme, ...]) -> dict[str, int]:
    """``{theme_id: testimonials tagged with it}`` in lexicon order (each testimonial once)."""
    return {
        theme.theme_id: sum(theme.theme_id in found for found in table["themes"])
        for theme in themes
    }


def chart_title(totals: Mapping[str, int], themes: tuple[Theme, ...], found: int, lang: str) -> str:
    """The theme chart's title: the theme that comes up most, a tie, or none at all."""
    top = max(totals.values(), default=0)
    if top == 0:
        return t("voices.chart.title_none", lang)
    if found == 1:
        return t("voices.chart.title_single", lang)
    leaders = [theme for theme in themes if totals.get(theme.theme_id) == top]
    numbers = {"n": format_number(top, lang), "total": format_number(found, lang)}
    if len(leaders) > 1:
        return t("voices.chart.title_tie", lang, k=format_number(len(leaders), lang), **numbers)
    return t("voices.chart.title", lang, theme=leaders[0].label(lang), **numbers)


def theme_chart(
    counts: pd.DataFrame, *, colours: dict[str, str], title: str, labels: dict[str, str]
) -> go.Figure:
    """Stacked horizontal bars: testimonials per theme, one colour per town (the house colours).

    ``labels`` maps ``count``, ``theme`` and ``town`` to axis and legend text.
    """
    colours = {**colours, NO_TOWN: "#9E9E9E"}
    # longest bar on top; ties keep the lexicon's order
    totals = counts.groupby("theme", sort=False)["count"].sum()
    order = totals.sort_values(ascending=False, kind="stable").index.tolist()
    fig = px.bar(
        counts,
        x="count",
        y="theme",
        color="region_id",
        orientation="h",
        color_discrete_map=colours,
        category_orders={"theme": order},
        labels={"count": labels["count"], "theme": labels["theme"], "region_id": labels["town"]},
        custom_data=["town", "theme_id"],
        hover_data={"town": True, "region_id": False},
    )
    names = dict(zip(counts["region_id"], counts["town"], strict=False))
    # px hides the legend entry of the empty id (testimonials that name no town): show it
    fig.for_each_trace(lambda tr: tr.update(name=names.get(tr.name, tr.name), showlegend=True))
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.15})
    fig.update_xaxes(dtick=1, tickformat="d", rangemode="tozero")
    return style(fig, title)


# --- pinning a highlight -----------------------------------------------------------------------


def pin_highlight(frame: pd.DataFrame, testimonial_id: str, sentence: str) -> pd.DataFrame:
    """A copy of the testimonials table with ``sentence`` pinned (empty: back to automatic).

    Raises ``KeyError`` for an unknown id and ``ValueError`` when the sentence is not in the
    text (a highlight is always the participant's own words).
    """
    out = frame.copy()
    if "highlight" not in out.columns:
        out["highlight"] = ""
    where = out["testimonial_id"] == testimonial_id
    if not where.any():
        raise KeyError(testimonial_id)
    sentence = (sentence or "").strip()
    if sentence and not pin_is_valid(str(out.loc[where, "text"].iloc[0]), sentence):
        raise ValueError("the highlight is not a passage of the testimonial")
    out["highlight"] = out["highlight"].astype("object")
    out.loc[where, "highlight"] = sentence
    return out


def current_testimonials(folder: str | Path) -> pd.DataFrame:
    """The testimonials file of ``folder`` as it is on disk now, as text (every column kept)."""
    path = table_path(Path(folder), "testimonials")
    if path is None:
        raise FileNotFoundError(Path(folder) / "testimonials.csv")
    raw, problems = read_table(path.name, path.read_bytes())
    if raw is None:
        raise ValueError(problems[0].message() if problems else "unreadable testimonials file")
    return raw.reset_index(drop=True)


def save_pin(folder: str | Path, testimonial_id: str, sentence: str, *, actor: str = ""):
    """Pin ``sentence`` as the highlight of one testimonial, through the data store.

    Reads the file as it is now (so other edits are kept), changes one cell and saves it with
    ``dashboard.store.save_table`` (validated, locked, versioned, atomic). Returns its
    ``SaveResult``; the caller clears the data cache after a successful save.
    """
    from dashboard import store

    frame = pin_highlight(current_testimonials(folder), testimonial_id, sentence)
    return store.save_table(folder, "testimonials", frame, actor=actor)
