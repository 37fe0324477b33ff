"""The deployment files: compose.yaml (read as YAML: no Docker engine runs here), the
Dockerfile, .dockerignore, and scripts/install.sh as the tests and the image run it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

from bench import cluster as cl

ROOT = Path(__file__).resolve().parent.parent
INSTALL = ROOT / "scripts" / "install.sh"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_postgres_a_first_import_two_replicas_and_nginx(compose):
    services = compose["services"]
    assert set(services) == {"postgres", "init", "app1", "app2", "nginx"}
    assert services["app1"] == services["app2"]  # one definition (a YAML anchor), two replicas
    assert services["init"]["command"] == ["python", "deploy/init_db.py", "data"]
    assert (ROOT / "deploy" / "init_db.py").is_file()
    assert services["init"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["app1"]["depends_on"] == {
        "init": {"condition": "service_completed_successfully"}
    }
    # the data lives in a volume, not in a container
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert {"pgdata", "auth"} <= set(compose["volumes"])


def test_every_replica_and_the_import_reach_the_compose_database(compose):
    services = compose["services"]
    pg = services["postgres"]["environment"]
    password = pg["POSTGRES_PASSWORD"]
    assert password.startswith("${POSTGRES_PASSWORD:?")  # a secret from .env, not a literal
    expected = (
        f"postgresql+psycopg://{pg['POSTGRES_USER']}:{password}@postgres:5432/{pg['POSTGRES_DB']}"
    )
    for name in ("init", "app1", "app2"):
        assert services[name]["environment"]["DASHBOARD_DATABASE_URL"] == expected, name
    app = services["app1"]["environment"]
    assert app["STREAMLIT_SERVER_COOKIE_SECRET"].startswith("${SOSEI_COOKIE_SECRET:?")
    assert app["DASHBOARD_AUTH_FILE"].startswith("/srv/auth/")
    assert "auth:/srv/auth" in services["app1"]["volumes"]


@pytest.mark.skipif(not Path(cl.NGINX).exists(), reason="nginx: bash scripts/install.sh")
def test_compose_nginx_fills_the_site_template_with_both_replicas(compose, tmp_path):
    nginx = compose["services"]["nginx"]
    (mount,) = nginx["volumes"]
    source, target, mode = mount.split(":")
    assert (ROOT / source).resolve() == cl.DEPLOY / "nginx.conf.template"
    assert target == "/etc/nginx/templates/default.conf.template" and mode == "ro"
    env = nginx["environment"]
    servers = re.findall(r"server (\S+) ", env["SOSEI_REPLICAS"])
    assert servers == ["app1:8501", "app2:8501"]
    assert nginx["ports"] == [f"8080:{env['SOSEI_LISTEN']}"]
    # what the image's envsubst writes, with the replicas' names put to a local address so
    # that nginx -t can resolve them
    site = cl.render(cl.DEPLOY / "nginx.conf.template", env)
    assert "${" not in site
    local = tmp_path / "site.conf"
    local.write_text(re.sub(r"app[12]:", "127.0.0.1:", site.replace("listen 80;", "listen 8098;")))
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"events {{}}\nhttp {{\ninclude {local};\n}}\n")
    cl.check_nginx(conf, tmp_path)


def test_the_image_installs_with_the_tests_script_and_serves_on_the_replicas_port(compose):
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11-slim-bookworm" in dockerfile
    assert "bash scripts/install.sh" in dockerfile
    assert "pip install -r requirements.txt" in dockerfile
    assert re.search(r"^EXPOSE 8501$", dockerfile, re.M)
    assert '"streamlit", "run", "streamlit_app.py"' in dockerfile and '"8501"' in dockerfile
    assert re.search(r"^USER sosei$", dockerfile, re.M)  # not root
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {"auth.yaml", ".env", ".streamlit/secrets.toml", ".git", ".venv"} <= set(ignored)
    for needed in ("dashboard", "data", "deploy", "scripts", "app_pages", "streamlit_app.py"):
        assert needed not in ignored


def _fake_dpkg(tmp_path: Path, status: str) -> dict[str, str]:
    """An environment whose ``dpkg-query`` says every package is ``status``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "dpkg-query"
    fake.write_text(f"#!/bin/sh\nprintf '{status}'\n")
    fake.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


def test_install_names_the_exact_apt_command_when_it_cannot_install(tmp_path):
    env = _fake_dpkg(tmp_path, "not-installed")
    done = subprocess.run(
        ["bash", str(INSTALL), "--check", "test"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 1
    packages = (
        "chromium fonts-noto-cjk fonts-noto-color-emoji poppler-utils "
        "postgresql-15 nginx libreoffice-impress"
    )
    assert (
        "sudo apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends " + packages
    ) in done.stderr
    app = subprocess.run(["bash", str(INSTALL), "--check"], capture_output=True, text=True, env=env)
    assert app.returncode == 1 and "poppler-utils\n" in app.stderr and "nginx" not in app.stderr


@pytest.mark.skipif(shutil.which("runuser") is None or os.geteuid() != 0, reason="needs root")
def test_install_as_another_user_does_not_try_apt():
    reachable = Path(tempfile.mkdtemp(prefix="sosei-install-"))  # pytest's tmp_path is 0700
    reachable.chmod(0o755)
    env = _fake_dpkg(reachable, "not-installed")
    done = subprocess.run(
        ["runuser", "-u", "nobody", "--", "bash", str(INSTALL), "test"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert done.returncode == 1 and "install them with:  sudo apt-get" in done.stderr
    assert "installing" not in done.stderr
    shutil.rmtree(reachable)


def test_install_is_silent_when_everything_is_there(tmp_path):
    env = _fake_dpkg(tmp_path, "installed")
    done = subprocess.run(["bash", str(INSTALL), "test"], capture_output=True, text=True, env=env)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_the_test_command_installs_first_and_ci_runs_it():
    test_sh = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8").splitlines()
    install = test_sh.index("bash scripts/install.sh test")
    pytest_line = next(i for i, line in enumerate(test_sh) if "-m pytest" in line)
    assert install < pytest_line
    assert test_sh[pytest_line] == (
        'exec .venv/bin/python -m pytest -n 2 --reruns 1 --only-rerun TimeoutError -rR "$@"'
    )
    assert 'exec bash scripts/test.sh "$@"' in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
