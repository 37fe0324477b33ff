"""A town's own page: its numbers against counts made by hand from the site, in both languages,
for every real town, an unknown town and a town with no programs yet; presentation mode."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import report
from dashboard import town as towns
from dashboard.i18n import label, t
from dashboard.views import town as town_view

from .conftest import app_test, figure_data

# --- the numbers, counted by hand from the site ------------------------------------------------


def test_tono_has_one_four_day_program_with_eleven_people_as_reported(dataset):
    table = towns.programs(dataset, "tono")
    assert list(table["program_id"]) == ["tono-2017-09"]
    row = table.iloc[0]
    assert (str(row["start_date"].date()), str(row["end_date"].date())) == (
        "2017-09-06",
        "2017-09-09",
    )
    assert (row["days"], row["listed"], row["reported"]) == (4, 11, 11)


def test_tono_page_lists_nine_countries_and_two_unknown(dataset):
    rel = towns.relationship(dataset, "tono")
    assert (rel.people, rel.countries, rel.unknown_nationality) == (11, 9, 2)
    codes = towns.countries(dataset, "tono")
    assert set(codes["nationality"]) - {""} == {
        "SG",
        "MY",
        "TH",
        "VN",
        "TW",
        "JP",
        "ES",
        "US",
        "BR",
    }
    assert codes.iloc[-1].to_dict() == {"nationality": "", "people": 2}  # unknown last


def test_tono_people_spent_forty_four_days_and_two_came_back(dataset):
    rel = towns.relationship(dataset, "tono")
    assert rel.person_days == 44
    assert rel.returning == 2
    back = towns.returning(dataset, "tono")
    assert list(back["participant_id"]) == ["alejandro", "trinh-doan"]
    assert back["other_towns"].tolist() == [["urahoro"], ["urahoro"]]


def test_tono_was_given_reviews_english_names_and_market_advice(dataset):
    made = towns.outcomes(dataset, "tono")
    assert sorted(made["kind"]) == ["advice", "review", "translation"]
    assert made["quantity"].isna().all()  # the site gives no numbers: none invented


def test_tono_has_five_testimonials(dataset):
    voices = towns.testimonials(dataset, "tono")
    assert sorted(voices["testimonial_id"]) == sorted(
        ["trinh-doan", "alejandro", "leandro", "hakim", "roger"]
    )
    assert not voices["related"].any()
    assert all(
        q and q in " ".join(txt.split())
        for q, txt in zip(voices["quote"], voices["text"], strict=True)
    )


def test_urahoro_counts_three_people_and_the_two_who_came_from_tono(dataset):
    rel = towns.relationship(dataset, "urahoro")
    assert (rel.people, rel.countries, rel.unknown_nationality) == (3, 3, 0)
    assert (rel.person_days, rel.returning, rel.reported) == (18, 2, None)
    voices = towns.testimonials(dataset, "urahoro")
    assert sorted(voices["testimonial_id"]) == ["alejandro", "trinh-doan"]
    assert voices["related"].all()  # tied through related_program_ids


def test_shimokawa_got_three_leaflets_in_english_chinese_and_thai(dataset):
    rel = towns.relationship(dataset, "shimokawa")
    assert (rel.people, rel.countries, rel.unknown_nationality, rel.person_days) == (4, 3, 1, 44)
    summary = towns.outcome_summary(towns.outcomes(dataset, "shimokawa"))
    assert summary.to_dict("records") == [
        {"kind": "leaflet", "items": 3, "quantity": 3, "languages": ["en", "th", "zh"]}
    ]
    assert sorted(towns.testimonials(dataset, "shimokawa")["testimonial_id"]) == [
        "charles",
        "hester",
        "jade",
    ]


def test_yame_had_one_person_for_four_days(dataset):
    rel = towns.relationship(dataset, "yame")
    assert (rel.people, rel.countries, rel.person_days, rel.returning) == (1, 1, 4, 0)
    assert list(towns.testimonials(dataset, "yame")["testimonial_id"]) == ["gae"]


def test_ishinomaki_counts_known_days_and_says_the_team_is_undated(dataset):
    rel = towns.relationship(dataset, "ishinomaki")
    assert (rel.programs, rel.people, rel.countries, rel.unknown_nationality) == (2, 8, 7, 1)
    assert rel.person_days == 42  # Zak's residency, 2017-12-18..2018-01-28
    assert (rel.undated_programs, rel.undated_people) == (1, 7)
    assert towns.testimonials(dataset, "ishinomaki").empty


def test_the_network_average_is_over_all_five_towns(dataset):
    table = towns.network_comparison(dataset, "tono").set_index("measure")
    assert table.loc["people"].to_dict() == {"town": 11, "average": 5.4, "towns": 5}  # 27 / 5
    assert table.loc["person_days", "average"] == round((44 + 18 + 44 + 4 + 42) / 5, 1)
    assert table.loc["testimonials", "town"] == 5


def test_every_town_at_once_counts_as_each_town_alone(dataset):
    every = towns.network_figures(dataset)
    assert list(every.index) == towns.town_ids(dataset)
    for rid in every.index:
        assert every.loc[rid].to_dict() == towns.figures(dataset, rid), rid
    # Urahoro's two testimonials are tied to it through related_program_ids only
    assert every.loc["urahoro", "testimonials"] == len(towns.testimonials(dataset, "urahoro")) > 0


def test_a_pinned_highlight_comes_first(dataset):
    texts = dataset.testimonials.copy()
    texts["highlight"] = texts["highlight"].astype("object")
    texts.loc[texts["testimonial_id"] == "roger", "highlight"] = (
        "I think this group could help fix issues that are identified as well"
    )
    voices = towns.testimonials(dataset.replace(testimonials=texts), "tono")
    assert voices.iloc[0]["testimonial_id"] == "roger"
    assert bool(voices.iloc[0]["pinned"])


def test_first_sentence_stops_at_the_first_full_stop():
    assert towns.first_sentence("Great.  Then more! ") == "Great."
    assert towns.first_sentence("遠野は良かった。また行きたい。") == "遠野は良かった。"


def test_unknown_town_is_not_found(dataset):
    assert towns.find_town(dataset, "nowhere") is None
    assert towns.find_town(dataset, " Tono ")["name_ja"] == "遠野市"


# --- the page, run as the app runs it ---------------------------------------------------------


def open_town(query: dict, role: str | None = "staff", town: str | None = None):
    at = app_test(query, role=role, town=town).run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("app_pages/town.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics_of(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


HAND_COUNTS = {
    "tono": ("11", "9", "2", "44"),
    "urahoro": ("3", "3", "2", "18"),
    "shimokawa": ("4", "3", "0", "44"),
    "yame": ("1", "1", "0", "4"),
    "ishinomaki": ("8", "7", "0", "42"),
}


@pytest.mark.parametrize("region_id", list(HAND_COUNTS))
def test_each_town_page_shows_its_hand_counted_numbers(region_id):
    at = open_town({"town": region_id})
    labels = [t(f"town.metric.{k}") for k in ("people", "countries", "returning", "person_days")]
    assert tuple(metrics_of(at)[label] for label in labels) == HAND_COUNTS[region_id]


def test_tono_page_in_japanese(dataset):
    at = open_town({"town": "tono", "lang": "ja"})
    assert at.title[0].value.startswith("遠野市")
    assert metrics_of(at)["つながった国の数"] == "9"
    assert metrics_of(at)["滞在人日"] == "44"
    text = " ".join(x.value for x in at.text)
    assert "うち 2 人は国籍不明です" in text
    assert "Trinh Doan（ベトナム）、浦幌町にも参加" in text
    assert "“The summer with Sosei Partners in Tono and Urahoro" in text
    headers = [s.value for s in at.header]
    assert "関係人口" in headers and "参加者の声" in headers


def test_tono_page_chart_counts_nine_countries_and_the_unknown():
    at = open_town({"town": "tono"})
    charts = at.get("plotly_chart")
    spec = next(c.proto.spec for c in charts if "linked to 9 countries" in c.proto.spec)
    assert figure_data(spec, 0, "x") == [1] * 9 + [2]
    assert "Unknown nationality" in figure_data(spec, 0, "y")


def test_tono_page_compares_with_the_network():
    at = open_town({"town": "tono"})
    spec = next(c.proto.spec for c in at.get("plotly_chart") if "average of all 5" in c.proto.spec)
    assert figure_data(spec, 0, "y") == [11, 5.4]  # people: Tono, average
    assert figure_data(spec, 2, "y") == [44, 30.4]  # person-days


def test_urahoro_page_shows_testimonials_tied_through_related_programs():
    at = open_town({"town": "urahoro"})
    text = " ".join(x.value for x in at.text)
    assert "— Trinh Doan (Vietnam)" in text and "— Alejandro (Spain)" in text
    assert any("Also about another town" in c.value for c in at.caption)


def test_the_town_page_ignores_the_other_filters():
    at = open_town({"town": "tono", "nat": "VN", "years": "2018-2018"})
    assert metrics_of(at)[t("town.metric.people")] == "11"
    assert any(t("town.whole_town") == c.value for c in at.caption)


def test_the_first_town_in_the_link_is_shown():
    at = open_town({"town": ["yame", "tono"]})
    assert at.title[0].value.startswith("Yame")


@pytest.mark.parametrize("query", [{}, {"town": "nowhere"}, {"town": "nowhere", "lang": "ja"}])
def test_an_unknown_or_missing_town_lists_every_town_as_a_link(query):
    at = open_town(query)
    links = [b for b in at.button if b.key.startswith("town_pick_")]
    assert len(links) == 5
    lang = query.get("lang", "en")
    assert at.title[0].value == t("town.pick.title", lang)
    labels = " ".join(link.label for link in links)
    assert ("遠野市（Tono）、岩手県" if lang == "ja" else "Tono (遠野市), Iwate") in labels
    assert not at.metric
    at.button(key="town_pick_yame").click().run()
    assert at.query_params["town"] in ("yame", ["yame"])
    assert metrics_of(at)[t("town.metric.person_days", lang)] == "4"


def test_many_towns_are_chosen_from_a_searchable_list(tmp_path, monkeypatch):
    from dashboard.synth import write_dataset

    write_dataset(tmp_path, towns=30, participants=120, seed=4)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    at = open_town({"lang": "ja"})
    assert not [b for b in at.button if b.key.startswith("town_pick_")]
    picker = at.selectbox(key="town_pick")
    assert len(picker.options) == 30
    assert picker.label == t("town.pick.search", "ja", n="30")
    regions = pd.read_csv(tmp_path / "regions.csv", dtype=str)
    region_id = regions["region_id"].iloc[7]
    picker.set_value(region_id).run()
    assert at.query_params["town"] in (region_id, [region_id])
    assert at.title[0].value.startswith(regions["name_ja"].iloc[7])


def test_a_town_with_no_programs_yet_shows_a_friendly_empty_state(data_copy, monkeypatch):
    regions = pd.read_csv(data_copy / "regions.csv", dtype=str)
    new = {
        "region_id": "kamiyama",
        "name_en": "Kamiyama",
        "name_ja": "神山町",
        "prefecture_code": "36",
        "prefecture_en": "Tokushima",
        "prefecture_ja": "徳島県",
        "lat": "33.9672",
        "lon": "134.3506",
        "source": "Test town with no programs",
    }
    pd.concat([regions, pd.DataFrame([new])]).to_csv(data_copy / "regions.csv", index=False)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_copy))
    for lang, title in (
        ("en", "No programs in Kamiyama yet"),
        ("ja", "神山町のプログラムはまだありません"),
    ):
        at = open_town({"town": "kamiyama", "lang": lang})
        assert [i.value for i in at.info] == [title]
        assert not at.metric
        assert not at.get("download_button")


def test_the_town_page_offers_the_report_and_the_tables():
    at = open_town({"town": "tono", "lang": "ja"})
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == [
        "この市町のデータをダウンロード（CSV）",
        "レポートをダウンロード（HTML）",
        "表をダウンロード（CSV・zip）",
    ]


# --- who is looking -----------------------------------------------------------------------------


def test_the_public_sees_small_counts_masked_on_yame_page():
    at = open_town({"town": "yame"}, role="public")
    values = metrics_of(at)
    assert values[t("town.metric.people")] == "<3"
    assert values[t("town.metric.countries")] == "<3"
    assert values[t("town.metric.person_days")] == "–"
    # the open data alone, its small counts masked: the report and the tables hold every count
    assert [b.key for b in at.get("download_button")] == ["town_open_data_download"]
    assert any(t("town.download.restricted") == c.value for c in at.caption)
    assert not any("linked to" in c.proto.spec for c in at.get("plotly_chart"))
    programs = at.dataframe[0].value.iloc[0].to_dict()  # the programs table comes first
    assert programs[t("town.col.listed")] == "<3"
    assert programs[t("town.col.countries")] == "<3"
    assert programs[t("town.col.person_days")] == "–"
    assert programs[t("town.col.days")] == "4"


def test_the_public_sees_tonos_eleven_people_but_not_who_came_back():
    at = open_town({"town": "tono"}, role="public")
    values = metrics_of(at)
    assert values[t("town.metric.people")] == "11"
    assert values[t("town.metric.returning")] == "<3"
    text = " ".join(x.value for x in at.text)
    assert "Trinh Doan (Vietnam), also in Urahoro" not in text
    assert "Returning participants: <3." in text
    assert "Brazil, Spain, Japan" in text  # the countries, without their counts of one


def test_a_municipality_sees_its_own_town_in_full_by_default():
    at = open_town({}, role="municipality", town="tono")
    assert at.title[0].value.startswith("Tono")
    assert metrics_of(at)[t("town.metric.returning")] == "2"
    assert len(at.get("download_button")) == 3  # the open data, the report, the tables


def test_a_municipality_cannot_open_another_towns_page():
    at = open_town({"town": "urahoro"}, role="municipality", town="tono")
    assert not at.metric
    picks = [b.key for b in at.button if b.key.startswith("town_pick_")]
    assert picks == ["town_pick_tono"]


# --- presentation mode ------------------------------------------------------------------------


def test_present_mode_hides_the_chrome_and_keeps_the_flag_across_pages():
    at = app_test({"present": "1", "town": "tono"}, role="staff").run()
    assert not at.exception
    styles = [h.proto.body for h in at.get("html")]
    assert any('[data-testid="stSidebar"]' in s and "display: none" in s for s in styles)
    assert at.button(key="present_exit")
    at.switch_page("app_pages/town.py").run()
    assert at.query_params["present"] in ("1", ["1"])
    assert metrics_of(at)[t("town.metric.people")] == "11"
    at.button(key="present_exit").click().run()
    assert "present" not in at.query_params
    assert not any('[data-testid="stSidebar"]' in h.proto.body for h in at.get("html"))


def test_without_present_there_is_no_projector_style():
    at = app_test().run()
    assert not any("stSidebar" in h.proto.body for h in at.get("html"))


def test_an_outcome_kind_the_catalog_does_not_know_is_shown_as_written(dataset):
    made = dataset.outcomes.copy()
    made.loc[made.index[0], "kind"] = "map"
    ds = dataset.replace(outcomes=made)
    rid = ds.programs.set_index("program_id").loc[made.iloc[0]["program_id"], "region_id"]
    shown = town_view.outcome_rows(ds, rid, "ja")[t("town.col.outcome", "ja")].tolist()
    assert "map" in shown and label("town.kind", "leaflet", "ja") == "チラシ"
    assert "town.kind." not in report.town_report(ds, rid, "ja", map_image=None)
