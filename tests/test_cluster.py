"""The cluster behind nginx (``scripts/cluster.sh``, ``bench/cluster.py``): the nginx config
it renders, and a real cluster of PostgreSQL, two replicas and nginx, reached as visitors reach
it: a cookie on the first answer, one replica per visitor (page, websocket, everything), a
visitor moved to the other replica when theirs dies, and the data kept across a restart."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from bench import cluster as cl
from bench.protocol import Visitor

from .conftest import run_apart

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "cluster.sh"


def test_the_site_template_fills_its_placeholders_and_keeps_nginx_variables():
    site = cl.render(
        cl.DEPLOY / "nginx.conf.template",
        {"SOSEI_LISTEN": "8080", "SOSEI_REPLICAS": cl.upstreams([9001, 9002], "app")},
    )
    assert "${" not in site
    assert "listen 8080;" in site
    assert "server app:9001 max_fails=2 fail_timeout=10s; server app:9002" in site
    # affinity on the cookie nginx sets, never on the client's address
    assert re.search(r"^\s*hash \$sosei_affinity;", site, re.M)
    assert "ip_hash" not in site and "$remote_addr consistent" not in site
    assert "add_header Set-Cookie $sosei_set_affinity always;" in site
    stream = site.split("location /_stcore/stream {")[1].split("}")[0]
    assert "proxy_set_header Upgrade $http_upgrade;" in stream
    assert "proxy_set_header Connection $sosei_connection;" in stream


def test_a_placeholder_without_a_value_is_refused(tmp_path):
    template = tmp_path / "x.template"
    template.write_text("listen ${SOSEI_LISTEN}; set $a ${SOSEI_OTHER};")
    with pytest.raises(KeyError, match="SOSEI_OTHER"):
        cl.render(template, {"SOSEI_LISTEN": "80"})


@pytest.mark.skipif(not Path(cl.NGINX).exists(), reason="nginx: bash scripts/install.sh")
def test_nginx_accepts_the_config_the_cluster_writes(tmp_path):
    conf = cl.nginx_config(tmp_path / "nginx", "127.0.0.1:8099", [9001, 9002])
    cl.check_nginx(conf, tmp_path / "nginx")  # nginx -t
    text = conf.read_text()
    assert f"pid {tmp_path}/nginx/nginx.pid;" in text and "/etc/nginx" not in text


# --- a real cluster ---------------------------------------------------------------------------


def script(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout
    )


def get(url: str, cookie: str | None = None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as reply:
        reply.read()
        return reply


def affinity(reply) -> str | None:
    """The affinity cookie an answer sets (``name=value``), or None."""
    for header in reply.headers.get_all("Set-Cookie") or []:
        if header.startswith(f"{cl.COOKIE}="):
            return header.split(";")[0]
    return None


async def visit(url: str, cookie: str) -> tuple[list[str], Visitor]:
    """Open the town page of Tono in Japanese, then choose another town in the sidebar: the
    exceptions seen and the visitor."""
    visitor = Visitor(url, cookie)
    await visitor.open()
    try:
        first = await visitor.run("town", "town=tono&lang=ja", 180)
        errors = list(first.exceptions)
        if "town" in visitor.widgets:
            option = visitor.widgets["town"].options[0]
            errors += (await visitor.choose("town", [option], 180)).exceptions
        else:
            errors.append("no town filter on the page")
    finally:
        await visitor.close()
    return errors, visitor


@pytest.fixture
def state():
    """A state folder under /tmp that the postgres user can reach (pytest's own is 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="sosei-cluster-test-"))
    yield folder
    cl.Cluster(folder).stop()  # whatever a failed test left running
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.apptest
def test_a_cluster_keeps_each_visitor_on_one_replica_and_moves_them_when_it_dies(state):
    started = script("start", "2", "--state", str(state))
    assert started.returncode == 0, started.stderr
    cluster = cl.Cluster(state)
    assert f"serving {cluster.url}" in started.stdout
    listed = script("status", "--state", str(state))
    assert listed.returncode == 0, listed.stdout
    lines = listed.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["nginx", "replica", "replica", "postgresql"]
    assert all(line.endswith("running") and "NOT" not in line for line in lines)
    replicas = {f"127.0.0.1:{r.port}" for r in cluster.state.replicas}

    # a cookie on the first answer only; every request with it goes to one replica
    first = get(f"{cluster.url}/")
    cookie = affinity(first)
    assert cookie and re.fullmatch(rf"{cl.COOKIE}=[0-9a-f]{{32}}", cookie)
    assert affinity(get(f"{cluster.url}/", cookie)) is None
    from bench.cluster_load import affinity_cookie

    assert affinity_cookie(cluster.url) not in (None, cookie)  # as the load's visitors get it
    for _ in range(5):
        get(f"{cluster.url}/_stcore/health", cookie)
    key = cookie.split("=")[1]
    (home,) = set(cluster.served_by(key, at_least=7))
    assert home in replicas and len(cluster.served_by(key)) == 7

    # new visitors are spread over both replicas
    spread = Counter()
    for _ in range(80):
        reply = get(f"{cluster.url}/_stcore/health")
        spread[cluster.served_by(affinity(reply).split("=")[1], at_least=1)[0]] += 1
    assert set(spread) == replicas and min(spread.values()) >= 20, spread

    # the websocket goes where the page went, and the page draws the bundled data
    errors, visitor = run_apart(visit(cluster.url, cookie))
    assert errors == []
    towns = (ROOT / "data" / "regions.csv").read_text(encoding="utf-8").strip().splitlines()
    assert "遠野市" in visitor.widgets["town"].options
    assert len(visitor.widgets["town"].options) == len(towns) - 1
    assert set(cluster.served_by(key)) == {home}

    # the visitor's replica dies: the same cookie is served by the other, page and websocket
    before = len(cluster.served_by(key, at_least=8))  # the websocket's line comes at its end
    cluster.kill_replica(int(home.rsplit(":", 1)[1]))
    assert get(f"{cluster.url}/_stcore/health", cookie).status == 200
    errors, visitor = run_apart(visit(cluster.url, cookie))
    assert errors == []
    (other,) = replicas - {home}
    moved = cluster.served_by(key, at_least=before + 2)[before:]
    assert moved and all(hop.endswith(other) for hop in moved), moved

    # a change saved before a stop is there after the next start (no second import over it)
    from dashboard.stores import open_store

    store = open_store(cluster.state.database_url, ROOT / "data")
    programs = store.load().dataset.programs.copy()
    programs["title"] = programs["title"] + " (kept)"
    assert store.save_tables({"programs": programs}, actor="test").ok

    # stop ends every process it started
    pids = [cluster.state.nginx_pid, cluster.state.pg_pid, *(r.pid for r in cluster.state.replicas)]
    stopped = script("stop", "--state", str(state))
    assert stopped.returncode == 0, stopped.stderr
    assert not any(cl.alive(pid) for pid in pids)
    assert script("status", "--state", str(state)).returncode == 3
    again = script("start", "1", "--state", str(state))
    assert again.returncode == 0, again.stderr
    store = open_store(cl.Cluster(state).state.database_url, ROOT / "data")
    titles = store.load().dataset.programs["title"]
    assert titles.str.endswith(" (kept)").all() and len(titles) == len(programs)


def _step(sessions: int, reruns: float, p95: float, exceptions: int = 0) -> dict:
    return {"sessions": sessions, "reruns_per_s": reruns, "p50": p95 / 2, "p95": p95,
            "max": p95, "server_cpu_pct": 90.0, "client_cpu_pct": 10.0,
            "exceptions": exceptions}  # fmt: skip


def test_the_cluster_load_compares_the_best_reruns_under_the_p95_bound():
    from bench.cluster_load import best, cluster_markdown

    one = {"steps": [_step(8, 7.9, 0.3), _step(12, 10.0, 0.8), _step(16, 11.0, 1.6)]}
    two = {"steps": [_step(16, 15.8, 0.4), _step(24, 19.0, 0.9), _step(32, 25.0, 0.7, 1)]}
    assert best(one)["sessions"] == 12  # 16 passed the bound
    assert best(two)["sessions"] == 24  # 32 had an exception
    results = {"runs": {"1": one, "2": two}}
    text = cluster_markdown(results, 2)
    assert results["ratio"] == pytest.approx(1.9)
    assert "1 replica 10.0 reruns/s (p95 0.80 s), 2 replicas 19.0 reruns/s" in text
    assert text.count("\n| 1 |") == 3 and text.count("\n| 2 |") == 3


def test_bench_load_with_cluster_runs_the_cluster_load():
    done = subprocess.run(
        [sys.executable, "-m", "bench", "load", "--cluster", "2", "--help"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: python -m bench load --cluster N")
    assert "--url" in done.stdout and "--seconds" in done.stdout
