"""Every page runs from the entry script in both languages, with no error and no raw key."""

from __future__ import annotations

import re

import pytest

from dashboard.i18n import catalogs, t
from dashboard.pages import page

from .conftest import app_test
from .pages_list import registered_pages

RAW_KEY = re.compile(r"""['"]([a-z_]+(?:\.[a-z0-9_]+)+)['"]""")
NOT_KEYS = (".csv", ".xlsx", ".py", ".png", ".html", ".zip", ".toml", ".yaml", ".json", ".js")


def visible_text(at) -> str:
    return repr(at.main) + repr(at.sidebar)


def raw_keys(text: str) -> set[str]:
    known = set(catalogs()["en"])
    found = {m for m in RAW_KEY.findall(text) if not m.endswith(NOT_KEYS)}
    return {k for k in found if k in known or k.split(".")[0] in {k2.split(".")[0] for k2 in known}}


def open_page(name: str, lang: str, role: str | None = "staff"):
    at = app_test({"lang": lang}, role=role).run()
    assert not at.exception, [e.value for e in at.exception]
    if name != registered_pages()[0]:
        at.switch_page(page(name).path).run()
    return at


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("name", registered_pages())
def test_every_page_runs_in_both_languages(name, lang):
    at = open_page(name, lang)
    assert not at.exception, [e.value for e in at.exception]
    text = visible_text(at)
    assert "Traceback" not in text
    assert raw_keys(text) == set()
    if lang == "ja":  # the page's own texts (a page of tables and Markdown has no metric)
        shown = repr(at.main) + "".join(str(e.value) for e in (*at.title, *at.markdown))
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", shown)


def test_overview_shows_the_headline_numbers():
    at = app_test().run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Programs": "6",
        "Partner towns": "5",
        "Participants listed": "27",
        "Nationalities": "15",
        "Person-days": "152",
        "Outcomes made": "6",
    }


def test_overview_in_japanese_from_the_link():
    at = app_test({"lang": "ja"}).run()
    assert at.title[0].value == "Sosei Partners: 留学生と日本の地方"
    assert {m.label: m.value for m in at.metric}["滞在人日"] == "152"


def test_choosing_a_town_changes_the_numbers_and_the_link():
    at = app_test().run()
    at.multiselect(key="town").set_value(["tono"]).run()
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Participants listed"], metrics["Nationalities"]) == ("11", "9")
    assert at.query_params["town"] == ["tono"] or at.query_params["town"] == "tono"


def test_a_shared_link_reopens_the_view():
    # staff: the public sees this count of 2 as "<3" (tests/test_access_pages.py)
    at = app_test(
        {"town": ["tono", "urahoro"], "nat": ["unknown"], "years": "2017-2017"}, role="staff"
    ).run()
    assert at.multiselect(key="town").value == ["tono", "urahoro"]
    assert at.multiselect(key="nat").value == [""]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Participants listed"] == "2"  # Tono's two people of unknown nationality


def test_a_tampered_link_is_ignored_not_an_error():
    at = app_test({"town": ["atlantis"], "nat": ["ZZ"], "years": "abc", "lang": "xx"}).run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Programs"] == "6"


def test_broken_data_shows_the_problems_not_a_traceback(data_copy, monkeypatch):
    (data_copy / "programs.csv").write_text(
        (data_copy / "programs.csv").read_text().replace("2017-09-06", "2017-09-31"),
        encoding="utf-8",
    )
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_copy))
    at = app_test(role="staff").run()  # the problem list is for staff only
    assert not at.exception
    assert "could not be loaded" in at.error[0].value
    table = at.dataframe[0].value
    assert list(table["Row"]) == ["4"] and list(table["Column"]) == ["start_date"]
    assert list(table["Severity"]) == ["error"]
    # staff land on the Data page, the one page open, to upload corrected files
    assert at.title[0].value == t("data.title", "en")
    assert at.info[0].value == t("shell.data_fix", "en")
    assert at.get("file_uploader")


def test_with_broken_data_a_visitor_gets_the_message_and_no_page(data_copy, monkeypatch):
    (data_copy / "regions.csv").write_text("region_id\n<script>\n", encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_copy))
    at = app_test({"lang": "ja"}).run()
    assert not at.exception
    assert t("shell.data_unavailable", "ja") == at.error[0].value
    assert str(data_copy) not in at.error[0].value  # the server's path is for staff only
    assert not at.dataframe and not at.title  # no problem list, no page


def test_data_broken_while_running_keeps_the_last_good_data(data_copy, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_copy))
    at = app_test().run()
    assert {m.label: m.value for m in at.metric}["Programs"] == "6"
    programs = data_copy / "programs.csv"
    programs.write_text(programs.read_text().replace("team,", "camp,", 1), encoding="utf-8")
    at.run()
    assert not at.exception
    assert "last good data" in at.warning[0].value
    assert {m.label: m.value for m in at.metric}["Programs"] == "6"
