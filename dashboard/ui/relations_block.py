"""The town page's 関係人口 in the ministries' terms: a heading, rows of figures, their notes."""

from __future__ import annotations

import streamlit as st

from dashboard.ui.shell import metric_row


def show(page, t) -> None:
    """Draw ``page.relation_rows`` (``views.town.TownPage``) under their heading; ``t`` is the
    page's translator."""
    st.subheader(t("relations.section"))
    st.caption(t("relations.intro", town=page.name))
    for row in page.relation_rows:
        metric_row((card.label, card.value, card.help) for card in row)
    if page.relation_notes:
        st.text("\n".join(page.relation_notes))
