"""Search (``dashboard.voices.search``): whole words, endings, phrases, Japanese, marks."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.voices.cards import marked
from dashboard.voices.search import match_spans, parse_query, search
from dashboard.voices.tables import voices_table
from dashboard.voices.themes import load_themes


@pytest.fixture(scope="module")
def themes():
    return load_themes()


@pytest.fixture(scope="module")
def table(dataset, themes):
    return voices_table(dataset, dataset.testimonials, themes, "en")


def found(table, query) -> set[str]:
    return set(search(table, query)["testimonial_id"])


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
        assert len(search(table, query)) == 11
    else:
        assert found(table, query) == expected


@pytest.mark.parametrize("query", ["xylophone", "teas", "tea snow", '"host families warmly"'])
def test_search_misses_say_nothing_found(table, query):
    assert search(table, query).empty


def test_matches_are_marked_in_escaped_text():
    text = "Yame tea & <b>team</b> tea."
    assert marked(text, parse_query("tea")) == (
        "Yame <mark>tea</mark> &amp; &lt;b&gt;team&lt;/b&gt; <mark>tea</mark>."
    )
    assert match_spans("host families and host family", ["host famil*"]) == [
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
    assert set(search(frame, "歴史")["testimonial_id"]) == {"a"}
    assert marked("八女茶の歴史", ["歴史"]) == "八女茶の<mark>歴史</mark>"
