"""Voices: testimonial highlights as cards or a quote wall, search, themes per town, pins.

Every piece of testimonial text reaches the page escaped (``dashboard.voices`` builds the HTML)
or through plain-text elements (``st.code``, select box options).
"""

import streamlit as st

from dashboard import access, voices
from dashboard.i18n import format_number
from dashboard.palette import town_colours
from dashboard.ui import cache, present
from dashboard.ui.shell import context, show_problems

ctx = context()
t, lang = ctx.t, ctx.lang
n = lambda value: format_number(value, lang)  # noqa: E731


CARDS_PER_PAGE = 24


def can_pin(ctx) -> bool:
    """Whether this viewer may pin a highlight: staff only (``dashboard.access``)."""
    viewer = getattr(ctx, "viewer", None)
    return viewer is None or access.can(viewer, "pin")


themes = voices.load_themes(cache.data_dir())
by_id = {theme.theme_id: theme for theme in themes}

st.title(t("voices.title"))
st.caption(t("voices.subtitle"))
st.html(voices.CARD_CSS)

# --- controls: search (in the URL as ?q=), themes (?theme=), view (?view=wall) ---------------
if "voices_theme" not in st.session_state and "theme" in st.query_params:
    st.session_state["voices_theme"] = [x for x in st.query_params.get_all("theme") if x in by_id]
if "voices_view" not in st.session_state:
    # ?view=wall, or presentation mode (?present=1) without a view asked for, opens the wall
    asked = st.query_params.get("view") or ("wall" if present.active() else "cards")
    st.session_state["voices_view"] = "wall" if asked == "wall" else "cards"

left, middle, right = st.columns([3, 3, 2], vertical_alignment="bottom")
query = left.text_input(
    t("voices.search"),
    key="q",
    bind="query-params",
    placeholder=t("voices.search_placeholder"),
    help=t("voices.search_help"),
    icon=":material/search:",
)
chosen = middle.multiselect(
    t("voices.themes"),
    list(by_id),
    format_func=lambda theme_id: by_id[theme_id].label(lang),
    key="voices_theme",
    placeholder=t("voices.themes_placeholder"),
    help=t("voices.themes_help"),
)
view = right.segmented_control(
    t("voices.view"),
    ["cards", "wall"],
    format_func=lambda v: t(f"voices.view.{v}"),
    key="voices_view",
    required=True,
)
for key, value in (("theme", chosen), ("view", None if view == "cards" else view)):
    if not value:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get_all(key) != (value if isinstance(value, list) else [value]):
        st.query_params[key] = value

flash = st.session_state.pop("voices_flash", None)
if flash:
    st.success(t("voices.pin.saved"), icon=":material/push_pin:")

# --- the testimonials ----------------------------------------------------------------------
scope = voices.scoped_table(ctx.full, ctx.data, ctx.filters, themes, lang)
found = voices.found_table(ctx.full, ctx.data, ctx.filters, themes, lang, query)
shown = voices.with_theme(found, chosen)
terms = voices.parse_query(query)

if scope.empty:
    st.info(t("voices.empty_scope"))
elif shown.empty:
    st.info(t("voices.empty"), icon=":material/search_off:")
elif len(shown) == len(scope):
    st.caption(t("voices.count", shown=n(len(shown)), total=n(len(scope))))
else:
    st.caption(t("voices.count_filtered", shown=n(len(shown)), total=n(len(scope))))

total = len(shown)


def records(first: int, count: int) -> list[dict]:
    """Rows ``first`` to ``first + count`` of the testimonials shown, as dicts (only those:
    turning all of 20,000 into dicts would slow every rerun)."""
    return shown.iloc[first : first + count].to_dict("records")


def pin_controls(row: dict) -> None:
    """Staff choose the sentence shown large; the choice is saved in testimonials.csv."""
    tid = row["testimonial_id"]
    sentences = voices.split_sentences(row["text"])
    current = row["highlight"] if row["pinned"] else ""
    options = list(dict.fromkeys(["", *sentences]))
    if current and current not in options:
        options.append(current)
    automatic = voices.auto_highlight(row["text"])
    choice = st.selectbox(
        t("voices.pin.label"),
        options,
        index=options.index(current),
        format_func=lambda s: t("voices.pin.auto", sentence=automatic) if s == "" else s,
        key=f"voices_pin_{tid}",
        help=t("voices.pin.help"),
    )
    if st.button(
        t("voices.pin.save"),
        key=f"voices_pin_save_{tid}",
        icon=":material/push_pin:",
        disabled=choice == current,
    ):
        try:
            result = voices.save_pin(cache.data_dir(), tid, choice, actor=ctx.user)
        except (OSError, KeyError, ValueError) as exc:
            st.error(t("voices.pin.error", detail=type(exc).__name__))
            st.code(str(exc), language=None, wrap_lines=True)
            return
        if result.ok:
            cache.clear()
            voices.scoped_table.cache_clear()
            st.session_state["voices_flash"] = tid
            st.rerun()
        st.error(t("voices.pin.failed"))
        show_problems(result.problems, lang)


def card(row: dict) -> None:
    tid = row["testimonial_id"]
    with st.container(border=True, key=f"voices_card_{tid}"):
        st.html(voices.card_html(row, themes, lang, terms))
        with st.expander(t("voices.full_text"), key=f"voices_full_{tid}"):
            st.html(voices.paragraphs_html(row["text"], terms))
            st.caption(t("voices.copy"))
            st.code(voices.citation(row, lang), language=None, wrap_lines=True)
            if can_pin(ctx):
                if row["stale_pin"]:
                    st.warning(t("voices.pin.stale"))
                    st.code(row["stale_pin"], language=None, wrap_lines=True)
                pin_controls(row)


def step(delta: int, total: int) -> None:
    st.session_state["voices_wall_index"] = (
        st.session_state.get("voices_wall_index", 0) + delta
    ) % total


if total and view == "wall":
    index = st.session_state.get("voices_wall_index", 0) % total
    back, where, forward = st.columns([1, 4, 1], vertical_alignment="center")
    back.button(
        t("voices.wall.previous"),
        key="voices_wall_previous",
        on_click=step,
        args=(-1, total),
        icon=":material/arrow_back:",
        shortcut="Left",
        width="stretch",
    )
    where.caption(t("voices.wall.position", n=n(index + 1), total=n(total)))
    forward.button(
        t("voices.wall.next"),
        key="voices_wall_next",
        on_click=step,
        args=(1, total),
        icon=":material/arrow_forward:",
        icon_position="right",
        shortcut="Right",
        width="stretch",
    )
    st.html(voices.wall_html(records(index, 1)[0], lang))
    st.caption(t("voices.wall.hint"))
elif total:
    start = 0
    if total > CARDS_PER_PAGE:  # thousands of cards would make every rerun slow
        pages = -(-total // CARDS_PER_PAGE)
        number = st.number_input(
            t("voices.cards.page", pages=n(pages)), 1, pages, 1, key="voices_page"
        )
        start = (int(number) - 1) * CARDS_PER_PAGE
        last = min(start + CARDS_PER_PAGE, total)
        st.caption(t("voices.cards.showing", first=n(start + 1), last=n(last), total=n(total)))
    columns = st.columns(2)
    for i, row in enumerate(records(start, CARDS_PER_PAGE)):
        with columns[i % 2]:
            card(row)

if view != "wall":
    with st.expander(t("voices.method"), icon=":material/help:", key="voices_method"):
        st.markdown(t("voices.method.text"))

    # --- themes per town -------------------------------------------------------------------
    if not found.empty:
        st.subheader(t("voices.chart.heading"))
        counts, totals = voices.theme_summary(ctx.full, ctx.data, ctx.filters, themes, lang, query)
        if not max(totals.values(), default=0):
            st.info(t("voices.chart.title_none"))
        else:
            fig = voices.theme_chart(
                counts,
                colours=town_colours(list(ctx.full.regions["region_id"])),
                title=voices.chart_title(totals, themes, len(found), lang),
                labels={
                    "count": t("voices.chart.count"),
                    "theme": t("voices.chart.theme"),
                    "town": t("voices.chart.town"),
                },
            )
            chart_tab, table_tab = st.tabs([t("voices.tab.chart"), t("voices.tab.table")])
            with chart_tab:
                st.plotly_chart(
                    fig,
                    key="voices_themes_chart",
                    config={"toImageButtonOptions": {"filename": "themes-by-town"}},
                )
            with table_tab:
                table = counts.pivot_table(
                    index="theme", columns="town", values="count", sort=False, aggfunc="sum"
                ).reset_index()
                table = table.rename(columns={"theme": t("voices.col.theme")})
                st.dataframe(table, hide_index=True, width="stretch", key="voices_themes_table")
            st.caption(t("voices.chart.caption"))

    with st.expander(t("voices.lexicon"), icon=":material/sell:", key="voices_lexicon"):
        st.caption(t("voices.lexicon.caption"))
        st.dataframe(
            {
                t("voices.col.theme"): [theme.label(lang) for theme in themes],
                t("voices.col.keywords_en"): ["; ".join(x.keywords_en) for x in themes],
                t("voices.col.keywords_ja"): ["; ".join(x.keywords_ja) for x in themes],
            },
            hide_index=True,
            width="stretch",
            key="voices_lexicon_table",
        )
