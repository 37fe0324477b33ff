"""Nationalities: who came, from which countries and world regions, to which towns, and who
came back."""

import pandas as pd
import streamlit as st

from dashboard import access, breakdowns, charts, metrics
from dashboard.breakdowns import csv_bytes, display_table
from dashboard.i18n import country_name, format_number, town_name
from dashboard.palette import town_colours
from dashboard.timeline import program_label
from shell import context

ctx = context()
t, lang = ctx.t, ctx.lang
ds = ctx.data
viewer = ctx.viewer
n = lambda value: format_number(value, lang)  # noqa: E731


def shown(value) -> str:
    """A number in the page's language; a masked count ("<3", "–") as it is."""
    return value if isinstance(value, str) else n(value)


def drop_small(frame: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows the viewer may see, rows of 1 or 2 people they may not) of a breakdown."""
    small = access.is_small(frame, columns, viewer).to_numpy()
    return frame[~small].reset_index(drop=True), frame[small].reset_index(drop=True)


def hidden_note(names) -> None:
    names = [name for name in names if name]
    if names:
        st.caption(t("access.hidden_bars", names=", ".join(names)))


def chart_block(fig, table: pd.DataFrame, key: str, filename: str) -> None:
    """The chart, its table one click away, and a CSV of exactly that table."""
    chart_tab, table_tab = st.tabs([t("nationalities.tab.chart"), t("nationalities.tab.table")])
    with chart_tab:
        st.plotly_chart(fig, key=key, config=charts.export_config(filename))
    with table_tab:
        st.dataframe(table, hide_index=True, width="stretch", key=f"{key}_table")
    st.download_button(
        t("nationalities.download_csv"),
        csv_bytes(table),
        file_name=f"{filename}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
    )


st.title(t("nationalities.title"))
st.caption(t("nationalities.subtitle"))

if ds.participants.empty:
    st.info(t("common.no_data"))
    st.stop()

towns = {row["region_id"]: town_name(row, lang) for row in ctx.full.regions.to_dict("records")}
colours = town_colours(list(ctx.full.regions["region_id"]))
by_country = breakdowns.nationality_table(ds)
regions = breakdowns.world_region_table(ds)
returning = breakdowns.returning_table(ds)
raw = metrics.headline(ds)
# whole-network totals stay; a count of fewer than 3 people in a breakdown is shown as "<3"
h = access.mask_headline(raw, viewer, ctx.filters.towns, filtered=ctx.filters.active)
known_regions = regions[~regions["world_region"].isin(["", breakdowns.UNMAPPED_REGION])]
few_people = isinstance(h["participants"], str)

cards = [
    ("participants", h["participants"]),
    ("nationalities", h["nationalities"]),
    ("unknown", h["unknown_nationality"]),
    ("regions", "–" if few_people else len(known_regions)),
    ("returning", h["returning"]),
]
for column, (key, value) in zip(st.columns(len(cards)), cards, strict=True):
    column.metric(
        t(f"nationalities.metric.{key}"), shown(value), help=t(f"nationalities.help.{key}")
    )
if any(isinstance(value, str) for _, value in cards):
    st.caption(t("access.small_counts"))

# --- participants by nationality ---------------------------------------------------------------
st.subheader(t("nationalities.by_country.header"))
view = by_country.assign(
    country=[country_name(c, lang) for c in by_country["nationality"]],
    region=[breakdowns.world_region_name(r, lang) for r in by_country["world_region"]],
    text=[
        f"{n(p)} ({s:.1f}%)" for p, s in zip(by_country["people"], by_country["share"], strict=True)
    ],
)
view, hidden = drop_small(view, ["people"])
if view.empty:
    st.info(t("nationalities.hidden_all"))
else:
    fig = charts.nationality_bars(
        view,
        title=breakdowns.nationality_title(by_country, lang),
        labels={"people": t("nationalities.col.people"), "country": t("nationalities.col.country")},
    )
    table = display_table(
        view,
        {
            "country": t("nationalities.col.country"),
            "nationality": t("nationalities.col.code"),
            "people": t("nationalities.col.people"),
            "share": t("nationalities.col.share"),
            "region": t("nationalities.col.region"),
        },
    )
    chart_block(fig, table, "nat_by_country", f"participants-by-nationality-{lang}")
hidden_note(hidden["country"])
if raw["unknown_nationality"] and "" in set(view["nationality"]):
    st.caption(t("nationalities.by_country.unknown_note", n=shown(h["unknown_nationality"])))

# --- who came to each town --------------------------------------------------------------------
st.subheader(t("nationalities.by_town.header"))
pairs, hidden_pairs = drop_small(breakdowns.town_nationality_table(ds), ["people"])
if pairs.empty and not hidden_pairs.empty:
    st.info(t("nationalities.hidden_all"))
elif pairs.empty:
    st.info(t("nationalities.by_town.empty"))
else:
    summary = breakdowns.town_summary(ds)
    lead = summary.iloc[0]
    view = pairs.assign(
        town=pairs["region_id"].map(towns).fillna(pairs["region_id"]),
        country=[country_name(c, lang) for c in pairs["nationality"]],
    )
    fig = charts.town_nationality_treemap(
        view,
        title=breakdowns.town_title(summary, towns, lang),
        colours=colours,
    )
    table = display_table(
        view,
        {
            "town": t("nationalities.col.town"),
            "country": t("nationalities.col.country"),
            "nationality": t("nationalities.col.code"),
            "people": t("nationalities.col.people"),
        },
    )
    chart_block(fig, table, "nat_by_town", f"nationalities-by-town-{lang}")
    st.caption(t("nationalities.by_town.note"))
    if not hidden_pairs.empty:
        st.caption(t("nationalities.by_town.hidden", n=n(len(hidden_pairs))))

# --- world regions ------------------------------------------------------------------------------
st.subheader(t("nationalities.by_region.header"))
view = regions.assign(
    region=[breakdowns.world_region_name(r, lang) for r in regions["world_region"]],
    text=[f"{n(p)} ({s:.1f}%)" for p, s in zip(regions["people"], regions["share"], strict=True)],
    country_names=[
        ", ".join(country_name(c, lang) for c in codes) for codes in regions["countries"]
    ],
)
view, hidden = drop_small(view, ["people"])
top_regions = view[~view["world_region"].isin(["", breakdowns.UNMAPPED_REGION])]
if view.empty:
    st.info(t("nationalities.hidden_all"))
else:
    if top_regions.empty:
        title = t("nationalities.by_region.title_none")
    else:
        top = top_regions.iloc[0]
        title = t(
            "nationalities.by_region.title",
            region=top["region"],
            n=n(top["people"]),
            total=n(raw["participants"]),
        )
    fig = charts.world_region_bars(
        view,
        title=title,
        labels={
            "people": t("nationalities.col.people"),
            "nationalities": t("nationalities.col.nationalities"),
        },
    )
    table = display_table(
        view,
        {
            "region": t("nationalities.col.region"),
            "people": t("nationalities.col.people"),
            "share": t("nationalities.col.share"),
            "nationalities": t("nationalities.col.nationalities"),
            "country_names": t("nationalities.col.countries"),
        },
    )
    chart_block(fig, table, "nat_by_region", f"participants-by-world-region-{lang}")
hidden_note(hidden["region"])
st.caption(t("nationalities.by_region.source"))

# --- diversity per program ----------------------------------------------------------------------
st.subheader(t("nationalities.diversity.header"), help=t("nationalities.diversity.help"))
diversity, hidden = drop_small(breakdowns.diversity_table(ds), ["listed"])
if diversity.empty:
    st.info(t("nationalities.hidden_all") if not hidden.empty else t("common.no_data"))
else:
    view = diversity.assign(
        town=diversity["region_id"].map(towns).fillna(diversity["region_id"]),
        end_date=diversity["program_id"].map(ds.programs.set_index("program_id")["end_date"]),
    )
    view["program"] = [program_label(row, lang) for row in view.to_dict("records")]
    view["evenness_text"] = ["–" if pd.isna(j) else f"J = {j:.2f}" for j in view["evenness"]]
    view = access.mask_small_counts(view, ["unknown_nationality"], viewer)
    top = view.iloc[0]
    fig = charts.diversity_bars(
        view,
        title=t("nationalities.diversity.title", program=top["program"], n=n(top["nationalities"])),
        labels={
            "nationalities": t("nationalities.col.nationalities"),
            "listed": t("nationalities.col.listed"),
            "unknown": t("nationalities.col.unknown"),
            "evenness": t("nationalities.col.evenness"),
        },
        colours=colours,
    )
    view["reported_text"] = ["" if pd.isna(r) else n(int(r)) for r in view["reported"]]
    table = display_table(
        view,
        {
            "program": t("nationalities.col.program"),
            "listed": t("nationalities.col.listed"),
            "reported_text": t("nationalities.col.reported"),
            "nationalities": t("nationalities.col.nationalities"),
            "unknown_nationality": t("nationalities.col.unknown"),
            "shannon": t("nationalities.col.shannon"),
            "evenness": t("nationalities.col.evenness"),
        },
    )
    chart_block(fig, table, "nat_diversity", f"diversity-per-program-{lang}")
    st.caption(t("nationalities.diversity.help"))
if not hidden.empty:
    hidden_note(
        program_label({**row, "town": towns.get(row["region_id"], row["region_id"])}, lang)
        for row in hidden.assign(
            end_date=hidden["program_id"].map(ds.programs.set_index("program_id")["end_date"])
        ).to_dict("records")
    )

# --- returning participants ---------------------------------------------------------------------
st.subheader(t("nationalities.returning.header"))
if not returning.empty:
    st.caption(
        t("access.small_counts")
        if isinstance(h["returning"], str)
        else breakdowns.returning_caption(len(returning), lang)
    )
    # only people the viewer may see one by one are listed
    returning = access.listable(returning).reset_index(drop=True)
if returning.empty:
    st.caption(t("nationalities.returning.none"))
else:
    labels_by_id = {}
    for row in metrics.program_table(ds).to_dict("records"):
        row["town"] = towns.get(row["region_id"], row["region_id"])
        labels_by_id[row["program_id"]] = program_label(row, lang)
    view = returning.assign(
        person=[breakdowns.person_label(row, lang) for row in returning.to_dict("records")],
        country=[country_name(c, lang) for c in returning["nationality"].fillna("")],
        program_list=[
            " / ".join(labels_by_id.get(p, p) for p in ids) for ids in returning["program_ids"]
        ],
    )
    table = display_table(
        view,
        {
            "person": t("nationalities.col.person"),
            "country": t("nationalities.col.country"),
            "programs": t("nationalities.col.programs_count"),
            "program_list": t("nationalities.col.programs"),
        },
    )
    st.dataframe(table, hide_index=True, width="stretch", key="nat_returning_table")
    st.download_button(
        t("nationalities.download_csv"),
        csv_bytes(table),
        file_name=f"returning-participants-{lang}.csv",
        mime="text/csv",
        key="nat_returning_csv",
        icon=":material/download:",
    )
