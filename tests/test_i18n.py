"""Both catalogs complete; every key the code uses exists; names and dates localised."""

from __future__ import annotations

import ast
import datetime as dt
import re

import pandas as pd
import pytest

from dashboard import data, i18n
from dashboard.i18n import catalogs, country_name, format_date, format_date_range, t
from dashboard.pages import PAGES

from .conftest import ROOT

CODE = [
    *sorted((ROOT / "dashboard").rglob("*.py")),
    *sorted((ROOT / "app_pages").glob("*.py")),
    *sorted(ROOT.glob("*.py")),
]
KEY_CALL = re.compile(r"""\b(?:t|tr|_t|ctx\.t)\(\s*["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")


def test_english_and_japanese_have_the_same_keys():
    cat = catalogs()
    assert sorted(set(cat["en"]) ^ set(cat["ja"])) == []


def test_no_japanese_text_is_left_in_english():
    cat = catalogs()
    untranslated = [
        key
        for key, text in cat["ja"].items()
        if text == cat["en"][key] and len(re.findall(r"[A-Za-z]{3,}", text)) >= 3
    ]
    assert untranslated == []


def test_placeholders_match_between_languages():
    cat = catalogs()
    fields = re.compile(r"{(\w+)}")
    mismatched = [
        key
        for key in cat["en"]
        if sorted(set(fields.findall(cat["en"][key])))
        != sorted(set(fields.findall(cat["ja"][key])))
    ]
    assert mismatched == []


def test_every_key_used_in_the_code_exists():
    cat = catalogs()
    used = {(path.name, key) for path in CODE for key in KEY_CALL.findall(path.read_text())}
    assert used, "the scan found no keys: the pattern is wrong"
    missing = sorted((name, key) for name, key in used if key not in cat["en"])
    assert missing == []


def test_every_page_has_a_title_in_both_languages():
    assert "overview" in {page.name for page in PAGES}
    for page in PAGES:
        assert (ROOT / page.path).is_file(), page.path
        assert page.title_key in catalogs()["en"] and page.title_key in catalogs()["ja"], page


def _problem_codes(path) -> set[str]:
    """The codes written as text in ``Problem(file, row, column, code, ...)`` calls of ``path``."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Problem":
            args = [*node.args[3:4], *(k.value for k in node.keywords if k.arg == "code")]
            found |= {a.value for a in args if isinstance(a, ast.Constant)}
    return found


def test_every_problem_code_has_messages_in_both_languages():
    codes = set().union(*(_problem_codes(p) for p in (ROOT / "dashboard").rglob("*.py")))
    assert {"empty_file", "missing_column", "duplicate_pair"} <= codes  # the scan finds them
    codes |= set(data._PANDERA_CODES.values()) | set(data._RANGE_CODES.values())
    codes |= {"unknown_country_suggest", "unknown_language", "unknown_country"}
    cat = catalogs()
    for code in codes:  # a code with no message at all fails here too
        for lang in ("en", "ja"):
            assert cat[lang].get(f"problem.{code}") and cat[lang].get(f"fix.{code}"), (lang, code)
    assert {"empty_file", "binary_file", "encoding", "duplicate_id", "outside_japan"} <= {
        key.split(".", 1)[1] for key in cat["en"] if key.startswith("problem.")
    }


def test_unknown_key_falls_back_to_the_key_not_a_crash(monkeypatch):
    monkeypatch.delenv("DASHBOARD_STRICT_I18N")  # as in a served app
    assert t("no.such.key", "ja") == "no.such.key"


def test_in_tests_an_unknown_key_raises():
    with pytest.raises(KeyError, match="no.such.key"):
        t("no.such.key", "ja")


def test_the_other_language_and_lists_in_each_language():
    assert i18n.other_lang("ja") == "en" and i18n.other_lang("en") == "ja"
    assert i18n.join_list(["Thailand", "Spain", "Brazil"], "en") == "Thailand, Spain, and Brazil"
    assert i18n.join_list(["タイ", "スペイン"], "ja") == "タイ、スペイン"
    assert i18n.join_list([], "en") == ""


def test_unknown_language_falls_back_to_english():
    assert t("nav.overview", "fr") == t("nav.overview", "en")


@pytest.mark.parametrize(
    ("code", "lang", "name"),
    [
        ("TW", "en", "Taiwan"),
        ("TW", "ja", "台湾"),
        ("GB", "ja", "イギリス"),
        ("TH", "ja", "タイ"),
        ("US", "en", "United States"),
        ("", "en", "Unknown nationality"),
        ("", "ja", "国籍不明"),
    ],
)
def test_country_names_come_from_cldr(code, lang, name):
    assert country_name(code, lang) == name


def test_dates_in_each_locale():
    day = dt.date(2017, 9, 6)
    assert format_date(day, "en") == "Sep 6, 2017"
    assert format_date(day, "ja") == "2017年9月6日"
    assert format_date(None, "ja") == "日付不明"
    assert format_date_range(day, dt.date(2017, 9, 9), "ja") == "2017年9月6日～9日"
    assert format_date_range(None, None, "en") == "date unknown"


def test_timestamps_from_the_tables_format_as_their_days():
    start, end = pd.Timestamp("2017-09-06"), pd.Timestamp("2017-09-09")
    assert format_date_range(start, end, "ja") == "2017年9月6日～9日"
    assert format_date_range(start, pd.NaT, "en") == format_date(start, "en") == "Sep 6, 2017"
    assert format_date_range(pd.NaT, end, "en") == format_date(pd.NaT, "en") == "date unknown"


def test_town_names_follow_the_language(dataset):
    tono = dataset.regions.set_index("region_id").loc["tono"].to_dict()
    assert (i18n.town_name(tono, "en"), i18n.town_name(tono, "ja")) == ("Tono", "遠野市")


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (12345, "en", "12,345"),
        (12345, "ja", "12,345"),
        (None, "en", "unknown"),
        (None, "ja", t("common.unknown", "ja")),
        ("<3", "ja", "<3"),  # a masked count stays as it is
        ("–", "en", "–"),
    ],
)
def test_numbers_are_grouped_and_masked_counts_kept(value, lang, expected):
    assert i18n.format_number(value, lang) == expected
