"""Translation: ``t(key, lang)``, localised country, town and date names.

Catalogs are TOML files in ``dashboard/locales/``, one per area of the app, each with an
``[en]`` and a ``[ja]`` table of quoted flat keys. They are read on first use, not on import.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Callable, Mapping
from functools import cache, partial
from pathlib import Path

import pandas as pd
import pycountry
from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_interval
from babel.lists import format_list
from babel.numbers import format_decimal

from dashboard.memo import memo

LANGS = ("en", "ja")
DEFAULT_LANG = "en"
LOCALES_DIR = Path(__file__).parent / "locales"


@cache
def catalogs() -> dict[str, dict[str, str]]:
    """All catalogs merged: ``{lang: {key: text}}``. A key defined twice is an error."""
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for path in sorted(LOCALES_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for lang in LANGS:
            for key, text in data.get(lang, {}).items():
                if key in merged[lang]:
                    raise ValueError(f"{path.name}: key {key!r} is defined twice for {lang}")
                merged[lang][key] = text
    return merged


def normalise_lang(lang: str | None) -> str:
    """``lang`` if it is one we have, else the default."""
    return lang if lang in LANGS else DEFAULT_LANG


def other_lang(lang: str) -> str:
    """The other of the two languages: a town's name is shown in both."""
    return "en" if normalise_lang(lang) == "ja" else "ja"


def join_list(items, lang: str = DEFAULT_LANG) -> str:
    """Items as one list in ``lang`` (CLDR via Babel): "A, B, and C"; 「A、B、C」."""
    return format_list([str(item) for item in items], locale=normalise_lang(lang))


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``params``.

    A key missing from ``lang`` falls back to English, then to the key itself; with
    ``DASHBOARD_STRICT_I18N=1`` (the test suite sets it) a missing key raises KeyError.
    """
    lang = normalise_lang(lang)
    table = catalogs()
    text = table[lang].get(key) or table[DEFAULT_LANG].get(key)
    if text is None:
        if os.environ.get("DASHBOARD_STRICT_I18N") == "1":
            raise KeyError(f"no text for {key!r} in the catalogs")
        text = key
    return text.format(**params) if params else text


def option_labels(prefix: str, lang: str) -> Callable[[object], str]:
    """A widget's ``format_func``: option ``v`` named by the catalog's ``{prefix}.{v}`` in
    ``lang``. A partial of a module function, not a lambda in the page: Streamlit keeps a
    widget's ``format_func`` in the session, and a lambda would keep the globals of the page
    script that drew it (the viewer's whole data among them)."""
    return partial(_option_label, prefix, lang)


def _option_label(prefix: str, lang: str, value: object) -> str:
    return t(f"{prefix}.{value}", lang)


def translated(keys: Mapping[str, str], lang: str = DEFAULT_LANG) -> dict[str, str]:
    """``{name: t(key, lang)}`` for a mapping of names (table columns, chart labels) to keys."""
    return {name: t(key, lang) for name, key in keys.items()}


def label(group: str, value: object, lang: str = DEFAULT_LANG) -> str:
    """The catalog's text for ``{group}.{value}`` in ``lang`` ("town.kind", "leaflet"); a value
    the catalog has no entry for (an outcome kind a town office named itself) as it is."""
    key = f"{group}.{value}"
    return t(key, lang) if key in catalogs()[DEFAULT_LANG] else str(value)


def translator(lang: str):
    """``t`` bound to one language, for a page: ``tr = translator("ja"); tr("nav.overview")``."""

    def bound(key: str, **params: object) -> str:
        return t(key, lang, **params)

    return bound


UNKNOWN_COUNTRY = ""


@cache
def country_name(code: str | None, lang: str = DEFAULT_LANG) -> str:
    """The country's name for an ISO 3166-1 alpha-2 ``code`` in ``lang`` (babel's CLDR data).

    An empty code is "unknown" in ``lang``; a code babel does not know is returned as is.
    """
    if not code:
        return t("common.unknown_nationality", lang)
    return Locale.parse(normalise_lang(lang)).territories.get(code.upper(), code)


def country_flag(code: str | None) -> str:
    """The flag emoji for ``code`` (pycountry), or a white flag when unknown."""
    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    return getattr(country, "flag", None) or "🏳️"


def language_name(code: str | None, lang: str = DEFAULT_LANG) -> str:
    """The name of language ``code`` (ISO 639-1) in ``lang``; empty code gives an empty string."""
    if not code:
        return ""
    return Locale.parse(normalise_lang(lang)).languages.get(code, code)


def town_name(region: dict | object, lang: str = DEFAULT_LANG) -> str:
    """A town's name in ``lang`` from a regions row (``name_ja`` in Japanese, else ``name_en``)."""
    get = region.get if isinstance(region, dict) else region.__getitem__
    return get("name_ja") if normalise_lang(lang) == "ja" else get("name_en")


@memo(maxsize=16)
def town_names(ds, lang: str = DEFAULT_LANG) -> dict[str, str]:
    """``{region_id: name in lang}`` for every town of a ``Dataset``, in its order."""
    name_column = "name_ja" if normalise_lang(lang) == "ja" else "name_en"
    return dict(zip(ds.regions["region_id"], ds.regions[name_column], strict=True))


def _day(value: dt.date | None) -> dt.date | None:
    """The day of a date, datetime or pandas Timestamp; None for None and NaT."""
    if value is None or pd.isna(value):
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def format_date(value: dt.date | None, lang: str = DEFAULT_LANG) -> str:
    """A date (or a datetime's day) in the locale's format (``Sep 6, 2017`` /
    ``2017年9月6日``); None or NaT is "unknown"."""
    value = _day(value)
    if value is None:
        return t("common.unknown_date", lang)
    lang = normalise_lang(lang)
    return _babel_format_date(value, "long" if lang == "ja" else "medium", locale=lang)


def format_date_range(start: dt.date | None, end: dt.date | None, lang: str = DEFAULT_LANG) -> str:
    """A date range in the locale's format (``Sep 6 – 9, 2017`` / ``2017年9月6日～9日``), from
    dates, datetimes or pandas Timestamps; an unknown end gives the start alone."""
    start, end = _day(start), _day(end)
    if start is None or end is None:
        if start is None:
            return t("common.unknown_date", lang)
        return format_date(start, lang)
    return format_interval(start, end, "yMMMd", locale=normalise_lang(lang))


def format_number(value: float | int | str | None, lang: str = DEFAULT_LANG) -> str:
    """A number with the locale's grouping; None is "unknown"; a masked count ("<3", "–") as
    it is."""
    if isinstance(value, str):
        return value
    if value is None or value != value:
        return t("common.unknown", lang)
    return format_decimal(value, locale=normalise_lang(lang))
