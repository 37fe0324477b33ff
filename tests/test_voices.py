"""The voices page: highlights, themes, search, consent, safe HTML, pins, and the page itself.

Hand counts from the seed (data/testimonials.csv, 11 testimonials, all in English): Chao Ping
and Lee name no program; Trinh Doan and Alejandro write about Tono and Urahoro; Leandro, Hakim
and Roger about Tono; Gae about Yame; Jade, Hester and Charles about Shimokawa. Every author has
public_consent true; Joy and the unnamed people have it false (and no testimonial).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from dashboard import voices
from dashboard.data import load_dataset
from dashboard.metrics import Filters, apply_filters
from dashboard.store import list_versions

from .conftest import DATA, app_test, figure_data

# --- highlights --------------------------------------------------------------------------------

EXPECTED_HIGHLIGHTS = {
    "chao-ping": "If you're a foreign student in Japan and you want to be involved in rural "
    "regions I cannot recommend Sosei Partners more.",
    "lee": "Joining with Sosei Partners has been one of the best valuable experience in Japan.",
    "trinh-doan": "The summer with Sosei Partners in Tono and Urahoro has been the best summer "
    "ever!",
    "alejandro": "These two projects have been one of my best experiences in Japan, and thanks "
    "to them I have been able to learn more about the culture of rural Japan and civic "
    "collaboration.",
    "hakim": "I was amazed by the ingenuity, welcoming hearts and the shared visions of the "
    "townspeople with whom we met.",
    "gae": "Participating Fukuoka trip with Sosei Partners was one of my unique and "
    "unforgettable experiences in Japan.",
    "jade": "Participating in Sosei Partners program was indeed a rewarding and eye-opening "
    "experience.",
    "hester": "I have never felt so welcomed in my life.",
    "charles": "Sosei Partners was an extremely fun and rewarding experience!",
}


def texts(dataset) -> dict[str, str]:
    return dict(
        zip(dataset.testimonials["testimonial_id"], dataset.testimonials["text"], strict=True)
    )


@pytest.mark.parametrize("testimonial_id", sorted(EXPECTED_HIGHLIGHTS))
def test_the_highlight_is_the_sentence_a_reader_would_quote(dataset, testimonial_id):
    assert (
        voices.auto_highlight(texts(dataset)[testimonial_id])
        == (EXPECTED_HIGHLIGHTS[testimonial_id])
    )


def test_every_real_testimonial_gets_one_of_its_own_sentences_of_quotable_length(dataset):
    for testimonial_id, text in texts(dataset).items():
        chosen = voices.auto_highlight(text)
        assert chosen in voices.split_sentences(text), testimonial_id
        assert chosen in text, testimonial_id
        words = voices.sentence_length(chosen)
        if testimonial_id == "leandro":  # every sentence is longer than 32 words: the shortest
            assert words == min(map(voices.sentence_length, voices.split_sentences(text)))
        else:
            assert 6 <= words <= 32, testimonial_id


def test_the_highlight_never_leans_on_the_sentence_before(dataset):
    for text in texts(dataset).values():
        first = voices.auto_highlight(text).split()[0].strip(",").lower()
        assert first not in voices.OPENERS_EN


def test_the_highlight_is_the_same_on_every_run(dataset):
    first = [voices.auto_highlight(text) for text in texts(dataset).values()]
    again = [voices.auto_highlight(text) for text in reversed(list(texts(dataset).values()))]
    assert first == list(reversed(again))


def test_sentences_keep_their_words_and_end_marks():
    text = "Great trip! We made tea (and washi).\nNo end mark here\n\nWhy not? Yes."
    assert voices.split_sentences(text) == [
        "Great trip!",
        "We made tea (and washi).",
        "No end mark here",
        "Why not?",
        "Yes.",
    ]


def test_a_japanese_testimonial_gets_a_japanese_highlight():
    text = (
        "九月に遠野市へ行きました。"
        "しかし最初は不安でした。"
        "ホストファミリーの温かい歓迎は一生忘れられない思い出です！"
        "ありがとう。"
    )
    assert (
        voices.auto_highlight(text) == "ホストファミリーの温かい歓迎は一生忘れられない思い出です！"
    )


def test_a_pin_wins_while_it_is_still_in_the_text(dataset):
    text = texts(dataset)["hester"]
    pin = "We met children, adults and elderly all excited about the changes being wrought in Shomokawa, and how foreigners could contribute to that transformation."  # noqa: E501
    assert voices.highlight_for(text, pin) == voices.Highlight(pin, True)
    assert voices.highlight_for(text, None).sentence == EXPECTED_HIGHLIGHTS["hester"]
    assert voices.highlight_for(text, float("nan")).pinned is False
    stale = voices.highlight_for(text, "A sentence Hester never wrote.")
    assert stale == voices.Highlight(
        EXPECTED_HIGHLIGHTS["hester"], False, "A sentence Hester never wrote."
    )


# --- themes ------------------------------------------------------------------------------------

# labelled by reading each text against the theme names, before the keyword list was written
HAND_LABELS = {
    "chao-ping": {"skills", "rural"},
    "lee": {"skills", "teamwork", "rural"},
    "trinh-doan": {"rural"},
    "alejandro": {"culture", "tourism", "rural"},
    "leandro": {"culture", "tourism", "teamwork", "rural"},
    "hakim": {"welcome", "tourism", "teamwork"},
    "roger": {"skills", "tourism", "teamwork"},
    "gae": {"welcome", "culture", "tourism", "nature", "rural"},
    "jade": {"welcome", "nature", "rural"},
    "hester": {"welcome", "tourism", "nature", "rural"},
    "charles": {"welcome", "skills", "tourism", "nature", "teamwork", "rural"},
}


@pytest.fixture(scope="module")
def themes():
    return voices.load_themes()


def test_the_lexicon_has_the_seven_themes_in_both_languages(themes):
    assert [theme.theme_id for theme in themes] == [
        "welcome",
        "skills",
        "culture",
        "tourism",
        "nature",
        "teamwork",
        "rural",
    ]
    for theme in themes:
        assert theme.label_en and theme.label_ja and theme.label_ja != theme.label_en
        assert theme.keywords_en and theme.keywords_ja


@pytest.mark.parametrize("testimonial_id", sorted(HAND_LABELS))
def test_theme_tags_agree_with_the_hand_labels(dataset, themes, testimonial_id):
    found = voices.theme_matches(texts(dataset)[testimonial_id], themes)
    assert set(found) == HAND_LABELS[testimonial_id]


def test_a_tag_says_which_words_put_it_there(dataset, themes):
    found = voices.theme_matches(texts(dataset)["hester"], themes)
    assert found["welcome"] == ("generosity", "welcomed", "took care of me")
    assert found["nature"] == ("hike", "forests", "snow")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ホストファミリーの温かさに感動しました。", {"welcome"}),
        ("八女の伝統工芸、和紙づくりを学びました。", {"culture"}),
        ("多国籍のチームで観光PRの案を考えました。", {"teamwork", "tourism"}),
        ("地方の暮らしと過疎の課題を知りました。", {"rural"}),
        ("雪の森林を歩き、滝を見ました。", {"nature"}),
        ("専門のデザインを活かしてチラシを作りました。", {"skills"}),
        ("We were a team of three and had a good time.", set()),  # a bare 'team' is no theme
        ("I was designated as the leader.", set()),  # 'designated' is not design
        ("The tea was good.", set()),
    ],
)
def test_theme_tags_on_hand_made_examples(themes, text, expected):
    assert set(voices.theme_matches(text, themes)) == expected


def test_a_data_folder_can_bring_its_own_lexicon(tmp_path):
    (tmp_path / "themes.csv").write_text(
        "theme_id,label_en,label_ja,keywords_en,keywords_ja\n"
        "food,Food,食べ物,tea; meal*,お茶; 食事\n",
        encoding="utf-8",
    )
    (theme,) = voices.load_themes(tmp_path)
    assert voices.theme_matches("Meals and tea.", [theme]) == {"food": ("meals", "tea")}
    assert voices.load_themes(tmp_path / "nowhere")[0].theme_id == "welcome"


def test_themes_per_town_match_the_hand_counts(dataset, themes):
    table = voices.voices_table(dataset, dataset.testimonials, themes, "en")
    counts = voices.theme_counts(table, themes, dataset.regions, "en")
    got = {(row.theme_id, row.region_id): row.count for row in counts.itertuples() if row.count}
    tono = {theme.theme_id: got.get((theme.theme_id, "tono"), 0) for theme in themes}
    assert tono == {
        "welcome": 1,  # Hakim
        "skills": 1,  # Roger
        "culture": 2,  # Alejandro, Leandro
        "tourism": 4,  # Alejandro, Leandro, Hakim, Roger
        "nature": 0,
        "teamwork": 3,  # Leandro, Hakim, Roger
        "rural": 3,  # Trinh Doan, Alejandro, Leandro
    }
    assert got[("rural", "urahoro")] == 2  # Trinh Doan and Alejandro
    assert got[("nature", "shimokawa")] == 3  # Jade, Hester, Charles
    assert got[("skills", voices.NO_TOWN)] == 2  # Chao Ping and Lee name no program
    assert voices.theme_totals(table, themes) == {
        "welcome": 5,
        "skills": 4,
        "culture": 3,
        "tourism": 7,
        "nature": 4,
        "teamwork": 5,
        "rural": 9,
    }


def test_the_theme_chart_carries_the_counts_per_town(dataset, themes):
    table = voices.voices_table(dataset, dataset.testimonials, themes, "en")
    counts = voices.theme_counts(table, themes, dataset.regions, "en")
    fig = voices.theme_chart(
        counts,
        colours={"tono": "#0072B2"},
        title="t",
        labels={"count": "Testimonials", "theme": "Theme", "town": "Town"},
    )
    spec = json.loads(fig.to_json())
    traces = {trace["name"]: i for i, trace in enumerate(spec["data"])}
    assert set(traces) == {"Tono", "Urahoro", "Yame", "Shimokawa", "Town not named"}
    assert all(trace.get("showlegend", True) for trace in spec["data"])
    tono = dict(
        zip(
            figure_data(spec, traces["Tono"], "y"),
            figure_data(spec, traces["Tono"], "x"),
            strict=True,
        )
    )
    assert tono["Tourism and promotion"] == 4 and tono["Nature"] == 0
    total = sum(sum(figure_data(spec, i, "x")) for i in traces.values())
    # Trinh Doan (1 theme) and Alejandro (3 themes) count for Tono and Urahoro both
    twice = len(HAND_LABELS["trinh-doan"]) + len(HAND_LABELS["alejandro"])
    assert total == sum(len(labels) for labels in HAND_LABELS.values()) + twice


def test_the_chart_title_names_the_leading_theme_or_the_tie(themes):
    assert voices.chart_title({"rural": 9, "tourism": 7}, themes, 11, "en") == (
        "Learning about rural Japan comes up most: in 9 of 11 testimonials"
    )
    assert voices.chart_title({"rural": 2, "tourism": 2}, themes, 3, "ja") == (
        "2 つのテーマが同数で最多: それぞれ推薦文 3 件中 2 件"
    )
    assert voices.chart_title({"rural": 1}, themes, 1, "en") == (
        "The themes of the one testimonial found"
    )
    assert voices.chart_title({"rural": 0}, themes, 4, "en").startswith("None of the themes")


# --- search ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def table(dataset, themes):
    return voices.voices_table(dataset, dataset.testimonials, themes, "en")


def found(table, query) -> set[str]:
    return set(voices.search(table, query)["testimonial_id"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tea", {"gae"}),  # Yame tea; 'team' and 'teams' are other words
        ("TEA", {"gae"}),
        ("ｔｅａ", {"gae"}),  # typed full-width on a Japanese keyboard
        ("snow", {"hester"}),
        ("host famil*", {"hakim", "jade", "charles"}),
        ('"host family"', {"hakim"}),
        ("welcom*", {"hakim", "gae", "hester"}),
        ("tono urahoro", {"trinh-doan", "alejandro"}),  # every word must occur
        ("Hester", {"hester", "charles"}),  # her name on her card, and in Charles's text
        ("Dennis", {"hakim", "hester", "charles"}),
        ("", None),
    ],
)
def test_search_finds_the_testimonials_that_say_it(table, query, expected):
    if expected is None:  # an empty search shows everything
        assert len(voices.search(table, query)) == 11
    else:
        assert found(table, query) == expected


@pytest.mark.parametrize("query", ["xylophone", "teas", "tea snow", '"host families warmly"'])
def test_search_misses_say_nothing_found(table, query):
    assert voices.search(table, query).empty


def test_matches_are_marked_in_escaped_text():
    text = "Yame tea & <b>team</b> tea."
    assert voices.marked(text, voices.parse_query("tea")) == (
        "Yame <mark>tea</mark> &amp; &lt;b&gt;team&lt;/b&gt; <mark>tea</mark>."
    )
    assert voices.match_spans("host families and host family", ["host famil*"]) == [
        (0, 13),
        (18, 29),
    ]


def test_a_japanese_search_matches_inside_words():
    frame = pd.DataFrame(
        {
            "testimonial_id": ["a", "b"],
            "text": ["八女茶の歴史を学んだ。", "遠野の民話。"],
            "search_name": ["", ""],
        }
    )
    assert set(voices.search(frame, "歴史")["testimonial_id"]) == {"a"}
    assert voices.marked("八女茶の歴史", ["歴史"]) == "八女茶の<mark>歴史</mark>"


# --- consent -----------------------------------------------------------------------------------


def with_testimonial_by(dataset, participant_id: str, text: str = "We made tea together."):
    extra = pd.DataFrame(
        [
            {
                "testimonial_id": "extra",
                "participant_id": participant_id,
                "program_id": "tono-2017-09"
                if participant_id.startswith("tono")
                else "shimokawa-2017-03",
                "text": text,
                "language": "en",
                "source": "test",
            }
        ]
    )
    return dataset.replace(testimonials=pd.concat([dataset.testimonials, extra], ignore_index=True))


@pytest.mark.parametrize(
    ("participant_id", "lang", "label"),
    [
        ("tono-th", "en", "a participant from Thailand"),
        ("tono-th", "ja", "タイからの参加者"),
        ("joy", "en", "a participant (nationality unknown)"),
        ("joy", "ja", "参加者（国籍不明）"),
        ("hester", "en", "Hester"),
    ],
)
def test_only_people_who_consented_are_named(dataset, themes, participant_id, lang, label):
    ds = with_testimonial_by(dataset, participant_id)
    table = voices.voices_table(ds, ds.testimonials, themes, lang)
    row = table[table["testimonial_id"] == "extra"].iloc[0]
    assert row["author"] == label
    html = voices.card_html(row.to_dict(), themes, lang)
    if participant_id == "joy":
        assert "Joy" not in html and "Joy" not in voices.wall_html(row.to_dict(), lang)
        assert "Joy" not in voices.citation(row.to_dict(), lang)


def test_a_name_without_consent_cannot_be_searched(dataset, themes):
    ds = with_testimonial_by(dataset, "joy")
    table = voices.voices_table(ds, ds.testimonials, themes, "en")
    # Charles's published text names Joy; the testimonial Joy wrote is not found by her name
    assert found(table, "Joy") == {"charles"}


# --- safety ------------------------------------------------------------------------------------

ATTACK = (
    "Great trip! <script>window.__pwned = 1</script> "
    '<img src=x onerror="window.__pwned = 2"> '
    "[click me](javascript:window.__pwned=3) **bold** :red[red] $x^2$ & done."
)
ALLOWED_TAGS = {"div", "p", "strong", "span", "small", "mark", "br"}


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def tags_in(html: str) -> list[tuple[str, list]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def test_markup_in_a_testimonial_comes_out_as_plain_characters(dataset, themes):
    ds = with_testimonial_by(dataset, "hester", ATTACK)
    table = voices.voices_table(ds, ds.testimonials, themes, "en")
    row = table[table["testimonial_id"] == "extra"].iloc[0].to_dict()
    for query in ("", "script", "img onerror", "<script>", '"', "mark", "&"):
        terms = voices.parse_query(query)
        for html in (
            voices.card_html(row, themes, "en", terms),
            voices.paragraphs_html(row["text"], terms),
            voices.wall_html(row, "en"),
        ):
            assert {tag for tag, _ in tags_in(html)} <= ALLOWED_TAGS, (query, html)
            for _, attrs in tags_in(html):
                assert not [name for name, _ in attrs if name.startswith("on")]
            assert "<script" not in html and "<img" not in html
    body = voices.paragraphs_html(ATTACK)
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in body
    assert "[click me](javascript:window.__pwned=3)" in body
    marked = voices.paragraphs_html(ATTACK, voices.parse_query("script"))
    assert "&lt;<mark>script</mark>&gt;" in marked


def test_the_attribute_values_are_escaped_too(dataset, themes):
    row = voices.voices_table(dataset, dataset.testimonials, themes, "en").iloc[0].to_dict()
    row = {**row, "testimonial_id": 'x" onmouseover="alert(1)', "language": '"><script>'}
    html = voices.card_html(row, themes, "en")
    assert all(not name.startswith("on") for _, attrs in tags_in(html) for name, _ in attrs)


# --- the town filter keeps testimonials about several towns --------------------------------------


def test_urahoro_hears_what_trinh_doan_and_alejandro_said(dataset):
    filters = Filters(towns=("urahoro",))
    scoped = voices.in_scope(dataset, apply_filters(dataset, filters), filters)
    assert set(scoped["testimonial_id"]) == {"trinh-doan", "alejandro"}


def test_a_nationality_filter_keeps_people_with_no_program(dataset):
    filters = Filters(nationalities=("TH",))
    scoped = voices.in_scope(dataset, apply_filters(dataset, filters), filters)
    assert set(scoped["testimonial_id"]) == {"lee", "gae", "jade"}


# --- pinning through the data store ------------------------------------------------------------

PIN = "I learnt more about Japan and spoke more Japanese, and felt more useful, in those two weeks than I had in an entire semester at university."  # noqa: E501


def test_a_pin_is_saved_in_the_data_with_a_version_kept(data_copy):
    before = (data_copy / "testimonials.csv").read_text(encoding="utf-8")
    result = voices.save_pin(data_copy, "hester", PIN, actor="staff-test")
    assert result.ok, result.problems
    loaded = load_dataset(data_copy)
    assert loaded.ok
    rows = loaded.dataset.testimonials.set_index("testimonial_id")
    assert rows.at["hester", "highlight"] == PIN
    assert pd.isna(rows.at["charles", "highlight"])
    assert list(rows["text"]) == list(load_dataset(DATA).dataset.testimonials["text"])
    (version,) = list_versions(data_copy)
    assert version.actor == "staff-test" and version.tables == ("testimonials",)
    copy = data_copy / ".versions" / version.id / "testimonials.csv"
    assert copy.read_text(encoding="utf-8") == before
    # and back to the automatic choice
    assert voices.save_pin(data_copy, "hester", "").ok
    assert pd.isna(
        load_dataset(data_copy)
        .dataset.testimonials.set_index("testimonial_id")
        .at["hester", "highlight"]
    )


def test_a_pin_must_be_the_participants_own_words(data_copy):
    with pytest.raises(ValueError):
        voices.save_pin(data_copy, "hester", "Sosei Partners changed my life.")
    with pytest.raises(KeyError):
        voices.save_pin(data_copy, "nobody", PIN)
    assert list_versions(data_copy) == []


# --- the page ----------------------------------------------------------------------------------


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
