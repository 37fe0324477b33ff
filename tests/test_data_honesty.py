"""The bundled data says only what the organisation's site says."""

from __future__ import annotations

import re

from dashboard.i18n import country_name

from .conftest import DATA

SEED = (DATA / "source" / "sosei-partners-site.txt").read_text(encoding="utf-8")
SITE_COUNTRY = {"USA": "US", "UK": "GB"}


def test_every_testimonial_is_verbatim_and_whole(dataset):
    for row in dataset.testimonials.itertuples():
        assert row.text in SEED, row.testimonial_id
        # whole: the text ends where the site's paragraph ends
        end = SEED.index(row.text) + len(row.text)
        assert SEED[end : end + 1] in ("", "\n", " "), row.testimonial_id


def test_named_people_have_the_nationality_in_their_heading(dataset):
    headings = dict(re.findall(r"^([A-Z][\w ]+?) \(([A-Za-z ]+)\)\s*$", SEED, re.M))
    named = dataset.participants.dropna(subset=["display_name"])
    checked = 0
    for person in named.itertuples():
        if person.display_name in headings:
            site = headings[person.display_name]
            code = SITE_COUNTRY.get(site) or person.nationality
            assert country_name(code, "en").startswith(site) or SITE_COUNTRY.get(site) == code, (
                person.display_name
            )
            assert person.nationality == code
            checked += 1
    assert checked == 11


def test_people_the_site_gives_no_nationality_stay_unknown(dataset):
    people = dataset.participants.set_index("participant_id")
    for pid in ("zak", "joy", "tono-unknown-1", "tono-unknown-2"):
        assert people.loc[pid, "nationality"] is None or people["nationality"].isna()[pid]


def test_every_name_is_on_the_site(dataset):
    for name in dataset.participants["display_name"].dropna():
        assert name in SEED, name


def test_tono_countries_are_the_sites_nine(dataset):
    tono = set(
        dataset.participations.query("program_id == 'tono-2017-09'")
        .merge(dataset.participants, on="participant_id")["nationality"]
        .dropna()
    )
    listed = "Singapore, Malaysia, Thailand, Vietnam, Taiwan, Japan, Spain, USA and Brazil"
    assert listed in SEED
    assert tono == {"SG", "MY", "TH", "VN", "TW", "JP", "ES", "US", "BR"}


def test_reported_count_is_the_organisations_and_the_other_figure_is_noted(dataset):
    tono = dataset.programs.set_index("program_id").loc["tono-2017-09"]
    assert tono["participants_reported"] == 11 and "total of 11 participants" in SEED
    assert "12 people" in tono["source"] and "a group of 12 people" in SEED


def test_undated_program_has_no_invented_dates(dataset):
    team = dataset.programs.set_index("program_id").loc["ishinomaki-team"]
    assert team.isna()[["start_date", "end_date", "participants_reported"]].all()
