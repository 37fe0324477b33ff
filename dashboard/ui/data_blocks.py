"""Streamlit blocks of the data page: a table's changes, and what follows a save."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard import schema, store, upload
from dashboard.data import Dataset
from dashboard.i18n import format_number
from dashboard.ui import cache
from dashboard.ui.shell import context, show_problems
from dashboard.views import data as view


def written(result: store.SaveResult, flash: Callable[[], str], **state) -> None:
    """After a save or a restore: on success every session reads the new files, the page starts
    again with ``flash()`` on top and the newest version chosen (``state`` is set too); on
    failure, the problems."""
    ctx = context()
    if not result.ok:
        st.error(ctx.t("data.save.failed"), icon=":material/error:")
        show_problems(result.problems, ctx.lang)
        return
    cache.clear()
    st.session_state.pop("data_check", None)
    st.session_state.pop("data_version", None)  # show the newest version first
    st.session_state.update(state, data_flash=flash())
    st.rerun()


def show_diff(diff: upload.TableDiff, key: str) -> None:
    """Counts, then the rows added, changed (old and new value) and removed."""
    t, lang = context().t, context().lang
    cols = st.columns(3)
    cols[0].metric(t("data.diff.added"), format_number(len(diff.added), lang))
    cols[1].metric(t("data.diff.changed"), format_number(diff.changed_rows, lang))
    cols[2].metric(t("data.diff.removed"), format_number(len(diff.removed), lang))
    if diff.empty:
        st.caption(t("data.diff.none"))
        return
    frames = upload.diff_frames(diff, lang)
    for part in ("added", "changed", "removed"):
        frame = frames[part]
        if not frame.empty:
            label = t(f"data.diff.show_{part}", n=format_number(len(frame), lang))
            # a short list of changed cells is open at once: old and new value side by side
            with st.expander(label, expanded=part == "changed" and len(frame) <= 20):
                st.dataframe(frame, hide_index=True, width="stretch", key=f"{key}_{part}")


def confirm_removals(halved: dict[str, tuple[int, int]], nonce: int) -> bool:
    """A warning and a checkbox per table the save would more than halve; True once every
    one is ticked (or there is none)."""
    t, lang = context().t, context().lang
    confirmed = True
    for table, (removed, rows) in halved.items():
        counts = {"removed": format_number(removed, lang), "rows": format_number(rows, lang)}
        name = view.table_label(table, lang)
        st.warning(t("data.save.halves", table=name, **counts), icon=":material/warning:")
        key = f"data_confirm_{nonce}_{table}"
        confirmed &= st.checkbox(t("data.save.confirm_removal", table=name, **counts), key=key)
    return confirmed


def checked_uploads(folder: str, uploads: list[upload.Upload], signature: tuple):
    """``views.data.check`` of the uploads with a progress bar, kept in the session for the
    same files, tables and folder (``signature``): (the check, the changes per table, the
    tables the save would more than halve)."""
    cached = st.session_state.get("data_check")
    if cached and cached[0] == signature:
        return cached[1]
    t = context().t
    with st.status(t("data.status.reading"), expanded=False) as status:
        bar = st.progress(0.0, text=t("data.status.reading"))

        def on_step(i: int, n: int, name: str) -> None:
            bar.progress(i / (n + 1), text=t("data.status.file", name=name))

        def on_diff() -> None:
            status.update(label=t("data.status.diffing"))
            bar.progress(len(uploads) / (len(uploads) + 1), text=t("data.status.diffing"))

        found = view.check(folder, uploads, on_step=on_step, on_diff=on_diff)
        bar.progress(1.0, text=t("data.status.done"))
        status.update(label=t("data.status.done"), state="complete")
    st.session_state["data_check"] = (signature, found)
    return found


def templates(folder: str, ds: Dataset) -> None:
    """ "Download all data", a CSV and an Excel template per table (an example row from ``ds``),
    and how file names and headers map to the tables."""
    t, lang = context().t, context().lang
    st.download_button(
        t("data.download_all"),
        data=lambda: upload.zip_tables(folder),
        file_name="sosei-partners-data.zip",
        mime="application/zip",
        key="data_download_all",
        icon=":material/download:",
        on_click="ignore",
    )
    st.subheader(t("data.templates.title"))
    st.caption(t("data.templates.intro"))
    for table in schema.TABLES:
        name, *columns = st.columns([2, 1, 1], vertical_alignment="center")
        name.markdown(f"**{view.table_label(table, lang)}** (`{table}.csv`)")
        frame = ds.table(table)
        for column, (fmt, label, mime) in zip(columns, view.TEMPLATE_FORMATS, strict=True):
            column.download_button(
                label,
                data=lambda table=table, fmt=fmt, frame=frame: upload.template_bytes(
                    table, fmt, lang, frame
                ),
                file_name=f"{table}-template.{fmt}",
                mime=mime,
                key=f"data_tpl_{table}_{fmt}",
                icon=":material/download:",
                on_click="ignore",
            )
    with st.expander(t("data.mapping.title")):
        st.caption(t("data.mapping.files"))
        st.dataframe(upload.file_names_frame(lang), hide_index=True, width="stretch")
        st.caption(t("data.mapping.headers"))
        st.dataframe(upload.headers_frame(lang), hide_index=True, width="stretch")
