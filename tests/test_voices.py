"""The voices page (``app_pages/voices.py``): cards, search and themes in the link, the quote
wall, presentation mode, pins by staff only, anonymous authors, the data folder's lexicon."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard.data import load_dataset

from .conftest import DATA, app_test
from .voices_data import EXPECTED_HIGHLIGHTS, PIN, texts


def open_voices(query: dict | None = None, role: str | None = "staff"):
    at = app_test(query, role=role).run()
    at.switch_page("app_pages/voices.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def cards(at) -> list[str]:
    bodies = [h.proto.body for h in at.get("html")]
    return [
        m
        for body in bodies
        for m in re.findall(r'class="voices-card" data-testimonial="([^"]+)"', body)
    ]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_page_shows_every_testimonial_with_its_highlight(lang):
    at = open_voices({"lang": lang})
    assert sorted(cards(at)) == sorted(texts(load_dataset(DATA).dataset))
    body = "".join(h.proto.body for h in at.get("html"))
    assert EXPECTED_HIGHLIGHTS["hester"] in body
    if lang == "ja":
        assert (
            "下川町" in body
            and "イギリス" in body
            and "チームプロジェクト（2017年3月3日～13日）" in body
        )
        assert at.title[0].value == "参加者の声"
    else:
        assert "🇬🇧 United Kingdom · Shimokawa · Team project, Mar 3\u2009–\u200913, 2017" in body
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    title = chart["layout"]["title"]["text"]
    assert title == (
        "Learning about rural Japan comes up most: in 9 of 11 testimonials"
        if lang == "en"
        else "最も多いテーマは「地方を知る」: 推薦文 11 件中 9 件"
    )


def test_a_search_link_opens_with_the_quote_found_and_marked():
    at = open_voices({"q": "tea"})
    assert at.text_input(key="q").value == "tea"
    assert cards(at) == ["gae"]
    full = [h.proto.body for h in at.get("html") if "voices-para" in h.proto.body]
    assert full and full[0].count("<mark>tea</mark>") == 4
    assert "1 of 11 testimonials match" in " ".join(c.value for c in at.caption)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_search_with_no_match_says_so(lang):
    at = open_voices({"q": "xylophone", "lang": lang})
    assert cards(at) == []
    assert at.info[0].value.startswith(
        "No testimonial matches" if lang == "en" else "検索と絞り込みに一致する推薦文はありません"
    )


def test_typing_a_search_narrows_the_cards():
    at = open_voices()
    at.text_input(key="q").input("snow").run()
    assert cards(at) == ["hester"]
    # the link (?q=snow) is written by the browser: see test_voices_browser.py


def test_the_theme_filter_narrows_the_cards_and_travels_in_the_link():
    at = open_voices({"theme": "nature"})
    assert at.multiselect(key="voices_theme").value == ["nature"]
    assert sorted(cards(at)) == ["charles", "gae", "hester", "jade"]
    at.multiselect(key="voices_theme").set_value(["nature", "skills"]).run()
    assert cards(at) == ["charles"]
    assert at.query_params["theme"] == ["nature", "skills"]


def test_the_sidebar_town_filter_applies():
    at = open_voices({"town": "urahoro"})
    assert sorted(cards(at)) == ["alejandro", "trinh-doan"]


def wall_quotes(at) -> list[str]:
    return [h.proto.body for h in at.get("html") if 'class="voices-wall"' in h.proto.body]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_quote_wall_steps_through_the_quotes(lang):
    at = open_voices({"view": "wall", "lang": lang, "q": "rewarding"})
    walls = wall_quotes(at)
    assert len(walls) == 1 and 'data-testimonial="jade"' in walls[0]
    assert ("Quote 1 of 2" if lang == "en" else "引用 1 / 2") in [c.value for c in at.caption]
    at.button(key="voices_wall_next").click().run()
    walls = wall_quotes(at)
    assert 'data-testimonial="charles"' in walls[0]
    assert ("Shimokawa" if lang == "en" else "下川町") in walls[0]
    at.button(key="voices_wall_next").click().run()  # wraps round
    walls = wall_quotes(at)
    assert 'data-testimonial="jade"' in walls[0]
    assert not at.get("plotly_chart")  # nothing but the quote on a projector


def test_presentation_mode_opens_the_quote_wall():
    at = open_voices({"present": "1"})
    assert at.segmented_control(key="voices_view").value == "wall"
    assert len(wall_quotes(at)) == 1
    assert cards(at) == []


def test_staff_pin_a_sentence_and_every_reader_sees_it(data_copy, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_copy))
    at = open_voices({"q": "Shimokawa hike"})
    assert cards(at) == ["hester"]
    at.selectbox(key="voices_pin_hester").set_value(PIN).run()
    at.button(key="voices_pin_save_hester").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success[0].value == "Highlight saved."
    saved = pd.read_csv(data_copy / "testimonials.csv").set_index("testimonial_id")
    assert saved.at["hester", "highlight"] == PIN
    body = "".join(h.proto.body for h in at.get("html") if "voices-card" in h.proto.body)
    assert PIN in body and "quote chosen by staff" in body
    # a new reader, a fresh session, sees the pin too: it lives in the data, not the session
    other = open_voices({"q": "Shimokawa hike"}, role="public")
    assert PIN in "".join(h.proto.body for h in other.get("html"))


@pytest.mark.parametrize("role", ["public", "municipality"])
def test_only_staff_see_the_pin_controls(role):
    at = app_test({"q": "snow"}, role=role, town="shimokawa" if role == "municipality" else None)
    at.run()
    at.switch_page("app_pages/voices.py").run()
    assert not at.exception
    assert cards(at) == ["hester"]
    assert [s.key for s in at.selectbox if str(s.key).startswith("voices_pin")] == []
    assert [b.key for b in at.button if str(b.key).startswith("voices_pin")] == []


def test_a_testimonial_by_someone_without_consent_is_anonymous_on_the_page(data_copy, monkeypatch):
    path = data_copy / "testimonials.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    extra = {c: "" for c in frame.columns}
    extra.update(
        testimonial_id="tono-voice",
        participant_id="tono-th",
        program_id="tono-2017-09",
        text="The people of Tono made us feel at home.",
        language="en",
        source="test",
    )
    pd.concat([frame, pd.DataFrame([extra])]).to_csv(path, index=False)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_copy))
    for lang, label in (("en", "a participant from Thailand"), ("ja", "タイからの参加者")):
        at = open_voices({"lang": lang, "q": "feel at home"})
        body = "".join(h.proto.body for h in at.get("html") if "voices-card" in h.proto.body)
        assert f"<strong>{label}</strong>" in body


def test_the_page_reads_its_lexicon_from_the_data_folder(data_copy, monkeypatch):
    assert Path(data_copy / "themes.csv").is_file()
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_copy))
    (data_copy / "themes.csv").write_text(
        "theme_id,label_en,label_ja,keywords_en,keywords_ja\ntea,Tea,お茶,tea,お茶\n",
        encoding="utf-8",
    )
    at = open_voices({"theme": "tea"})
    assert cards(at) == ["gae"]


def test_thousands_of_testimonials_are_shown_a_page_of_cards_at_a_time(tmp_path, monkeypatch):
    from dashboard.synth import write_dataset

    write_dataset(tmp_path, towns=8, participants=300, seed=3, testimonials=60)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    at = app_test(role="staff").run()
    at.switch_page("app_pages/voices.py").run()
    assert not at.exception
    assert "Showing 1–24 of 60 testimonials" in [c.value for c in at.caption]
    at.number_input(key="voices_page").set_value(3).run()
    assert "Showing 49–60 of 60 testimonials" in [c.value for c in at.caption]
