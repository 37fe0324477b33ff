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
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import bcrypt
import yaml

from dashboard.access import ROLES, Viewer

DEFAULT_AUTH_FILE = "auth.yaml"
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further
COOKIE_NAME = "sosei_dashboard_auth"


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

    def viewer(self) -> Viewer:
        return Viewer(self.role, self.town, name=self.name or self.username, username=self.username)


@dataclass(frozen=True)
class AuthConfig:
    """A parsed users file: its users and the re-authentication cookie settings."""

    users: dict[str, User]
    cookie_name: str
    cookie_key: str
    cookie_expiry_days: float
    credentials: dict = field(repr=False, compare=False, hash=False)

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


def parse_config(raw: object, where: str = "auth file") -> AuthConfig:
    """A users file's parsed YAML -> ``AuthConfig``; ``AuthConfigError`` says what is wrong."""
    if not isinstance(raw, dict):
        raise AuthConfigError(f"{where}: expected a mapping with 'cookie' and 'credentials'")
    cookie = raw.get("cookie") or {}
    key = str(cookie.get("key") or "")
    if len(key) < 32:
        raise AuthConfigError(f"{where}: cookie.key must be a random secret of 32+ characters")
    try:
        expiry = float(cookie.get("expiry_days", 7))
    except (TypeError, ValueError) as exc:
        raise AuthConfigError(f"{where}: cookie.expiry_days must be a number") from exc
    entries = (raw.get("credentials") or {}).get("usernames") or {}
    if not isinstance(entries, dict):
        raise AuthConfigError(f"{where}: credentials.usernames must be a mapping")
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
        users[name] = User(
            username=name,
            name=str(entry.get("name") or ""),
            email=str(entry.get("email") or ""),
            role=role,
            town=str(town) if role == "municipality" else None,
            has_password=password is not None,
        )
        normalised[name] = dict(entry)
    return AuthConfig(
        users=users,
        cookie_name=str(cookie.get("name") or COOKIE_NAME),
        cookie_key=key,
        cookie_expiry_days=expiry,
        credentials={"usernames": normalised},
    )


def load_config(path: Path | str | None = None) -> AuthConfig | None:
    """The users file parsed, or None when there is no file (sign-in is not set up)."""
    path = Path(path) if path else auth_file()
    if not path.is_file():
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise AuthConfigError(f"{path}: cannot be read: {exc}") from exc
    return parse_config(raw, str(path))


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
    if path.is_file():
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
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
    if password is not None:
        entry["password"] = hash_password(password)
    entry["role"] = role
    entry["roles"] = [role]
    if role == "municipality":
        entry["town"] = town
    else:
        entry.pop("town", None)
    users[username] = entry
    _write_private(path, yaml.safe_dump(raw, allow_unicode=True, sort_keys=False))
    return new


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
