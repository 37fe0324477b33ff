"""The app on PostgreSQL: the overview drawn from the database, a save through the Data page
landing as a new version, and a second app process on the same database drawing it on its next
rerun (its own cache, keyed by the database's current version)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from dashboard import sqlstore, stores

from .conftest import ROOT, app_test, screenshot, wait_for_app

# a second app process: draws the overview, then once per line read from stdin reruns it,
# printing the "Outcomes made" metric each time
SECOND_APP = """
import sys
sys.path.insert(0, {root!r})
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=120).run()
def outcomes():
    return {{m.label: m.value for m in at.metric}}.get("Outcomes made")
print("drawn", outcomes(), flush=True)
for line in sys.stdin:
    at.run()
    print("drawn", outcomes(), flush=True)
"""


@pytest.fixture
def on_postgres(database_url, data_copy, tmp_path, monkeypatch):
    sqlstore.init_schema(database_url)
    target = stores.open_store(database_url, "")
    assert stores.import_folder(target, data_copy, actor="setup").ok
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", database_url)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "no-folder"))  # the database only
    return target


def outcomes(at) -> str:
    return {m.label: m.value for m in at.metric}["Outcomes made"]


def test_a_save_on_the_data_page_is_drawn_by_another_app_process(on_postgres, data_copy):
    at = app_test().run()
    assert not at.exception, [e.value for e in at.exception]
    assert outcomes(at) == "6"

    env = {**os.environ, "DASHBOARD_STRICT_I18N": "1"}
    script = SECOND_APP.format(root=str(ROOT), app=str(ROOT / "streamlit_app.py"))
    second = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert second.stdout.readline().split() == ["drawn", "6"]

        staff = app_test(role="staff").run()
        staff.switch_page("app_pages/data.py").run()
        assert not staff.exception, [e.value for e in staff.exception]
        lines = (data_copy / "outcomes.csv").read_text("utf-8").splitlines()
        body = ("\n".join(lines[:-1]) + "\n").encode()  # the last outcome removed
        uploader = staff.file_uploader(key="data_upload_0")
        uploader.set_value(("outcomes.csv", body, "text/csv")).run()
        assert not staff.exception, [e.value for e in staff.exception]
        staff.button(key="data_save").click().run()
        assert not staff.exception, [e.value for e in staff.exception]
        assert staff.success, [e.value for e in staff.error]
        saved = time.perf_counter()

        newest = on_postgres.list_versions()[0]
        assert (newest.reason, newest.tables, newest.actor) == (
            "save",
            ("outcomes",),
            "staff (test)",
        )
        assert on_postgres.fingerprint() == "2"

        second.stdin.write("rerun\n")
        second.stdin.flush()
        assert second.stdout.readline().split() == ["drawn", "5"]
        seen_after = time.perf_counter() - saved
        print(f"second process drew the new version {seen_after:.2f} s after the save")
        at.run()  # this process too, on its next rerun
        assert outcomes(at) == "5"
    finally:
        second.stdin.close()
        second.wait(60)


@pytest.mark.browser
def test_in_the_browser_a_save_refused_by_a_newer_version_says_reload(
    page, start_server, database_url, data_copy, tmp_path
):
    """Staff check an upload; meanwhile another server saves; their save is refused with the
    reload message, and "Reload today's data" checks the upload again against the new data."""
    from dashboard import auth
    from dashboard.i18n import t

    from .test_data_page import GOOD_EDIT, PASSWORD, open_in_browser, programs_csv

    sqlstore.init_schema(database_url)
    target = stores.open_store(database_url, "")
    assert stores.import_folder(target, data_copy, actor="setup").ok
    users = tmp_path / "auth.yaml"
    auth.add_user(users, "aiko", PASSWORD, "staff", name="Aiko")
    srv = start_server(
        {
            "DASHBOARD_DATABASE_URL": database_url,
            "DASHBOARD_DATA_DIR": str(tmp_path / "no-folder"),
            "DASHBOARD_AUTH_FILE": str(users),
        }
    )
    good = tmp_path / "programs.csv"
    good.write_bytes(programs_csv("utf-8", **GOOD_EDIT))
    open_in_browser(page, srv, "en")
    page.set_input_files('[data-testid="stFileUploaderDropzoneInput"]', str(good))
    save = page.get_by_role("button", name=t("data.save.button", "en"))
    save.wait_for()

    # meanwhile, on another server: a pin
    from dashboard.pins import save_pin

    from .voices_data import PIN

    assert save_pin(target, "hester", PIN, actor="yuki").ok
    before = target.fingerprint()
    save.click()
    warning = page.get_by_text(t("store.stale.title", "en"))
    warning.wait_for()
    wait_for_app(page)
    screenshot(page, "data-postgres-save-refused")
    assert target.fingerprint() == before  # nothing saved over the pin

    page.get_by_role("button", name=t("store.stale.button", "en")).click()
    wait_for_app(page)
    page.get_by_role("button", name=t("data.save.button", "en")).click()
    page.get_by_text("Saved: Programs").wait_for()
    wait_for_app(page)
    screenshot(page, "data-postgres-saved")
    voices = target.load().dataset.testimonials
    assert voices.loc[voices["testimonial_id"] == "hester", "highlight"].iloc[0] == PIN
    assert [v.reason for v in target.list_versions()][:2] == ["save", "pin"]


def test_the_app_finds_the_database_in_the_secrets_connection(
    database_url, data_copy, tmp_path, monkeypatch
):
    from sqlalchemy.engine import make_url

    sqlstore.init_schema(database_url)
    target = stores.open_store(database_url, "")
    path = data_copy / "outcomes.csv"
    path.write_text("\n".join(path.read_text("utf-8").splitlines()[:-2]) + "\n", "utf-8")
    assert stores.import_folder(target, data_copy).ok  # four outcomes in the database
    monkeypatch.delenv("DASHBOARD_DATABASE_URL", raising=False)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "no-folder"))
    url = make_url(database_url)
    at = app_test()
    at.secrets["connections"] = {
        "dashboard": {
            "dialect": "postgresql",
            "host": url.host,
            "port": url.port,
            "database": url.database,
            "username": url.username,
        }
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert outcomes(at) == "4"


def test_with_the_database_down_visitors_get_a_message_and_staff_the_problem(monkeypatch):
    from dashboard.i18n import t

    monkeypatch.setenv("DASHBOARD_DATABASE_URL", "postgresql+psycopg://app:secret@127.0.0.1:9/x")
    visitor = app_test().run()
    assert not visitor.exception, [e.value for e in visitor.exception]
    assert [e.value for e in visitor.error] == [t("shell.data_unavailable", "en")]
    staff = app_test(role="staff").run()
    assert not staff.exception, [e.value for e in staff.exception]
    messages = [e.value for e in staff.error]
    assert "127\\.0\\.0\\.1\\:9" in messages[0]  # the store, its password hidden
    assert "could not be loaded" in messages[0] and "secret" not in " ".join(messages)
    assert t("store.down", "en") in messages  # the Data page, staff land on, says why
    problems = " ".join(d.value.to_string() for d in staff.dataframe)
    assert "the database could not be read" in problems
