"""Shared fixtures: the bundled dataset, a served app, and headless Chromium.

Every test is in one tier, by marker: ``browser`` (marked by hand: drives the served app in
Chromium), ``apptest`` (runs the app under Streamlit's AppTest, found by what the test calls),
else ``unit`` (pure functions; a unit test that starts the app fails, so the tiers stay true).
"""

from __future__ import annotations

import asyncio
import inspect
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench import server
from bench.server import CHROMIUM, CHROMIUM_ARGS
from dashboard.data import Dataset, load_dataset

# a text key missing from the catalogs raises in tests (and in the servers they start)
os.environ["DASHBOARD_STRICT_I18N"] = "1"

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
APP = ROOT / "streamlit_app.py"
ARTIFACTS = ROOT / "test-artifacts"


TIERS = ("unit", "apptest", "browser")
RUNS_THE_APP = ("app_test(", "AppTest", "open_page(", "Server(")


def _runs_the_app(func, module, seen: set | None = None) -> bool:
    """Whether ``func``, or a function of its module that it calls, starts the app."""
    seen = set() if seen is None else seen
    if func in seen or not callable(func):
        return False
    seen.add(func)
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return False
    if any(marker in source for marker in RUNS_THE_APP):
        return True
    code = getattr(func, "__code__", None)
    names = code.co_names if code else ()
    return any(
        _runs_the_app(getattr(module, name), module, seen)
        for name in names
        if inspect.isfunction(getattr(module, name, None))
        and getattr(module, name).__module__ == module.__name__
    )


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if any(item.get_closest_marker(tier) for tier in TIERS):
            continue
        func = getattr(item, "function", None)
        fixtures = getattr(item, "fixturenames", ())
        app = any(f in fixtures for f in ("server", "staff_server", "start_server"))
        if app or (func and _runs_the_app(func, item.module)):
            item.add_marker(pytest.mark.apptest)
        else:
            item.add_marker(pytest.mark.unit)


@pytest.fixture(autouse=True)
def _unit_tests_do_not_start_the_app(request, monkeypatch):
    """A test in the unit tier that starts the app fails: mark it ``apptest``."""
    if request.node.get_closest_marker("unit") is None:
        return

    def refuse(*args, **kwargs):
        raise AssertionError("a unit test started the app: mark it apptest")

    from streamlit.testing.v1 import AppTest

    from bench.server import Server as AppServer

    monkeypatch.setattr(AppTest, "from_file", refuse)
    monkeypatch.setattr(AppServer, "__init__", refuse)


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The bundled dataset, loaded once."""
    result = load_dataset(DATA)
    assert result.ok, [p.line() for p in result.problems]
    return result.dataset


def synthetic_dataset(folder: Path, **sizes) -> Dataset:
    """A synthetic dataset (``dashboard.synth.write_dataset`` arguments) written to ``folder``
    and loaded; the test fails when it does not load."""
    from dashboard.synth import write_dataset

    write_dataset(folder, **sizes)
    result = load_dataset(folder)
    assert result.ok, [p.line() for p in result.problems[:5]]
    return result.dataset


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled data folder."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns(".versions", ".lock", "source"))
    return target


class Server(server.Server):
    """The app served on a free port, its output in ``test-artifacts/server-<port>.log``."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(APP, env, ARTIFACTS / f"server-{os.getpid()}-{id(self)}.log")


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """The app served on the bundled data."""
    srv = Server({"DASHBOARD_DATA_DIR": str(DATA)})
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory):
    """The app on the bundled data with one staff user, who sees every count."""
    from dashboard import auth

    path = tmp_path_factory.mktemp("auth") / "auth.yaml"
    auth.add_user(path, "staff", "staff-secret-1", "staff", name="Sosei staff")
    srv = Server({"DASHBOARD_AUTH_FILE": str(path), "DASHBOARD_DATA_DIR": str(DATA)})
    yield srv
    srv.stop()


@pytest.fixture
def start_server() -> Iterator[Callable[..., Server]]:
    """Start extra servers (other data, other settings); all stopped after the test."""
    started: list[Server] = []

    def start(env: dict[str, str] | None = None) -> Server:
        srv = Server(env)
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.stop()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    from playwright.sync_api import expect, sync_playwright

    # expect() retries until it holds; a rerun on a shared, busy machine can take seconds
    expect.set_options(timeout=60_000)

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _local_only(route) -> None:
    host = route.request.url.split("/")[2].split(":")[0] if "://" in route.request.url else ""
    if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def page(browser):
    """A fresh page, tall enough for a whole dashboard page, with every non-local request cut."""
    context = browser.new_context(viewport={"width": 1366, "height": 2400}, locale="en-US")
    context.route("**/*", _local_only)
    pg = context.new_page()
    pg.set_default_timeout(60_000)  # generous: CI machines are shared and slow at times
    yield pg
    context.close()


def screenshot(pg, name: str) -> Path:
    """Save a screenshot under ``test-artifacts/screenshots/``."""
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(path))
    return path


def wait_for_app(pg) -> None:
    """Wait until Streamlit has finished running the page (no spinner, no running status, no
    element still drawn faded as stale from the run before)."""
    pg.wait_for_selector('[data-testid="stMain"]')
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0"
        " && document.querySelectorAll('[data-stale=\"true\"]').length === 0",
        timeout=60_000,
    )


def run_apart(coroutine):
    """``asyncio.run`` in a thread of its own: a worker that also drives a browser through
    Playwright's sync API has an event loop running in its main thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def app_test(
    query: dict[str, str | list[str]] | None = None,
    role: str | None = None,
    town: str | None = None,
):
    """An AppTest of the whole app (entry script, sidebar, navigation), with URL parameters.

    ``role`` ("staff", "municipality", "public") and ``town`` sign the test in as such a user
    (None: as a visitor to a fresh clone). Call ``.run()`` on the result.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if role is not None:
        at.session_state["_test_role"] = (role, town)  # honoured under AppTest only (auth_ui)
    return at


def figure_data(spec: str | dict, trace: int = 0, field: str = "x") -> list:
    """One field of one trace of a plotly chart's JSON, with plotly's typed arrays decoded."""
    import base64
    import json

    import numpy as np

    fig = json.loads(spec) if isinstance(spec, str) else spec
    value = fig["data"][trace].get(field)
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
        return array.tolist()
    return list(value) if value is not None else []


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL 15 cluster for the session (``tests/pg.py``); fails, naming the
    install command, where PostgreSQL is not installed."""
    from .pg import Cluster

    try:
        cluster = Cluster()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield cluster
    cluster.stop()


@pytest.fixture
def database_url(pg_cluster) -> str:
    """The URL of a new, empty database of the session's cluster."""
    from .pg import fresh_database

    return fresh_database(pg_cluster)
