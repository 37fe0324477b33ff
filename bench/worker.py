"""Server-side measurements of one data folder, in a process of their own.

``python -m bench.worker FOLDER --repeat N --out FILE [--pages a.py,b.py] [--no-load]`` writes
JSON: load + validate time, the app's first run, a filter change and the figures the floor app
redraws (unless ``--no-load``), each page's cold and warm run time under AppTest, and the peak
memory (``ru_maxrss``) of this process, which has loaded the data and rendered those pages.
With ``--soak ROUNDS`` it writes instead the peak memory after many reruns (``soak``).
"""

from __future__ import annotations

import argparse
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


def registered_pages() -> list[str]:
    """File names of the registry's pages (``dashboard.pages``), in navigation order."""
    from dashboard.pages import PAGES

    return [page.file for page in PAGES]


def clear_caches(keep_data: bool = True) -> None:
    """Empty every derived-table cache: Streamlit's and the ``lru_cache``s of the package.

    With ``keep_data`` the dataset is loaded again at once (untimed), so a cold page run measures
    the page, not the CSV read.
    """
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    for name, module in list(sys.modules.items()):
        if name.startswith("dashboard"):
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear) and hasattr(value, "cache_info"):
                    clear()
    if keep_data:
        from dashboard.ui import cache

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


def measure(folder: str, repeat: int, pages: list[str] | None = None, load: bool = True) -> dict:
    """Measure ``pages`` (default: every registered page) on ``folder``; with ``load``, also
    load + validate, the app's first run, a filter change and the floor app's figures."""
    os.environ["DASHBOARD_DATA_DIR"] = folder
    sys.path.insert(0, str(ROOT))
    import streamlit.logger

    streamlit.logger.set_log_level("error")  # no "missing ScriptRunContext" chatter

    from dashboard import metrics
    from dashboard.data import load_dataset
    from dashboard.pages import page

    load_dataset(ROOT / "data")  # imports and lazy tables, outside the timing
    out: dict = {"folder": folder}
    registered = registered_pages()
    if load:
        loads = []
        for _ in range(repeat):
            start = time.perf_counter()
            result = load_dataset(folder)
            loads.append(time.perf_counter() - start)
        print(f"load + validate: {statistics.median(loads):.2f} s", flush=True)
        if not result.ok:
            raise SystemExit(f"{folder} does not load: {[p.line() for p in result.problems[:5]]}")
        ds = result.dataset
        top = metrics.participants_by_town(ds).iloc[0]
        town = {"region_id": top["region_id"], "name": top["name_en"]}
        out["sizes"] = {name: len(ds.table(name)) for name in ("regions", "participants",
                        "participations", "testimonials", "programs")}  # fmt: skip
        out["load"] = {"median": statistics.median(loads), "runs": loads}
        out["town"] = town
        del ds, result

        # the app's very first run in this process: reads the CSV files, builds every cache
        clear_caches(keep_data=False)
        first = _new_app()
        out["first_run"] = _timed(first.run)
        print(f"first run: {out['first_run']:.2f} s", flush=True)
        del first

        # a filter change on the default page, and the figures the floor app redraws
        at = _new_app()
        at.run()
        floor: dict = {"all": _specs(at)}
        try:
            widget = at.multiselect(key="town")
        except (KeyError, IndexError):
            widget = None
        if widget is not None:
            # the floor's filter offers the same town names: a list of 1,741 options costs
            # the browser as much on the floor page as on the dashboard
            floor.update(label=widget.label, options=list(widget.options))
            out["filter_change"] = _timed(lambda: widget.set_value([town["region_id"]]).run())
            floor["filtered"] = _specs(at)
        else:
            out["filter_change"] = None
            floor.update(label="Filter", filtered=floor["all"], options=[town["name"]])
        out["floor"] = floor
        del at

    out["pages"] = {}
    for name in registered if pages is None else pages:
        clear_caches()
        at = _new_app()
        if name != registered[0]:
            at.switch_page(page(name).path)
        cold = _timed(at.run)
        warm = [_timed(at.run) for _ in range(repeat)]
        print(f"{name}: cold {cold:.2f} s, warm {statistics.median(warm):.2f} s", flush=True)
        out["pages"][name] = {
            "cold": cold,
            "warm": statistics.median(warm),
            "warm_runs": warm,
            "charts": len(at.get("plotly_chart")),
            "error": _errors(at),
        }
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def soak(folder: str, rounds: int) -> dict:
    """Peak memory after ``rounds`` rounds of: every page opened, a town chosen (another town
    each round) and cleared again, so the remembered charts and tables fill up to their bounds."""
    os.environ["DASHBOARD_DATA_DIR"] = folder
    sys.path.insert(0, str(ROOT))
    import streamlit.logger

    streamlit.logger.set_log_level("error")
    from dashboard import metrics
    from dashboard.pages import page
    from dashboard.ui import cache

    towns = list(metrics.participants_by_town(cache.load().dataset)["region_id"])
    at = _new_app()
    at.run()
    runs, start = 1, time.perf_counter()
    for i in range(rounds):
        for name in registered_pages():
            at.switch_page(page(name).path)
            at.run()
            at.multiselect(key="town").set_value([towns[i % len(towns)]]).run()
            at.multiselect(key="town").set_value([]).run()
            runs += 3
            if at.exception:
                raise RuntimeError(f"{name}: {_errors(at)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{runs} runs: peak {peak:.0f} MB, {time.perf_counter() - start:.0f} s", flush=True)
    return {"rounds": rounds, "runs": runs, "peak_rss_mb": peak}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("folder")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", required=True)
    parser.add_argument("--pages", help="comma-separated page files (default: every page)")
    parser.add_argument("--no-load", action="store_true", help="pages only")
    parser.add_argument("--soak", type=int, metavar="ROUNDS", help="peak memory after reruns")
    args = parser.parse_args(argv)
    pages = args.pages.split(",") if args.pages else None
    if args.soak:
        result = soak(args.folder, args.soak)
    else:
        result = measure(args.folder, args.repeat, pages, load=not args.no_load)
    Path(args.out).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
