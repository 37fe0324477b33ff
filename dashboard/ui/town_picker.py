"""The town page's picker: every town as a link-like button, or a searchable list."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard.views.town import Picker


def choose_town(region_id: str) -> None:
    """Show ``region_id``: set the sidebar's town filter, which keeps ``?town=`` in the URL."""
    st.session_state["town"] = [region_id]


def show(picker: Picker, t: Callable[..., str]) -> None:
    """The title, the intro and ``picker``'s towns: buttons (a page link's ``?town=`` would
    lose to the sidebar's remembered towns, so a button sets the sidebar's value), or a
    searchable list (``picker.search`` its label) when there are many."""
    st.title(t("town.pick.title"))
    st.write(t("town.pick.intro"))
    if picker.search:
        st.selectbox(
            picker.search,
            list(picker.labels),
            index=None,
            format_func=picker.labels.get,
            placeholder=t("town.pick.placeholder"),
            key="town_pick",
            on_change=lambda: choose_town(st.session_state["town_pick"]),
        )
        return
    for region_id, text in picker.buttons.items():  # a button's label is Markdown
        st.button(
            text,
            key=f"town_pick_{region_id}",
            icon=":material/location_city:",
            type="tertiary",
            on_click=choose_town,
            args=(region_id,),
        )
