"""The users file: who may sign in, with which role and town, and how to add someone.

The file (``DASHBOARD_AUTH_FILE``, default ``./auth.yaml``) is the one streamlit-authenticator
reads, with two fields of ours on each user: ``role`` and, for a municipality, ``town``::

    cookie: {name: sosei_auth, key: <random, 32+ characters>, expiry_days: 7}
    credentials:
      usernames:
        tono:
          name: Tono city hall
          email: kikaku@city.tono.example
          password: $2b$12$...          # bcrypt hash, written by ``python -m dashboard add-user``
          role: municipality
          town: tono

With an OpenID provider configured in ``.streamlit/secrets.toml`` (``[auth]``), a signed-in
person's e-mail is looked up in the same file (a user entry may then have no password).
Passwords are hashed with bcrypt; nothing here stores or compares a plain password.

A sign-in cookie is honoured only when it was issued after the user's ``sessions_after`` time,
which ``add-user`` sets when it changes a password or a role and signing out sets too: an
earlier cookie, or a copy of it, no longer signs anyone in. The demo file's published cookie
key is refused unless ``DASHBOARD_AUTH_DEMO=1`` asks for the demo.
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import bcrypt
import jwt
import yaml
from filelock import FileLock

from dashboard.access import ROLES, Viewer

DEFAULT_AUTH_FILE = "auth.yaml"
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further
COOKIE_NAME = "sosei_dashboard_auth"
MIN_KEY_BYTES = 32
MAX_EXPIRY_DAYS = 365
# the cookie key of auth.example.yaml: public, so it signs nobody in outside the demo
DEMO_COOKIE_KEY = "demo-only-cookie-key-published-in-the-repository-do-not-use"
DEMO_ENV = "DASHBOARD_AUTH_DEMO"


class AuthConfigError(ValueError):
    """The users file exists but cannot be used (it says why)."""


def auth_file() -> Path:
    """``DASHBOARD_AUTH_FILE`` when set, else ``auth.yaml`` in the working folder."""
    return Path(os.environ.get("DASHBOARD_AUTH_FILE") or DEFAULT_AUTH_FILE)


@dataclass(frozen=True)
class User:
    """One user entry: username, display name, e-mail, role and town (for a municipality)."""

    username: str
    name: str
    email: str
    role: str
    town: str | None
    has_password: bool
    sessions_after: float = 0.0  # cookies issued before this time (epoch seconds) are refused

    def viewer(self) -> Viewer:
        return Viewer(self.role, self.town, name=self.name or self.username, username=self.username)


@dataclass(frozen=True)
class AuthConfig:
    """A parsed users file: its users and the re-authentication cookie settings."""

    users: dict[str, User]
    cookie_name: str
    cookie_key: str = field(repr=False)
    cookie_expiry_days: float
    credentials: dict = field(repr=False, compare=False, hash=False)
    demo: bool = False  # the demo file's public key, asked for with DASHBOARD_AUTH_DEMO=1

    def viewer_for(self, username: str | None) -> Viewer | None:
        """The viewer for a signed-in username, or None when the file no longer has them."""
        user = self.users.get((username or "").lower())
        return user.viewer() if user else None

    def viewer_for_email(self, email: str | None) -> Viewer | None:
        """The viewer for an e-mail confirmed by the OpenID provider, or None when unknown."""
        if not email:
            return None
        wanted = email.strip().lower()
        for user in self.users.values():
            if user.email and user.email.strip().lower() == wanted:
                return user.viewer()
        return None

    def verify(self, username: str, password: str) -> bool:
        """Whether ``password`` is ``username``'s. An unknown user, or one without a password,
        costs one bcrypt check too, so the time taken does not tell which users exist."""
        entry = self.credentials.get("usernames", {}).get((username or "").lower()) or {}
        hashed = entry.get("password") if self.users.get((username or "").lower()) else None
        if not hashed:
            check_password(password, _dummy_hash())
            return False
        return check_password(password, str(hashed))

    def cookie_user(self, token: str | None, now: float | None = None) -> User | None:
        """The user a sign-in cookie names, when it is signed with this file's key, has not
        expired, and was issued after the user's ``sessions_after``; else None."""
        if not token:
            return None
        try:
            claims = jwt.decode(token, self.cookie_key, algorithms=["HS256"])
            expires = float(claims["exp_date"])
            user = self.users.get(str(claims["username"]).lower())
        except (jwt.PyJWTError, KeyError, TypeError, ValueError):
            return None
        now = time.time() if now is None else now
        issued = expires - self.cookie_expiry_days * 86400
        if user is None or expires <= now or issued < user.sessions_after - 1e-6:
            return None
        return user

    def password_credentials(self) -> dict:
        """A fresh copy of the users with a password, as streamlit-authenticator expects them."""
        return {
            "usernames": {
                name: {
                    k: v
                    for k, v in entry.items()
                    if k in ("name", "email", "password", "roles", "first_name", "last_name")
                }
                for name, entry in self.credentials.get("usernames", {}).items()
                if self.users[name].has_password
            }
        }


def _mapping(value: object, where: str, what: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise AuthConfigError(f"{where}: {what} must be a mapping, not {type(value).__name__}")
    return value


def parse_config(raw: object, where: str = "auth file", allow_demo: bool = False) -> AuthConfig:
    """A users file's parsed YAML -> ``AuthConfig``; ``AuthConfigError`` says what is wrong.

    The demo file's public cookie key is refused unless ``allow_demo``.
    """
    if not isinstance(raw, dict):
        raise AuthConfigError(f"{where}: expected a mapping with 'cookie' and 'credentials'")
    cookie = _mapping(raw.get("cookie"), where, "cookie")
    key = str(cookie.get("key") or "")
    if len(key.encode()) < MIN_KEY_BYTES:
        raise AuthConfigError(
            f"{where}: cookie.key must be a random secret of {MIN_KEY_BYTES}+ bytes"
        )
    demo = hmac.compare_digest(key, DEMO_COOKIE_KEY)
    if demo and not allow_demo:
        raise AuthConfigError(
            f"{where}: cookie.key is the demo file's published key; start a real users file "
            f"with `python -m dashboard add-user`, or set {DEMO_ENV}=1 to try the demo"
        )
    expiry = cookie.get("expiry_days", 7)
    if isinstance(expiry, bool) or not isinstance(expiry, int | float):
        raise AuthConfigError(f"{where}: cookie.expiry_days must be a number of days")
    if not 0 <= expiry <= MAX_EXPIRY_DAYS:
        raise AuthConfigError(f"{where}: cookie.expiry_days must be from 0 to {MAX_EXPIRY_DAYS}")
    credentials = _mapping(raw.get("credentials"), where, "credentials")
    entries = _mapping(credentials.get("usernames"), where, "credentials.usernames")
    users: dict[str, User] = {}
    normalised: dict[str, dict] = {}
    for username, entry in entries.items():
        name = str(username).lower()
        if not isinstance(entry, dict):
            raise AuthConfigError(f"{where}: user {name!r} must be a mapping")
        role = entry.get("role")
        if role not in ROLES:
            raise AuthConfigError(f"{where}: user {name!r} needs a role: {', '.join(ROLES)}")
        town = entry.get("town") or None
        if role == "municipality" and not town:
            raise AuthConfigError(f"{where}: municipality user {name!r} needs a town")
        password = entry.get("password")
        if password is not None and not _is_bcrypt(str(password)):
            raise AuthConfigError(
                f"{where}: user {name!r} has a password that is not a bcrypt hash; "
                "set it with `python -m dashboard add-user`"
            )
        after = entry.get("sessions_after", 0) or 0
        if isinstance(after, bool) or not isinstance(after, int | float):
            raise AuthConfigError(f"{where}: user {name!r}: sessions_after must be a time")
        users[name] = User(
            username=name,
            name=str(entry.get("name") or ""),
            email=str(entry.get("email") or ""),
            role=role,
            town=str(town) if role == "municipality" else None,
            has_password=password is not None,
            sessions_after=float(after),
        )
        normalised[name] = dict(entry)
    return AuthConfig(
        users=users,
        cookie_name=str(cookie.get("name") or COOKIE_NAME),
        cookie_key=key,
        cookie_expiry_days=float(expiry),
        credentials={"usernames": normalised},
        demo=demo,
    )


def load_config(path: Path | str | None = None) -> AuthConfig | None:
    """The users file parsed, or None when there is no file (sign-in is not set up)."""
    path = Path(path) if path else auth_file()
    if not path.is_file():
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AuthConfigError(f"{path}: cannot be read: {exc}") from exc
    return parse_config(raw, str(path), allow_demo=os.environ.get(DEMO_ENV) == "1")


@cache
def _dummy_hash() -> str:
    """A bcrypt hash of nothing anyone knows, at the cost ``hash_password`` uses."""
    return bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt()).decode()


def _is_bcrypt(text: str) -> bool:
    return bool(re.match(r"^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$", text))


def hash_password(password: str) -> str:
    """A bcrypt hash of ``password`` (8+ characters, at most 72 bytes)."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise ValueError(f"the password must be at most {MAX_PASSWORD_BYTES} bytes long")
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def check_password(password: str, hashed: str) -> bool:
    """Whether ``password`` matches the bcrypt hash ``hashed``."""
    try:
        return bcrypt.checkpw(password.encode(), hashed.encode())
    except ValueError:
        return False


def add_user(
    path: Path | str,
    username: str,
    password: str | None,
    role: str,
    town: str | None = None,
    name: str | None = None,
    email: str | None = None,
) -> bool:
    """Add or update one user in the users file (created, with a random cookie key, when
    missing). ``password`` None keeps an existing password (or adds an OpenID-only user).

    Returns True when the user is new. The file is replaced atomically and readable only by
    its owner.
    """
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise ValueError(
            "the username must be 2-64 characters: lowercase letters, digits, '.', '_' or '-'"
        )
    if role not in ROLES:
        raise ValueError(f"the role must be one of {', '.join(ROLES)}")
    if role == "municipality" and not town:
        raise ValueError("a municipality user needs --town (the town's region_id, e.g. tono)")
    if role != "municipality" and town:
        raise ValueError("only a municipality user has a town")
    path = Path(path)
    with _file_lock(path):
        return _add_user(path, username, password, role, town, name, email)


def _add_user(path, username, password, role, town, name, email) -> bool:
    if path.is_file():
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        cookie = raw.get("cookie") if isinstance(raw, dict) else None
        key = str(cookie.get("key") or "") if isinstance(cookie, dict) else ""
        if isinstance(cookie, dict) and (
            key == DEMO_COOKIE_KEY or len(key.encode()) < MIN_KEY_BYTES
        ):
            # a file started from the demo (or with a short key): anyone could sign a cookie
            cookie["key"] = secrets.token_urlsafe(48)
        parse_config(raw, str(path))  # refuse to build on a broken file
    else:
        raw = {
            "cookie": {
                "name": COOKIE_NAME,
                "key": secrets.token_urlsafe(48),
                "expiry_days": 7,
            },
            "credentials": {"usernames": {}},
        }
    credentials = raw.get("credentials") or {}
    users = {str(k).lower(): v for k, v in (credentials.get("usernames") or {}).items()}
    raw["credentials"] = {**credentials, "usernames": users}
    new = username not in users
    entry = dict(users.get(username) or {})
    if name is not None or new:
        entry["name"] = name or entry.get("name") or username
    if email is not None:
        entry["email"] = email
    changed = password is not None or entry.get("role") != role or entry.get("town") != town
    if password is not None:
        entry["password"] = hash_password(password)
    if changed and not new:  # cookies signed before this change no longer sign anyone in
        entry["sessions_after"] = time.time()
    entry["role"] = role
    entry["roles"] = [role]
    if role == "municipality":
        entry["town"] = town
    else:
        entry.pop("town", None)
    users[username] = entry
    _write_private(path, yaml.safe_dump(raw, allow_unicode=True, sort_keys=False))
    return new


def end_sessions(path: Path | str, username: str, now: float | None = None) -> None:
    """Refuse every sign-in cookie of ``username`` issued until now (on signing out). A user
    no longer in the file, or no file, is left alone."""
    path = Path(path)
    with _file_lock(path):
        if not path.is_file():
            return
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        users = ((raw.get("credentials") or {}).get("usernames")) or {}
        entry = users.get(username.lower())
        if not isinstance(entry, dict):
            return
        entry["sessions_after"] = time.time() if now is None else now
        _write_private(path, yaml.safe_dump(raw, allow_unicode=True, sort_keys=False))


def _file_lock(path: Path) -> FileLock:
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path.parent / f".{path.name}.lock"), timeout=10)


# --- throttling password attempts ----------------------------------------------------------------


class Throttle:
    """Failed sign-ins per key (a username, a client address): after ``free`` failures within
    ``window`` seconds, each further attempt waits ``base * 2**(failures - free)`` seconds from
    the last failure (at most ``cap``). Thread-safe; one per server process."""

    def __init__(self, free: int = 5, window: float = 900, base: float = 30, cap: float = 900):
        self.free, self.window, self.base, self.cap = free, window, base, cap
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        times = [x for x in self._failures.get(key, []) if now - x < self.window]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def wait(self, keys, now: float | None = None) -> float:
        """Seconds to wait before another attempt for any of ``keys`` (0: go ahead)."""
        now = time.monotonic() if now is None else now
        longest = 0.0
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.free:
                    delay = min(self.cap, self.base * 2 ** (len(times) - self.free))
                    longest = max(longest, times[-1] + delay - now)
        return max(0.0, longest)

    def failed(self, keys, now: float | None = None) -> None:
        """Count a failed attempt for each of ``keys``."""
        now = time.monotonic() if now is None else now
        with self._lock:
            for key in keys:
                self._failures.setdefault(key, []).append(now)

    def succeeded(self, keys) -> None:
        """Forget the failures of ``keys`` (a correct password)."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
