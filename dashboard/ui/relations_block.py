"""The town page's 関係人口 in the ministries' terms: a heading, rows of figures, their notes."""

from __future__ import annotations

import streamlit as st


def show(page, t) -> None:
    """Draw ``page.relation_rows`` (``views.town.TownPage``) under their heading; ``t`` is the
    page's translator."""
    st.subheader(t("relations.section"))
    st.caption(t("relations.intro", town=page.name))
    for row in page.relation_rows:
        for column, card in zip(st.columns(len(row)), row, strict=True):
            column.metric(card.label, card.value, help=card.help)
    for note in page.relation_notes:
        st.text(note)
