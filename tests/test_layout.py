"""The layout's rules: Streamlit only in the adapters, one page registry, small modules."""

from __future__ import annotations

import ast

import pytest

from dashboard import access
from dashboard.pages import PAGES, page

from .conftest import ROOT

pytestmark = pytest.mark.unit

PACKAGE = ROOT / "dashboard"
UI = PACKAGE / "ui"


def _imports(path) -> set[str]:
    """Top-level module names ``path`` imports (at any depth of the file)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
            if node.module == "dashboard":
                names |= {f"dashboard.{alias.name}" for alias in node.names}
            elif node.module.startswith("dashboard."):
                names.add(".".join(node.module.split(".")[:2]))
    return names


CORE = sorted(p for p in PACKAGE.rglob("*.py") if UI not in p.parents)


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_never_imports_streamlit_or_the_adapters(path):
    names = _imports(path)
    assert not names & {"streamlit", "streamlit_folium", "streamlit_authenticator"}, path
    assert "dashboard.ui" not in names, path


def test_the_root_holds_only_the_entry_script():
    assert sorted(p.name for p in ROOT.glob("*.py")) == ["streamlit_app.py"]


def test_the_scan_sees_an_adapter_that_imports_streamlit():
    assert "streamlit" in _imports(UI / "shell.py")  # the check above can fail


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_no_module_of_the_package_is_over_600_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path


@pytest.mark.parametrize("path", sorted((ROOT / "app_pages").glob("*.py")), ids=lambda p: p.name)
def test_no_page_script_is_over_150_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 150, path


def _kept_functions(source: str) -> list[str]:
    """The lambdas of a page script, and the functions it defines that it hands to a call
    (a widget's ``format_func``, a callback, a button's ``data``)."""
    tree = ast.parse(source)
    defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    found = [f"lambda at line {n.lineno}" for n in ast.walk(tree) if isinstance(n, ast.Lambda)]
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        for value in [*call.args, *(k.value for k in call.keywords)]:
            if isinstance(value, ast.Name) and value.id in defined:
                found.append(f"{value.id} handed over at line {value.lineno}")
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "app_pages").glob("*.py")), ids=lambda p: p.name)
def test_no_page_script_hands_streamlit_a_function_of_its_own(path):
    # Streamlit keeps widgets' format_func, callbacks and buttons' data functions in the
    # session; one made in a page script keeps that run's globals, the viewer's data among them
    assert not _kept_functions(path.read_text(encoding="utf-8")), path


def test_the_scan_finds_a_lambda_and_a_handed_over_function():
    source = "def pick(v):\n    return v\nst.radio('x', [1], format_func=pick)\nf = lambda: 1\n"
    assert _kept_functions(source) == ["lambda at line 4", "pick handed over at line 3"]


def test_every_registered_page_has_its_script_and_every_script_is_registered():
    assert {p.file for p in PAGES} == {p.name for p in (ROOT / "app_pages").glob("*.py")}
    assert PAGES[0].name == "overview"  # the default page, served at "/"


def test_the_data_page_needs_the_right_to_manage_data_and_an_unknown_page_is_refused():
    assert page("data").needs == "manage_data"
    assert access.can_open(access.STAFF, "data") and not access.can_open(access.PUBLIC, "data")
    assert not access.can_open(access.STAFF, "no-such-page")
