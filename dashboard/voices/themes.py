"""The theme lexicon (``data/themes.csv``, or the data folder's own) and the themes a text
touches: ``theme_matches(text, themes) -> {theme_id: words found}``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dashboard.reading import read_table
from dashboard.voices.highlights import CJK

BUNDLED_THEMES = Path(__file__).resolve().parents[2] / "data" / "themes.csv"
THEMES_FILE = "themes.csv"


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
def keyword_pattern(keyword: str) -> re.Pattern:
    """A keyword as a regex: whole words, ``*`` for any ending, any spacing between words.

    Keywords in Japanese (or any other script without spaces) match anywhere.
    """
    keyword = unicodedata.normalize("NFKC", keyword).strip()
    star = keyword.endswith("*")
    body = keyword.rstrip("*").strip()
    parts = [re.escape(p) for p in body.split()]
    pattern = r"\s+".join(parts)
    if CJK.search(body):
        return re.compile(pattern + (r"\w*" if star else ""), re.IGNORECASE)
    return re.compile(r"(?<!\w)" + pattern + (r"[\w'’-]*" if star else r"(?![\w])"), re.I)


def _keyword_body(keyword: str) -> tuple[str, bool]:
    """A keyword's regex body (lowercase) and whether it is written in Japanese script."""
    keyword = unicodedata.normalize("NFKC", keyword).strip().lower()
    star = keyword.endswith("*")
    body = keyword.rstrip("*").strip()
    pattern = r"\s+".join(re.escape(p) for p in body.split())
    if CJK.search(body):
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
