"""Participants' voices (testimonials), pure functions, no Streamlit:

- ``highlights``: sentences, their pull-quote scores, ``auto_highlight`` and ``highlight_for``
- ``themes``: the theme lexicon and the themes a text touches
- ``search``: query terms, matches, ``search``
- ``tables``: one row per testimonial (consent-aware authors), scoped and searched per
  ``VoicesQuery``
- ``cards``: safe HTML for cards, the quote wall and the full text; the citation to copy
- ``chart``: testimonials per theme and town, the theme chart

Pinning a highlight (saving it in the data) is ``dashboard.pins``.
"""
