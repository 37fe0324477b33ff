"""Timeline: when and where programs ran, what they added up to, and one program in detail."""

import pandas as pd
import streamlit as st

from dashboard import access, charts, timeline
from dashboard.breakdowns import csv_bytes, display_table
from dashboard.i18n import (
    catalogs,
    country_name,
    format_date,
    format_date_range,
    format_number,
    language_name,
    town_name,
)
from dashboard.palette import KIND_COLOURS
from shell import context

ctx = context()
t, lang = ctx.t, ctx.lang
ds = ctx.data
viewer = ctx.viewer
n = lambda value: format_number(value, lang)  # noqa: E731
SMALL = f"<{access.SMALL_COUNT_THRESHOLD}"


def shown(value) -> str:
    """A number in the page's language; a masked count ("<3", "–") as it is."""
    return value if isinstance(value, str) else n(value)


def small_rows(frame: pd.DataFrame, columns: list[str]):
    """True for rows with a count of 1 or 2 people the viewer may not see."""
    return access.is_small(frame, columns, viewer).to_numpy()


def chart_block(fig, table: pd.DataFrame, key: str, filename: str, **chart_args):
    """The chart, its table one click away, and a CSV of exactly that table; returns the
    chart's selection event (when ``on_select`` is given)."""
    chart_tab, table_tab = st.tabs([t("nationalities.tab.chart"), t("nationalities.tab.table")])
    with chart_tab:
        event = st.plotly_chart(fig, key=key, config=charts.export_config(filename), **chart_args)
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
    return event


def kind_label(kind: str) -> str:
    return t(f"timeline.kind.{kind}") if f"timeline.kind.{kind}" in catalogs()["en"] else kind


def dates_of(row) -> str:
    start, end = row["start_date"], row["end_date"]
    return format_date_range(
        None if pd.isna(start) else start.date(), None if pd.isna(end) else end.date(), lang
    )


def countries_text(codes: list[str], unknown: int) -> str:
    names = [country_name(c, lang) for c in codes]
    if unknown:
        names.append(t("timeline.unknown_people", n=n(unknown)))
    return ", ".join(names) or "–"


st.title(t("timeline.title"))
st.caption(t("timeline.subtitle"))

towns = {row["region_id"]: town_name(row, lang) for row in ctx.full.regions.to_dict("records")}
gantt = timeline.gantt_table(ds)
undated = timeline.undated_programs(ds)

if gantt.empty and undated.empty:
    st.info(t("common.no_data"))
    st.stop()

# --- Gantt, with undated programs beside it ----------------------------------------------------
left, right = st.columns([3, 1])
clicked = None
with left:
    st.subheader(t("timeline.gantt.header"))
    if gantt.empty:
        st.info(t("timeline.gantt.empty"))
    else:
        view = gantt.assign(
            town=gantt["region_id"].map(towns).fillna(gantt["region_id"]),
            kind_label=[kind_label(k) for k in gantt["kind"]],
            dates=[dates_of(row) for row in gantt.to_dict("records")],
            countries_text=[
                countries_text(c, u)
                for c, u in zip(gantt["countries"], gantt["unknown_nationality"], strict=True)
            ],
            bar_text=[
                t(
                    "timeline.gantt.bar_text_one" if p == 1 else "timeline.gantt.bar_text",
                    people=n(p),
                    days=n(d),
                )
                for p, d in zip(gantt["listed"], gantt["days"], strict=True)
            ],
        )
        # a program of 1 or 2 people keeps its bar, without its head count or countries
        small = small_rows(gantt, ["listed"])
        if small.any():
            view = view.astype({"listed": object, "person_days": object})
            view.loc[small, "listed"] = SMALL
            view.loc[small, "countries_text"] = "–"
            view.loc[small, "person_days"] = "–"
            view.loc[small, "bar_text"] = [
                t("timeline.gantt.bar_text_days", days=n(d)) for d in view.loc[small, "days"]
            ]
        title = timeline.gantt_title(gantt, towns, lang)
        fig = charts.program_gantt(
            view,
            title=title,
            labels={
                "town": t("timeline.col.town"),
                "days": t("timeline.col.days"),
                "participants": t("timeline.col.participants"),
                "nationalities": t("timeline.col.nationalities"),
            },
            colours={kind_label(k): c for k, c in KIND_COLOURS.items()},
            date_format=t("timeline.axis_date"),
        )
        table = display_table(
            view,
            {
                "town": t("timeline.col.town"),
                "title": t("timeline.col.program"),
                "kind_label": t("timeline.col.kind"),
                "dates": t("timeline.col.dates"),
                "days": t("timeline.col.days"),
                "listed": t("timeline.col.participants"),
                "countries_text": t("timeline.col.nationalities"),
                "person_days": t("timeline.col.person_days"),
            },
        )
        event = chart_block(
            fig,
            table,
            "timeline_gantt",
            f"program-timeline-{lang}",
            on_select="rerun",
            selection_mode="points",
        )
        points = (event or {}).get("selection", {}).get("points", []) if event else []
        if points:
            point = points[0]
            data = point.get("customdata") or []
            clicked = data[0] if data else None
        st.caption(t("timeline.gantt.click_hint"))
with right:
    st.subheader(t("timeline.undated.header"))
    if undated.empty:
        st.caption(t("timeline.undated.none"))
    else:
        st.caption(t("timeline.undated.caption"))
        for row in undated.to_dict("records"):
            with st.container(border=True):
                st.text(
                    f"{towns.get(row['region_id'], row['region_id'])} · {kind_label(row['kind'])}"
                )
                hide = bool(access.is_small(pd.DataFrame([row]), ["listed"], viewer).iloc[0])
                st.caption(
                    t(
                        "timeline.undated.people",
                        n=SMALL if hide else n(row["listed"]),
                        countries="–"
                        if hide
                        else countries_text(row["countries"], row["unknown_nationality"]),
                    )
                )

# --- cumulative -------------------------------------------------------------------------------
st.subheader(t("timeline.cumulative.header"))
running = timeline.cumulative_table(ds)
running = running[~small_rows(running.drop(columns="region_id"), ["participants"])]
running = running.reset_index(drop=True)
if running.empty:
    st.info(t("timeline.gantt.empty"))
else:
    labels_by_id = {
        row["program_id"]: f"{towns.get(row['region_id'], row['region_id'])} · {dates_of(row)}"
        for row in gantt.to_dict("records")
    }
    view = running.assign(
        program=running["program_id"].map(labels_by_id),
        date_text=[format_date(d.date(), lang) for d in running["date"]],
    )
    fig = charts.cumulative_lines(
        view,
        title=timeline.cumulative_title(running, lang),
        labels={
            "participants": t("timeline.col.participants_so_far"),
            "nationalities": t("timeline.col.nationalities_so_far"),
            "person_days": t("timeline.col.person_days_so_far"),
        },
        date_format=t("timeline.axis_date"),
    )
    table = display_table(
        view,
        {
            "date_text": t("timeline.col.date"),
            "program": t("timeline.col.program"),
            "participants": t("timeline.col.participants_so_far"),
            "nationalities": t("timeline.col.nationalities_so_far"),
            "person_days": t("timeline.col.person_days_so_far"),
        },
    )
    chart_block(fig, table, "timeline_cumulative", f"cumulative-participants-{lang}")
    if not undated.empty:
        st.caption(t("timeline.cumulative.undated_note", n=n(len(undated))))

# --- per year / season -------------------------------------------------------------------------
st.subheader(t("timeline.periods.header"), help=t("timeline.periods.help"))
by = st.segmented_control(
    t("timeline.periods.by"),
    ["year", "season"],
    format_func=lambda v: t(f"timeline.periods.{v}"),
    default="year",
    key="timeline_period_by",
    required=True,
)
periods = timeline.period_table(ds, by or "year")
if periods.empty:
    st.info(t("timeline.gantt.empty"))
else:
    small = small_rows(periods, ["participants"])
    periods = access.mask_small_counts(periods, ["participants", "unknown_nationality"], viewer)
    if small.any():
        periods = periods.astype({"nationalities": object, "person_days": object})
        periods.loc[small, "nationalities"] = SMALL
        periods.loc[small, "person_days"] = "–"
    view = periods.assign(
        label=[timeline.period_label(p, lang) for p in periods["period"]],
        span=[
            format_date_range(s.date(), e.date(), lang)
            for s, e in zip(periods["start"], periods["end"], strict=True)
        ],
    )
    table = display_table(
        view,
        {
            "label": t("timeline.col.period"),
            "span": t("timeline.col.dates"),
            "programs": t("timeline.col.programs"),
            "participants": t("timeline.col.participants"),
            "nationalities": t("timeline.col.nationalities_count"),
            "unknown_nationality": t("timeline.col.unknown"),
            "person_days": t("timeline.col.person_days"),
        },
    )
    st.dataframe(table, hide_index=True, width="stretch", key="timeline_periods_table")
    st.download_button(
        t("nationalities.download_csv"),
        csv_bytes(table),
        file_name=f"summary-by-{by}-{lang}.csv",
        mime="text/csv",
        key="timeline_periods_csv",
        icon=":material/download:",
    )
    st.caption(t("timeline.periods.help"))

# --- one program --------------------------------------------------------------------------------
st.subheader(t("timeline.detail.header"))
order = [*gantt["program_id"], *undated["program_id"]]
names = {
    row["program_id"]: f"{towns.get(row['region_id'], row['region_id'])} · {dates_of(row)}"
    for row in gantt.to_dict("records")
}
names |= {
    row[
        "program_id"
    ]: f"{towns.get(row['region_id'], row['region_id'])} · {t('common.unknown_date')}"
    for row in undated.to_dict("records")
}
if clicked in names and st.session_state.get("_timeline_clicked") != clicked:
    st.session_state["timeline_program"] = clicked
st.session_state["_timeline_clicked"] = clicked
if st.session_state.get("timeline_program") not in names:
    st.session_state["timeline_program"] = order[0]
chosen = st.selectbox(
    t("timeline.detail.pick"), order, format_func=names.get, key="timeline_program"
)
detail = timeline.program_detail(ds, chosen, lang) if chosen else None
if detail:
    program = detail["program"]
    heading = t("timeline.detail.heading", town=detail["town"], kind=kind_label(program["kind"]))
    st.markdown(f"#### {heading}")
    listed = access.mask_count(program["listed"], viewer, town=program["region_id"])
    hide = isinstance(listed, str)
    cards = [
        (t("timeline.col.dates"), detail["dates"]),
        (
            t("timeline.col.days"),
            n(program["days"]) if not pd.isna(program["days"]) else t("common.unknown"),
        ),
        (t("timeline.col.participants"), shown(listed)),
        (t("timeline.col.nationalities_count"), SMALL if hide else n(program["nationalities"])),
    ]
    for column, (label, value) in zip(st.columns([3, 1, 1, 1]), cards, strict=True):
        column.metric(label, value)
    if detail["reported"] is not None and detail["reported"] != program["listed"]:
        st.caption(
            t(
                "timeline.detail.reported",
                listed=n(program["listed"]),
                reported=n(detail["reported"]),
            )
        )
    if hide:
        st.caption(t("access.small_counts"))
    else:
        st.caption(t("timeline.detail.countries"))
        st.text(", ".join(detail["countries"]) or "–")
    st.caption(t("timeline.detail.people"))
    st.text(", ".join(detail["people"]) or "–")
    if detail["unlisted"]:
        unlisted = access.mask_count(detail["unlisted"], viewer, town=program["region_id"])
        st.caption(t("timeline.detail.unlisted", n=shown(unlisted)))
    st.caption(t("timeline.detail.consent_note"))
    st.markdown(f"##### {t('timeline.detail.outcomes')}")
    if detail["outcomes"]:
        outcomes = pd.DataFrame(detail["outcomes"])
        outcomes["kind"] = [
            t(f"timeline.outcome.{k}") if f"timeline.outcome.{k}" in catalogs()["en"] else k
            for k in outcomes["kind"]
        ]
        outcomes["language"] = [language_name(c, lang) for c in outcomes["language"]]
        outcomes["quantity"] = [
            t("common.unknown") if q is None else n(q) for q in outcomes["quantity"]
        ]
        st.dataframe(
            display_table(
                outcomes,
                {
                    "kind": t("timeline.col.outcome_kind"),
                    "description": t("timeline.col.description"),
                    "language": t("timeline.col.language"),
                    "quantity": t("timeline.col.quantity"),
                },
            ),
            hide_index=True,
            width="stretch",
            key="timeline_outcomes_table",
        )
    else:
        st.caption(t("timeline.detail.no_outcomes"))
    st.markdown(f"##### {t('timeline.detail.testimonials')}")
    if detail["testimonials"]:
        for i, quote in enumerate(detail["testimonials"]):
            with st.container(border=True, key=f"timeline_quote_{i}"):
                st.caption(quote["label"])
                st.text(quote["text"])
    else:
        st.caption(t("timeline.detail.no_testimonials"))
