"""The meeting buttons: the town's report as PDF, and the slides of a town or of the network.

Each file is made only when asked: a button that builds it (with a spinner), then a download
button for the bytes, kept in the session so a rerun does not lose them. Both run in a
fragment, so building one reruns neither the page nor the other. The files themselves are made
(and remembered per town, language, viewer and data) by ``dashboard.pdf`` and
``dashboard.slides``.
"""

from __future__ import annotations

import streamlit as st

from dashboard import pdf, slides
from dashboard.deck import deck_filename
from dashboard.report import report_filename
from dashboard.ui import cache
from dashboard.ui.shell import Context

MADE = "_meeting_files"  # {(what, key...): bytes} built in this session


def _made() -> dict:
    return st.session_state.setdefault(MADE, {})


def _offer(
    ctx: Context,
    name: str,
    key: tuple,
    build,
    file_name: str,
    mime: str,
    icon: str,
) -> None:
    """The build button, or the download button once ``build()`` has made the file."""
    t = ctx.t
    made = _made()
    if key not in made:
        slot = st.empty()  # the build button, gone once the file is made
        if not slot.button(
            t(f"meeting.{name}.build"),
            key=f"meeting_{name}_build",
            help=t(f"meeting.{name}.build_help"),
            icon=icon,
        ):
            return
        slot.empty()
        with st.spinner(t(f"meeting.{name}.building")):
            try:
                made[key] = build()
            except (RuntimeError, OSError, ValueError) as exc:
                st.error(t(f"meeting.{name}.failed", detail=str(exc) or type(exc).__name__))
                return
    st.download_button(
        t(f"meeting.{name}.download"),
        data=made[key],
        file_name=file_name,
        mime=mime,
        icon=":material/download:",
        on_click="ignore",
        type="primary",
        key=f"meeting_{name}_download",
    )


@st.fragment
def pdf_report(ctx: Context, region: dict) -> None:
    """The town's report as PDF, for a viewer who may download the report; where no browser
    can print it, the sentence saying why."""
    reason = pdf.unavailable(ctx.lang)
    if reason:
        st.caption(reason)
        return
    rid, ds, lang, viewer = region["region_id"], ctx.full, ctx.lang, ctx.viewer
    when = pdf.data_date(cache.data_dir())
    _offer(
        ctx,
        "pdf",
        ("pdf", rid, lang, viewer, ds.version, when),
        lambda: pdf.cached_town_pdf(ds, rid, lang, viewer, when),
        report_filename(region, ext="pdf"),
        "application/pdf",
        ":material/picture_as_pdf:",
    )


@st.fragment
def slides_deck(ctx: Context, region: dict | None = None) -> None:
    """The slides of ``region`` (a town's page) or of the network (the overview, cut by the
    sidebar's filters), in the page's language, counts masked for the viewer."""
    rid = region["region_id"] if region else None
    ds, lang, viewer = ctx.full, ctx.lang, ctx.viewer
    filters = None if rid else ctx.filters
    _offer(
        ctx,
        "slides",
        ("slides", rid, lang, viewer, ds.version, filters),
        lambda: slides.cached_deck(ds, viewer, lang, rid, filters),
        deck_filename(region),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ":material/slideshow:",
    )
