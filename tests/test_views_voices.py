"""The voices page's builder (``dashboard.views.voices``) on three testimonials written here.

Ann (Tono, named) drank tea; Bo (Yame, no consent to be named) saw snow on tea fields; Cy
(Tono, named) saw snow. The lexicon has two themes: Tea (tea) and Snow (snow).
"""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from dashboard.data import load_tables
from dashboard.metrics import Filters, apply_filters
from dashboard.views import voices as view
from dashboard.voices.tables import VoicesQuery
from dashboard.voices.themes import parse_themes

ANN = "I drank green tea every morning with my wonderful host family."
BO = "Snow fell softly on the tea fields of Yame all week."
CY = "The snow in Tono was deep and quiet all winter."

TABLES = {
    "regions": """region_id,name_en,name_ja,prefecture_code,lat,lon,source
tono,Tono,遠野市,3,39.33,141.53,test
yame,Yame,八女市,40,33.21,130.56,test
""",
    "programs": """program_id,region_id,title,kind,start_date,end_date,participants_reported,source
tono-1,tono,Tono team,team,2017-09-01,2017-09-10,,test
yame-1,yame,Yame team,team,2017-03-20,2017-03-23,,test
""",
    "participants": """participant_id,display_name,nationality,public_consent,source
ann,Ann,GB,true,test
bo,Bo,TH,false,test
cy,Cy,US,true,test
""",
    "participations": """participant_id,program_id,role,source
ann,tono-1,member,test
bo,yame-1,member,test
cy,tono-1,member,test
""",
    "testimonials": f"""testimonial_id,participant_id,program_id,text,language,source
ann,ann,tono-1,{ANN},en,test
bo,bo,yame-1,{BO},en,test
cy,cy,tono-1,{CY},en,test
""",
    "outcomes": "outcome_id,program_id,kind,language,quantity,description,source\n",
}

THEMES = parse_themes(
    pd.DataFrame(
        {
            "theme_id": ["tea", "snow"],
            "label_en": ["Tea", "Snow"],
            "label_ja": ["お茶", "雪"],
            "keywords_en": ["tea", "snow"],
            "keywords_ja": ["お茶", "雪"],
        }
    )
)

NO_FILTERS = Filters()


@pytest.fixture(scope="module")
def ds():
    result = load_tables({name: (f"{name}.csv", text.encode()) for name, text in TABLES.items()})
    assert result.ok, [p.line() for p in result.problems]
    return result.dataset


def ask(ds, query: str = "", filters: Filters = NO_FILTERS, lang: str = "en") -> VoicesQuery:
    return VoicesQuery(ds, apply_filters(ds, filters), filters, THEMES, lang, query)


def ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["testimonial_id"])


def test_with_no_search_every_testimonial_is_shown(ds):
    page = view.build(ask(ds))
    assert ids(page.shown) == ["ann", "bo", "cy"]
    assert (page.scoped, page.found, page.terms) == (3, 3, ())
    assert page.message == "3 of 3 testimonials"
    assert list(page.shown["author"]) == ["Ann", "a participant from Thailand", "Cy"]
    assert list(page.shown["highlight"]) == [ANN, BO, CY]


def test_a_search_and_a_theme_narrow_what_is_shown_but_not_what_is_found(ds):
    page = view.build(ask(ds, "tea"))
    assert ids(page.shown) == ["ann", "bo"] and page.terms == ("tea",)
    assert page.message == "2 of 3 testimonials match the search and filters."
    page = view.build(ask(ds, "tea"), ["snow"])
    assert ids(page.shown) == ["bo"]
    assert (page.scoped, page.found) == (3, 2)
    assert page.message == "1 of 3 testimonials match the search and filters."


def test_nothing_found_and_nothing_in_scope_say_different_things(ds):
    page = view.build(ask(ds, "xylophone"))
    assert page.shown.empty and (page.scoped, page.found) == (3, 0)
    assert page.message.startswith("No testimonial matches your search and filters.")
    page = view.build(ask(ds, filters=Filters(nationalities=("FR",))))
    assert page.scoped == 0
    assert page.message == (
        "No testimonials for the towns, years and nationalities chosen in the sidebar."
    )


def test_the_town_filter_keeps_only_that_towns_testimonials(ds):
    page = view.build(ask(ds, filters=Filters(towns=("yame",))))
    assert ids(page.shown) == ["bo"] and page.message == "1 of 1 testimonials"


def test_the_theme_section_counts_testimonials_per_theme_and_town(ds):
    chart = view.theme_section(ask(ds))
    expected = pd.DataFrame({"Theme": ["Tea", "Snow"], "Tono": [1, 1], "Yame": [1, 1]})
    assert_frame_equal(chart.table, expected, check_names=False, check_dtype=False)
    assert chart.file_name == "themes-by-town"
    assert chart.figure.layout.title.text == "2 themes come up most: each in 2 of 3 testimonials"
    one = view.theme_section(ask(ds, "quiet"))  # Cy alone
    assert one.figure.layout.title.text == "The themes of the one testimonial found"
    assert_frame_equal(
        one.table,
        pd.DataFrame({"Theme": ["Tea", "Snow"], "Tono": [0, 1]}),
        check_names=False,
        check_dtype=False,
    )


def test_no_theme_section_when_no_testimonial_found_touches_a_theme(ds):
    assert view.theme_section(ask(ds, "wonderful")) is not None  # Ann drank tea
    lexicon = parse_themes(
        pd.DataFrame({"theme_id": ["fish"], "label_en": ["Fish"], "keywords_en": ["fish"]})
    )
    q = VoicesQuery(ds, ds, Filters(), lexicon, "en", "")
    assert view.theme_section(q) is None


def test_the_lexicon_lists_each_themes_keywords_in_both_languages():
    expected = pd.DataFrame(
        {
            "Theme": ["Tea", "Snow"],
            "English keywords": ["tea", "snow"],
            "Japanese keywords": ["お茶", "雪"],
        }
    )
    assert_frame_equal(view.lexicon_table(THEMES, "en"), expected)
    assert list(view.lexicon_table(THEMES, "ja")["テーマ"]) == ["お茶", "雪"]
    assert view.theme_labels(THEMES, "ja") == {"tea": "お茶", "snow": "雪"}


def test_cards_come_a_page_of_24_at_a_time():
    shown = pd.DataFrame({"testimonial_id": [f"t{i}" for i in range(60)]})
    assert [view.page_count(n) for n in (0, 1, 24, 25, 60)] == [0, 1, 1, 2, 3]
    assert [row["testimonial_id"] for row in view.cards_on_page(shown, 3)] == [
        f"t{i}" for i in range(48, 60)
    ]
    assert len(view.cards_on_page(shown)) == 24
    assert view.showing(60, 3, "en") == "Showing 49–60 of 60 testimonials"
    assert view.showing(60, 1, "en") == "Showing 1–24 of 60 testimonials"
    assert view.pager_label(60, "en") == "Page (of 3)"


def test_the_wall_shows_one_quote_and_where_it_is():
    shown = pd.DataFrame({"testimonial_id": ["a", "b"], "highlight": ["A.", "B."]})
    assert view.wall_quote(shown, 1) == {"testimonial_id": "b", "highlight": "B."}
    assert view.wall_position(1, 2, "en") == "Quote 2 of 2"
    assert view.wall_position(0, 5, "ja") == "引用 1 / 5"


def test_the_pin_picker_offers_the_automatic_choice_then_every_sentence():
    text = "We arrived in May. The host family was wonderful and warm to us all. Thanks."
    row = {
        "text": text,
        "highlight": "The host family was wonderful and warm to us all.",
        "pinned": False,
    }
    pick = view.pin_choice(row)
    assert pick == view.PinChoice(
        ("", "We arrived in May.", "The host family was wonderful and warm to us all.", "Thanks."),
        "",
        "The host family was wonderful and warm to us all.",
    )
    # a pinned passage that is not a whole sentence is offered too, last, and chosen now
    pinned = view.pin_choice({**row, "highlight": "arrived in May", "pinned": True})
    assert pinned.options[-1] == "arrived in May" and pinned.current == "arrived in May"
    assert len(pinned.options) == 5
