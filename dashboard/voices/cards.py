"""Testimonials as safe HTML: cards, the quote wall, the full text with matches marked.

Testimonial text is data: every character of it that reaches HTML goes through
``html.escape`` first, and the only tags in the output are the ones built here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

from dashboard.i18n import t
from dashboard.voices.search import match_spans
from dashboard.voices.themes import Theme


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
