"""``python -m bench load``: many visitors at once, each speaking Streamlit's own protocol.

For each size, viewer and page, and each number of sessions N, on a server of its own:
- ``herd``: N visitors open the same link at the same moment, on a fresh server;
- ``warm``: the same herd again (same server);
- ``towns``: N visitors open the page at once, each with a different ``?town=``;
- ``steady``: N open sessions each change the sidebar's town filter once a second for
  ``--steady-seconds``.
Then ``saturate``: one server, sessions each changing the filter once a second, more sessions
at each step (1, 2, 3, 4, 6, 8, …) until the p95 passes 1 s. Everything is done again for
``bench/floor_app.py``, fed the figures the dashboard sent for that page, so each p95 is also a
ratio to Streamlit's own cost measured in the same run. A visitor is ``bench.protocol.Visitor``.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import math
import os
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.protocol import Run, Visitor
from bench.run import FLOOR_APP, SIZES, _env, data_folder
from bench.server import Server
from bench.worker import APP

CASES = ("herd", "warm", "towns", "steady", "saturate")
LADDER = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256)
SATURATED = 1.0  # seconds: the p95 at which one process counts as saturated


@dataclass
class Target:
    """What the visitors open: the dashboard's page, or the floor standing in for it."""

    kind: str  # "app" or "floor"
    path: str  # the page's url path ("" for the default page)
    key: str  # the user key of the town filter the steady load changes
    env: dict[str, str] = field(default_factory=dict)

    def start(self, log: Path) -> Server:
        """A new server process; its log keeps Streamlit's warnings (``log_findings``)."""
        env = _env(STREAMLIT_LOGGER_LEVEL="warning", **self.env)
        return Server(FLOOR_APP if self.kind == "floor" else APP, env, log)


@dataclass
class Options:
    sessions: list[int]
    cases: list[str]
    steady_seconds: float
    saturate_seconds: float
    max_sessions: int
    timeout: float
    rundir: Path  # this run's server logs and floor figures


# --- measuring --------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """The nearest-rank percentile ``q`` (0-100) of ``values`` (None for none)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summary(runs: list[Run], seconds: float, sessions: int) -> dict:
    """Times to ``script_finished``, reruns finished per second, bytes received per session and
    the exceptions seen (a run that did not finish counts as one)."""
    times = [r.seconds for r in runs if r.seconds is not None]
    errors = [e for r in runs for e in r.exceptions]
    return {
        "sessions": sessions,
        "runs": len(runs),
        "finished": len(times),
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "max": max(times, default=None),
        "reruns_per_s": len(times) / seconds if seconds > 0 else None,
        "bytes_per_session": sum(r.bytes for r in runs) / max(sessions, 1),
        "exceptions": len(errors),
        "errors": sorted(set(errors))[:5],
        "seconds": seconds,
    }


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo.extend(children.get(found[-1], []))
    return found


def rss_mb(pid: int, children: bool = True) -> float:
    """VmRSS of process ``pid`` and (with ``children``) all its descendants, in MB; shared pages
    count once per process (the renderer's Chromium processes share many)."""
    total = 0
    for each in _tree(pid) if children else [pid]:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by ``pid`` and its descendants alive now."""
    ticks = 0
    for each in _tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


class Meter:
    """CPU of this client and of the server from now until ``done(row)``, which adds it (as a
    share of one core over that time) and the server's RSS to ``row``."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.start = time.perf_counter()
        self.client, self.server = time.process_time(), cpu_seconds(pid)

    def done(self, row: dict) -> dict:
        seconds = max(time.perf_counter() - self.start, 1e-3)
        row["client_cpu_pct"] = 100 * (time.process_time() - self.client) / seconds
        row["server_cpu_pct"] = 100 * (cpu_seconds(self.pid) - self.server) / seconds
        row["rss_mb"] = rss_mb(self.pid)
        row["rss_server_alone_mb"] = rss_mb(self.pid, children=False)
        return row


def log_findings(log: Path) -> list[str]:
    """What the server logged besides its start: Streamlit's messages and the last line of each
    traceback, counted."""
    found: Counter[str] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        stamped = re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ (.+)", line)
        if stamped and "Uvicorn server started" not in line:
            found[stamped.group(1)[:200]] += 1
        elif re.match(r"[A-Za-z_][\w.]*(Error|Exception|Warning|Exit|Interrupt)\b", line):
            found[line[:200]] += 1
    return [f"{count}× {text}" for text, count in found.most_common()]


async def open_visitors(
    url: str, target: Target, queries: list[str], cookie: str | None, timeout: float
) -> tuple[list[Visitor], list[Run], float]:
    """Visitors connected first, then all asking for the page at the same moment: the
    visitors, their runs, and the seconds until the last one finished."""
    visitors = [Visitor(url, cookie) for _ in queries]
    await asyncio.gather(*(v.open() for v in visitors))
    start = time.perf_counter()
    runs = await asyncio.gather(
        *(v.run(target.path, q, timeout) for v, q in zip(visitors, queries, strict=True))
    )
    return visitors, list(runs), time.perf_counter() - start


async def close(visitors: list[Visitor]) -> None:
    await asyncio.gather(*(v.close() for v in visitors), return_exceptions=True)


async def steady(
    visitors: list[Visitor], key: str, seconds: float, timeout: float
) -> tuple[list[Run], float]:
    """Each visitor changes the filter ``key`` to its next option once a second (starts spread
    over the first second; a run never overlaps the last): the runs and the seconds taken."""
    start = time.perf_counter()
    end = start + seconds

    async def session(i: int, visitor: Visitor) -> list[Run]:
        runs: list[Run] = []
        widget = visitor.widgets.get(key)
        if visitor.broken:  # its opening run failed, and was counted
            return runs
        if widget is None or not widget.options:
            return [Run(exceptions=[f"no widget with key {key!r} and options on the page"])]
        due, step = start + i / len(visitors), i
        while not visitor.broken:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            if time.perf_counter() >= end:
                break
            step += 1
            option = widget.options[step % len(widget.options)]
            runs.append(await visitor.choose(key, [option], timeout))
            due = max(due + 1.0, time.perf_counter())
        return runs

    per_session = await asyncio.gather(*(session(i, v) for i, v in enumerate(visitors)))
    return [r for runs in per_session for r in runs], time.perf_counter() - start


# --- the cases --------------------------------------------------------------------------------


@dataclass
class Link:
    """The page's link for the herd, and one link per town for the ``towns`` case."""

    herd: str
    towns: list[str]


async def cases_on(
    target: Target, link: Link, sessions: int, cookie: str | None, opts: Options, log: Path
) -> dict[str, dict]:
    """The herd, warm, towns and steady cases for ``sessions`` visitors on one new server: a
    summary per case, with the server's RSS after it."""
    server = target.start(log)
    out: dict[str, dict] = {}

    async def herd(case: str, queries: list[str]) -> None:
        meter = Meter(server.process.pid)
        visitors, runs, seconds = await open_visitors(
            server.url, target, queries, cookie, opts.timeout
        )
        done(case, meter.done(summary(runs, seconds, sessions)))
        await close(visitors)

    def done(case: str, row: dict) -> None:
        out[case] = row
        print(f"    {target.kind} {case} N={sessions}: {brief(row)}", file=sys.stderr, flush=True)

    try:
        if "herd" in opts.cases:
            await herd("herd", [link.herd] * sessions)
        else:  # the other cases are measured on a warm server
            warm, _, _ = await open_visitors(server.url, target, [link.herd], cookie, 600)
            await close(warm)
        if "warm" in opts.cases:
            await herd("warm", [link.herd] * sessions)
        if "towns" in opts.cases:
            await herd("towns", [link.towns[i % len(link.towns)] for i in range(sessions)])
        if "steady" in opts.cases:
            visitors, opened, _ = await open_visitors(
                server.url, target, [link.herd] * sessions, cookie, opts.timeout
            )
            meter = Meter(server.process.pid)
            runs, seconds = await steady(visitors, target.key, opts.steady_seconds, opts.timeout)
            row = meter.done(summary(runs, seconds, sessions))
            row["exceptions"] += sum(len(r.exceptions) for r in opened)
            done("steady", row)
            await close(visitors)
    finally:
        server.stop()
    return out


async def record_floor(
    url: str, target: Target, link: Link, cookie: str | None, timeout: float
) -> dict:
    """What ``bench/floor_app.py`` draws for this page: the plotly figures the page sent for
    the herd's link and after one change of the town filter, and that filter's label and
    options (``FLOOR_DATA``)."""
    visitor = Visitor(url, cookie, charts=True)
    await visitor.open()
    try:
        first = await visitor.run(target.path, link.herd, timeout)
        widget = visitor.widgets.get(target.key)
        if widget is None or not widget.options:
            raise RuntimeError(f"the page draws no filter with key {target.key!r}")
        changed = await visitor.choose(target.key, [widget.options[0]], timeout)
    finally:
        await visitor.close()
    errors = first.exceptions + changed.exceptions
    if errors:
        print(f"    recording the floor's figures: {errors[:3]}", file=sys.stderr, flush=True)
    return {
        "label": widget.label,
        "options": list(widget.options),
        "all": first.charts,
        "filtered": changed.charts,
        "errors": errors,
    }


def _over(step: dict) -> bool:
    return bool(step["exceptions"]) or step["p95"] is None or step["p95"] > SATURATED


async def saturate(
    target: Target, link: Link, cookie: str | None, opts: Options, log: Path
) -> dict:
    """Sessions changing the filter once a second, more at each step of ``LADDER``, on one
    warm server, until the p95 passes ``SATURATED`` (or a run fails) twice in a row at the
    same step (the machine is shared: one slow moment must not end the climb): every step,
    the step where it did, and the last step under it."""
    server = target.start(log)
    visitors: list[Visitor] = []
    steps: list[dict] = []
    result: dict = {"saturated_at": None, "last_under": None}
    try:
        warm, _, _ = await open_visitors(server.url, target, [link.herd], cookie, 600)
        await close(warm)
        for sessions in [n for n in LADDER if n <= opts.max_sessions]:
            more, opened, _ = await open_visitors(
                server.url, target, [link.herd] * (sessions - len(visitors)), cookie, opts.timeout
            )
            visitors += more
            for attempt in (1, 2):
                meter = Meter(server.process.pid)
                runs, seconds = await steady(
                    visitors, target.key, opts.saturate_seconds, opts.timeout
                )
                step = meter.done(summary(runs, seconds, sessions))
                step["exceptions"] += sum(len(r.exceptions) for r in opened) if attempt == 1 else 0
                step["attempt"] = attempt
                steps.append(step)
                print(f"    {target.kind} saturate N={sessions} ({attempt}): {brief(step)}",
                      file=sys.stderr, flush=True)  # fmt: skip
                if not _over(step):
                    result["last_under"] = step
                    break
            if _over(step):
                result["saturated_at"] = step
                break
    finally:
        await close(visitors)
        server.stop()
    result["steps"] = steps
    result["max_reruns_per_s"] = max((s["reruns_per_s"] or 0 for s in steps), default=0)
    return result


# --- viewers ----------------------------------------------------------------------------------


def users_file(path: Path, town: str) -> None:
    """A users file with one staff user and one municipality user of ``town``."""
    from dashboard import auth

    path.unlink(missing_ok=True)
    auth.add_user(path, "bench-staff", "bench-staff-password", "staff", name="Bench staff")
    auth.add_user(path, "bench-town", "bench-town-password", "municipality", town=town)


def sign_in_cookie(path: Path, role: str) -> str | None:
    """The ``Cookie`` header of a signed-in ``role`` of ``users_file`` (None for the public)."""
    return token_cookie(path, {"staff": "bench-staff", "municipality": "bench-town"}.get(role))


def token_cookie(path: Path, username: str | None) -> str | None:
    """The ``Cookie`` header of ``username`` of the users file ``path`` (None: no cookie): the
    app's sign-in cookie, a JWT {username, exp_date} signed HS256 with the file's key."""
    if username is None:
        return None
    import jwt

    from dashboard import auth

    config = auth.load_config(path)
    expires = time.time() + config.cookie_expiry_days * 86400 - 60
    token = jwt.encode({"username": username, "exp_date": expires}, config.cookie_key, "HS256")
    return f"{config.cookie_name}={token}"


# --- one size, one viewer, one page ------------------------------------------------------------


def region_ids(folder: Path) -> list[str]:
    with (folder / "regions.csv").open(encoding="utf-8") as handle:
        return [row["region_id"] for row in csv.DictReader(handle)]


async def measure_page(
    target: Target, link: Link, cookie: str | None, opts: Options, tag: str
) -> tuple[list[dict], list[dict]]:
    """Every case for the app and for the floor at each number of sessions (the two
    interleaved, so both see the same machine), then the saturation of each: the table's rows
    and the saturation results. ``tag`` names the files (``size-viewer-page``)."""
    logs = opts.rundir
    floor_file = opts.rundir / f"floor-{tag}.json"
    floor = Target("floor", "", "floor_filter", {"FLOOR_DATA": str(floor_file)})
    server = target.start(logs / f"app-{tag}-record.log")  # the figures the floor draws
    try:
        figures = await record_floor(server.url, target, link, cookie, opts.timeout)
    finally:
        server.stop()
    floor_file.write_text(json.dumps(figures), encoding="utf-8")
    charts = {"charts": len(figures["all"]), "charts_filtered": len(figures["filtered"]),
              "recording_errors": figures["errors"]}  # fmt: skip
    rows: list[dict] = []
    for sessions in opts.sessions if set(opts.cases) - {"saturate"} else []:
        app = await cases_on(
            target, link, sessions, cookie, opts, logs / f"app-{tag}-{sessions}.log"
        )
        bare = await cases_on(
            floor, link, sessions, None, opts, logs / f"floor-{tag}-{sessions}.log"
        )
        for case, row in app.items():
            floor_row = bare.get(case) or {}
            ratio = row["p95"] / floor_row["p95"] if row["p95"] and floor_row.get("p95") else None
            rows.append({"case": case, "sessions": sessions, "app": row, "floor": floor_row,
                         "ratio_p95": ratio, **charts})  # fmt: skip
    saturation: list[dict] = []
    if "saturate" in opts.cases:
        for which, who in ((target, cookie), (floor, None)):
            log = logs / f"{which.kind}-{tag}-saturate.log"
            saturation.append({"kind": which.kind, **await saturate(which, link, who, opts, log)})
    return rows, saturation


# --- the report -------------------------------------------------------------------------------


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def brief(row: dict) -> str:
    return (
        f"p50 {_s(row['p50'])}, p95 {_s(row['p95'])}, max {_s(row['max'])}, "
        f"{row['reruns_per_s'] or 0:.1f} reruns/s, {row['finished']}/{row['runs']} finished, "
        f"{row['exceptions']} exceptions, {row.get('rss_mb', 0):.0f} MB, "
        f"CPU server {row['server_cpu_pct']:.0f} % / client {row['client_cpu_pct']:.0f} %"
    )


def _times(row: dict) -> str:
    if row.get("p50") is None:
        return "–"
    return f"{row['p50']:.2f} / {row['p95']:.2f} / {row['max']:.2f} s"


def _cells(row: dict) -> str:
    """p50 / p95 / max, reruns/s, KB/session, exceptions, RSS after: one side of a row."""
    if not row:
        return "– | – | – | – | –"
    rss = f"{row['rss_mb']:.0f} MB"
    if row["rss_mb"] - row["rss_server_alone_mb"] >= 1:
        rss += f" ({row['rss_server_alone_mb']:.0f} MB without children)"
    return (
        f"{_times(row)} | {row['reruns_per_s'] or 0:.1f} | {row['bytes_per_session'] / 1024:,.0f} "
        f"| {row['exceptions']} | {rss}"
    )


def markdown(rows: list[dict], saturation: list[dict]) -> str:
    """The results as two markdown tables: a row per case, and where one process saturates."""
    lines = [
        "| size | viewer | page | case | N | p50 / p95 / max | reruns/s | KB/session | exceptions "
        "| RSS after | floor p50 / p95 / max | floor reruns/s | floor KB/session "
        "| floor exceptions | floor RSS after | p95 ÷ floor |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    figures: dict[str, str] = {}
    for row in rows:
        lines.append(
            f"| {row['size']} | {row['viewer']} | {row['page']} | {row['case']} "
            f"| {row['sessions']} | {_cells(row['app'])} | {_cells(row['floor'])} "
            f"| {_ratio(row['ratio_p95'])} |"
        )
        figures[f"{row['size']} {row['viewer']} {row['page']}"] = (
            f"{row['charts']} ({row['charts_filtered']} after a filter change)"
        )
    if saturation:
        lines += [
            "",
            "| size | viewer | page | app | p95 passed 1 s (or a run failed), twice, at "
            "| last step under 1 s | most reruns/s | exceptions |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for result in saturation:
            past, under = result["saturated_at"], result["last_under"]
            errors = sum(step["exceptions"] for step in result["steps"])
            lines.append(
                f"| {result['size']} | {result['viewer']} | {result['page']} | {result['kind']} "
                f"| {_step(past) if past else 'not reached'} | {_step(under) if under else '–'} "
                f"| {result['max_reruns_per_s']:.1f} | {errors} |"
            )
    lines += [
        "",
        "Times: from the rerun request to `script_finished`, per run (herd, warm, towns: one run "
        "per visitor, all asked for at once; steady: every filter change of N sessions, each "
        "once a second). reruns/s: runs finished per second of the case. KB/session: "
        "ForwardMsg bytes received. Exceptions: exception elements shown plus runs not "
        "finished within the timeout. RSS: the server process and its children, after the "
        "case. Floor: bench/floor_app.py drawing the page's plotly figures pre-computed, under "
        "the same load. Saturation: sessions × 1 filter change/s, more sessions at each step "
        "on one server, a step measured again when its p95 passes 1 s. CPU (in the JSON and "
        "the saturation table): the server's and this client's, % of one core.",
    ]
    if figures:
        lines.append(
            "Plotly figures the floor draws: "
            + "; ".join(f"{where}: {count}" for where, count in figures.items())
            + "."
        )
    return "\n".join(lines)


def _step(step: dict) -> str:
    return (
        f"{step['sessions']} sessions: {step['reruns_per_s'] or 0:.1f} reruns/s, "
        f"p95 {_s(step['p95'])}, CPU server {step['server_cpu_pct']:.0f} % "
        f"/ client {step['client_cpu_pct']:.0f} %"
    )


def main(argv: list[str] | None = None) -> int:
    from dashboard import access
    from dashboard.pages import PAGES

    parser = argparse.ArgumentParser(
        prog="python -m bench load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sizes", default="S,M,L", help="comma-separated, from S, M, L")
    parser.add_argument(
        "--pages",
        default=",".join(p.name for p in PAGES),
        help="comma-separated page names (default: every registered page)",
    )
    parser.add_argument("--sessions", default="1,10,30,100", help="numbers of visitors at once")
    parser.add_argument("--cases", default=",".join(CASES), help=f"from {', '.join(CASES)}")
    parser.add_argument("--roles", default="public", help="from public, municipality, staff")
    parser.add_argument("--steady-seconds", type=float, default=60)
    parser.add_argument("--saturate-seconds", type=float, default=15, help="seconds per step")
    parser.add_argument("--max-sessions", type=int, default=LADDER[-1], help="saturate: at most")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a run fails")
    parser.add_argument("--json", help="also write every figure to this JSON file")
    parser.add_argument(
        "--workdir",
        default=str(Path(tempfile.gettempdir()) / "sosei-bench"),
        help="the synthetic datasets, and load-<time>-<pid>/ with this run's server logs",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic datasets")
    args = parser.parse_args(argv)

    def listed(text: str, known, what: str) -> list[str]:
        items = [x.strip() for x in text.split(",") if x.strip()]
        wrong = [x for x in items if x not in known]
        if wrong or not items:
            parser.error(f"unknown {what}: {', '.join(wrong) or '(none)'}")
        return items

    sizes = listed(args.sizes.upper(), SIZES, "size")
    pages = listed(args.pages, {p.name for p in PAGES}, "page")
    cases = listed(args.cases, CASES, "case")
    roles = listed(args.roles, access.ROLES, "role")
    try:
        sessions = [int(n) for n in args.sessions.split(",") if n.strip()]
    except ValueError:
        parser.error("--sessions takes numbers: 1,10,30")
    workdir = Path(args.workdir)
    rundir = workdir / f"load-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    rundir.mkdir(parents=True)
    opts = Options(sessions, cases, args.steady_seconds, args.saturate_seconds,
                   args.max_sessions, args.timeout, rundir)  # fmt: skip
    result = {"command": ["python", "-m", "bench", "load", *(argv or sys.argv[2:])],
              "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
              "rundir": str(rundir), "rows": [], "saturation": [], "links": {},
              "server_log": {}}  # fmt: skip
    for size in sizes:
        folder = data_folder(SIZES[size], workdir, args.seed)
        towns = region_ids(folder)
        herd_town = "tono" if "tono" in towns else towns[0]
        auth = rundir / f"auth-{size}.yaml"
        env = {"DASHBOARD_DATA_DIR": str(folder)}
        if roles != ["public"]:
            users_file(auth, herd_town)
            env["DASHBOARD_AUTH_FILE"] = str(auth)
        for role in roles:
            viewer = access.Viewer(role, herd_town if role == "municipality" else None)
            cookie = sign_in_cookie(auth, role)
            for name in pages:
                if not access.can_open(viewer, name):
                    print(f"[{size}] {role} {name}: not open to this viewer", file=sys.stderr)
                    continue
                path = "" if name == PAGES[0].name else name
                herd = f"town={herd_town}&lang=ja" if name == "town" else "lang=ja"
                link = Link(herd, [f"town={t}&lang=ja" for t in towns])
                result["links"][f"{size} {name}"] = f"/{path}?{herd}"
                print(f"[{size}] {role} {name}: /{path}?{herd}", file=sys.stderr, flush=True)
                target = Target("app", path, "town", env)
                rows, saturation = asyncio.run(
                    measure_page(target, link, cookie, opts, f"{size}-{role}-{name}")
                )
                where = {"size": size, "viewer": role, "page": name}
                result["rows"] += [{**where, **row} for row in rows]
                result["saturation"] += [{**where, **row} for row in saturation]
                if args.json:
                    Path(args.json).write_text(json.dumps(result, indent=1), encoding="utf-8")
    for log in sorted(rundir.glob("*.log")):
        if findings := log_findings(log):
            result["server_log"][log.name] = findings
    print(markdown(result["rows"], result["saturation"]))
    for name, findings in result["server_log"].items():
        print(f"\nserver log {name}:", *findings[:8], sep="\n  ")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0
