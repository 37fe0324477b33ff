"""A throwaway PostgreSQL 15 cluster for the tests: Debian's ``initdb`` and ``pg_ctl`` run as
the ``postgres`` user on a folder under /tmp, listening on a free loopback port with trust
authentication, stopped and removed at the end. ``fresh_database`` gives each test its own
empty database in it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")
INSTALL = "apt-get -o DPkg::Lock::Timeout=600 install -y postgresql-15"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    command = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


class Cluster:
    """A PostgreSQL cluster of its own; ``url(db)`` for SQLAlchemy with psycopg 3."""

    def __init__(self) -> None:
        if not (BIN / "initdb").exists() or not (BIN / "pg_ctl").exists():
            raise RuntimeError(f"PostgreSQL 15 is not installed: run `{INSTALL}`")
        self.root = Path(tempfile.mkdtemp(prefix="dashboard-pg-", dir="/tmp"))
        shutil.chown(self.root, "postgres", "postgres")
        self.data = self.root / "data"
        self.port = _free_port()
        done = _as_postgres(
            str(BIN / "initdb"),
            "-D",
            str(self.data),
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr or done.stdout}")
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off"
        done = _as_postgres(
            str(BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "start",
        )
        if done.returncode:
            log = (self.root / "server.log").read_text(errors="replace")
            self.remove()
            raise RuntimeError(f"pg_ctl start failed: {done.stderr}{log}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url().replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        _as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        self.remove()

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def fresh_database(cluster: Cluster) -> str:
    """A new empty database in ``cluster`` -> its URL."""
    return cluster.create_database(f"t_{os.getpid()}_{uuid.uuid4().hex[:10]}")
