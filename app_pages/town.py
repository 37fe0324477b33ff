"""A town's own page for its officials: ``/town?town=tono&lang=ja``.

The town shown is the first ``?town=`` value; its figures come from the whole (access-scoped)
dataset, not from the sidebar's other filters, so the page always shows the whole town.
"""

import streamlit as st

from dashboard import access, maps, report
from dashboard import town as towns
from dashboard.i18n import country_name, format_number, label, town_name
from dashboard.ui import map_view, present
from dashboard.ui.shell import context

ctx = context()
t, lang, ds = ctx.t, ctx.lang, ctx.full
n = lambda value: format_number(value, lang)  # noqa: E731

viewer = ctx.viewer
allowed = access.allowed_towns(viewer)  # a municipality opens its own town's page only
chosen = st.query_params.get_all("town")
if allowed is not None and not chosen:
    chosen = list(allowed)
if allowed is not None and chosen[0] not in allowed:
    chosen = []
region = towns.find_town(ds, chosen[0]) if chosen else None


def choose_town(region_id: str) -> None:
    """Show ``region_id``: set the sidebar's town filter, which keeps ``?town=`` in the URL."""
    st.session_state["town"] = [region_id]


PICKER_BUTTONS = 24  # more towns than this are chosen from a searchable list


def town_picker() -> None:
    """Every town as a link-like button to its page (a page link with ``?town=`` would be
    overridden by the sidebar's remembered towns, so the button sets the sidebar's value); a
    searchable list instead when there are many towns."""
    st.title(t("town.pick.title"))
    st.write(t("town.pick.intro"))
    links = [
        row for row in towns.town_links(ds, lang) if allowed is None or row["region_id"] in allowed
    ]
    labels = {
        row["region_id"]: t(
            "town.pick.link", name=row["name"], other=row["other"], prefecture=row["prefecture"]
        )
        if row["prefecture"]
        else t("town.pick.link_no_pref", name=row["name"], other=row["other"])
        for row in links
    }
    if len(links) > PICKER_BUTTONS:
        st.selectbox(
            t("town.pick.search", n=n(len(links))),
            list(labels),
            index=None,
            format_func=labels.get,
            placeholder=t("town.pick.placeholder"),
            key="town_pick",
            on_change=lambda: choose_town(st.session_state["town_pick"]),
        )
        return
    for region_id, text in labels.items():
        st.button(
            text,
            key=f"town_pick_{region_id}",
            icon=":material/location_city:",
            type="tertiary",
            on_click=choose_town,
            args=(region_id,),
        )


if region is None:
    town_picker()
    st.stop()

rid = region["region_id"]
name = town_name(region, lang)
other = town_name(region, "en" if lang == "ja" else "ja")
prefecture = towns.prefecture_name(region, lang)
rel = towns.relationship(ds, rid)

st.title(f"{name}　{other}" if lang == "ja" else f"{name} · {other}")
st.caption(t("town.subtitle", prefecture=prefecture) if prefecture else t("town.subtitle_no_pref"))
if ctx.filters.years or ctx.filters.nationalities or len(ctx.filters.towns) > 1:
    st.caption(t("town.whole_town"))


def small_map(column) -> None:
    """The town on a small map of Japan."""
    with column:
        map_view.show(maps.town_map(ds, rid, lang), "town_map", 300)
        st.caption(t("town.map.caption", town=name, prefecture=prefecture))


if rel.programs == 0:
    st.info(t("town.empty.title", town=name), icon=":material/hourglass_empty:")
    st.write(t("town.empty.body", town=name))
    small_map(st.container())
    st.stop()

# counts under 3 are masked for a viewer who may not see this town's people one by one
full_counts = access.shows_all_counts(viewer, (rid,))
voices = towns.testimonials(ds, rid)
shown = access.mask_headline(report.shown_numbers(rel, len(voices)), viewer, (rid,), filtered=True)


if full_counts:
    report.warm_map(region, lang)  # the report's map image, drawn in the background

# --- relationship population ------------------------------------------------------------------
left, right = st.columns([3, 1])
with left:
    st.subheader(t("town.section.relationship"))
    st.caption(t("town.section.relationship_intro", town=name))
    cards = [
        ("people", shown["participants"], t("town.help.people")),
        ("countries", shown["nationalities"], t("town.help.countries")),
        ("returning", shown["returning"], t("town.help.returning")),
        ("person_days", shown["person_days"], t("town.help.person_days")),
    ]
    for column, (key, value, help_text) in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(t(f"town.metric.{key}"), n(value), help=help_text)
    for note in report.relationship_notes(ds, rid, lang, masked=shown):
        st.text(note)
    if not rel.returning:
        st.caption(t("town.note.no_returning"))
small_map(right)

# --- programs ---------------------------------------------------------------------------------
st.subheader(t("town.section.programs"))
st.dataframe(
    report.program_rows(
        ds, rid, lang, mask_small=None if full_counts else access.SMALL_COUNT_THRESHOLD
    ),
    hide_index=True,
    width="stretch",
    key="town_programs",
)

chart_left, chart_right = st.columns(2)
with chart_left:
    if full_counts:
        st.plotly_chart(
            present.enlarge(report.countries_chart(ds, rid, lang)),
            key="town_countries",
            config={"toImageButtonOptions": {"filename": f"{rid}-countries"}},
        )
    else:  # the names of the countries, without the small counts
        codes = [c for c in towns.countries(ds, rid)["nationality"] if c]
        names = ("、" if lang == "ja" else ", ").join(country_name(c, lang) for c in codes)
        st.subheader(t("town.metric.countries"))
        st.text(t("town.countries.masked", countries=names or "–"))

# --- what was made ----------------------------------------------------------------------------
with chart_right:
    st.subheader(t("town.section.outcomes", town=name))
    made = towns.outcomes(ds, rid)
    if made.empty:
        st.caption(t("town.outcomes.none", town=name))
    else:
        summary = towns.outcome_summary(made)
        parts = []
        for row in summary.to_dict("records"):
            item = t(
                "town.outcomes.summary_item",
                kind=label("town.kind", row["kind"], lang),
                items=n(row["quantity"] or row["items"]),
            )
            if row["languages"]:
                item += ("" if lang == "ja" else " ") + t(
                    "town.outcomes.languages",
                    languages=towns.languages_text(row["languages"], lang),
                )
            parts.append(item)
        for part in parts:
            st.markdown(f"- {part}")
        st.dataframe(
            report.outcome_rows(ds, rid, lang),
            hide_index=True,
            width="stretch",
            key="town_outcomes",
        )

# --- voices -----------------------------------------------------------------------------------
st.subheader(t("town.section.voices"))
if voices.empty:
    st.caption(t("town.voices.none", town=name))
else:
    st.caption(t("town.voices.language_note"))
    columns = st.columns(min(3, len(voices)))
    for i, row in enumerate(voices.to_dict("records")):
        with columns[i % len(columns)].container(
            border=True, key=f"town_voice_{row['testimonial_id']}"
        ):
            if row["pinned"]:
                st.caption(t("town.voices.pinned"))
            st.text(f"“{row['quote']}”")
            st.text(report.voice_byline(row, lang))
            if row["related"]:
                st.caption(t("town.voices.related", town=name))
            with st.expander(t("town.voices.read_more")):
                st.text(row["text"])

# --- beside the network -----------------------------------------------------------------------
st.subheader(t("town.section.network", town=name))
if full_counts:
    st.plotly_chart(
        present.enlarge(report.network_chart(ds, rid, lang)),
        key="town_network",
        config={"toImageButtonOptions": {"filename": f"{rid}-network"}},
    )
else:  # a table, with this town's small counts masked like the figures above
    table = towns.network_comparison(ds, rid)
    masked_as = {
        "people": "participants",
        "countries": "nationalities",
        "person_days": "person_days",
        "returning": "returning",
        "testimonials": "testimonials",
    }
    st.dataframe(
        {
            t("town.col.measure"): [t(f"town.measure.{m}") for m in table["measure"]],
            t("town.col.town"): [
                n(shown[masked_as[m]]) if m in masked_as else n(v)
                for m, v in zip(table["measure"], table["town"], strict=True)
            ],
            t("town.col.average"): [n(v) for v in table["average"]],
        },
        hide_index=True,
        key="town_network_table",
    )
    st.caption(t("town.network.masked"))

# --- downloads --------------------------------------------------------------------------------
st.subheader(t("town.download.title"))
if not full_counts:  # the report holds every count: for the town's officials and staff
    st.caption(t("town.download.restricted"))
    st.caption(t("town.source"))
    st.stop()
down_left, down_right = st.columns(2)
down_left.download_button(
    t("town.download.report"),
    data=lambda: report.town_report(ds, rid, lang).encode("utf-8"),
    file_name=report.report_filename(region),
    mime="text/html",
    help=t("town.download.report_help"),
    icon=":material/description:",
    on_click="ignore",
    key="town_report_download",
)
down_right.download_button(
    t("town.download.csv"),
    data=lambda: report.town_csv_zip(ds, rid),
    file_name=report.report_filename(region, ext="zip"),
    mime="application/zip",
    help=t("town.download.csv_help"),
    icon=":material/folder_zip:",
    on_click="ignore",
    key="town_csv_download",
)
st.caption(t("town.source"))
