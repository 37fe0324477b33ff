"""Safe HTML (``dashboard.voices.cards``): markup in a testimonial comes out as characters."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from dashboard.voices.cards import card_html, paragraphs_html, wall_html
from dashboard.voices.search import parse_query
from dashboard.voices.tables import voices_table
from dashboard.voices.themes import load_themes

from .voices_data import with_testimonial_by


@pytest.fixture(scope="module")
def themes():
    return load_themes()


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
    table = voices_table(ds, ds.testimonials, themes, "en")
    row = table[table["testimonial_id"] == "extra"].iloc[0].to_dict()
    for query in ("", "script", "img onerror", "<script>", '"', "mark", "&"):
        terms = parse_query(query)
        for html in (
            card_html(row, themes, "en", terms),
            paragraphs_html(row["text"], terms),
            wall_html(row, "en"),
        ):
            assert {tag for tag, _ in tags_in(html)} <= ALLOWED_TAGS, (query, html)
            for _, attrs in tags_in(html):
                assert not [name for name, _ in attrs if name.startswith("on")]
            assert "<script" not in html and "<img" not in html
    body = paragraphs_html(ATTACK)
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in body
    assert "[click me](javascript:window.__pwned=3)" in body
    marked = paragraphs_html(ATTACK, parse_query("script"))
    assert "&lt;<mark>script</mark>&gt;" in marked


def test_the_attribute_values_are_escaped_too(dataset, themes):
    row = voices_table(dataset, dataset.testimonials, themes, "en").iloc[0].to_dict()
    row = {**row, "testimonial_id": 'x" onmouseover="alert(1)', "language": '"><script>'}
    html = card_html(row, themes, "en")
    assert all(not name.startswith("on") for _, attrs in tags_in(html) for name, _ in attrs)
