"""``python -m bench load --cluster N``: ``bench.load``'s steady load through nginx, in front of
one replica and then of N on one database (``bench.cluster.Cluster``), each visitor carrying the
affinity cookie nginx gave it; the reruns per second each sustains under the p95 bound
(``bench.load.SATURATED``) and their ratio. ``--url`` measures a running cluster instead."""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.cluster import COOKIE, Cluster


def affinity_cookie(url: str) -> str:
    """The affinity cookie nginx gives a new visitor on its first answer (``name=value``), as
    a browser gets it before it opens the websocket."""
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as reply:
        for header in reply.headers.get_all("Set-Cookie") or []:
            if header.startswith(f"{COOKIE}="):
                return header.split(";")[0]
    raise RuntimeError(f"{url} set no {COOKIE} cookie: is nginx in front?")


class ClusterMeter:
    """CPU of this client and of the cluster's processes (``parts``: a name -> pids, each pid
    counted with its children: nginx's workers, PostgreSQL's backends) from now until
    ``done(row)``, as % of one core: ``server_cpu_pct`` in all, ``cpu_<part>_pct`` each."""

    def __init__(self, parts: dict[str, list[int]]) -> None:
        from bench.load import cpu_seconds

        self.parts, self.cpu = parts, cpu_seconds
        self.start = time.perf_counter()
        self.client, self.server = time.process_time(), self._server()

    def _server(self) -> dict[str, float]:
        return {name: sum(self.cpu(pid) for pid in pids) for name, pids in self.parts.items()}

    def done(self, row: dict) -> dict:
        seconds = max(time.perf_counter() - self.start, 1e-3)
        now = self._server()
        row["client_cpu_pct"] = 100 * (time.process_time() - self.client) / seconds
        for name in now:
            row[f"cpu_{name}_pct"] = 100 * (now[name] - self.server[name]) / seconds
        row["server_cpu_pct"] = sum(row[f"cpu_{name}_pct"] for name in now)
        return row


@dataclass
class Climb:
    """One cluster's climb: where it is reached, what to meter, and what it measured."""

    url: str
    parts: dict[str, list[int]]
    visitors: list = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)
    saturated_at: dict | None = None
    last_under: dict | None = None


async def climb(targets: dict[str, Climb], path: str, query: str, key: str, opts) -> None:
    """``bench.load``'s saturation through each target's nginx: sessions changing the filter
    ``key`` once a second (``bench.load.steady``), more at each step of ``LADDER``, each visitor
    with an affinity cookie of its own, until the p95 passes ``SATURATED`` twice at one step.
    The targets take each step in turn, so all of them see the same machine (it is shared)."""
    from bench import load
    from bench.protocol import Visitor

    try:
        for sessions in [n for n in load.LADDER if n <= opts.max_sessions]:
            climbing = {n: c for n, c in targets.items() if c.saturated_at is None}
            if not climbing:
                break
            for name, target in climbing.items():
                url = target.url
                more = [Visitor(url, affinity_cookie(url))
                        for _ in range(sessions - len(target.visitors))]  # fmt: skip
                await asyncio.gather(*(v.open() for v in more))
                opened = await asyncio.gather(*(v.run(path, query, opts.timeout) for v in more))
                target.visitors += more
                for attempt in (1, 2):
                    meter = ClusterMeter(target.parts)
                    runs, seconds = await load.steady(
                        target.visitors, key, opts.seconds, opts.timeout
                    )
                    step = meter.done(load.summary(runs, seconds, sessions))
                    step["exceptions"] += sum(len(r.exceptions) for r in opened) * (attempt == 1)
                    step["attempt"] = attempt
                    target.steps.append(step)
                    said = load.brief({**step, "rss_mb": 0})
                    print(f"    {name} replica(s) N={sessions} ({attempt}): {said}",
                          file=sys.stderr, flush=True)  # fmt: skip
                    if not load._over(step):
                        target.last_under = step
                        break
                if load._over(step):
                    target.saturated_at = step
                # the idle cluster's visitors stay open: a page left open costs nothing
    finally:
        for target in targets.values():
            await load.close(target.visitors)
            target.visitors = []


def load_main(argv: list[str]) -> int:
    """The command: the steps of each run as a table, then the ratio."""
    from bench import load
    from bench.run import SIZES, data_folder

    parser = argparse.ArgumentParser(prog="python -m bench load --cluster N")
    parser.add_argument("--cluster", type=int, required=True, help="replicas to compare with 1")
    parser.add_argument("--url", help="measure this running cluster only (nginx's address)")
    parser.add_argument("--size", default="S", choices=sorted(SIZES))
    parser.add_argument("--page", default="", help="url path of the page (default: overview)")
    parser.add_argument("--query", default="lang=ja", help="the page's link")
    parser.add_argument("--seconds", type=float, default=15, help="seconds per step")
    parser.add_argument("--max-sessions", type=int, default=load.LADDER[-1])
    parser.add_argument("--timeout", type=float, default=120, help="seconds before a run fails")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "sosei-bench"))
    parser.add_argument("--json", help="also write every figure to this JSON file")
    opts = parser.parse_args(argv)
    args = (opts.page, opts.query, "town", opts)
    results: dict = {"command": ["python", "-m", "bench", "load", *argv], "runs": {},
                     "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}  # fmt: skip
    if opts.url:
        targets = {"url": Climb(opts.url, {})}
        asyncio.run(climb(targets, *args))
    else:  # both clusters run side by side, each on its own database of the same data
        folder = data_folder(SIZES[opts.size], Path(opts.workdir), 1)
        clusters: dict[str, Cluster] = {}
        targets = {}
        try:
            for replicas in sorted({1, opts.cluster}):
                state = Path(tempfile.mkdtemp(prefix=f"sosei-bench-cluster-{replicas}-"))
                print(f"[{opts.size}] {replicas} replica(s) behind nginx: {state}",
                      file=sys.stderr, flush=True)  # fmt: skip
                cluster = clusters[str(replicas)] = Cluster(state)
                cluster.start(replicas, data=folder, env={"STREAMLIT_LOGGER_LEVEL": "warning"})
                s = cluster.state
                for replica in s.replicas:  # each replica warm, as load's saturate does
                    asyncio.run(_warm(replica.url, opts))
                parts = {"replicas": [r.pid for r in s.replicas], "nginx": [s.nginx_pid],
                         "postgres": [s.pg_pid]}  # fmt: skip
                targets[str(replicas)] = Climb(cluster.url, parts)
            asyncio.run(climb(targets, *args))
        finally:  # throwaway clusters: nothing of them is kept
            for cluster in clusters.values():
                cluster.stop()
                shutil.rmtree(cluster.dir, ignore_errors=True)
    for name, target in targets.items():
        results["runs"][name] = {"steps": target.steps, "saturated_at": target.saturated_at,
                                 "last_under": target.last_under}  # fmt: skip
    print(cluster_markdown(results, opts.cluster))
    if opts.json:
        Path(opts.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


async def _warm(url: str, opts) -> None:
    from bench.protocol import Visitor

    visitor = Visitor(url)
    await visitor.open()
    await visitor.run(opts.page, opts.query, 600)
    await visitor.close()


def _parts(step: dict) -> str:
    parts = [step.get(f"cpu_{name}_pct") for name in ("replicas", "nginx", "postgres")]
    if None in parts:
        return f"{step['server_cpu_pct']:.0f} %"
    return " / ".join(f"{value:.0f}" for value in parts) + " %"


def best(run: dict) -> dict | None:
    """The step with the most reruns per second among those under the p95 bound."""
    from bench import load

    under = [s for s in run["steps"] if not load._over(s)]
    return max(under, key=lambda s: s["reruns_per_s"] or 0, default=None)


def cluster_markdown(results: dict, replicas: int) -> str:
    """Each run's steps as a table, and the ratio of the best reruns/s under the p95 bound."""
    from bench import load

    lines = [f"Steady load through nginx (p95 bound {load.SATURATED:.0f} s): sessions each "
             "changing the town filter once a second, more at each step.", "",
             "| replicas | sessions | reruns/s | p50 | p95 | max | CPU replicas / nginx / "
             "postgres | CPU client | exceptions |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for name, run in results["runs"].items():
        for step in run["steps"]:
            lines.append(
                f"| {name} | {step['sessions']} | {step['reruns_per_s'] or 0:.1f} "
                f"| {load._s(step['p50'])} | {load._s(step['p95'])} | {load._s(step['max'])} "
                f"| {_parts(step)} | {step['client_cpu_pct']:.0f} % "
                f"| {step['exceptions']} |"
            )
    one, many = results["runs"].get("1"), results["runs"].get(str(replicas))
    if one and many and replicas != 1:
        a, b = best(one), best(many)
        if a and b:
            ratio = (b["reruns_per_s"] or 0) / max(a["reruns_per_s"] or 0, 1e-9)
            results["ratio"] = ratio
            lines += ["", f"Best under the bound: 1 replica {a['reruns_per_s']:.1f} reruns/s "
                      f"(p95 {load._s(a['p95'])}), {replicas} replicas {b['reruns_per_s']:.1f} "
                      f"reruns/s (p95 {load._s(b['p95'])}): {ratio:.2f}×."]  # fmt: skip
    return "\n".join(lines)
