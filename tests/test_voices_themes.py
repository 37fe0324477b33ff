"""The theme lexicon and the themes a text touches (``dashboard.voices.themes``)."""

from __future__ import annotations

import pytest

from dashboard.voices.themes import load_themes, theme_matches

from .voices_data import HAND_LABELS, texts


@pytest.fixture(scope="module")
def themes():
    return load_themes()


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
    found = theme_matches(texts(dataset)[testimonial_id], themes)
    assert set(found) == HAND_LABELS[testimonial_id]


def test_a_tag_says_which_words_put_it_there(dataset, themes):
    found = theme_matches(texts(dataset)["hester"], themes)
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
    assert set(theme_matches(text, themes)) == expected


def test_a_data_folder_can_bring_its_own_lexicon(tmp_path):
    (tmp_path / "themes.csv").write_text(
        "theme_id,label_en,label_ja,keywords_en,keywords_ja\n"
        "food,Food,食べ物,tea; meal*,お茶; 食事\n",
        encoding="utf-8",
    )
    (theme,) = load_themes(tmp_path)
    assert theme_matches("Meals and tea.", [theme]) == {"food": ("meals", "tea")}
    assert load_themes(tmp_path / "nowhere")[0].theme_id == "welcome"
