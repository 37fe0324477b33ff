"""Glossary: how every number the dashboard shows is counted, page by page."""

import streamlit as st

from dashboard.ui.shell import context
from dashboard.views import glossary

ctx = context()
page = glossary.glossary_page(ctx.lang, ctx.viewer)

st.title(page.title)
st.caption(page.intro)
st.header(page.rules_title)
for rule in page.rules:
    st.markdown(f"- {rule}")
for section in page.sections:
    st.header(section.title)
    st.table(section.table, border="horizontal", hide_index=True)
