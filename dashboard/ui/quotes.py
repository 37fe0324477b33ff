"""The voices page's Streamlit blocks: a testimonial card (with staff's pin controls), a page of
cards, and the quote wall. Testimonial text reaches them as HTML escaped by
``dashboard.voices.cards`` or through plain-text elements (``st.code``, select box options)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from dashboard.i18n import t as plain
from dashboard.pins import save_pin
from dashboard.ui import cache, present
from dashboard.ui.shell import Context, show_problems
from dashboard.views import voices as view
from dashboard.voices.cards import card_html, citation, paragraphs_html, wall_html
from dashboard.voices.themes import Theme

FLASH = "voices_flash"  # the id of the testimonial whose pin was just saved
WALL_INDEX = "voices_wall_index"


def seed_controls(theme_ids: Iterable[str]) -> None:
    """Start the theme picker from ``?theme=`` (the ids among ``theme_ids``) and the view from
    ``?view=wall``; presentation mode (``?present=1``) without a view asked for opens the wall."""
    if "voices_theme" not in st.session_state and "theme" in st.query_params:
        known = set(theme_ids)
        st.session_state["voices_theme"] = [
            x for x in st.query_params.get_all("theme") if x in known
        ]
    if "voices_view" not in st.session_state:
        asked = st.query_params.get("view") or ("wall" if present.active() else "cards")
        st.session_state["voices_view"] = "wall" if asked == "wall" else "cards"


def pin_controls(row: dict, ctx: Context) -> None:
    """Staff choose the sentence shown large; the choice is saved in testimonials.csv."""
    t = ctx.t
    tid = row["testimonial_id"]
    pick = view.pin_choice(row)
    options = list(pick.options)
    choice = st.selectbox(
        t("voices.pin.label"),
        options,
        index=options.index(pick.current),
        # options are plain text: the sentence as written, not escaped for Markdown
        format_func=lambda s: (
            plain("voices.pin.auto", ctx.lang, sentence=pick.automatic) if s == "" else s
        ),
        key=f"voices_pin_{tid}",
        help=t("voices.pin.help"),
    )
    if st.button(
        t("voices.pin.save"),
        key=f"voices_pin_save_{tid}",
        icon=":material/push_pin:",
        disabled=choice == pick.current,
    ):
        try:
            result = save_pin(cache.current(), tid, choice, actor=ctx.user)
        except (OSError, KeyError, ValueError) as exc:
            st.error(t("voices.pin.error", detail=type(exc).__name__))
            st.code(str(exc), language=None, wrap_lines=True)
            return
        if result.ok:
            cache.clear()
            st.session_state[FLASH] = tid
            st.rerun()
        st.error(t("voices.pin.failed"))
        show_problems(result.problems, ctx.lang)


def card(
    row: dict, ctx: Context, themes: tuple[Theme, ...], terms: tuple[str, ...], may_pin: bool
) -> None:
    """One testimonial: its highlight, who and where, its themes; the full text, the citation
    to copy and (when ``may_pin``) the pin controls one click away."""
    t, lang = ctx.t, ctx.lang
    tid = row["testimonial_id"]
    with st.container(border=True, key=f"voices_card_{tid}"):
        st.html(card_html(row, themes, lang, terms))
        with st.expander(t("voices.full_text"), key=f"voices_full_{tid}"):
            st.html(paragraphs_html(row["text"], terms))
            st.caption(t("voices.copy"))
            st.code(citation(row, lang), language=None, wrap_lines=True)
            if may_pin:
                if row["stale_pin"]:
                    st.warning(t("voices.pin.stale"))
                    st.code(row["stale_pin"], language=None, wrap_lines=True)
                pin_controls(row, ctx)


def card_grid(
    shown: pd.DataFrame,
    ctx: Context,
    themes: tuple[Theme, ...],
    terms: tuple[str, ...],
    may_pin: bool,
) -> None:
    """The cards in two columns, ``view.CARDS_PER_PAGE`` at a time with a page picker."""
    total = len(shown)
    number = 1
    if total > view.CARDS_PER_PAGE:
        pages = view.page_count(total)
        number = st.number_input(view.pager_label(total, ctx.lang), 1, pages, 1, key="voices_page")
        st.caption(view.showing(total, number, ctx.lang))
    columns = st.columns(2)
    for i, row in enumerate(view.cards_on_page(shown, number)):
        with columns[i % 2]:
            card(row, ctx, themes, terms, may_pin)


def _step(delta: int, total: int) -> None:
    st.session_state[WALL_INDEX] = (st.session_state.get(WALL_INDEX, 0) + delta) % total


def wall(shown: pd.DataFrame, ctx: Context) -> None:
    """One quote at a time for a projector, with previous / next (arrow keys too)."""
    t = ctx.t
    total = len(shown)
    index = st.session_state.get(WALL_INDEX, 0) % total
    back, where, forward = st.columns([1, 4, 1], vertical_alignment="center")
    back.button(
        t("voices.wall.previous"),
        key="voices_wall_previous",
        on_click=_step,
        args=(-1, total),
        icon=":material/arrow_back:",
        shortcut="Left",
        width="stretch",
    )
    where.caption(view.wall_position(index, total, ctx.lang))
    forward.button(
        t("voices.wall.next"),
        key="voices_wall_next",
        on_click=_step,
        args=(1, total),
        icon=":material/arrow_forward:",
        icon_position="right",
        shortcut="Right",
        width="stretch",
    )
    st.html(wall_html(view.wall_quote(shown, index), ctx.lang))
    st.caption(t("voices.wall.hint"))
