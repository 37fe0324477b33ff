"""Who sees what, without Streamlit: scoping, small counts, the users file, add-user."""

from __future__ import annotations

import io
import os
import re
import stat
from contextlib import redirect_stderr, redirect_stdout
from html import unescape

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dashboard import access, auth, metrics, redaction
from dashboard.__main__ import main as cli
from dashboard.access import PUBLIC, STAFF, Viewer
from dashboard.data import Dataset

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
    names = redaction.matcher(["Joy", "Chao Ping", "山田花子", "Li Na"])
    assert names.redact("Joy wrote it; we enjoyed it.") == "[…] wrote it; we enjoyed it."
    assert names.redact("Thanks to Chao Ping and Ping.") == "Thanks to […] and […]."
    assert names.redact("山田花子さんが書きました") == "[…]さんが書きました"
    assert names.redact("Li Na and Linda, Li and Na") == "[…] and Linda, Li and Na"


def test_the_same_names_share_one_matcher_and_its_remembered_answers():
    # every town's officials blank the public's names from the other towns' rows: one matcher
    first = redaction.matcher(["Joy", "Chao Ping", "山田花子"])
    assert redaction.matcher(["山田花子", "Joy", "Chao Ping"]) is first
    assert redaction.matcher(["Joy"]) is not first
    text = "Joy met Chao Ping."
    assert first.redact(text) == "[…] met […]." == first.redact(text)
    assert first._done[text] == "[…] met […]."
    assert redaction.matcher(["Joy"]).redact(text) == "[…] met Chao Ping."


# --- names in the forms people write them ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Joy's leaflet", "[…]'s leaflet"),
        ("Joy’s leaflet", "[…]’s leaflet"),
        ("thanks, Joy-san!", "thanks, […]-san!"),
        ("JOY WROTE IT", "[…] WROTE IT"),
        ("by Ｊｏｙ and ｊｏｙ’ｓ friend", "by […] and […]’ｓ friend"),
        ("Joyさんが書いた", "[…]さんが書いた"),
        ("Chao Ping's map", "[…]'s map"),
        ("Chao Ping-san and CHAO PING", "[…]-san and […]"),
        ("(Chao) and Ping.", "([…]) and […]."),
        ("O’Brien Kelly-kun, o'brien kelly", "[…]-kun, […]"),
        ("山田花子さん, ﾔﾏﾀﾞ", "[…]さん, ﾔﾏﾀﾞ"),
        ("we enjoyed it with Joyce and Chaos", "we enjoyed it with Joyce and Chaos"),
    ],
)
def test_names_are_blanked_in_the_forms_people_write(text, expected):
    names = redaction.matcher(["Joy", "Chao Ping", "山田花子", "O'Brien Kelly"])
    assert names.redact(text) == expected


def test_every_text_column_of_the_contract_is_free_text_or_named_as_not():
    from dashboard import schema

    for table in schema.TABLES:
        text_columns = {c for c, kind in schema.column_kinds(table).items() if kind == "str"}
        classified = set(access.FREE_TEXT[table]) | set(access.NOT_FREE_TEXT[table])
        assert text_columns <= classified, (table, text_columns - classified)
        assert not set(access.FREE_TEXT[table]) & set(access.NOT_FREE_TEXT[table])
    frame = pd.DataFrame(columns=["outcome_id", "description", "kind", "notes"])
    assert set(access.free_text_columns("outcomes", frame)) == {"description", "kind", "notes"}
    assert "highlight" in access.FREE_TEXT["testimonials"]
    assert "description" in access.FREE_TEXT["outcomes"]


FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in map(chr, range(0x21, 0x7F))} | {" ": "\u3000"}
FILLERS = "the team wrote a leaflet for Tono and in Mandarin thanks to with we met our host".split()
# a form of a name: (prefix, how the name is written, suffix kept after the blank)
FORMS = {
    "plain": lambda n: (n, ""),
    "possessive": lambda n: (n, "'s"),
    "curly possessive": lambda n: (n, "’s"),
    "san": lambda n: (n, "-san"),
    "chan": lambda n: (n, "-chan"),
    "kun": lambda n: (n, "-kun"),
    "japanese san": lambda n: (n, "さん"),
    "upper": lambda n: (n.upper(), ""),
    "upper possessive": lambda n: (n.upper(), "'S"),
    "lower": lambda n: (n.lower(), ""),
    "full-width": lambda n: ("".join(FULL_WIDTH.get(c, c) for c in n), ""),
    "full-width possessive": lambda n: ("".join(FULL_WIDTH.get(c, c) for c in n), "’ｓ"),
}
WRAPS = [("", ""), ("(", ")"), ('"', '"'), ("“", "”"), ("「", "」"), ("", "."), ("", "!"),
         ("—", "—"), ("", ","), ("[", "]"), ("", "?"), ("'", "'")]  # fmt: skip

name_words = st.from_regex(r"[A-Z][a-z]{2,8}", fullmatch=True)
names_st = st.lists(name_words, min_size=1, max_size=2).map(" ".join)
forms_st = st.tuples(st.sampled_from(sorted(FORMS)), st.sampled_from(WRAPS))
fillers_st = st.lists(st.sampled_from(FILLERS), min_size=1, max_size=4).map(" ".join)


def _clear_of(name: str, words: str) -> bool:
    """True when no part of ``name`` is a suffix word or inside one of ``words``."""
    parts = {p.lower() for p in name.split()}
    return not parts & {"san", "chan", "kun"} and not any(p in words.lower() for p in parts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=names_st,
    others=st.lists(names_st, max_size=3),
    mentions=st.lists(st.tuples(fillers_st, forms_st), min_size=1, max_size=4),
    tail=fillers_st,
)
def test_property_a_name_in_any_form_never_survives_and_the_text_around_stays(
    name, others, mentions, tail
):
    words = " ".join([tail, *(f for f, _ in mentions)])
    assume(_clear_of(name, words) and all(_clear_of(o, words) for o in others))
    pieces, expected = [], []
    for fillers, (form, (before, after)) in mentions:
        written, suffix = FORMS[form](name)
        pieces += [fillers, f"{before}{written}{suffix}{after}"]
        expected += [fillers, f"{before}[…]{suffix}{after}"]
    text, want = " ".join([*pieces, tail]), " ".join([*expected, tail])
    redacted = redaction.matcher([name, *others]).redact(text)
    assert redacted == want
    folded = redaction.fold(redacted)
    assert redaction.fold(name) not in folded
    assert all(redaction.fold(part) not in folded for part in name.split())


@settings(max_examples=200, deadline=None)
@given(
    names=st.lists(names_st, min_size=1, max_size=4),
    text=st.lists(
        st.one_of(
            st.sampled_from(FILLERS), st.sampled_from([", ", ". ", "’s", "-san", "「", "」"])
        ),
        max_size=12,
    ).map(" ".join),
)
def test_property_a_text_without_the_names_is_unchanged(names, text):
    assume(all(_clear_of(n, text) for n in names))
    assert redaction.matcher(names).redact(text) == text
    full_width = "".join(FULL_WIDTH.get(c, c) for c in text)
    assert redaction.matcher(names).redact(full_width) == full_width


def _with_text(ds, table: str, key: str, row_id: str, column: str, text: str):
    frame = ds.table(table).copy()
    frame.loc[frame[key] == row_id, column] = text
    return ds.replace(**{table: frame})


def joy_everywhere(dataset):
    """The bundled data with Joy (Shimokawa, no consent) written in every form, in rows about
    Tono and Shimokawa, in every free-text column."""
    ds = _with_text(
        dataset, "outcomes", "outcome_id", "tono-online-reviews", "description",
        "Online reviews of Tono, with JOY's help and Ｊｏｙ-san's photos",
    )  # fmt: skip
    ds = _with_text(ds, "testimonials", "testimonial_id", "roger", "highlight", "Thanks, Joy-san!")
    roger = ds.testimonials.set_index("testimonial_id").loc["roger", "text"]
    ds = _with_text(
        ds, "testimonials", "testimonial_id", "roger", "text", roger + " Thanks, Joy-san!"
    )
    ds = _with_text(ds, "programs", "program_id", "tono-2017-09", "title", "Tono (with Joy’s map)")
    ds = _with_text(ds, "participations", "participant_id", "roger", "role", "JOY'S co-author")
    charles = ds.testimonials.set_index("testimonial_id").loc["charles", "text"]
    return _with_text(
        ds, "testimonials", "testimonial_id", "charles", "text",
        charles.replace("by Joy,", "by Joy (Ｊｏｙ’ｓ own words; JOY-chan),"),
    )  # fmt: skip


def words_of(text: str) -> list[str]:
    return redaction.TOKEN_RE.findall(redaction.fold(text))


@pytest.mark.parametrize("viewer", [PUBLIC, TONO], ids=["public", "tono"])
def test_no_form_of_joys_name_reaches_a_viewer_who_may_not_see_her(dataset, viewer):
    ds = joy_everywhere(dataset)
    assert "joy" in words_of(texts(ds))  # staff see her
    scoped = access.scope(ds, viewer)
    assert "joy" not in words_of(texts(scoped))
    reviews = scoped.outcomes.set_index("outcome_id").loc["tono-online-reviews", "description"]
    assert reviews == "Online reviews of Tono, with […]'s help and […]-san's photos"


@pytest.mark.parametrize("query", ["Joy", "joy's", "JOY", "Ｊｏｙ", "Joy-san", "joy*", '"by Joy"'])
def test_searching_voices_for_a_hidden_name_finds_nothing_that_reveals_her(dataset, query):
    from dashboard.voices.search import search
    from dashboard.voices.tables import voices_table
    from dashboard.voices.themes import load_themes

    public = access.scope(joy_everywhere(dataset), PUBLIC)
    table = voices_table(public, public.testimonials, load_themes(), "en")
    found = search(table, query)
    assert found.empty
    mandarin = search(table, "Mandarin")  # the testimonial is found by its other words
    assert set(mandarin["testimonial_id"]) == {"charles"}
    assert "joy" not in words_of(" ".join(mandarin["text"]) + " ".join(mandarin["highlight"]))


def test_tonos_report_and_tables_name_no_one_tono_may_not_see(dataset):
    import zipfile

    from dashboard import report

    tono = access.scope(joy_everywhere(dataset), TONO)
    html = report.town_report(tono, "tono", "en", map_image=False)
    body = unescape(re.sub(r"<script.*?</script>", "", html, flags=re.DOTALL))  # no plotly.js
    assert "Online reviews of Tono, with […]'s help and […]-san's photos" in body
    assert "joy" not in words_of(body)
    with zipfile.ZipFile(io.BytesIO(report.town_csv_zip(tono, "tono"))) as zf:
        for name in zf.namelist():
            assert "joy" not in words_of(zf.read(name).decode("utf-8-sig")), name


# --- a municipality's view: per row ---------------------------------------------------------


def two_towns():
    """Tono and Yame, one program each. Mika (no consent) took part in both; Nao (no consent)
    in Tono only, Yui (no consent) in Yame only; Ann (consented) in Tono."""
    frame = pd.DataFrame
    regions = frame(
        {
            "region_id": ["tono", "yame"],
            "name_en": ["Tono", "Yame"],
            "name_ja": ["遠野市", "八女市"],
            "prefecture_code": pd.array([3, 40], dtype="Int64"),
            "lat": [39.33, 33.21],
            "lon": [141.53, 130.56],
            "source": ["reference", "reference"],
        }
    )
    programs = frame(
        {
            "program_id": ["tono-p", "yame-p"],
            "region_id": ["tono", "yame"],
            "title": ["Tono team", "Yame team"],
            "kind": ["team", "team"],
            "start_date": pd.to_datetime(["2017-09-06", "2017-03-20"]),
            "end_date": pd.to_datetime(["2017-09-09", "2017-03-23"]),
            "participants_reported": pd.array([None, None], dtype="Int64"),
            "source": ["site", "site"],
        }
    )
    people = frame(
        {
            "participant_id": ["mika", "nao", "yui", "ann"],
            "display_name": ["Mika", "Nao", "Yui", "Ann"],
            "nationality": ["TH", "JP", "VN", "US"],
            "public_consent": pd.array([False, False, False, True], dtype="boolean"),
            "source": [
                "Mika: went to Tono and to Yame",
                "Nao: Tono only",
                "Yui: Yame only",
                "Ann: Tono, wrote with Mika",
            ],
            "email": ["mika@example.org", "nao@example.org", "yui@example.org", "Yui's friend"],
        }
    )
    pairs = frame(
        {
            "participant_id": ["mika", "mika", "nao", "yui", "ann"],
            "program_id": ["tono-p", "yame-p", "tono-p", "yame-p", "tono-p"],
            "role": ["team member"] * 5,
            "source": ["Mika, Tono", "Mika, Yame", "Nao, Tono", "Yui, Yame", "Ann, Tono"],
        }
    )
    texts = frame(
        {
            "testimonial_id": ["mika-tono", "mika-yame", "mika-both", "mika-about-tono", "ann"],
            "participant_id": ["mika", "mika", "mika", "mika", "ann"],
            "program_id": ["tono-p", "yame-p", None, None, "tono-p"],
            "related_program_ids": [None, None, "tono-p;yame-p", "tono-p", None],
            "text": [
                "Tono was kind to us.",
                "Yame tea with Yui.",
                "Both towns.",
                "Tono again.",
                "I met Mika and Nao; Yui's map helped.",
            ],
            "language": ["en"] * 5,
            "highlight": [None] * 5,
            "source": ["site"] * 5,
        }
    )
    outcomes = frame(
        {
            "outcome_id": ["tono-map", "yame-leaflet"],
            "program_id": ["tono-p", "yame-p"],
            "kind": ["map", "leaflet"],
            "language": ["en", "en"],
            "quantity": pd.array([1, 1], dtype="Int64"),
            "description": ["Map drawn by Mika-san and Nao", "Leaflet by MIKA and Yui"],
            "source": ["site", "site"],
        }
    )
    return Dataset(regions, programs, people, pairs, texts, outcomes)


def by_id(frame, key, column):
    return frame.set_index(key)[column].to_dict()


def test_a_municipality_sees_its_own_people_and_only_their_testimonials_about_it():
    tono = access.scope(two_towns(), TONO)
    people = tono.participants.set_index("participant_id")
    assert people.loc["mika", "display_name"] == "Mika" and people.loc["nao", "display_name"]
    assert "yui" not in people.index  # Yame's, not Tono's: a pseudonym
    # a testimonial is Tono's by its program, or, naming none, by every related program
    assert set(tono.testimonials["testimonial_id"]) == {"mika-tono", "mika-about-tono", "ann"}


def test_a_source_note_across_towns_is_removed_a_note_within_the_town_stays():
    notes = by_id(access.scope(two_towns(), TONO).participants, "participant_id", "source")
    assert pd.isna(notes["mika"])  # she went to Yame too
    assert notes["nao"] == "Nao: Tono only" and notes["ann"] == "Ann: Tono, wrote with Mika"


def test_every_other_field_about_a_hidden_person_goes_an_extra_column_is_free_text():
    public = access.scope(two_towns(), PUBLIC)
    people = public.participants.set_index("participant_id")
    assert people.loc["ann", "email"] == "[…]'s friend"  # Yui is hidden: blanked in free text
    hidden = people.drop(index="ann")
    assert hidden[["display_name", "source", "email"]].isna().all().all()
    assert hidden["nationality"].tolist() == ["TH", "JP", "VN"]
    notes = public.participations.groupby("participant_id")["source"].first()
    assert notes["ann"] == "Ann, Tono" and notes.drop("ann").isna().all()
    tono = access.scope(two_towns(), TONO)
    notes = tono.participations.set_index(["participant_id", "program_id"])["source"]
    assert notes[("mika", "tono-p")] == "Mika, Tono" and pd.isna(notes[("mika", "yame-p")])
    assert notes[("nao", "tono-p")] == "Nao, Tono"
    people = tono.participants.set_index("participant_id")
    assert pd.isna(people.loc["mika", "email"]) and people.loc["nao", "email"] == "nao@example.org"


def test_a_municipalitys_own_people_are_named_only_in_the_rows_about_its_town():
    tono = access.scope(two_towns(), TONO)
    made = by_id(tono.outcomes, "outcome_id", "description")
    assert made["tono-map"] == "Map drawn by Mika-san and Nao"
    assert made["yame-leaflet"] == "Leaflet by […] and […]"
    said = by_id(tono.testimonials, "testimonial_id", "text")
    assert said["ann"] == "I met Mika and Nao; […]'s map helped."
    yame = access.scope(two_towns(), Viewer("municipality", "yame"))
    assert set(yame.testimonials["testimonial_id"]) == {"mika-yame", "ann"}
    made = by_id(yame.outcomes, "outcome_id", "description")
    assert made == {
        "tono-map": "Map drawn by […]-san and […]",
        "yame-leaflet": made["yame-leaflet"],
    }
    assert made["yame-leaflet"] == "Leaflet by MIKA and Yui"
    assert by_id(yame.testimonials, "testimonial_id", "text")["ann"] == (
        "I met […] and […]; […]'s map helped."  # Tono's row: Yame's Yui is not named either
    )


def test_in_other_towns_breakdowns_a_municipalitys_person_counts_as_anyone():
    ds = two_towns()
    expected = metrics.participants_by_town(ds)
    for viewer in (TONO, Viewer("municipality", "yame"), PUBLIC):
        scoped = access.scope(ds, viewer)
        pd.testing.assert_frame_equal(metrics.participants_by_town(scoped), expected)


def test_the_two_people_of_tono_and_urahoro_consented_so_both_towns_see_them_in_full(dataset):
    towns_of = dataset.participations.merge(dataset.programs, on="program_id")
    towns = towns_of.groupby("participant_id")["region_id"].agg(frozenset)
    both = set(towns[towns.map(len) > 1].index)
    assert both == {"trinh-doan", "alejandro"}
    consent = by_id(dataset.participants, "participant_id", "public_consent")
    assert all(consent[pid] for pid in both)
    for viewer in (TONO, URAHORO, PUBLIC):
        scoped = access.scope(dataset, viewer)
        assert both <= set(scoped.testimonials["participant_id"])
        notes = by_id(scoped.participants, "participant_id", "source")
        assert all(notes[pid] == by_id(dataset.participants, "participant_id", "source")[pid]
                   for pid in both)  # fmt: skip


def test_a_towns_countries_are_masked_where_its_people_are():
    towns = pd.DataFrame(
        {
            "region_id": ["tono", "yame", "urahoro"],
            "people": [11, 2, 0],
            "reported": [11, 2, 0],
            "unknown": [2, 0, 0],
            "countries": [tuple("ABCDEFGHI"), ("TH", "VN"), ()],  # 2 countries would tell "2"
        }
    )
    shown = access.mask_towns(towns, PUBLIC).set_index("region_id")
    assert shown.loc["yame", ["people_shown", "countries_shown"]].tolist() == ["<3", "<3"]
    assert shown.loc["tono", ["people_shown", "countries_shown", "unknown_shown"]].tolist() == [
        11, 9, "<3"
    ]  # fmt: skip
    assert shown.loc["urahoro", "countries_shown"] == 0
    yame = access.mask_towns(towns, Viewer("municipality", "yame")).set_index("region_id")
    assert yame.loc["yame", "countries_shown"] == 2 and yame.loc["tono", "unknown_shown"] == "<3"
    assert access.mask_towns(towns, STAFF)["countries_shown"].tolist() == [9, 2, 0]


def test_visitors_scoping_one_dataset_at_once_share_one_scoped_copy(dataset):
    import threading

    access._scope.cache_clear()
    results, start = [], threading.Barrier(8)

    def visit() -> None:
        start.wait()
        results.append(access.scope(dataset, PUBLIC))

    threads = [threading.Thread(target=visit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 8 and len({id(r) for r in results}) == 1  # one copy for all
