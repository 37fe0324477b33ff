"""A throwaway cluster on this machine: PostgreSQL, N dashboard replicas, nginx in front.

``scripts/cluster.sh start|stop|status [N]`` (``python -m bench.cluster``), the cluster's tests
and ``python -m bench load --cluster N`` all use ``Cluster``:
- PostgreSQL 15 (Debian's ``/usr/lib/postgresql/15/bin``), run as the ``postgres`` user when
  this process is root, on ``<state>/pg`` (loopback, a free port, trust authentication: nothing
  but this machine reaches it), made ready by ``deploy/init_db.py`` (``python -m dashboard db
  init``, and ``db import <data>`` while the database holds no data);
- N replicas, ``streamlit run streamlit_app.py`` each on a free port with
  ``DASHBOARD_DATABASE_URL`` and one shared ``server.cookieSecret``;
- nginx from ``deploy/nginx.conf.template`` (inside ``deploy/nginx-local.conf.template``), its
  own process with every file under ``<state>/nginx``, never the system's nginx.
With ``store="folder"`` there is no database: the replicas share a copy of the data folder.
What runs is written to ``<state>/cluster.json``, so ``stop`` and ``status`` from another
process find it. Every process is started in a session of its own and ended by its pid.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.server import free_port

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
APP = ROOT / "streamlit_app.py"
PG_BIN = Path(os.environ.get("SOSEI_PG_BIN", "/usr/lib/postgresql/15/bin"))
NGINX = os.environ.get("SOSEI_NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
DEFAULT_STATE = Path(
    os.environ.get("SOSEI_CLUSTER_DIR", Path(tempfile.gettempdir()) / "sosei-cluster")
)
COOKIE = "sosei_replica"  # the affinity cookie nginx sets (deploy/nginx.conf.template)
DATABASE = "sosei"


def render(template: Path, values: dict[str, str]) -> str:
    """``template`` with each ``${NAME}`` of ``values`` filled in, as envsubst does with a list
    of names: nginx's own ``$variables`` stay. An unknown ``${NAME}`` is an error."""
    text = template.read_text(encoding="utf-8")

    def fill(match: re.Match) -> str:
        if match.group(1) not in values:
            raise KeyError(f"{template.name}: no value for ${{{match.group(1)}}}")
        return values[match.group(1)]

    return re.sub(r"\$\{([A-Z_]+)\}", fill, text)


def upstreams(ports: list[int], host: str = "127.0.0.1") -> str:
    """The ``server`` lines of the replicas' upstream: a replica that fails once is left alone
    for 10 s."""
    return " ".join(f"server {host}:{p} max_fails=2 fail_timeout=10s;" for p in ports)


def nginx_config(prefix: Path, listen: str, ports: list[int]) -> Path:
    """Write the site (``deploy/nginx.conf.template``) and the process's own config under
    ``prefix``: the config's path."""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / name).mkdir(parents=True, exist_ok=True)
    site = prefix / "site.conf"
    site.write_text(
        render(DEPLOY / "nginx.conf.template",
               {"SOSEI_LISTEN": listen, "SOSEI_REPLICAS": upstreams(ports)}),
        encoding="utf-8",
    )  # fmt: skip
    conf = prefix / "nginx.conf"
    conf.write_text(
        render(DEPLOY / "nginx-local.conf.template",
               {"SOSEI_PREFIX": str(prefix), "SOSEI_SITE": str(site)}),
        encoding="utf-8",
    )  # fmt: skip
    return conf


def nginx_command(prefix: Path, conf: Path, *extra: str) -> list[str]:
    return [NGINX, "-p", f"{prefix}/", "-c", str(conf), "-g", "daemon off;", *extra]


def check_nginx(conf: Path, prefix: Path) -> None:
    """``nginx -t`` on ``conf``; RuntimeError with nginx's words when it refuses."""
    done = subprocess.run(nginx_command(prefix, conf, "-t"), capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"nginx refuses {conf}: {done.stderr.strip()}")


# --- processes --------------------------------------------------------------------------------


def as_postgres(command: list[str]) -> list[str]:
    """``command`` as the ``postgres`` user when this process is root (PostgreSQL refuses to run
    as root), else as it is."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie of ours is not running
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def end(pid: int | None, timeout: float = 15) -> None:
    """SIGTERM to process ``pid``, SIGKILL after ``timeout`` s if it is still there."""
    if not alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.1)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)
    _reap(pid)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def spawn(command: list[str], log: Path, env: dict[str, str] | None = None) -> int:
    """Start ``command`` in a session of its own (it outlives ``cluster.sh start``), its output
    appended to ``log``: its pid."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    return process.pid


def wait_http(url: str, pid: int, log: Path, timeout: float = 120) -> None:
    """Wait until ``url`` answers 200 while process ``pid`` runs; RuntimeError with the end of
    ``log`` otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            raise RuntimeError(f"exited before {url} answered:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --- the cluster ------------------------------------------------------------------------------


@dataclass
class Replica:
    port: int
    pid: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class State:
    """What runs: written to ``<state>/cluster.json``."""

    url: str = ""
    store: str = "postgres"
    database_url: str = ""
    data_dir: str = ""
    pg_port: int = 0
    pg_pid: int = 0
    nginx_port: int = 0
    nginx_pid: int = 0
    replicas: list[Replica] = field(default_factory=list)


class Cluster:
    """The cluster whose files live in ``state`` (``DEFAULT_STATE``: ``$SOSEI_CLUSTER_DIR`` or
    ``/tmp/sosei-cluster``). ``start()``, then ``url``; ``stop()`` ends what it started."""

    def __init__(self, state: Path | str | None = None) -> None:
        self.dir = Path(state or DEFAULT_STATE).resolve()
        self.file = self.dir / "cluster.json"
        self.state = self._read()

    def _read(self) -> State:
        try:
            raw = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return State()
        raw["replicas"] = [Replica(**r) for r in raw.get("replicas", [])]
        return State(**raw)

    def _write(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.file.write_text(json.dumps(asdict(self.state), indent=1), encoding="utf-8")

    @property
    def url(self) -> str:
        return self.state.url

    @property
    def logs(self) -> Path:
        return self.dir / "logs"

    def running(self) -> bool:
        s = self.state
        return alive(s.nginx_pid) or any(alive(r.pid) for r in s.replicas) or alive(s.pg_pid)

    # --- start ---------------------------------------------------------------------------

    def start(
        self,
        replicas: int = 2,
        port: int | None = None,
        data: Path | str = ROOT / "data",
        store: str = "postgres",
        env: dict[str, str] | None = None,
    ) -> State:
        """Start PostgreSQL (``store="postgres"``) or a copy of ``data`` (``"folder"``),
        ``replicas`` replicas with ``env`` added to theirs, and nginx on ``port`` (a free one by
        default). Whatever started is ended again when a later step fails."""
        if self.running():
            raise RuntimeError(f"a cluster already runs from {self.dir}: stop it first")
        if store not in ("postgres", "folder"):
            raise ValueError(f"store is postgres or folder, not {store!r}")
        self.dir.mkdir(parents=True, exist_ok=True)
        self.state = State(store=store)
        secret = self._secret()
        try:
            app_env = {"STREAMLIT_SERVER_COOKIE_SECRET": secret, **(env or {})}
            if store == "postgres":
                app_env["DASHBOARD_DATABASE_URL"] = self._start_postgres(Path(data))
            else:
                app_env["DASHBOARD_DATA_DIR"] = self._copy_data(Path(data))
            for _ in range(replicas):
                self.add_replica(app_env)
            self._start_nginx(port or free_port())
        except BaseException:
            self.stop()
            raise
        return self.state

    def _secret(self) -> str:
        """The replicas' shared ``server.cookieSecret`` (Streamlit draws one per process),
        kept in the state folder, readable by its owner only."""
        path = self.dir / "cookie-secret"
        if not path.exists():
            path.write_text(secrets.token_hex(32), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()

    def _copy_data(self, data: Path) -> str:
        target = self.dir / "data"
        if not target.exists():
            shutil.copytree(data, target, ignore=shutil.ignore_patterns(".versions", ".lock"))
        self.state.data_dir = str(target)
        self._write()
        return str(target)

    def _start_postgres(self, data: Path) -> str:
        pg = self.dir / "pg"
        pgdata, sockets, log = pg / "data", pg / "run", self.logs / "postgres.log"
        fresh = not (pgdata / "PG_VERSION").exists()
        pg.mkdir(parents=True, exist_ok=True)
        sockets.mkdir(exist_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        log.touch()
        if os.geteuid() == 0:
            # the postgres user must reach its folders (not the rest of the state folder)
            self.dir.chmod(self.dir.stat().st_mode | 0o711)
            shutil.chown(pg, "postgres", "postgres")
            shutil.chown(sockets, "postgres", "postgres")
            shutil.chown(log, "postgres", "postgres")
            self.logs.chmod(self.logs.stat().st_mode | 0o711)
        if fresh:
            _run(as_postgres([str(PG_BIN / "initdb"), "-D", str(pgdata), "-U", "postgres",
                              "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"]))  # fmt: skip
        port = free_port()
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1"
        _run(as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(pgdata), "-o", options,
                          "-l", str(log), "-w", "-t", "60", "start"]))  # fmt: skip
        pid = int((pgdata / "postmaster.pid").read_text().split()[0])
        self.state.pg_port, self.state.pg_pid = port, pid
        self._write()
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/{DATABASE}"
        self.state.database_url = url
        self._write()
        if fresh:
            _run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port),
                  "-U", "postgres", DATABASE])  # fmt: skip
        # the schema, and the data folder as the first version of a database with none
        _run([sys.executable, str(DEPLOY / "init_db.py"), str(data)],
             env={"DASHBOARD_DATABASE_URL": url})  # fmt: skip
        return url

    def add_replica(self, env: dict[str, str]) -> Replica:
        """One more replica on a free port, once it answers its health check."""
        port = free_port()
        log = self.logs / f"replica-{port}.log"
        pid = spawn(
            [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.fileWatcherType", "none"],
            log, env,
        )  # fmt: skip
        replica = Replica(port, pid)
        self.state.replicas.append(replica)
        self._write()
        wait_http(f"{replica.url}/_stcore/health", pid, log)
        return replica

    def _start_nginx(self, port: int) -> None:
        prefix = self.dir / "nginx"
        conf = nginx_config(prefix, f"127.0.0.1:{port}", [r.port for r in self.state.replicas])
        check_nginx(conf, prefix)
        (prefix / "access.log").unlink(missing_ok=True)  # served_by reads this start's only
        log = self.logs / "nginx.log"
        pid = spawn(nginx_command(prefix, conf), log)
        self.state.nginx_port, self.state.nginx_pid = port, pid
        self.state.url = f"http://127.0.0.1:{port}"
        self._write()
        wait_http(f"{self.state.url}/_stcore/health", pid, log)

    # --- stop, status --------------------------------------------------------------------

    def kill_replica(self, port: int) -> None:
        """SIGKILL the replica on ``port``, as a crash would (nothing is cleaned up)."""
        (replica,) = [r for r in self.state.replicas if r.port == port]
        os.kill(replica.pid, signal.SIGKILL)
        while alive(replica.pid):
            _reap(replica.pid)
            time.sleep(0.05)

    def stop(self) -> None:
        """End nginx, the replicas and PostgreSQL (a fast shutdown: the data stays on disk)."""
        s = self.state
        end(s.nginx_pid)
        for replica in s.replicas:
            end(replica.pid)
        if s.pg_pid and alive(s.pg_pid):
            pgdata = self.dir / "pg" / "data"
            done = _run(as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(pgdata), "-m", "fast",
                                     "-w", "stop"]), check=False)  # fmt: skip
            if done.returncode:
                end(s.pg_pid)
        self.state = State(store=s.store)
        if self.dir.exists():
            self._write()

    def status(self) -> list[tuple[str, str, int, bool]]:
        """(what, where, pid, running) for each process of the cluster."""
        s = self.state
        rows = []
        if s.nginx_pid:
            rows.append(("nginx", s.url, s.nginx_pid, alive(s.nginx_pid)))
        rows += [(f"replica {i + 1}", r.url, r.pid, alive(r.pid)) for i, r in enumerate(s.replicas)]
        if s.pg_pid:
            rows.append(("postgresql", s.database_url, s.pg_pid, alive(s.pg_pid)))
        elif s.data_dir:
            rows.append(("data folder", s.data_dir, 0, Path(s.data_dir).is_dir()))
        return rows

    def served_by(self, cookie: str, at_least: int = 0, timeout: float = 5) -> list[str]:
        """The replicas (``host:port``) nginx sent the affinity cookie ``cookie`` to, in order,
        from the access log (a request moved on shows as ``a, b``); nginx writes a line just
        after its answer, so this waits up to ``timeout`` s for ``at_least`` lines."""
        log = self.dir / "nginx" / "access.log"
        deadline = time.monotonic() + timeout
        while True:
            found = []
            for line in log.read_text(errors="replace").splitlines():
                match = re.search(r"key=(\S+) upstream=(.+)$", line)
                if match and match.group(1) == cookie:
                    found.append(match.group(2).strip())
            if len(found) >= at_least or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


def _run(command: list[str], check: bool = True, env: dict[str, str] | None = None):
    done = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True
    )
    if check and done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}".strip())
    return done


# --- the command ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/cluster.sh", description="PostgreSQL, N replicas and nginx on this machine"
    )
    parser.add_argument("action", choices=("start", "stop", "status"))
    parser.add_argument("replicas", nargs="?", type=int, default=2, help="start: how many")
    parser.add_argument("--state", default=str(DEFAULT_STATE), help="the cluster's folder")
    parser.add_argument("--port", type=int, help="nginx's port (default: a free one)")
    parser.add_argument("--data", default=str(ROOT / "data"), help="first version of the data")
    parser.add_argument("--store", choices=("postgres", "folder"), default="postgres")
    args = parser.parse_args(argv)
    cluster = Cluster(args.state)
    if args.action == "start":
        if args.replicas < 1:
            parser.error("at least one replica")
        try:
            cluster.start(args.replicas, args.port, args.data, args.store)
        except RuntimeError as exc:
            print(f"cluster: {exc}", file=sys.stderr)
            return 1
        print(f"cluster: serving {cluster.url} (logs in {cluster.logs})")
    elif args.action == "stop":
        cluster.stop()
        print("cluster: stopped")
        return 0
    rows = cluster.status()
    if not rows:
        print(f"cluster: nothing runs from {cluster.dir}")
        return 3
    for what, where, pid, running in rows:
        print(f"{what:<12} {where:<60} pid {pid:<8} {'running' if running else 'NOT RUNNING'}")
    return 0 if all(r[3] for r in rows) else 3


if __name__ == "__main__":
    sys.exit(main())
