"""Server-side measurements of one data folder, in a process of their own.

``python -m bench.worker FOLDER --repeat N --out FILE`` writes JSON: load + validate time, the
app's first run, each page's cold and warm run time under AppTest, a filter change, the figures
the floor app redraws, and the peak memory (``ru_maxrss``) of this process, which has loaded the
data and rendered every page.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "streamlit_app.py"
ROLE = ("staff", None)  # as the page tests sign in: staff see every page


def registered_pages(app: Path = APP) -> list[str]:
    """File names in ``PAGES`` of the entry script, in navigation order (pages added later too)."""
    tree = ast.parse(app.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PAGES":
            return [elt.elts[0].value for elt in node.value.elts]
    raise RuntimeError(f"{app} has no PAGES list")


def _navigation_mode() -> None:
    """Run AppTest as the server runs the app (see ``tests/conftest.py``)."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init


def clear_caches(keep_data: bool = True) -> None:
    """Empty every derived-table cache: Streamlit's and the ``lru_cache``s of the package.

    With ``keep_data`` the dataset is loaded again at once (untimed), so a cold page run measures
    the page, not the CSV read.
    """
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    for name, module in list(sys.modules.items()):
        if name == "shell" or name.startswith("dashboard"):
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear) and hasattr(value, "cache_info"):
                    clear()
    if keep_data:
        from dashboard import cache

        cache.load()


def _new_app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=600)
    at.session_state["_test_role"] = ROLE
    return at


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _errors(at) -> str | None:
    if at.exception:
        return "; ".join(str(e.value).splitlines()[0] for e in at.exception)[:300]
    return None


def _specs(at) -> list[str]:
    return [chart.proto.spec for chart in at.get("plotly_chart")]


def measure(folder: str, repeat: int) -> dict:
    os.environ["DASHBOARD_DATA_DIR"] = folder
    sys.path.insert(0, str(ROOT))
    _navigation_mode()
    import streamlit.logger

    streamlit.logger.set_log_level("error")  # no "missing ScriptRunContext" chatter

    from dashboard import metrics
    from dashboard.data import load_dataset

    load_dataset(ROOT / "data")  # imports and lazy tables, outside the timing
    loads = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = load_dataset(folder)
        loads.append(time.perf_counter() - start)
    print(f"load + validate: {statistics.median(loads):.2f} s", flush=True)
    if not result.ok:
        raise SystemExit(f"{folder} does not load: {[p.line() for p in result.problems[:5]]}")
    ds = result.dataset
    sizes = {name: len(ds.table(name)) for name in ("regions", "participants", "participations",
                                                     "testimonials", "programs")}  # fmt: skip
    top = metrics.participants_by_town(ds).iloc[0]
    town = {"region_id": top["region_id"], "name": top["name_en"]}

    # the app's very first run in this process: reads the CSV files, builds every cache
    clear_caches(keep_data=False)
    first = _new_app()
    first_run = _timed(first.run)
    print(f"first run: {first_run:.2f} s", flush=True)

    pages = registered_pages()
    out_pages: dict[str, dict] = {}
    floor: dict = {}
    filter_change = None
    for index, name in enumerate(pages):
        at = _new_app()
        if index:
            at.run()  # the default page first, as a visitor arrives
            clear_caches()
            at.switch_page(f"pages/{name}")
        else:
            clear_caches()
        cold = _timed(at.run)
        warm = [_timed(at.run) for _ in range(repeat)]
        print(f"{name}: cold {cold:.2f} s, warm {statistics.median(warm):.2f} s", flush=True)
        out_pages[name] = {
            "cold": cold,
            "warm": statistics.median(warm),
            "warm_runs": warm,
            "charts": len(at.get("plotly_chart")),
            "error": _errors(at),
        }
        if index == 0:
            floor["all"] = _specs(at)
            try:
                widget = at.multiselect(key="town")
            except (KeyError, IndexError):
                widget = None
            if widget is not None:
                floor["label"] = widget.label
                floor["options"] = [town["name"]]
                filter_change = _timed(lambda w=widget: w.set_value([town["region_id"]]).run())
                floor["filtered"] = _specs(at)
    if "filtered" not in floor:
        floor.update(label="Filter", options=[town["name"]], filtered=floor.get("all", []))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "folder": folder,
        "sizes": sizes,
        "load": {"median": statistics.median(loads), "runs": loads},
        "first_run": first_run,
        "pages": out_pages,
        "filter_change": filter_change,
        "town": town,
        "floor": floor,
        "peak_rss_mb": peak_kb / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("folder")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    result = measure(args.folder, args.repeat)
    Path(args.out).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
