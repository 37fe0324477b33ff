"""The Data page as staff use it: upload, see every problem, preview the changes, save, restore.

AppTest drives ``st.file_uploader`` directly (streamlit 1.67); the browser test uploads a
Shift-JIS file through the real file input."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from dashboard import data, schema, store, versions
from dashboard.i18n import t
from dashboard.markup import escape_markdown
from dashboard.ui.shell import LANG_LABELS

from .conftest import DATA, Server, app_test, screenshot, wait_for_app
from .pages_list import page_title


@pytest.fixture
def folder(data_copy, monkeypatch) -> Path:
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_copy))
    return data_copy


def programs_csv(encoding: str = "cp932", **cells: str) -> bytes:
    """programs.csv with cells changed, ``{"<program_id>.<column>": value}``."""
    with (DATA / "programs.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for key, value in cells.items():
        ident, column = key.rsplit(".", 1)
        next(r for r in rows if r["program_id"] == ident)[column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


BAD_DATE = {"tono-2017-09.start_date": "2017/09/06"}
GOOD_EDIT = {"tono-2017-09.participants_reported": "12"}


def open_data_page(lang: str = "en", role: str | None = "staff"):
    at = app_test({"lang": lang}, role=role).run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at) -> list[str]:
    """Every text of the page's tables and messages, for a search by words."""
    frames = [d.value.to_string() for d in at.dataframe]
    return [*frames, *(w.value for w in at.warning), *(i.value for i in at.info)]


def upload_file(at, name: str, body: bytes):
    at.file_uploader(key="data_upload_0").set_value((name, body, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    ("lang", "message", "fix"),
    [
        ("en", '"2017/09/06" is not written as YYYY-MM-DD', "Write it as 2017-09-06."),
        (
            "ja",
            "「2017/09/06」が YYYY-MM-DD 形式ではありません",
            "2017-09-06 のように書いてください。",
        ),
    ],
)
def test_a_shift_jis_sheet_with_a_bad_date_shows_the_row_and_how_to_fix_it(
    folder, lang, message, fix
):
    before = (folder / "programs.csv").read_bytes()
    at = upload_file(open_data_page(lang), "プログラム.csv", programs_csv("cp932", **BAD_DATE))
    assert at.selectbox(key="data_table_0_0").value == "programs"  # from the Japanese name
    assert len(at.error) == 1 and "1" in at.error[0].value
    problems = at.dataframe[0].value  # the error, and the warning naming the encoding read
    (row,) = [r for r in problems.values.tolist() if r[2] == "start_date"]
    assert len(problems) == 2 and "Shift-JIS" in problems.to_string()
    assert row[:4] == ["プログラム.csv", "4", "start_date", "2017/09/06"]
    assert row[4:6] == [message, fix]
    assert not [b for b in at.button if b.key == "data_save"]  # nothing can be saved
    assert (folder / "programs.csv").read_bytes() == before


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_good_sheet_shows_the_changes_then_saves_and_can_be_restored(folder, lang):
    before = (folder / "programs.csv").read_bytes()
    at = upload_file(open_data_page(lang), "programs.csv", programs_csv("utf-8", **GOOD_EDIT))
    assert not at.error
    metrics = [m.value for m in at.metric]
    assert metrics[:3] == ["0", "1", "0"]  # added, changed, removed
    changed = at.dataframe[0].value
    assert changed.iloc[0].tolist() == ["tono-2017-09", "participants_reported", "11", "12"]

    at.button(key="data_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success and ("Saved" in at.success[0].value or "保存しました" in at.success[0].value)
    result = data.load_dataset(folder)
    tono = result.dataset.programs.set_index("program_id").loc["tono-2017-09"]
    assert tono["participants_reported"] == 12
    (version,) = versions.list_versions(folder)
    assert escape_markdown(version.id) in at.success[0].value  # a Markdown message
    assert at.file_uploader(key="data_upload_1").value in (None, [])  # a fresh uploader

    # earlier versions: compare with today (when asked), restore
    assert at.selectbox(key="data_version").value == version.id
    at.button(key="data_compare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    compare = [d.value for d in at.dataframe if "participants_reported" in d.value.to_string()]
    assert compare and compare[0].iloc[0].tolist()[-2:] == ["12", "11"]
    at.button(key="data_restore").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert (folder / "programs.csv").read_bytes() == before
    assert [v.reason for v in versions.list_versions(folder)] == ["restore", "save"]


def test_a_version_is_compared_with_today_only_when_asked(folder, monkeypatch):
    """Comparing a version reads and diffs every table (seconds at 100,000 participants):
    done on the button, then remembered for that version and today's files, never per rerun."""
    from dashboard.views import data as data_view

    programs = data.load_dataset(folder).dataset.programs.copy()
    programs["title"] = programs["title"] + "!"
    assert store.save_table(folder, "programs", programs).ok
    real, calls = data_view.restore_changes, []

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(data_view, "restore_changes", counted)
    at = open_data_page()
    at.run()
    assert calls == [] and not at.button(key="data_restore").disabled
    assert t("data.versions.not_compared", "en") in [c.value for c in at.caption]
    at.button(key="data_compare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(calls) == 1 and [m.value for m in at.metric][-3:] == ["0", "6", "0"]
    at.run()  # remembered
    assert len(calls) == 1 and [m.value for m in at.metric][-3:] == ["0", "6", "0"]
    assert not [b for b in at.button if b.key == "data_compare"]
    # today's files change: the comparison is asked for again
    programs["title"] = programs["title"] + "!"
    assert store.save_table(folder, "programs", programs).ok
    at.run()
    assert len(calls) == 1 and at.button(key="data_compare")
    assert t("data.versions.kept", "en", versions="20", days=90) in [c.value for c in at.caption]


def test_a_restore_is_refused_when_the_data_changed_after_the_page_showed_it(folder):
    from dashboard.pins import save_pin

    from .voices_data import PIN

    programs = data.load_dataset(folder).dataset.programs.copy()
    programs["title"] = programs["title"] + "!"
    assert store.save_table(folder, "programs", programs).ok
    at = open_data_page()
    assert save_pin(folder, "hester", PIN).ok  # meanwhile, on the voices page
    pinned = (folder / "testimonials.csv").read_bytes()
    at.button(key="data_restore").click().run()
    assert not at.exception, [e.value for e in at.exception]
    # the page says someone else saved first, and offers to reload today's data
    assert any(w.value.startswith(t("store.stale.title", "en")) for w in at.warning)
    assert at.button(key="store_reload")
    assert (folder / "testimonials.csv").read_bytes() == pinned  # the pin is not undone
    assert [v.reason for v in versions.list_versions(folder)] == ["pin", "save"]
    # drawn again with today's files, the restore goes through
    at.button(key="data_restore").click().run()
    assert at.success and [v.reason for v in versions.list_versions(folder)][0] == "restore"


def test_a_header_only_file_saves_only_once_the_removal_is_confirmed(folder):
    header = (folder / "participations.csv").read_text(encoding="utf-8").splitlines()[0]
    at = upload_file(open_data_page(), "participations.csv", (header + "\n").encode())
    (warning,) = [w.value for w in at.warning if "removes" in w.value]
    assert "removes 27 of the 27 rows of Participations" in warning
    assert at.button(key="data_save").disabled
    at.checkbox(key="data_confirm_0_participations").check().run()
    assert not at.button(key="data_save").disabled
    at.button(key="data_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert (folder / "participations.csv").read_text(encoding="utf-8").strip() == header


def test_an_upload_without_the_highlight_column_keeps_every_pin(folder):
    path = folder / "testimonials.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[0]["highlight"] = rows[0]["text"].split(".")[0] + "."  # a pin
    columns = list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns)
        writer.writeheader()
        writer.writerows(rows)
    without = [c for c in columns if c != "highlight"]
    out = io.StringIO()
    writer = csv.DictWriter(out, without, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    at = upload_file(open_data_page(), "testimonials.csv", out.getvalue().encode())
    assert any("current values are kept" in w for w in page_text(at)), page_text(at)
    assert [m.value for m in at.metric][:3] == ["0", "0", "0"]  # nothing changes: pins kept
    assert at.button(key="data_save").disabled  # nothing to save


def test_an_upload_file_name_is_shown_as_written_never_as_markdown(folder):
    name = "a`![](https://example.org/u.png)`.csv"
    at = upload_file(open_data_page(), name, (folder / "programs.csv").read_bytes())
    (line,) = [m.value for m in at.markdown if "example" in m.value]
    assert "![](" not in line and "`" not in line.replace("\\`", "")


def test_an_unknown_file_name_asks_which_table_it_is(folder):
    at = upload_file(open_data_page(), "season 2026.csv", programs_csv("utf-8", **GOOD_EDIT))
    assert at.selectbox(key="data_table_0_0").value is None
    assert "does not say which table" in at.dataframe[0].value.to_string()
    at.selectbox(key="data_table_0_0").set_value("programs").run()
    assert not at.error
    assert [m.value for m in at.metric][:3] == ["0", "1", "0"]


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(folder, monkeypatch):
    monkeypatch.setenv("DASHBOARD_MAX_UPLOAD_MB", "0.001")
    at = upload_file(open_data_page("ja"), "programs.csv", programs_csv("utf-8"))
    text = at.dataframe[0].value.to_string()
    assert "上限は 1 KB です" in text


def test_uploading_the_current_data_has_nothing_to_save(folder):
    at = upload_file(open_data_page(), "programs.csv", (folder / "programs.csv").read_bytes())
    assert [m.value for m in at.metric][:3] == ["0", "0", "0"]
    assert at.button(key="data_save").disabled


def test_the_page_offers_templates_and_a_zip_of_all_data(folder):
    at = open_data_page()
    keys = {el.proto.id.rsplit("-", 1)[-1] for el in at.get("download_button")}
    labels = [el.proto.label for el in at.get("download_button")]
    assert "Download all data (zip)" in labels
    assert labels.count("CSV") == 6 and labels.count("Excel (.xlsx)") == 6
    # one button per table and format, each under its own key
    expected = {f"data_tpl_{table}_{fmt}" for table in schema.TABLES for fmt in ("csv", "xlsx")}
    assert keys == expected | {"data_download_all"}


def test_the_data_page_is_only_for_staff(folder):
    at = app_test(role="public").run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/data.py")


# --- in the browser -------------------------------------------------------------------------------


PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def data_server(tmp_path_factory):
    """The app on a writable copy of the data, with one staff user who can sign in."""
    from dashboard import auth

    base = tmp_path_factory.mktemp("browser")
    target = base / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns(".versions", ".lock", "source"))
    users = base / "auth.yaml"
    auth.add_user(users, "aiko", PASSWORD, "staff", name="Aiko")
    srv = Server({"DASHBOARD_DATA_DIR": str(target), "DASHBOARD_AUTH_FILE": str(users)})
    srv.folder = target
    yield srv
    srv.stop()


def open_in_browser(page, server, lang: str):
    """Sign in as staff in the sidebar, then open the Data page from the navigation."""
    page.goto(f"{server.url}/?lang={lang}")
    wait_for_app(page)
    nav = page.locator('[data-testid="stSidebarNav"] a')
    # the app has run once when its navigation shows (a link's text is the icon's name, then
    # the title, with no space between)
    nav.filter(has_text=re.compile(rf"{re.escape(page_title('overview.py', lang))}$")).wait_for()
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text(t("access.sign_in", lang), exact=True).first.click()
    sidebar.get_by_role("textbox", name=t("access.username", lang)).fill("aiko")
    sidebar.get_by_role("textbox", name=t("access.password", lang)).fill(PASSWORD)
    sidebar.locator('[data-testid="stBaseButton-secondaryFormSubmit"]').click()
    # signing in may lose the language chosen in the URL (it falls back to English), so the
    # navigation is matched in both languages and the language is chosen again on the page
    signed_in = "|".join(re.escape(t("access.sign_out", x)) for x in ("en", "ja"))
    sidebar.get_by_text(re.compile(signed_in)).first.wait_for()
    wait_for_app(page)  # a click on the navigation during the sign-in's rerun can be lost
    titles = "|".join(re.escape(page_title("data.py", x)) for x in ("en", "ja"))
    nav.filter(has_text=re.compile(rf"({titles})$")).first.click()
    page.wait_for_url(re.compile(r"/data(\?|$)"))
    page.wait_for_selector('[data-testid="stFileUploaderDropzoneInput"]', state="attached")
    wait_for_app(page)
    heading = page.locator("h1").filter(has_text=t("data.title", lang))
    if not heading.count():
        sidebar.get_by_role("radio", name=LANG_LABELS[lang]).first.click()
    heading.wait_for()
    wait_for_app(page)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_staff_upload_a_shift_jis_sheet_see_the_bad_row_then_the_changes(
    page, data_server, tmp_path, lang
):
    bad = tmp_path / "プログラム.csv"
    bad.write_bytes(programs_csv("cp932", **BAD_DATE))
    good = tmp_path / "programs.csv"
    # one server for both languages: each run saves its own count, 11 -> 12 -> 13
    count = {"en": "12", "ja": "13"}[lang]
    good.write_bytes(programs_csv("cp932", **{"tono-2017-09.participants_reported": count}))
    open_in_browser(page, data_server, lang)

    page.set_input_files('[data-testid="stFileUploaderDropzoneInput"]', str(bad))
    problem = "YYYY-MM-DD 形式ではありません" if lang == "ja" else "is not written as YYYY-MM-DD"
    page.wait_for_selector('[data-testid="stAlertContentError"]')
    wait_for_app(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    screenshot(page, f"data-problem-{lang}")
    # the grid draws on a canvas; its cells are mirrored in a hidden table
    cells = grid.locator('[role="gridcell"]')
    cells.filter(has_text="2017/09/06").first.wait_for(state="attached")
    texts = " ".join(cells.all_text_contents())
    assert "2017/09/06" in texts and problem in texts

    page.locator('[data-testid="stFileChipDeleteBtn"]').first.click()
    page.locator('[data-testid="stFileChip"]').first.wait_for(state="detached")
    page.get_by_text(t("data.upload.empty", lang)).wait_for()  # the rerun has finished
    page.set_input_files('[data-testid="stFileUploaderDropzoneInput"]', str(good))
    save = t("data.save.button", lang)
    page.get_by_role("button", name=re.compile(f"^.*{save}$")).wait_for(timeout=90_000)
    wait_for_app(page)
    metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert metrics[:3] == ["0", "1", "0"]
    cells = page.locator('[data-testid="stDataFrame"] [role="gridcell"]')
    # the grid draws on a canvas and mirrors its cells in a hidden table
    cells.filter(has_text="participants_reported").first.wait_for(state="attached")
    assert count in cells.all_text_contents()  # the new value beside the old one
    assert not page.locator('[data-testid="stException"]').count()
    screenshot(page, f"data-diff-{lang}")

    page.get_by_role("button", name=re.compile(f"^.*{save}$")).click()
    page.wait_for_selector('[data-testid="stAlertContentSuccess"]')
    wait_for_app(page)
    assert f"tono-2017-09,tono,Sosei Partners (Tono),team,2017-09-06,2017-09-09,{count}," in (
        (data_server.folder / "programs.csv").read_text(encoding="utf-8")
    )
    page.get_by_role("tab", name=t("data.tab.versions", lang)).click()
    restore = page.get_by_role("button", name=re.compile(t("data.versions.restore", lang)))
    restore.wait_for()
    wait_for_app(page)
    # compared with today only when asked: restoring would put back the count before this save
    page.get_by_role("button", name=re.compile(t("data.versions.compare_button", lang))).click()
    # the versions tab stays chosen through the rerun (the saved message above it is gone)
    page.get_by_text(t("data.versions.compare", lang)).filter(visible=True).first.wait_for()
    wait_for_app(page)
    assert page.locator('[data-testid="stMetricValue"]').all_inner_texts()[-3:] == ["0", "1", "0"]
    screenshot(page, f"data-versions-{lang}")


def test_with_broken_data_staff_upload_the_fix_and_every_page_comes_back(folder):
    good = (folder / "programs.csv").read_bytes()
    broken = good.decode("utf-8").replace("2017-09-06", "2017-09-31")
    (folder / "programs.csv").write_text(broken, encoding="utf-8")
    at = app_test({"lang": "ja"}, role="staff").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t("data.title", "ja")  # the one page open
    upload_file(at, "programs.csv", good)
    at.button(key="data_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert data.load_dataset(folder).ok
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert {m.label: m.value for m in at.metric}[t("overview.metric.programs", "ja")] == "6"


@pytest.mark.browser
def test_with_broken_data_staff_sign_in_and_land_on_the_data_page(page, start_server, tmp_path):
    from dashboard import auth

    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns(".versions", ".lock", "source"))
    programs = target / "programs.csv"
    programs.write_text(programs.read_text().replace("2017-09-06", "2017-09-31"), "utf-8")
    users = tmp_path / "auth.yaml"
    auth.add_user(users, "aiko", PASSWORD, "staff", name="Aiko")
    server = start_server({"DASHBOARD_DATA_DIR": str(target), "DASHBOARD_AUTH_FILE": str(users)})
    page.goto(f"{server.url}/?lang=ja")
    page.get_by_text(t("shell.data_unavailable", "ja")).wait_for()
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # a visitor: no page
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text(t("access.sign_in", "ja"), exact=True).first.click()
    sidebar.get_by_role("textbox", name=t("access.username", "ja")).fill("aiko")
    sidebar.get_by_role("textbox", name=t("access.password", "ja")).fill(PASSWORD)
    sidebar.locator('[data-testid="stBaseButton-secondaryFormSubmit"]').click()
    page.locator("h1", has_text=t("data.title", "ja")).wait_for()
    page.wait_for_selector('[data-testid="stFileUploaderDropzoneInput"]', state="attached")
    page.get_by_text(t("shell.data_fix", "ja")).wait_for()
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "data-recovering-ja")
