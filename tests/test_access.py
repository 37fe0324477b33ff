"""Who sees what, without Streamlit: scoping, small counts, the users file, add-user."""

from __future__ import annotations

import io
import os
import stat
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest
import yaml

from dashboard import access, auth, metrics
from dashboard.__main__ import main as cli
from dashboard.access import PUBLIC, STAFF, Viewer

TONO = Viewer("municipality", "tono")
URAHORO = Viewer("municipality", "urahoro")
# people who did not consent to be shown, by town (from participants.csv)
NOT_CONSENTING_TONO = {
    "tono-sg",
    "tono-th",
    "tono-tw",
    "tono-jp",
    "tono-unknown-1",
    "tono-unknown-2",
}


def texts(ds) -> str:
    """Every cell of every table as one string."""
    return "\n".join(
        ds.table(name).astype("string").fillna("").to_csv(index=False)
        for name in ("regions", "programs", "participants", "participations", "testimonials")
    ) + ds.outcomes.astype("string").fillna("").to_csv(index=False)


# --- roles and abilities --------------------------------------------------------------------


def test_only_staff_may_manage_data_and_pin_quotes():
    assert access.can(STAFF, "manage_data") and access.can(STAFF, "pin")
    for viewer in (TONO, PUBLIC):
        assert not access.can(viewer, "manage_data")
        assert not access.can(viewer, "pin")


def test_no_viewer_may_do_anything():
    for action in access.ACTIONS:
        assert not access.can(None, action)


def test_staff_and_the_towns_own_office_see_every_count_of_a_town():
    assert access.can(STAFF, "see_town", "yame") and access.can(TONO, "see_town", "tono")
    assert not access.can(TONO, "see_town", "yame") and not access.can(PUBLIC, "see_town", "tono")
    assert not access.can(TONO, "see_town")  # no town named: the whole network


def test_staff_and_municipalities_may_see_names_the_public_may_not():
    assert access.can(STAFF, "see_names") and access.can(TONO, "see_names")
    assert not access.can(PUBLIC, "see_names")


def test_an_unknown_ability_is_refused_loudly():
    with pytest.raises(ValueError):
        access.can(STAFF, "delete_everything")


def test_a_municipality_needs_a_town_and_roles_are_checked():
    with pytest.raises(ValueError):
        Viewer("municipality")
    with pytest.raises(ValueError):
        Viewer("admin")
    assert Viewer("public", "tono").town is None


def test_the_data_page_is_in_the_navigation_of_staff_only():
    assert access.can_open(STAFF, "data.py")
    assert not access.can_open(TONO, "data.py") and not access.can_open(PUBLIC, "data")
    assert access.can_open(PUBLIC, "overview.py") and access.can_open(TONO, "town.py")


def test_a_municipality_opens_only_its_own_town_page():
    assert access.allowed_towns(TONO) == ("tono",)
    assert access.allowed_towns(STAFF) is None and access.allowed_towns(PUBLIC) is None


# --- scoping --------------------------------------------------------------------------------


def test_staff_get_the_dataset_itself(dataset):
    assert access.scope(dataset, STAFF) is dataset


def test_the_public_keeps_every_row_so_network_totals_stay(dataset):
    public = access.scope(dataset, PUBLIC)
    assert len(public.participants) == 27 and len(public.participations) == 27
    h = metrics.headline(public)
    assert (h["participants"], h["nationalities"], h["person_days"]) == (27, 15, 152)
    assert h["returning"] == 2


def test_the_public_sees_no_name_or_id_of_people_who_did_not_consent(dataset):
    public = access.scope(dataset, PUBLIC)
    people = public.participants
    hidden = people[~people["public_consent"].fillna(False).astype(bool)]
    assert len(hidden) == 15
    assert hidden["display_name"].isna().all() and hidden["source"].isna().all()
    assert access.withheld(hidden["participant_id"]).all()
    everything = texts(public)
    assert "Joy" not in everything  # named only in others' texts, no consent
    for pid in NOT_CONSENTING_TONO | {"urahoro-us", "ishinomaki-es", "joy"}:
        assert pid not in set(public.participations["participant_id"])
        assert pid not in set(public.participants["participant_id"])


def test_names_of_people_who_did_not_consent_are_blanked_in_free_text(dataset):
    public = access.scope(dataset, PUBLIC)
    leaflet = public.outcomes.set_index("outcome_id").loc["shimokawa-leaflet-zh", "description"]
    assert leaflet.startswith("Promotional leaflet in Mandarin Chinese, written by […] and")
    charles = public.testimonials.set_index("testimonial_id").loc["charles", "text"]
    assert "in Mandarin Chinese by […]" in charles and "Hester" in charles


def test_the_public_sees_the_eleven_testimonials_of_people_who_consented(dataset):
    public = access.scope(dataset, PUBLIC)
    consenting = set(
        dataset.participants.loc[dataset.participants["public_consent"], "participant_id"]
    )
    assert set(public.testimonials["participant_id"]) <= consenting
    assert len(public.testimonials) == len(dataset.testimonials) == 11


def test_tono_sees_its_own_people_in_full_and_no_one_elses(dataset):
    tono = access.scope(dataset, TONO)
    ids = set(tono.participants["participant_id"])
    assert NOT_CONSENTING_TONO <= ids
    assert "urahoro-us" not in ids and "joy" not in ids and "ishinomaki-mn" not in ids
    assert "Joy" not in texts(tono)
    # Tono's eleven people, by their own ids, with Tono's nine nationalities
    tono_pairs = tono.participations[tono.participations["program_id"] == "tono-2017-09"]
    assert len(tono_pairs) == 11 and not access.withheld(tono_pairs["participant_id"]).any()


def test_shimokawa_sees_joy_whom_tono_does_not(dataset):
    shimokawa = access.scope(dataset, Viewer("municipality", "shimokawa"))
    assert "joy" in set(shimokawa.participants["participant_id"])
    assert "written by Joy" in texts(shimokawa)


def test_filters_after_scoping_count_the_same_as_before(dataset):
    for viewer in (PUBLIC, TONO):
        scoped = access.scope(dataset, viewer)
        for filters in (
            metrics.Filters(towns=("tono",)),
            metrics.Filters(nationalities=("TH",)),
            metrics.Filters(years=(2017, 2017), towns=("urahoro",)),
        ):
            before = metrics.headline(metrics.apply_filters(dataset, filters))
            after = metrics.headline(metrics.apply_filters(scoped, filters))
            assert before == {**after, "testimonials": before["testimonials"]}


def test_pseudonyms_do_not_repeat_the_id():
    assert access.pseudonym("tono-th") != access.pseudonym("tono-tw")
    assert "tono" not in access.pseudonym("tono-th")
    assert access.pseudonym("tono-th") == access.pseudonym("tono-th")


def test_listable_keeps_only_people_the_viewer_may_see_one_by_one(dataset):
    public = access.scope(dataset, PUBLIC)
    rows = access.listable(public.participants)
    assert set(rows["participant_id"]) == set(
        dataset.participants.loc[dataset.participants["public_consent"], "participant_id"]
    )
    assert len(access.listable(access.scope(dataset, STAFF).participants)) == 27


# --- small counts ---------------------------------------------------------------------------


def by_town(dataset):
    return metrics.participants_by_town(dataset)[["region_id", "listed"]]


def test_the_public_sees_yames_one_person_as_less_than_three(dataset):
    shown = access.mask_small_counts(by_town(dataset), ["listed"], PUBLIC).set_index("region_id")
    assert shown.loc["yame", "listed"] == "<3"
    assert shown.loc["tono", "listed"] == 11 and shown.loc["urahoro", "listed"] == 3


def test_staff_see_every_count_unchanged(dataset):
    table = by_town(dataset)
    pd.testing.assert_frame_equal(access.mask_small_counts(table, ["listed"], STAFF), table)


def test_a_municipality_sees_its_own_small_counts_but_not_others():
    table = pd.DataFrame({"region_id": ["tono", "yame"], "people": [1, 2]})
    shown = access.mask_small_counts(table, ["people"], TONO)
    assert list(shown["people"]) == [1, "<3"]
    # a frame wholly about Tono
    frame = pd.DataFrame({"nationality": ["TH", "TW"], "people": [1, 1]})
    assert list(access.mask_small_counts(frame, ["people"], TONO, town="tono")["people"]) == [1, 1]
    assert list(access.mask_small_counts(frame, ["people"], TONO)["people"]) == ["<3", "<3"]


def test_zero_and_unknown_counts_single_nobody_out():
    frame = pd.DataFrame({"people": pd.array([0, None, 2, 3], dtype="Int64")})
    shown = access.mask_small_counts(frame, ["people"], PUBLIC)["people"].tolist()
    assert shown[0] == 0 and pd.isna(shown[1]) and shown[2:] == ["<3", 3]
    assert list(access.is_small(frame, ["people"], PUBLIC)) == [False, False, True, False]


def test_one_count_is_masked_by_the_same_rule_as_a_table():
    values = [0, None, 1, 2, 3]
    for viewer, town in [(PUBLIC, None), (TONO, "yame"), (TONO, None), (TONO, "tono"),
                         (STAFF, None)]:  # fmt: skip
        frame = pd.DataFrame({"n": pd.array(values, dtype="Int64"), "region_id": "x"})
        table = access.mask_small_counts(frame, ["n"], viewer, town=town)["n"].tolist()
        one = [access.mask_count(v, viewer, town=town) for v in values]
        assert [None if pd.isna(v) else v for v in table] == one, (viewer, town)
    assert access.mask_count(2, TONO, town="tono") == 2 and access.mask_count(2, TONO) == "<3"


def test_headline_totals_stay_and_small_subgroups_are_masked(dataset):
    h = metrics.headline(dataset)
    shown = access.mask_headline(h, PUBLIC)
    assert (shown["participants"], shown["nationalities"], shown["person_days"]) == (27, 15, 152)
    assert shown["returning"] == "<3" and shown["unknown_nationality"] == 4
    assert access.mask_headline(h, STAFF) == h


def test_a_filter_down_to_one_person_shows_less_than_three(dataset):
    yame = metrics.headline(metrics.apply_filters(dataset, metrics.Filters(towns=("yame",))))
    shown = access.mask_headline(yame, PUBLIC, ("yame",), filtered=True)
    assert shown["participants"] == "<3" and shown["nationalities"] == "<3"
    assert shown["person_days"] == "–" and shown["programs"] == 1
    assert access.mask_headline(yame, Viewer("municipality", "yame"), ("yame",), True) == yame
    assert access.mask_headline(yame, TONO, ("yame",), True)["participants"] == "<3"


# --- the users file -------------------------------------------------------------------------


def test_add_user_hashes_the_password_and_creates_a_private_file(tmp_path):
    path = tmp_path / "auth.yaml"
    assert auth.add_user(path, "Tono", "tono-secret-1", "municipality", town="tono", name="Tono")
    raw = yaml.safe_load(path.read_text())
    entry = raw["credentials"]["usernames"]["tono"]
    assert entry["password"].startswith("$2b$") and "tono-secret-1" not in path.read_text()
    assert auth.check_password("tono-secret-1", entry["password"])
    assert not auth.check_password("tono-secret-2", entry["password"])
    assert len(raw["cookie"]["key"]) >= 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    config = auth.load_config(path)
    assert config.viewer_for("TONO") == Viewer("municipality", "tono", name="Tono", username="tono")
    assert config.viewer_for("nobody") is None


def test_add_user_keeps_the_other_users_and_the_cookie_key(tmp_path):
    path = tmp_path / "auth.yaml"
    auth.add_user(path, "staff", "staff-secret", "staff")
    key = yaml.safe_load(path.read_text())["cookie"]["key"]
    assert auth.add_user(path, "guest", "guest-secret", "public")
    assert not auth.add_user(path, "staff", "new-secret-1", "staff")
    raw = yaml.safe_load(path.read_text())
    assert raw["cookie"]["key"] == key and set(raw["credentials"]["usernames"]) == {
        "staff",
        "guest",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("x y", "longenough", "staff"), "username"),
        (("tono", "longenough", "municipality"), "town"),
        (("tono", "longenough", "admin"), "role"),
        (("tono", "short", "staff"), "8 characters"),
        (("tono", "longenough", "public", "tono"), "only a municipality"),
    ],
)
def test_add_user_refuses_what_would_not_work(tmp_path, args, message):
    with pytest.raises(ValueError, match=message):
        auth.add_user(tmp_path / "auth.yaml", *args)
    assert not (tmp_path / "auth.yaml").exists()


def test_no_users_file_means_no_sign_in(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_AUTH_FILE", str(tmp_path / "missing.yaml"))
    assert auth.auth_file() == tmp_path / "missing.yaml"
    assert auth.load_config() is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cookie: {key: short}\ncredentials: {usernames: {}}", "cookie.key"),
        (
            "cookie: {key: " + "k" * 40 + "}\n"
            "credentials: {usernames: {a: {role: staff, password: plain-text}}}",
            "not a bcrypt hash",
        ),
        (
            "cookie: {key: " + "k" * 40 + "}\ncredentials: {usernames: {a: {role: king}}}",
            "needs a role",
        ),
        (
            "cookie: {key: " + "k" * 40 + "}\ncredentials: {usernames: {a: {role: municipality}}}",
            "needs a town",
        ),
        ("- just\n- a list", "mapping"),
    ],
)
def test_a_broken_users_file_is_refused_with_a_reason(tmp_path, text, message):
    path = tmp_path / "auth.yaml"
    path.write_text(text)
    with pytest.raises(auth.AuthConfigError, match=message):
        auth.load_config(path)


def test_an_openid_email_maps_to_a_role_and_town(tmp_path):
    path = tmp_path / "auth.yaml"
    auth.add_user(path, "tono", None, "municipality", town="tono", email="Kikaku@City.Tono.example")
    config = auth.load_config(path)
    assert config.viewer_for_email("kikaku@city.tono.example").town == "tono"
    assert config.viewer_for_email("someone@else.example") is None
    assert config.password_credentials() == {"usernames": {}}  # no password: OpenID only


def test_the_example_users_file_has_the_demo_users_of_the_readme(monkeypatch):
    monkeypatch.setenv("DASHBOARD_AUTH_DEMO", "1")
    config = auth.load_config(auth.Path(__file__).parent.parent / "auth.example.yaml")
    assert config.demo
    demo = {"staff": "staff-demo-pass", "tono": "tono-demo-pass", "guest": "guest-demo-pass"}
    for username, password in demo.items():
        hashed = config.credentials["usernames"][username]["password"]
        assert auth.check_password(password, hashed), username
    assert config.viewer_for("tono").town == "tono"
    assert config.viewer_for("guest").role == "public"


# --- the add-user command -------------------------------------------------------------------


def run_cli(args: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = os.sys.stdin
    os.sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = cli(args)
    finally:
        os.sys.stdin = old
    return code, out.getvalue(), err.getvalue()


def test_add_user_command_reads_the_password_from_stdin(tmp_path):
    path = tmp_path / "auth.yaml"
    code, out, _ = run_cli(
        [
            "add-user",
            "tono",
            "--role",
            "municipality",
            "--town",
            "tono",
            "--name",
            "Tono city hall",
            "--config",
            str(path),
            "--password-stdin",
        ],
        "tono-secret-1\n",
    )
    assert code == 0 and "added tono: municipality (tono)" in out
    assert auth.load_config(path).viewer_for("tono").name == "Tono city hall"


def test_add_user_command_refuses_a_town_that_is_not_in_the_data(tmp_path):
    code, _, err = run_cli(
        [
            "add-user",
            "x",
            "--role",
            "municipality",
            "--town",
            "atlantis",
            "--config",
            str(tmp_path / "a.yaml"),
            "--password-stdin",
        ],
        "longenough\n",
    )
    assert code == 2 and "unknown town 'atlantis'" in err and "tono" in err


def test_add_user_command_says_what_is_wrong_without_a_traceback(tmp_path):
    code, _, err = run_cli(
        [
            "add-user",
            "x",
            "--role",
            "staff",
            "--config",
            str(tmp_path / "a.yaml"),
            "--password-stdin",
        ],
        "short\n",
    )
    assert code == 2 and err.startswith("error:") and "Traceback" not in err


def test_streamlits_xsrf_protection_and_cors_defaults_stay_on():
    import tomllib

    config = auth.Path(__file__).parent.parent / ".streamlit" / "config.toml"
    server = tomllib.loads(config.read_text()).get("server", {}) if config.exists() else {}
    assert server.get("enableXsrfProtection", True) is True
    assert server.get("enableCORS", True) is True


def test_add_user_command_adds_an_openid_user_without_a_password(tmp_path):
    path = tmp_path / "auth.yaml"
    code, out, _ = run_cli(
        [
            "add-user",
            "kikaku",
            "--role",
            "municipality",
            "--town",
            "tono",
            "--no-password",
            "--email",
            "kikaku@city.tono.example",
            "--config",
            str(path),
        ]
    )
    assert code == 0 and "added kikaku" in out
    config = auth.load_config(path)
    assert config.viewer_for_email("kikaku@city.tono.example").town == "tono"
    assert not config.users["kikaku"].has_password
    code, _, err = run_cli(
        ["add-user", "x", "--role", "staff", "--no-password", "--config", str(path)]
    )
    assert code == 2 and "--email" in err


def test_names_are_blanked_whole_word_in_latin_and_anywhere_in_japanese():
    names = access._names(["Joy", "Chao Ping", "山田花子", "Li Na"])
    assert names.redact("Joy wrote it; we enjoyed it.") == "[…] wrote it; we enjoyed it."
    assert names.redact("Thanks to Chao Ping and Ping.") == "Thanks to […] and […]."
    assert names.redact("山田花子さんが書きました") == "[…]さんが書きました"
    assert names.redact("Li Na and Linda, Li and Na") == "[…] and Linda, Li and Na"
