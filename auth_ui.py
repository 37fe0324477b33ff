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

import sys

import streamlit as st
from streamlit import config as st_config
from streamlit.runtime import Runtime

from dashboard import auth, cache
from dashboard.access import PUBLIC, Viewer
from dashboard.i18n import town_name, translator

TEST_KEY = "_test_role"


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
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _users_file(tr) -> auth.AuthConfig | None:
    try:
        return auth.load_config()
    except auth.AuthConfigError as exc:
        print(f"sign-in disabled: {exc}", file=sys.stderr)
        st.sidebar.error(tr("access.config_error"))
        return None


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
    email = st.user.get("email") if st.user.get("email_verified", True) is not False else None
    viewer = config.viewer_for_email(email) if config else None
    if viewer is None:
        st.sidebar.warning(tr("access.no_role"))
        viewer = Viewer("public", name=str(st.user.get("name") or email or ""))
    if _signed_in_box(viewer, tr, lang):
        st.logout()
    return viewer


def _password_viewer(config: auth.AuthConfig, tr, lang: str) -> Viewer:
    import streamlit_authenticator as stauth

    with st.sidebar:
        # the re-authentication cookie's reader lives here (a hidden component)
        authenticator = stauth.Authenticate(
            config.password_credentials(),
            config.cookie_name,
            config.cookie_key,
            config.cookie_expiry_days,
            auto_hash=False,
            login_sleep_time=0,
        )
    if not st.session_state.get("authentication_status"):
        failed = st.session_state.get("authentication_status") is False
        with st.sidebar.expander(tr("access.sign_in"), expanded=failed, icon=":material/login:"):
            try:
                authenticator.login(
                    location="main",
                    key="access_login",
                    fields={
                        "Form name": tr("access.form_title"),
                        "Username": tr("access.username"),
                        "Password": tr("access.password"),
                        "Login": tr("access.sign_in"),
                    },
                )
            except Exception as exc:  # a cookie for a user no longer in the file, …
                print(f"sign-in refused: {exc}", file=sys.stderr)
                st.session_state["authentication_status"] = None
            if st.session_state.get("authentication_status") is False:
                # the same words for an unknown user and a wrong password
                st.error(tr("access.wrong_password"))
    if not st.session_state.get("authentication_status"):
        st.sidebar.caption(tr("access.public_mode"))
        return PUBLIC
    viewer = config.viewer_for(st.session_state.get("username"))
    if viewer is None:  # removed from the users file since signing in
        with st.sidebar:
            authenticator.logout(location="unrendered")
        return PUBLIC
    if _signed_in_box(viewer, tr, lang):
        with st.sidebar:
            authenticator.logout(location="unrendered")
        st.sidebar.caption(tr("access.signed_out"))
        return PUBLIC
    return viewer


def current_viewer(lang: str) -> Viewer:
    """Who is looking, after the sidebar's sign-in box (drawn here)."""
    tr = translator(lang)
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
