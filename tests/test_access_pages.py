"""Every page, as staff, as Tono city hall and as the public: what must and must not appear.

Runs the whole app in AppTest (entry script, sidebar, navigation). The role comes from
``app_test(role=..., town=...)``; sign-in itself is exercised with a real users file at the end.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import auth
from dashboard.pages import page
from dashboard.ui import auth_ui

from .conftest import ROOT, app_test, figure_data
from .pages_list import registered_pages

ROLES = {
    "staff": ("staff", None),
    "tono": ("municipality", "tono"),
    "public": ("public", None),
}
# people who did not consent to be shown: their ids, and the one of them the site names
HIDDEN_IDS = ("tono-th", "tono-unknown-1", "urahoro-us", "ishinomaki-es", "joy")
HIDDEN_NAME = "Joy"
OTHER_TOWNS_HIDDEN_IDS = ("urahoro-us", "ishinomaki-es", "ishinomaki-mn", "joy")


def page_text(at: AppTest) -> str:
    """Everything the page and the sidebar show: values, labels, tables, chart data."""
    out: list[str] = []

    def walk(node) -> None:
        for attr in ("value", "label", "body", "help", "placeholder", "options"):
            try:
                value = getattr(node, attr)
            except Exception:
                continue
            if isinstance(value, pd.DataFrame):
                out.append(value.to_csv())
            elif value is not None and not callable(value):
                out.append(str(value))
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            out.append(str(proto))
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at.main)
    walk(at.sidebar)
    return "\n".join(out)


def mentions(text: str, word: str) -> bool:
    """Whether ``word`` appears as a word or an id of its own (not inside "enjoyed")."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


def open_page(name: str, who: str, query: dict | None = None) -> AppTest:
    role, town = ROLES[who]
    at = app_test(query, role=role, town=town).run()
    assert not at.exception, [e.value for e in at.exception]
    if name != registered_pages()[0]:
        at.switch_page(page(name).path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics_of(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


OPEN_PAGES = [p for p in registered_pages() if p != "data.py"]


@pytest.mark.parametrize("name", OPEN_PAGES)
def test_the_public_sees_no_one_who_did_not_consent(name):
    text = page_text(open_page(name, "public"))
    assert not mentions(text, HIDDEN_NAME)
    for pid in HIDDEN_IDS:
        assert not mentions(text, pid), pid


@pytest.mark.parametrize("name", OPEN_PAGES)
def test_tono_sees_no_other_towns_hidden_people(name):
    text = page_text(open_page(name, "tono", {"town": "urahoro"}))
    assert not mentions(text, HIDDEN_NAME)
    for pid in OTHER_TOWNS_HIDDEN_IDS:
        assert not mentions(text, pid), pid


def test_staff_see_the_names_the_others_do_not():
    text = "".join(page_text(open_page(name, "staff")) for name in OPEN_PAGES)
    assert mentions(text, HIDDEN_NAME)


@pytest.mark.parametrize("who", ["tono", "public"])
def test_the_data_page_cannot_be_reached_without_the_staff_role(who):
    role, town = ROLES[who]
    at = app_test(role=role, town=town).run()
    with pytest.raises(ValueError):
        at.switch_page("app_pages/data.py")


def test_staff_reach_the_data_page():
    at = open_page("data.py", "staff")
    assert "not_allowed" not in page_text(at)


# --- the overview's numbers for each role ---------------------------------------------------


@pytest.mark.parametrize("who", list(ROLES))
def test_network_totals_are_shown_to_everyone(who):
    metrics = metrics_of(open_page("overview.py", who))
    assert metrics["Participants listed"] == "27" and metrics["Nationalities"] == "15"
    assert metrics["Person-days"] == "152"


def bars(at: AppTest) -> dict[str, int]:
    """Town -> people listed, from the bar traces (one per town) of the overview's chart."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    out = {}
    for i, trace in enumerate(spec["data"]):
        if trace["type"] == "bar":
            ys, xs = figure_data(spec, i, "y"), figure_data(spec, i, "x")
            out.update(zip(ys, xs, strict=True))
    return out


def notes(at) -> list[str]:
    """The paragraphs of every caption (the overview's notes are one caption)."""
    return [line for c in at.caption for line in c.value.split("\n\n")]


def test_the_public_chart_leaves_out_yame_and_says_so():
    at = open_page("overview.py", "public")
    assert bars(at) == {"Urahoro": 3, "Shimokawa": 4, "Ishinomaki": 8, "Tono": 11}
    assert any("fewer than 3" in c.value and "Yame" in c.value for c in at.caption)
    assert any(line.startswith("<3 people took part in more than one") for line in notes(at))


def test_staff_chart_draws_every_town_with_its_count():
    at = open_page("overview.py", "staff")
    assert bars(at) == {"Yame": 1, "Urahoro": 3, "Shimokawa": 4, "Ishinomaki": 8, "Tono": 11}
    assert any(line.startswith("2 people took part in more than one") for line in notes(at))


@pytest.mark.parametrize(
    ("who", "town", "shown"),
    [
        ("staff", "yame", "1"),
        ("public", "yame", "<3"),
        ("tono", "yame", "<3"),  # another town: as the public sees it
        ("tono", "tono", "11"),
        ("public", "tono", "11"),
    ],
)
def test_a_town_in_the_link_shows_only_what_the_role_may_see(who, town, shown):
    metrics = metrics_of(open_page("overview.py", who, {"town": town}))
    assert metrics["Participants listed"] == shown


def test_a_nationality_of_one_person_in_the_link_is_masked_for_the_public():
    # Hester, the one person from the UK: 11 days in Shimokawa
    metrics = metrics_of(open_page("overview.py", "public", {"nat": "GB"}))
    assert metrics["Participants listed"] == "<3" and metrics["Nationalities"] == "<3"
    assert metrics["Person-days"] == "–"
    staff = metrics_of(open_page("overview.py", "staff", {"nat": "GB"}))
    assert (staff["Participants listed"], staff["Person-days"]) == ("1", "11")


# --- sign-in --------------------------------------------------------------------------------


def test_a_fresh_clone_runs_in_public_mode_and_says_how_to_sign_in(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_AUTH_FILE", str(tmp_path / "no-such-file.yaml"))
    at = app_test().run()
    assert not at.exception
    note = " ".join(c.value for c in at.sidebar.caption)
    assert "sign-in is not set up" in note and "add-user" in note
    assert metrics_of(at)["Participants listed"] == "27"
    with pytest.raises(ValueError):
        at.switch_page("app_pages/data.py")


def test_the_test_role_is_ignored_outside_apptest():
    assert not auth_ui.under_app_test()
    assert auth_ui.test_viewer() is None


@pytest.fixture
def users_file(tmp_path, monkeypatch):
    auth_ui._throttle.clear()  # failed attempts of earlier tests (AppTest has no client address)
    path = tmp_path / "auth.yaml"
    auth.add_user(path, "tono", "tono-secret-1", "municipality", town="tono", name="Tono city hall")
    monkeypatch.setenv("DASHBOARD_AUTH_FILE", str(path))
    return path


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.sidebar.text_input[0].input(username)
    at.sidebar.text_input[1].input(password)
    submit = [b for b in at.sidebar.button if b.label == "Sign in"]
    submit[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_signing_in_as_tono_opens_tonos_view(users_file):
    at = sign_in(app_test({"town": "yame"}).run(), "tono", "tono-secret-1")
    assert any("Tono city hall" in c.value for c in at.sidebar.caption)
    assert metrics_of(at)["Participants listed"] == "<3"
    at.query_params["town"] = "tono"
    at.multiselect(key="town").set_value(["tono"]).run()
    assert metrics_of(at)["Participants listed"] == "11"


@pytest.mark.parametrize(("username", "password"), [("tono", "wrong-pass"), ("nobody", "x" * 10)])
def test_a_wrong_password_or_an_unknown_user_gets_the_same_refusal(users_file, username, password):
    at = sign_in(app_test().run(), username, password)
    assert [e.value for e in at.sidebar.error] == ["Wrong username or password."]
    assert not any("Signed in" in c.value for c in at.sidebar.caption)
    assert metrics_of(at)["Participants listed"] == "27"
    with pytest.raises(ValueError):
        at.switch_page("app_pages/data.py")


@pytest.mark.parametrize(
    "text",
    [
        "cookie: {key: short}\n",
        "cookie: oops\n",  # a section of the wrong type broke every page
        "cookie: {key: " + "k" * 40 + ", expiry_days: forever}\n",
        "cookie: {key: " + "k" * 40 + ", expiry_days: 400}\n",
        "cookie: {key: " + "k" * 40 + "}\ncredentials: [a, b]\n",
        "cookie: {key: " + "k" * 40 + "}\ncredentials: {usernames: 3}\n",
    ],
)
def test_a_broken_users_file_leaves_the_public_view(tmp_path, monkeypatch, text):
    path = tmp_path / "auth.yaml"
    path.write_text(text)
    monkeypatch.setenv("DASHBOARD_AUTH_FILE", str(path))
    at = app_test().run()
    assert not at.exception
    assert "cannot be used" in at.sidebar.error[0].value
    assert "short" not in at.sidebar.error[0].value  # the reason goes to the server log only
    assert metrics_of(at)["Participants listed"] == "27"


def test_the_demo_users_file_signs_nobody_in_unless_the_demo_is_asked_for(monkeypatch):
    auth_ui._throttle.clear()
    monkeypatch.setenv("DASHBOARD_AUTH_FILE", str(ROOT / "auth.example.yaml"))
    at = app_test().run()
    assert "cannot be used" in at.sidebar.error[0].value
    assert not at.sidebar.text_input  # no sign-in form
    monkeypatch.setenv("DASHBOARD_AUTH_DEMO", "1")
    at = sign_in(app_test().run(), "staff", "staff-demo-pass")
    assert any("Demo sign-in" in w.value for w in at.sidebar.warning)
    assert any("Signed in" in c.value for c in at.sidebar.caption)


def test_after_five_wrong_passwords_even_the_right_one_waits(users_file):
    at = app_test().run()
    for _ in range(5):
        at = sign_in(at, "tono", "wrong-pass")
        assert [e.value for e in at.sidebar.error] == ["Wrong username or password."]
    at = sign_in(at, "tono", "tono-secret-1")
    assert "Too many failed sign-ins" in at.sidebar.error[0].value
    assert not any("Signed in" in c.value for c in at.sidebar.caption)


def tables(at: AppTest) -> list[pd.DataFrame]:
    out = []
    for frame in at.dataframe:
        value = frame.value
        out.append(value.data if hasattr(value, "data") else value)
    return out


def town_by_country(at: AppTest) -> pd.DataFrame:
    """The nationalities page's table of people per town and country."""
    found = [f for f in tables(at) if {"Town", "Participants"} <= set(f.columns)]
    assert found, [list(f.columns) for f in tables(at)]
    return found[0]


def test_the_public_sees_no_country_or_town_of_one_or_two_people():
    at = open_page("nationalities.py", "public")
    # every town-and-country pair on the bundled data is 1 or 2 people: no such table at all
    assert not [f for f in tables(at) if {"Town", "Participants"} <= set(f.columns)]
    by_country = [f for f in tables(at) if {"Country", "Participants"} <= set(f.columns)][0]
    counts = pd.to_numeric(by_country["Participants"], errors="coerce")
    assert (counts >= 3).all() and set(by_country["Code"]) == {"TH", "US", "SG", ""}


def test_tono_sees_its_own_countries_of_one_person_and_no_other_towns():
    table = town_by_country(open_page("nationalities.py", "tono"))
    tono = table[table["Town"] == "Tono"]
    assert len(tono) == 10  # nine countries and "unknown"
    assert sorted(pd.to_numeric(tono["Participants"]).tolist()) == [1] * 9 + [2]
    others = table[table["Town"] != "Tono"]
    assert (pd.to_numeric(others["Participants"], errors="coerce").fillna(3) >= 3).all()


def test_tono_asking_for_urahoros_town_page_gets_only_tono_to_choose():
    at = open_page("town.py", "tono", {"town": "urahoro"})
    assert all("Urahoro" not in t.value for t in at.title)
    keys = {b.key for b in at.button}
    assert "town_pick_urahoro" not in keys and "town_pick_yame" not in keys


def test_the_public_may_open_any_town_page():
    at = open_page("town.py", "public", {"town": "urahoro"})
    assert any("Urahoro" in t.value for t in at.title)


def test_a_session_keeps_the_shared_data_only_not_its_scoped_copy():
    # between runs the session holds its context: a scoped copy there would stay alive per
    # town's officials, outside the memos' budget
    from dashboard.data import Dataset
    from dashboard.ui import cache

    at = open_page("town.py", "tono", {"town": "tono"})
    ctx = at.session_state["_ctx"]
    held = [name for name, value in vars(ctx).items() if isinstance(value, Dataset)]
    assert held == ["source"] and ctx.source is cache.load().dataset
    assert ctx.full is not ctx.source  # what the page showed was scoped, for this run only
    assert not mentions(page_text(at), HIDDEN_NAME)
