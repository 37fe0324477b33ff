"""The dashboard behind nginx in Chromium: PostgreSQL, two replicas, nginx (``bench.cluster``,
what ``scripts/cluster.sh`` runs), on free ports. Staff upload a change on the Data page through
the proxy; a visitor whose session lives on the other replica sees it within seconds. Then the
visitor's replica is killed mid-session and the page comes back from the other one, its filters
(in the URL) kept."""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bench import cluster as cl
from dashboard import auth
from dashboard.data import load_dataset
from dashboard.i18n import t
from dashboard.metrics import headline

from .conftest import DATA, screenshot, wait_for_app
from .test_data_page import PASSWORD, open_in_browser, programs_csv

pytestmark = pytest.mark.browser

SIDEBAR = '[data-testid="stSidebar"]'


@pytest.fixture(scope="module")
def cluster():
    """Two replicas on a new database of the bundled data, with one staff user, Aiko."""
    state = Path(tempfile.mkdtemp(prefix="sosei-cluster-browser-"))
    users = state / "auth.yaml"
    auth.add_user(users, "aiko", PASSWORD, "staff", name="Aiko")
    running = cl.Cluster(state)
    running.start(2, env={"DASHBOARD_AUTH_FILE": str(users)})
    yield running
    running.stop()
    shutil.rmtree(state, ignore_errors=True)


def replica_of(cluster, key: str) -> str:
    """The replica (``host:port``) nginx sends the affinity cookie ``key`` to."""
    request = urllib.request.Request(
        f"{cluster.url}/_stcore/health", headers={"Cookie": f"{cl.COOKIE}={key}"}
    )
    urllib.request.urlopen(request, timeout=30).read()
    return cluster.served_by(key, at_least=1)[-1]


def context_on(browser, cluster, replica: str | None = None, avoid: str | None = None):
    """A browser context whose affinity cookie nginx sends to ``replica`` (or to any replica
    but ``avoid``): the context and its replica."""
    for _ in range(64):
        key = secrets.token_hex(16)
        lands = replica_of(cluster, key)
        if lands == replica or (replica is None and lands != avoid):
            break
    else:
        raise AssertionError(f"no cookie lands on {replica or 'another replica than ' + avoid}")
    context = browser.new_context(viewport={"width": 1366, "height": 2400}, locale="en-US")
    context.add_cookies([{"name": cl.COOKIE, "value": key, "url": cluster.url}])
    context.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
    return context, lands


def cookie_of(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == cl.COOKIE)


REPORTED = re.compile(r"the organisation reported ([\d,]+)")


def reported_note(page) -> int | None:
    """The overview's "the organisation reported N" (None: the page has no such note, as when
    the organisation's figures match the rows)."""
    page.locator('[data-testid="stMetric"]').first.wait_for()
    wait_for_app(page)
    note = page.get_by_text(REPORTED)
    if not note.count():
        return None
    return int(REPORTED.search(note.first.inner_text()).group(1).replace(",", ""))


def reported_after(tmp_path: Path, sheet: bytes) -> int:
    """The organisation's reported total once ``sheet`` replaces programs.csv."""
    folder = tmp_path / "changed"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns(".versions", ".lock", "source"))
    (folder / "programs.csv").write_bytes(sheet)
    result = load_dataset(folder)
    assert result.ok, [p.line() for p in result.problems]
    return int(headline(result.dataset)["participants_reported"])


def test_an_upload_through_the_proxy_reaches_a_visitor_on_the_other_replica(
    browser, cluster, tmp_path
):
    staff_context, staff_replica = context_on(browser, cluster)
    visitor_context, visitor_replica = context_on(browser, cluster, avoid=staff_replica)
    assert staff_replica != visitor_replica
    staff, visitor = staff_context.new_page(), visitor_context.new_page()
    for pg in (staff, visitor):
        pg.set_default_timeout(90_000)
    try:
        visitor.goto(f"{cluster.url}/?lang=en")
        wait_for_app(visitor)
        before = reported_note(visitor)

        # staff sign in and save one count changed: 11 -> 40 people reported for Tono 2017
        open_in_browser(staff, cluster, "en")
        sheet = tmp_path / "programs.csv"
        sheet.write_bytes(programs_csv("utf-8", **{"tono-2017-09.participants_reported": "40"}))
        expected = reported_after(tmp_path, sheet.read_bytes())
        assert expected != before
        staff.set_input_files('[data-testid="stFileUploaderDropzoneInput"]', str(sheet))
        save = staff.get_by_role("button", name=re.compile(f"^.*{t('data.save.button', 'en')}$"))
        save.wait_for()
        wait_for_app(staff)
        assert not staff.locator('[data-testid="stException"]').count()
        save.click()
        staff.wait_for_selector('[data-testid="stAlertContentSuccess"]')
        saved_at = time.monotonic()
        screenshot(staff, "cluster-staff-saved-en")
        # every request of staff's page, its upload included, went to staff's replica
        assert set(cluster.served_by(cookie_of(staff_context))) == {staff_replica}

        # the visitor, on the other replica, sees it on their next rerun once its replica has
        # the new version (within 2 s): a click in the navigation 3 s after the save
        visitor.wait_for_timeout(max(0, 3_000 - 1_000 * (time.monotonic() - saved_at)))
        nav = visitor.locator('[data-testid="stSidebarNav"] a')
        nav.nth(2).click()
        wait_for_app(visitor)
        nav.first.click()
        visitor.wait_for_url(re.compile(r"/(\?|$)"))
        assert reported_note(visitor) == expected, (before, expected)
        screenshot(visitor, "cluster-visitor-sees-the-change-en")
        assert set(cluster.served_by(cookie_of(visitor_context))) == {visitor_replica}
    finally:
        staff_context.close()
        visitor_context.close()


def test_a_visitor_whose_replica_dies_comes_back_on_the_other_with_the_filters(browser, cluster):
    context, replica = context_on(browser, cluster)
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        page.goto(f"{cluster.url}/?lang=ja&town=tono&nat=TH")
        wait_for_app(page)
        heading = page.locator("h1").first
        heading.wait_for()
        title = heading.inner_text()
        side = page.locator(SIDEBAR)
        expect(side.get_by_text("遠野市").first).to_be_visible()
        expect(side.get_by_text("タイ").first).to_be_visible()
        screenshot(page, "cluster-before-the-replica-dies-ja")
        key = cookie_of(context)
        before = len(cluster.served_by(key, at_least=1))

        cluster.kill_replica(int(replica.rsplit(":", 1)[1]))
        # the page's websocket drops; the frontend reconnects through nginx to the other one
        (other,) = {f"127.0.0.1:{r.port}" for r in cluster.state.replicas} - {replica}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            # Playwright serves the context's routes only while it is called: wait through it
            page.wait_for_timeout(250)
            hops = cluster.served_by(key, timeout=0)[before:]
            if any(hop.endswith(other) for hop in hops):
                break
        else:
            screenshot(page, "cluster-not-back-ja")
            raise AssertionError(f"not back from {other}: {cluster.served_by(key)}")
        # the page as it was, live again (not greyed out): filters and language kept in the
        # URL and in the sidebar
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
            " && !document.querySelector('[data-stale=\"true\"]')"
        )
        wait_for_app(page)
        expect(page.locator("h1").first).to_have_text(title)
        for kept in ("town=tono", "nat=TH", "lang=ja"):
            assert kept in page.url, page.url
        expect(side.get_by_text("遠野市").first).to_be_visible()
        expect(side.get_by_text("タイ").first).to_be_visible()
        assert not page.locator('[data-testid="stException"]').count()
        screenshot(page, "cluster-after-the-replica-died-ja")

        # the link still opens the same view there
        page.reload()
        wait_for_app(page)
        expect(page.locator("h1").first).to_have_text(title)
        expect(side.get_by_text("タイ").first).to_be_visible()
        assert "town=tono" in page.url and "nat=TH" in page.url
        # from the failover on, every request of the page went to the other replica
        hops = cluster.served_by(key)[before:]
        moved = next(i for i, hop in enumerate(hops) if hop.endswith(other))
        assert all(hop.endswith(other) for hop in hops[moved:]), hops
    finally:
        context.close()
