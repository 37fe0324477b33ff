"""``python -m bench soak``: the server's memory under a mixed crowd, at one size.

``--sessions`` visitors (100) over ``--towns`` towns (50), alternating English and Japanese and
the three roles (the public, the municipality of the visitor's town, staff), each opening the
town page, the overview and the voices page in turn for ``--rounds`` rounds, all at once. The
server's RSS is sampled every half second; the report gives its peak, its value after each
round and after the crowd has left, the p50/p95 of the runs and the exceptions seen (0 wanted).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from bench import load
from bench.load import SATURATED, Target, close, percentile, region_ids, rss_mb, token_cookie
from bench.protocol import Visitor
from bench.run import SIZES, data_folder

ROLES = ("public", "municipality", "staff")
LANGS = ("en", "ja")
PAGES = ("town", "", "voices")  # "" is the default page, the overview


def pss_mb(pid: int) -> float:
    """The proportional set size of ``pid`` and its descendants, in MB: memory shared between
    processes (kaleido's Chromium and its renderers) counts once in all, unlike RSS."""
    total = 0
    for each in load._tree(pid):
        try:
            for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def crowd(towns: list[str], sessions: int, roles=ROLES, langs=LANGS) -> list[tuple[str, str, str]]:
    """(role, lang, town) of each visitor: roles, languages and towns taken in turn."""
    return [
        (roles[i % len(roles)], langs[i % len(langs)], towns[i % len(towns)])
        for i in range(sessions)
    ]


def users(path: Path, towns: list[str]) -> None:
    """A users file: one staff user, and one municipality user per town (``town-<id>``)."""
    from dashboard import auth

    path.unlink(missing_ok=True)
    auth.add_user(path, "bench-staff", "bench-staff-password", "staff", name="Bench staff")
    for town in towns:
        auth.add_user(path, f"town-{town}", f"{town}-password-long", "municipality", town=town)


async def soak(url: str, pid: int, who: list[tuple[str, str, str]], auth: Path, rounds: int,
               timeout: float, pages=PAGES) -> dict:  # fmt: skip
    """Every visitor opens a page per round, all at once: runs, RSS and exceptions."""
    names = {"staff": lambda town: "bench-staff", "public": lambda town: None}
    cookies = {
        (role, town): token_cookie(auth, names.get(role, lambda town: f"town-{town}")(town))
        for role, _, town in who
    }
    visitors = [Visitor(url, cookies[(role, town)]) for role, _, town in who]
    await asyncio.gather(*(v.open() for v in visitors))
    peak, peak_alone, samples = 0.0, 0.0, []

    async def sample() -> None:
        nonlocal peak, peak_alone
        while True:
            peak, peak_alone = max(peak, pss_mb(pid)), max(peak_alone, rss_mb(pid, False))
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())
    seconds, exceptions, after_round = [], [], []
    started = time.perf_counter()
    try:
        for step in range(rounds):
            runs = await asyncio.gather(*(
                v.run(pages[(i + step) % len(pages)], f"town={town}&lang={lang}", timeout)
                for i, (v, (_, lang, town)) in enumerate(zip(visitors, who, strict=True))
            ))  # fmt: skip
            seconds += [r.seconds for r in runs if r.seconds is not None]
            exceptions += [e for r in runs for e in r.exceptions]
            after_round.append(round(rss_mb(pid, False), 1))
            print(f"  round {step + 1}: server RSS {after_round[-1]:.0f} MB, with its children "
                  f"PSS {pss_mb(pid):.0f} MB", file=sys.stderr, flush=True)  # fmt: skip
        await close(visitors)
        await asyncio.sleep(2)
        samples += [rss_mb(pid, False), pss_mb(pid)]
    finally:
        sampler.cancel()
    return {
        "sessions": len(who), "towns": len({t for _, _, t in who}), "rounds": rounds,
        "runs": len(seconds), "p50": percentile(seconds, 50), "p95": percentile(seconds, 95),
        "max": max(seconds, default=None), "over_1s": sum(s > SATURATED for s in seconds),
        "seconds": time.perf_counter() - started, "exceptions": len(exceptions),
        "first_exceptions": exceptions[:5], "server_rss_peak_mb": round(peak_alone, 1),
        "server_rss_after_rounds_mb": after_round, "server_rss_after_mb": round(samples[0], 1),
        "tree_pss_peak_mb": round(peak, 1), "tree_pss_after_mb": round(samples[1], 1),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--size", default="L", choices=sorted(SIZES))
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--towns", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--roles", default=",".join(ROLES), help="taken in turn")
    parser.add_argument("--langs", default=",".join(LANGS), help="taken in turn")
    parser.add_argument("--pages", default="town,overview,voices", help="opened in turn")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "sosei-bench"))
    args = parser.parse_args(argv)
    workdir = Path(args.workdir)
    rundir = workdir / f"soak-{time.strftime('%Y%m%d-%H%M%S')}"
    rundir.mkdir(parents=True)
    folder = data_folder(SIZES[args.size], workdir, args.seed)
    towns = region_ids(folder)[: args.towns]
    auth = rundir / "auth.yaml"
    users(auth, towns)
    env = {"DASHBOARD_DATA_DIR": str(folder), "DASHBOARD_AUTH_FILE": str(auth)}
    server = Target("app", "", "town", env).start(rundir / "app.log")
    try:
        before = rss_mb(server.process.pid, False)
        who = crowd(towns, args.sessions, args.roles.split(","), args.langs.split(","))
        pages = ["" if p == "overview" else p for p in args.pages.split(",")]
        result = asyncio.run(soak(server.url, server.process.pid, who, auth, args.rounds,
                                  args.timeout, pages))  # fmt: skip
    finally:
        server.stop()
    result = {"size": args.size, "server_rss_idle_mb": round(before, 1), **result}
    print(json.dumps(result, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0 if result["exceptions"] == 0 else 1
