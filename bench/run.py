"""``python -m bench``: how fast the dashboard is at sizes S, M and L, as a markdown table.

Sizes: S is the bundled ``data/``; M (200 towns, 10,000 participants) and L (1,741 towns,
100,000 participants, 150,000 participations, 20,000 testimonials) are synthetic datasets
written once under ``--workdir`` (``/tmp`` by default) by ``dashboard.synth``.

For each size:
- server side, in a fresh process (``bench/worker.py``): load + validate time, the peak memory of
  that process after it loaded the data and rendered every page, and each page's run time under
  AppTest, cold (first run in a new session, derived caches emptied) and warm (median of
  ``--repeat`` reruns); and the peak memory of one more process after ``--soak-rounds``
  rounds of every page opened with another town chosen and cleared;
- in headless Chromium (unless ``--no-browser``): time from opening the app to its first chart
  drawn, from a filter change to the updated chart, and to open each page from the navigation;
  the first two also for the floor app (``bench/floor_app.py``: the same figures, pre-computed,
  in a bare Streamlit page), and the dashboard's figure as a ratio of the floor's.
Every figure is a median over ``--repeat`` runs; ratios compare medians measured in one run.
Pages are read from the registry (``dashboard.pages``), so pages added later are measured too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.server import CHROMIUM, CHROMIUM_ARGS, Server
from bench.worker import APP, ROOT, registered_pages

FLOOR_APP = Path(__file__).resolve().parent / "floor_app.py"


@dataclass(frozen=True)
class Size:
    """A named data size: the bundled data (``towns == 0``) or a synthetic dataset."""

    name: str
    towns: int = 0
    participants: int = 0
    participations: int | None = None
    testimonials: int | None = None


SIZES = {
    "S": Size("S"),
    "M": Size("M", towns=200, participants=10_000),
    "L": Size("L", towns=1_741, participants=100_000, participations=150_000,
              testimonials=20_000),
}  # fmt: skip

# Targets at L: (row key, limit, unit); a ratio's limit is a multiple of the floor.
TARGETS = {
    "load": 3.0,
    "warm": 0.250,
    "browser_ratio": 1.3,
    "memory_mb": 1024,
    "map_open": 2.0,
}


def data_folder(size: Size, workdir: Path, seed: int) -> Path:
    """The folder holding ``size``'s data, written now unless an identical one is there."""
    if not size.towns:
        return ROOT / "data"
    from dashboard.synth import write_dataset

    folder = workdir / f"{size.name}-seed{seed}"
    params = json.dumps({**asdict(size), "seed": seed}, sort_keys=True)
    stamp = workdir / f"{size.name}-seed{seed}.params.json"
    if not (stamp.exists() and stamp.read_text() == params and folder.is_dir()):
        write_dataset(
            folder,
            towns=size.towns,
            participants=size.participants,
            participations=size.participations,
            testimonials=size.testimonials,
            seed=seed,
        )
        stamp.write_text(params)
    return folder


def _env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "STREAMLIT_LOGGER_LEVEL": "error",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        **extra,
    }


def _worker(folder: Path, repeat: int, workdir: Path, extra: list[str], timeout: float) -> dict:
    """Run ``bench/worker.py`` in a new process; its JSON result (None when it timed out)."""
    out = workdir / f"worker-{os.getpid()}.json"
    log = workdir / "bench-worker.log"
    command = [sys.executable, "-m", "bench.worker", str(folder), "--repeat", str(repeat),
               "--out", str(out), *extra]  # fmt: skip
    with log.open("a") as handle:
        worker = subprocess.Popen(
            command, cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=handle, text=True
        )
        deadline = time.monotonic() + timeout
        timer = threading.Timer(timeout, worker.kill)
        timer.start()
        try:
            for line in worker.stdout:  # progress, as each figure is measured
                print(f"    {line.rstrip()}", file=sys.stderr, flush=True)
            worker.wait()
        finally:
            timer.cancel()
    if time.monotonic() >= deadline and worker.returncode:
        return None
    if worker.returncode:
        raise RuntimeError(f"the worker failed on {folder}:\n{log.read_text()[-3000:]}")
    result = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return result


def server_side(
    folder: Path,
    repeat: int,
    workdir: Path,
    timeout: float,
    first_only: bool = False,
    soak_rounds: int = 0,
) -> dict:
    """Load, first run and the default page in one process, then each other page in its own
    process (so a page that takes too long is stopped after ``timeout`` seconds); with
    ``soak_rounds``, the peak memory after that many rounds of reruns, in one more process."""
    pages = registered_pages()[: 1 if first_only else None]
    result = _worker(folder, repeat, workdir, ["--pages", pages[0]], max(timeout, 600))
    if result is None:
        raise RuntimeError(f"loading {folder} and its first page took over {timeout} s")
    peaks = [result["peak_rss_mb"]]
    for name in pages[1:]:
        part = _worker(folder, repeat, workdir, ["--pages", name, "--no-load"], timeout)
        if part is None:
            print(f"    {name}: stopped after {timeout:.0f} s", file=sys.stderr, flush=True)
            result["pages"][name] = {"cold": None, "warm": None, "warm_runs": [], "charts": 0,
                                     "error": f"timed out after {timeout:.0f} s"}  # fmt: skip
            continue
        result["pages"].update(part["pages"])
        peaks.append(part["peak_rss_mb"])
    result["peak_rss_mb"] = max(peaks)
    if soak_rounds:
        soak = _worker(folder, 1, workdir, ["--soak", str(soak_rounds)], timeout)
        if soak is None:
            print(f"    memory soak: stopped after {timeout:.0f} s", file=sys.stderr, flush=True)
        result["soak"] = soak or {"error": f"stopped after {timeout:.0f} s"}
    return result


# --- the browser part ----------------------------------------------------------------------


FIRST_CHART_JS = """() => {
  const plot = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
  return !!(plot && plot._fullLayout && plot.querySelector('.main-svg'));
}"""
REMEMBER_CHARTS_JS = """() => {
  window.__benchRefs = Array.from(document.querySelectorAll('.js-plotly-plot')).map(p => p.data);
}"""
CHART_UPDATED_JS = """() => {
  const plots = Array.from(document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot'));
  return plots.some(p => p.data && !window.__benchRefs.includes(p.data) && p._fullLayout
                         && p.querySelector('.main-svg'));
}"""
# A page has opened when its script has run (the app's script state went to running and back),
# the old page's heading is gone, nothing is stale or running, every
# plotly chart has drawn and every folium map has drawn its markers.
ARM_JS = """() => {
  window.__benchRan = false;
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') window.__benchRan = true;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
PAGE_DONE_JS = """(old) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!window.__benchRan || !app) return false;
  const state = app.getAttribute('data-test-script-state');
  if (state === 'running' || state === 'rerunRequested') return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (main.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')) return false;
  if (old && Array.from(main.querySelectorAll('h1')).some(h => h.textContent === old)) return false;
  if (!main.querySelector('[data-testid="stElementContainer"]')) return false;
  for (const chart of main.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!chart.querySelector('.main-svg')) return false;
  }
  for (const frame of main.querySelectorAll('iframe')) {
    let doc = null;
    try { doc = frame.contentDocument; } catch (e) { doc = null; }
    if (doc && frame.title.includes('folium') && !doc.querySelector('.leaflet-marker-icon')) {
      return false;
    }
  }
  return true;
}"""
APP_IDLE_JS = """() => !!document.querySelector('[data-testid="stMain"]')
  && !document.querySelector('[data-testid="stStatusWidget"]')
  && !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')"""


def _local_only(route) -> None:
    url = route.request.url
    host = url.split("/")[2].split(":")[0] if "://" in url else ""
    if host in ("127.0.0.1", "localhost") or url.startswith(("data:", "blob:")):
        route.continue_()
    else:
        route.abort()


def _first_chart(context, url: str) -> tuple[object, float]:
    page = context.new_page()
    page.set_default_timeout(90_000)
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(FIRST_CHART_JS, polling="raf")
    elapsed = time.perf_counter() - start
    page.wait_for_function(APP_IDLE_JS)
    return page, elapsed


def _filter_update(page, label: str, option: str) -> float:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]', has_text=label)
    box.first.locator("input").first.click()
    page.keyboard.type(option)
    page.locator('[role="option"]', has_text=option).first.wait_for()
    page.evaluate(REMEMBER_CHARTS_JS)
    start = time.perf_counter()
    page.keyboard.press("Enter")
    page.wait_for_function(CHART_UPDATED_JS, polling="raf")
    return time.perf_counter() - start


def _open_pages(page, pages: list[str], errors: list[str]) -> dict[str, float]:
    """Seconds to open each page from the navigation; a page that does not finish opening is
    named in ``errors`` and the others are still measured."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from dashboard.i18n import t

    times: dict[str, float] = {}
    if len(pages) < 2:
        return times
    for name in [*pages[1:], pages[0]]:
        title = t(f"nav.{name.removesuffix('.py')}", "en")
        more = page.locator('[data-testid="stSidebarNavViewButton"]')
        if more.count() and more.first.is_visible():
            more.first.click()
        links = page.locator('[data-testid="stSidebarNav"] a', has_text=title)
        if not links.count():
            continue  # not offered to this visitor (a page for signed-in staff)
        link = links.first
        headings = page.locator('[data-testid="stMain"] h1').all_inner_texts()
        old = headings[0] if headings else ""
        page.evaluate(ARM_JS)  # the new page's run must start and end
        start = time.perf_counter()
        try:
            link.click()
            path = "/" if name == pages[0] else f"/{name.removesuffix('.py')}"
            page.wait_for_url(lambda url, path=path: url.split("?")[0].endswith(path))
            page.wait_for_function(PAGE_DONE_JS, arg=old, polling="raf")
            if name == "maps.py":  # its map's frame may not be on the page yet
                page.wait_for_function(MAP_DRAWN_JS, polling="raf")
        except PlaywrightTimeout:
            errors.append(f"page {name}: not open after {time.perf_counter() - start:.0f} s")
            continue
        if name != pages[0]:
            times[name] = time.perf_counter() - start
    return times


# The partner map has drawn: its 47 prefecture outlines and at least one town marker (or
# cluster) inside the component's frame.
MAP_DRAWN_JS = """() => {
  for (const frame of document.querySelectorAll('iframe')) {
    let doc = null;
    try { doc = frame.contentDocument; } catch (e) { doc = null; }
    if (!doc) continue;
    const paths = doc.querySelectorAll('.leaflet-overlay-pane path').length;
    const markers = doc.querySelectorAll('.leaflet-marker-icon').length;
    if (paths >= 47 && markers > 0) return true;
  }
  return false;
}"""


def _map_open(context, url: str) -> float:
    """Seconds from asking for the maps page (a link opened in a new tab) to the partner map
    drawn with its prefectures and town markers."""
    page = context.new_page()
    page.set_default_timeout(90_000)
    start = time.perf_counter()
    page.goto(f"{url}/maps", wait_until="commit")
    page.wait_for_function(MAP_DRAWN_JS, polling="raf")
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def browser_side(folder: Path, server: dict, repeat: int, workdir: Path) -> dict:
    """First chart, filter update and page opens in Chromium, for the app and the floor app."""
    from playwright.sync_api import sync_playwright

    floor_file = workdir / f"floor-{os.getpid()}.json"
    floor_file.write_text(json.dumps(server["floor"]), encoding="utf-8")
    label, option = server["floor"]["label"], server["town"]["name"]
    pages = registered_pages()
    runs: dict[str, list[float]] = {}
    opens: dict[str, list[float]] = {}
    errors: list[str] = []
    app = Server(APP, _env(DASHBOARD_DATA_DIR=str(folder)), workdir / "bench-app.log")
    floor = Server(FLOOR_APP, _env(FLOOR_DATA=str(floor_file)), workdir / "bench-floor.log")
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # one untimed visit each, so both servers have loaded their data
            for target in (app, floor):
                context = chromium.new_context(viewport={"width": 1366, "height": 2400})
                context.route("**/*", _local_only)
                _first_chart(context, target.url)
                context.close()
            for i in range(repeat):
                order = [("app", app), ("floor", floor)]
                for kind, target in order if i % 2 == 0 else order[::-1]:
                    context = chromium.new_context(viewport={"width": 1366, "height": 2400})
                    context.route("**/*", _local_only)
                    try:
                        page, first = _first_chart(context, target.url)
                        runs.setdefault(f"{kind}_first_chart", []).append(first)
                        if kind == "app":
                            for name, value in _open_pages(page, pages, errors).items():
                                opens.setdefault(name, []).append(value)
                        update = _filter_update(page, label, option)
                        runs.setdefault(f"{kind}_filter", []).append(update)
                    except Exception as exc:  # report, do not stop the other measurements
                        errors.append(f"{kind}: {str(exc).splitlines()[0][:200]}")
                    finally:
                        context.close()
                if "maps.py" in pages:
                    context = chromium.new_context(viewport={"width": 1366, "height": 2400})
                    context.route("**/*", _local_only)
                    try:
                        runs.setdefault("map_open", []).append(_map_open(context, app.url))
                    except Exception as exc:
                        errors.append(f"map: {str(exc).splitlines()[0][:200]}")
                    finally:
                        context.close()
            chromium.close()
    finally:
        app.stop()
        floor.stop()
        floor_file.unlink(missing_ok=True)
    out: dict = {key: statistics.median(values) for key, values in runs.items()}
    out["runs"] = runs
    out["page_open"] = {name: statistics.median(values) for name, values in opens.items()}
    out["errors"] = errors
    for measure in ("first_chart", "filter"):
        if f"app_{measure}" in out and f"floor_{measure}" in out:
            out[f"{measure}_ratio"] = out[f"app_{measure}"] / out[f"floor_{measure}"]
    return out


# --- the report ----------------------------------------------------------------------------


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value * 1000:.0f} ms"


def _mark(value: float | None, limit: float) -> str:
    if value is None:
        return ""
    return " ✓" if value <= limit else " ✗"


def markdown(results: dict[str, dict], repeat: int) -> str:
    """The results as one markdown table: a row per measurement, a column per size."""
    sizes = list(results)
    rows: list[tuple[str, list[str], str]] = []

    def row(label: str, cells: list[str], target: str = "") -> None:
        rows.append((label, cells, target))

    def at_l(name: str, value, limit) -> str:
        return _mark(value, limit) if name == "L" else ""

    row("towns / participants / participations / testimonials", [
        "{regions:,} / {participants:,} / {participations:,} / {testimonials:,}".format(
            **results[n]["server"]["sizes"]) for n in sizes])  # fmt: skip
    row("load + validate (median)", [
        _s(results[n]["server"]["load"]["median"])
        + at_l(n, results[n]["server"]["load"]["median"], TARGETS["load"]) for n in sizes
    ], "≤ 3 s")  # fmt: skip
    row("peak memory (ru_maxrss, load + a page, largest)", [
        f"{results[n]['server']['peak_rss_mb']:.0f} MB"
        + at_l(n, results[n]["server"]["peak_rss_mb"], TARGETS["memory_mb"]) for n in sizes
    ], "≤ 1 GB")  # fmt: skip
    soaks = [results[n]["server"].get("soak") for n in sizes]
    if any(soaks):
        row("peak memory after reruns (every page, a town chosen and cleared, N rounds)", [
            "–" if not soak else soak["error"] if "error" in soak else
            f"{soak['peak_rss_mb']:.0f} MB after {soak['runs']:,} runs ({soak['rounds']} rounds)"
            + at_l(n, soak["peak_rss_mb"], TARGETS["memory_mb"])
            for n, soak in zip(sizes, soaks, strict=True)
        ], "≤ 1 GB")  # fmt: skip
    row("app first run, CSV read included", [_s(results[n]["server"]["first_run"])
                                              for n in sizes])  # fmt: skip
    names: list[str] = []
    for n in sizes:
        for name in results[n]["server"]["pages"]:
            if name not in names:
                names.append(name)
    for name in names:
        cells = []
        for n in sizes:
            page = results[n]["server"]["pages"].get(name)
            if page is None:
                cells.append("–")
            elif page["error"]:
                cells.append(f"error: {page['error'][:60]}")
            else:
                cells.append(f"{_ms(page['cold'])} / {_ms(page['warm'])}"
                             + at_l(n, page["warm"], TARGETS["warm"]))  # fmt: skip
        row(f"page {name.removesuffix('.py')}: cold / warm rerun (server)", cells, "warm ≤ 250 ms")
    row("filter change, overview rerun (server)", [
        _ms(results[n]["server"]["filter_change"]) for n in sizes])  # fmt: skip
    if any("browser" in results[n] for n in sizes):
        for key, label in (("first_chart", "browser: first chart"),
                           ("filter", "browser: filter change → updated chart")):  # fmt: skip
            cells = []
            for n in sizes:
                b = results[n].get("browser", {})
                if f"app_{key}" not in b or f"floor_{key}" not in b:
                    cells.append("–")
                    continue
                ratio = b[f"{key}_ratio"]
                cells.append(
                    f"{_s(b[f'app_{key}'])} vs floor {_s(b[f'floor_{key}'])} = {ratio:.2f}×"
                    + at_l(n, ratio, TARGETS["browser_ratio"])
                )
            row(label, cells, "≤ 1.3× floor")
        cells = []
        for n in sizes:
            b = results[n].get("browser", {})
            cells.append(
                _s(b.get("map_open"))
                + at_l(n, b.get("map_open"), TARGETS["map_open"])
                + (f" (floor's first chart in a new tab: {_s(b['floor_first_chart'])})"
                   if "floor_first_chart" in b and "map_open" in b else "")
            )  # fmt: skip
        row("browser: maps page opened by its link in a new tab → partner map drawn", cells,
            "≤ 2 s")  # fmt: skip
        for name in names[1:]:
            cells = []
            for n in sizes:
                value = results[n].get("browser", {}).get("page_open", {}).get(name)
                cells.append(_s(value))
            label = f"browser: open page {name.removesuffix('.py')} from the navigation"
            if "map" in name:
                label += " → partner map drawn"
                opened = [results[n].get("browser", {}).get("page_open", {}).get(name)
                          for n in sizes]  # fmt: skip
                cells = [
                    cell + at_l(n, value, TARGETS["map_open"])
                    for cell, n, value in zip(cells, sizes, opened, strict=True)
                ]
            row(label, cells, "≤ 2 s" if "map" in name else "")
        for n in sizes:
            for error in results[n].get("browser", {}).get("errors", []):
                row(f"browser error at {n}", [error if m == n else "" for m in sizes])
    head = "| measurement | " + " | ".join(sizes) + " | target at L |"
    rule = "|---|" + "---|" * len(sizes) + "---|"
    lines = [head, rule]
    for label, cells, target in rows:
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")
    lines.append("")
    lines.append(
        f"Medians of {repeat} runs. Server side: AppTest signed in as staff, a new process per "
        "page (cold = its first run there, imports included, derived caches emptied, the dataset "
        "already loaded). Browser: headless Chromium as a visitor who has not signed in (pages "
        "for staff only are not in its navigation); floor = bench/floor_app.py drawing the "
        "same figures pre-computed; ratios compare medians of the same run. "
        "✓/✗: target at L met or not."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="S,M,L", help="comma-separated, from S, M, L")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--no-browser", action="store_true", help="server-side figures only")
    parser.add_argument("--json", help="also write every figure to this JSON file")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "sosei-bench"))
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic datasets")
    parser.add_argument(
        "--first-page-only",
        action="store_true",
        help="server side: load and the first page only (quicker, e.g. to redo the browser part)",
    )
    parser.add_argument(
        "--page-timeout", type=float, default=300, help="seconds before a page's runs are stopped"
    )
    parser.add_argument(
        "--soak-rounds", type=int, default=20, help="rounds of reruns for the memory soak (0: none)"
    )
    args = parser.parse_args(argv)
    names = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    unknown = [n for n in names if n not in SIZES]
    if unknown or not names:
        parser.error(f"unknown size(s): {', '.join(unknown)}; choose from S, M, L")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    for name in names:
        folder = data_folder(SIZES[name], workdir, args.seed)
        print(f"[{name}] {folder}: server side…", file=sys.stderr, flush=True)
        server = server_side(
            folder,
            args.repeat,
            workdir,
            args.page_timeout,
            first_only=args.first_page_only,
            soak_rounds=args.soak_rounds,
        )
        results[name] = {"folder": str(folder), "server": server}
        if not args.no_browser:
            print(f"[{name}] browser…", file=sys.stderr, flush=True)
            results[name]["browser"] = browser_side(
                folder, results[name]["server"], args.repeat, workdir
            )
    print(markdown(results, args.repeat))
    if args.json:
        for result in results.values():
            result["server"].pop("floor", None)
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0
