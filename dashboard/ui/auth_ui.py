"""Sign-in in the sidebar: who is looking, as a ``dashboard.access.Viewer``.

Three set-ups, chosen by what the deployment has:

1. an OpenID provider in ``.streamlit/secrets.toml`` (``[auth]``): ``st.login``; the e-mail the
   provider confirms is looked up in the users file for a role and town;
2. a users file (``DASHBOARD_AUTH_FILE``, default ``./auth.yaml``): streamlit-authenticator's
   form, bcrypt-hashed passwords, a signed re-authentication cookie;
3. neither (a fresh clone): everyone is a public viewer, and the sidebar says how to sign in.

Anyone not signed in is a public viewer. The role of a test run is taken from
``st.session_state["_test_role"]`` only under Streamlit's AppTest (never in a served app).
"""

from __future__ import annotations

import os
import sys

import streamlit as st
from streamlit import config as st_config
from streamlit.runtime import Runtime

from dashboard import auth
from dashboard.access import PUBLIC, Viewer
from dashboard.i18n import town_name
from dashboard.markup import md_translator
from dashboard.ui import cache

TEST_KEY = "_test_role"
ATTEMPT_KEY = "_access_attempt"


def under_app_test() -> bool:
    """True only inside ``streamlit.testing``'s AppTest.

    AppTest turns the hidden option ``global.appTest`` on for the length of its script run and
    stands a mock in for Streamlit's runtime; a served app has the real ``Runtime``. Neither can
    be changed from a browser or the URL.
    """
    if not st_config.get_option("global.appTest") or not Runtime.exists():
        return False
    return type(Runtime.instance()) is not Runtime


def test_viewer() -> Viewer | None:
    """The viewer a test asked for (``app_test(role=..., town=...)``), under AppTest only."""
    if not under_app_test():
        return None
    value = st.session_state.get(TEST_KEY)
    if not value:
        return None
    role, town = value
    return Viewer(role, town, name=f"{role} (test)", username=f"test-{role}")


def oidc_configured() -> bool:
    """Whether ``.streamlit/secrets.toml`` has an ``[auth]`` section for ``st.login``."""
    # with no secrets file Streamlit looks for one again, under a lock, at every question:
    # a few stats first keep that off every run of every session
    if not any(os.path.exists(path) for path in st_config.get_option("secrets.files")):
        return False
    try:
        return "auth" in st.secrets
    except Exception:  # a file that cannot be read
        return False


def _users_file(tr) -> auth.AuthConfig | None:
    """The users file, or None (public mode) when there is none or it cannot be used: the
    reason goes to the server log, the sidebar says sign-in is unavailable."""
    try:
        return auth.load_config()
    except auth.AuthConfigError as exc:
        _log_config_error(str(exc))
        st.sidebar.error(tr("access.config_error"))
        return None


@st.cache_resource(show_spinner=False, max_entries=16)
def _log_config_error(reason: str) -> None:
    """Log a users file's problem once per server process, not on every rerun."""
    print(f"sign-in disabled: {reason}", file=sys.stderr)


def _signed_in_box(viewer: Viewer, tr, lang: str) -> bool:
    """'Signed in as …' and a sign-out button; True when the button was pressed."""
    label = tr(f"access.role.{viewer.role}")
    if viewer.town:
        loaded = cache.load()
        regions = loaded.dataset.regions if loaded.dataset is not None else None
        if regions is not None and viewer.town in set(regions["region_id"]):
            row = regions[regions["region_id"] == viewer.town].iloc[0].to_dict()
            label = f"{label} · {town_name(row, lang)}"
    st.sidebar.caption(tr("access.signed_in", name=viewer.name or viewer.username, role=label))
    return st.sidebar.button(tr("access.sign_out"), key="access_sign_out", icon=":material/logout:")


def _oidc_viewer(config: auth.AuthConfig | None, tr, lang: str) -> Viewer:
    if not st.user.is_logged_in:
        st.sidebar.button(
            tr("access.sign_in"),
            key="access_oidc_sign_in",
            on_click=st.login,
            icon=":material/login:",
        )
        st.sidebar.caption(tr("access.public_mode"))
        return PUBLIC
    # only an address the provider says it has verified names a user of the file
    email = st.user.get("email") if st.user.get("email_verified") is True else None
    viewer = config.viewer_for_email(email) if config else None
    if viewer is None:
        st.sidebar.warning(tr("access.no_role"))
        viewer = Viewer("public", name=str(st.user.get("name") or email or ""))
    if _signed_in_box(viewer, tr, lang):
        st.logout()
    return viewer


def _authenticator(config: auth.AuthConfig):
    """streamlit-authenticator over the users file's password users.

    Its cookie component (hidden, in the sidebar) reports the browser's cookies with a rerun
    about two seconds after it first draws; a form submitted during that rerun would be lost,
    so it is made only when needed: on a submitted form, for a browser that brings our cookie,
    and while someone is signed in (to keep or delete the cookie).
    """
    import streamlit_authenticator as stauth

    with st.sidebar:
        return stauth.Authenticate(
            config.password_credentials(),
            config.cookie_name,
            config.cookie_key,
            config.cookie_expiry_days,
            auto_hash=False,
            login_sleep_time=0,
        )


def _sign_in_form(tr):
    """The sign-in form in a sidebar expander: (slot, submitted (username, password) or None);
    ``slot.empty()`` takes the form away."""
    failed = st.session_state.get("authentication_status") is False
    slot = st.sidebar.empty()
    expander = slot.container().expander(
        tr("access.sign_in"), expanded=failed, icon=":material/login:"
    )
    with expander:
        with st.form("access_sign_in", clear_on_submit=True, border=False):
            st.text_input(tr("access.username"), key="access_username", autocomplete="username")
            st.text_input(
                tr("access.password"),
                type="password",
                key="access_password",
                autocomplete="current-password",
            )
            st.form_submit_button(
                tr("access.sign_in"),
                key="access_submit",
                icon=":material/login:",
                on_click=_submitted,
            )
    # taken from the callback, which runs before the script: a rerun that overtakes the click
    # cannot lose it
    attempt = st.session_state.pop(ATTEMPT_KEY, None)
    return slot, attempt


def _submitted() -> None:
    """The form's callback: keep what was typed for this run only."""
    st.session_state[ATTEMPT_KEY] = (
        str(st.session_state.get("access_username") or "").strip().lower(),
        str(st.session_state.get("access_password") or ""),
    )


@st.cache_resource(show_spinner=False)
def _throttle() -> auth.Throttle:
    """Failed sign-ins of this server process, per username and per client address."""
    return auth.Throttle()


def _signed_in(user: auth.User) -> None:
    """Mark this session signed in as ``user``, as streamlit-authenticator's login would."""
    st.session_state.update(
        authentication_status=True,
        username=user.username,
        name=user.name or user.username,
        email=user.email,
        roles=[user.role],
        logout=None,
    )


def _check_password(config: auth.AuthConfig, username: str, password: str, tr) -> bool:
    """The password checked (one bcrypt check, known user or not), after waiting out the
    back-off of this user and this client; False with a message in the sidebar otherwise."""
    keys = (f"user:{username}", f"client:{st.context.ip_address or 'unknown'}")
    throttle = _throttle()
    wait = throttle.wait(keys)
    if wait > 0:
        st.sidebar.error(tr("access.throttled", seconds=int(wait) + 1))
        return False
    if username and config.verify(username, password):
        throttle.succeeded(keys)
        return True
    throttle.failed(keys)
    st.sidebar.error(tr("access.wrong_password"))
    return False


def _password_viewer(config: auth.AuthConfig, tr, lang: str) -> Viewer:
    state = st.session_state
    authenticator = None
    if config.demo:
        st.sidebar.warning(tr("access.demo"), icon=":material/warning:")
    if not state.get("authentication_status") and not state.get("logout"):
        # a signed cookie from an earlier sign-in: its signature, expiry, and that it was
        # issued after the user's last sign-out or change of password or role
        user = config.cookie_user(st.context.cookies.get(config.cookie_name))
        if user is not None and user.has_password:
            _signed_in(user)
    if not state.get("authentication_status"):
        slot, submitted = _sign_in_form(tr)
        if submitted:
            username, password = submitted
            # checked before any cookie component is drawn (see _authenticator)
            if _check_password(config, username, password, tr):
                _signed_in(config.users[username])
                slot.empty()
                authenticator = _authenticator(config)
                with st.sidebar:
                    authenticator.cookie_controller.set_cookie()
            else:
                state["authentication_status"] = False
    if not state.get("authentication_status"):
        st.sidebar.caption(tr("access.public_mode"))
        return PUBLIC
    authenticator = authenticator or _authenticator(config)
    viewer = config.viewer_for(state.get("username"))
    if viewer is None:  # removed from the users file since signing in
        with st.sidebar:
            authenticator.logout(location="unrendered")
        return PUBLIC
    if _signed_in_box(viewer, tr, lang):
        auth.end_sessions(auth.auth_file(), viewer.username)  # every earlier cookie too
        with st.sidebar:
            authenticator.logout(location="unrendered")
        st.sidebar.caption(tr("access.signed_out"))
        return PUBLIC
    return viewer


def current_viewer(lang: str) -> Viewer:
    """Who is looking, after the sidebar's sign-in box (drawn here)."""
    tr = md_translator(lang)  # every text here goes to a Markdown element
    viewer = test_viewer()
    if viewer is not None:
        return viewer
    if oidc_configured():
        return _oidc_viewer(_users_file(tr), tr, lang)
    config = _users_file(tr)
    if config is None:
        st.sidebar.caption(tr("access.no_sign_in"))
        return PUBLIC
    return _password_viewer(config, tr, lang)
