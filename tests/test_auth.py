"""The users file's defences: the demo key, malformed files, cookies that end, throttling."""

from __future__ import annotations

import shutil
import time

import jwt
import pytest
import yaml

from dashboard import auth

from .conftest import ROOT

DEMO = ROOT / "auth.example.yaml"


def cookie(config: auth.AuthConfig, username: str, issued: float, key: str | None = None) -> str:
    """A sign-in cookie as streamlit-authenticator writes it, issued at ``issued``."""
    expires = issued + config.cookie_expiry_days * 86400
    return jwt.encode(
        {"username": username, "exp_date": expires}, key or config.cookie_key, algorithm="HS256"
    )


@pytest.fixture
def users(tmp_path):
    path = tmp_path / "auth.yaml"
    auth.add_user(path, "tono", "tono-secret-1", "municipality", town="tono")
    auth.add_user(path, "staff", "staff-secret-1", "staff")
    return path


def test_the_demo_key_is_refused_unless_the_demo_is_asked_for(monkeypatch):
    monkeypatch.delenv("DASHBOARD_AUTH_DEMO", raising=False)
    with pytest.raises(auth.AuthConfigError, match="demo"):
        auth.load_config(DEMO)
    monkeypatch.setenv("DASHBOARD_AUTH_DEMO", "1")
    assert auth.load_config(DEMO).demo


def test_add_user_on_a_copy_of_the_demo_file_writes_a_new_random_key(tmp_path):
    path = tmp_path / "auth.yaml"
    shutil.copy(DEMO, path)
    auth.add_user(path, "alice", "alice-secret-1", "staff")
    key = yaml.safe_load(path.read_text())["cookie"]["key"]
    assert key != auth.DEMO_COOKIE_KEY and len(key.encode()) >= 32
    config = auth.load_config(path)  # no longer the demo: loads without DASHBOARD_AUTH_DEMO
    assert not config.demo and config.viewer_for("staff").role == "staff"
    # a staff cookie signed with the published key signs nobody in any more
    forged = cookie(config, "staff", time.time(), key=auth.DEMO_COOKIE_KEY)
    assert config.cookie_user(forged) is None


def test_add_user_replaces_a_key_under_32_bytes(tmp_path):
    path = tmp_path / "auth.yaml"
    path.write_text("cookie: {key: " + "k" * 31 + "}\ncredentials: {usernames: {}}\n")
    with pytest.raises(auth.AuthConfigError, match="32"):
        auth.load_config(path)
    auth.add_user(path, "alice", "alice-secret-1", "staff")
    assert len(auth.load_config(path).cookie_key.encode()) >= 32


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cookie: oops\n", "cookie must be a mapping"),
        ("cookie: {key: " + "k" * 40 + ", expiry_days: soon}\n", "number of days"),
        ("cookie: {key: " + "k" * 40 + ", expiry_days: 366}\n", "from 0 to 365"),
        ("cookie: {key: " + "k" * 40 + ", expiry_days: -1}\n", "from 0 to 365"),
        ("cookie: {key: " + "k" * 40 + "}\ncredentials: [x]\n", "credentials must be a mapping"),
        ("cookie: {key: " + "k" * 40 + "}\ncredentials: {usernames: [x]}\n", "usernames must"),
        ("\xff\xfe", "cannot be read"),
    ],
)
def test_a_malformed_users_file_says_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "auth.yaml"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(auth.AuthConfigError, match=message):
        auth.load_config(path)


def test_a_cookie_signs_in_until_the_user_signs_out(users):
    config = auth.load_config(users)
    token = cookie(config, "tono", time.time() - 60)
    assert config.cookie_user(token).username == "tono"
    auth.end_sessions(users, "tono")
    assert auth.load_config(users).cookie_user(token) is None
    # staff's cookies are untouched, and a cookie issued after the sign-out works
    assert auth.load_config(users).cookie_user(cookie(config, "staff", time.time() - 60))
    assert auth.load_config(users).cookie_user(cookie(config, "tono", time.time() + 1))


@pytest.mark.parametrize(
    "change",
    [
        {"password": "new-secret-22", "role": "municipality", "town": "tono"},
        {"password": None, "role": "public", "town": None},
        {"password": None, "role": "municipality", "town": "yame"},
    ],
)
def test_changing_a_password_a_role_or_a_town_ends_earlier_cookies(users, change):
    config = auth.load_config(users)
    token = cookie(config, "tono", time.time() - 60)
    assert config.cookie_user(token)
    auth.add_user(users, "tono", change["password"], change["role"], town=change["town"])
    assert auth.load_config(users).cookie_user(token) is None


def test_renaming_a_user_keeps_their_cookies(users):
    config = auth.load_config(users)
    token = cookie(config, "tono", time.time() - 60)
    auth.add_user(users, "tono", None, "municipality", town="tono", name="Tono city hall")
    assert auth.load_config(users).cookie_user(token).username == "tono"


def test_an_expired_a_foreign_or_a_garbled_cookie_signs_nobody_in(users):
    config = auth.load_config(users)
    old = cookie(config, "tono", time.time() - 8 * 86400)  # 7 days of expiry
    assert config.cookie_user(old) is None
    assert config.cookie_user(cookie(config, "tono", time.time(), key="x" * 40)) is None
    assert config.cookie_user(cookie(config, "nobody", time.time())) is None
    assert config.cookie_user("not.a.token") is None and config.cookie_user(None) is None


def test_an_unknown_user_costs_a_bcrypt_check_like_a_wrong_password(users, monkeypatch):
    config = auth.load_config(users)
    checks = []
    real = auth.check_password
    monkeypatch.setattr(auth, "check_password", lambda p, h: checks.append(h) or real(p, h))
    assert not config.verify("nobody", "tono-secret-1")
    assert not config.verify("tono", "wrong-secret")
    assert config.verify("tono", "tono-secret-1")
    assert len(checks) == 3 and all(auth._is_bcrypt(h) for h in checks)


def test_the_throttle_backs_off_after_five_failures_and_forgets_a_success():
    throttle = auth.Throttle(free=5, window=900, base=30, cap=900)
    keys = ("user:tono", "client:10.0.0.1")
    for second in range(5):
        assert throttle.wait(keys, now=second) == 0
        throttle.failed(keys, now=second)
    assert throttle.wait(keys, now=4) == 30  # 30 s from the fifth failure
    assert throttle.wait(("client:10.0.0.1",), now=20) == 14  # the client too, alone
    assert throttle.wait(("user:other", "client:10.0.0.2"), now=5) == 0  # others go on
    throttle.failed(keys, now=40)
    assert throttle.wait(keys, now=40) == 60  # doubled
    assert throttle.wait(keys, now=40 + 900) == 0  # failures older than the window are gone
    throttle.failed(keys, now=1000)
    throttle.succeeded(keys)
    assert throttle.wait(keys, now=1000) == 0


def test_single_sign_on_is_configured_only_by_an_auth_section(tmp_path, monkeypatch):
    from streamlit import config as st_config

    from dashboard.ui import auth_ui

    missing = tmp_path / "none.toml"
    monkeypatch.setattr(st_config, "get_option", lambda key: [str(missing)])
    assert not auth_ui.oidc_configured()  # no file: no question to Streamlit's secrets

    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n')
    monkeypatch.setattr(st_config, "get_option", lambda key: [str(secrets)])
    monkeypatch.setattr(auth_ui.st, "secrets", {"auth": {"redirect_uri": "x"}})
    assert auth_ui.oidc_configured()
    monkeypatch.setattr(auth_ui.st, "secrets", {"connections": {}})
    assert not auth_ui.oidc_configured()
