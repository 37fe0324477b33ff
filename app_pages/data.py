"""Data: upload a season's sheets, see every problem, preview the changes, save, restore."""

from __future__ import annotations

import math
from functools import partial

import streamlit as st

from dashboard import access, schema, upload
from dashboard.i18n import format_number
from dashboard.markup import escape_markdown
from dashboard.problems import errors
from dashboard.ui import cache
from dashboard.ui.data_blocks import (
    checked_uploads,
    confirm_removals,
    held,
    hold,
    show_diff,
    templates,
    versions_tab,
    written,
)
from dashboard.ui.shell import context, show_problems
from dashboard.views import data as view

ctx = context()
t, lang = ctx.t, ctx.lang
data_store = cache.current()  # the data folder, or the database

st.title(t("data.title"))
st.caption(t("data.subtitle"))

if not access.can(ctx.viewer, "manage_data"):
    st.warning(t("data.not_allowed"))
    st.stop()

down = cache.unavailable(data_store)
if down is not None:  # the database does not answer: say so, and nothing else
    st.error(t("store.down"), icon=":material/error:")
    show_problems((down,), lang)
    st.stop()
data_store.recover()  # a save cut short by a crash: put the last good version back

flash = st.session_state.pop("data_flash", None)
with st.container():  # always drawn, so the tabs below keep their place and the chosen tab
    if flash:
        st.success(flash, icon=":material/check_circle:")

tab_upload, tab_versions, tab_templates = st.tabs(
    [t("data.tab.upload"), t("data.tab.versions"), t("data.tab.templates")]
)

# --- upload, check, preview, save ------------------------------------------------------------
with tab_upload:
    nonce = st.session_state.setdefault("data_upload_nonce", 0)
    limit_mb = upload.max_upload_bytes() / upload.MB
    files = st.file_uploader(
        t("data.upload.label"),
        type=["csv", "xlsx"],
        accept_multiple_files=True,
        key=f"data_upload_{nonce}",
        # the browser refuses bigger files at once; the check below says why in words
        max_upload_size=max(1, math.ceil(limit_mb)),
        help=t("data.upload.help", mb=f"{limit_mb:g}", rows=format_number(upload.max_rows(), lang)),
    )
    if not files:
        st.info(t("data.upload.empty"), icon=":material/info:")
    else:
        uploads, options = [], [None, *schema.TABLES]
        for i, file in enumerate(files):
            left, right = st.columns([2, 1], vertical_alignment="center")
            name = escape_markdown(file.name)  # a file name is data: a backtick ends a code span
            left.markdown(f"**{i + 1}.** {name} ({upload.size_label(file.size)})")
            table = right.selectbox(
                t("data.upload.table"),
                options,
                index=options.index(upload.guess_table(file.name)),
                format_func=partial(view.table_label, lang=lang),
                key=f"data_table_{nonce}_{i}",
            )
            too_big = upload.check_limits(file.name, file.size)  # from the size: nothing read
            content = b"" if too_big else file.getvalue()
            uploads.append(upload.Upload(file.name, content, table, file.size))
        signature = (tuple((f.file_id, u.table) for f, u in zip(files, uploads, strict=True)),)
        base = data_store.fingerprint()  # the data this check and its changes are against
        checked, diffs, halved = checked_uploads(data_store, uploads, (*signature, base))

        blocking = errors(checked.problems)
        if blocking:
            count = format_number(len(blocking), lang)
            st.error(t("data.problems.count", n=count), icon=":material/error:")
            show_problems(checked.problems, lang)
        else:
            if checked.problems:
                st.warning(t("data.problems.warnings"), icon=":material/warning:")
                show_problems(checked.problems, lang)
            st.header(t("data.diff.title"))
            for table, diff in diffs.items():
                source = t("data.diff.from", file=checked.files[table], target=f"{table}.csv")
                st.markdown(f"**{view.table_label(table, lang)}** — {source}")
                show_diff(diff, key=f"data_diff_{table}")
            nothing = all(d.empty for d in diffs.values())
            if nothing:
                st.info(t("data.save.nothing"), icon=":material/info:")
            confirmed = confirm_removals(halved, nonce)
            save = st.button(
                t("data.save.button"),
                type="primary",
                key="data_save",
                disabled=nothing or not confirmed,
                icon=":material/save:",
                on_click=hold,  # refused if the files change between this run and the click
                args=("data_save", base),
            )
            if save:
                expected = held("data_save")
                result = data_store.save_tables(checked.tables, actor=ctx.user, expected=expected)
                tables = upload.table_list(result.tables, lang)
                done = partial(t, "data.save.done", tables=tables, version=result.version)
                written(result, done, data_upload_nonce=nonce + 1)  # and a fresh uploader

# --- versions: list, compare with today (when asked), restore ----------------------------------
with tab_versions:
    versions_tab(data_store, ctx.user)

# --- templates, the header mapping, download all ------------------------------------------------
with tab_templates:
    templates(data_store, ctx.full)
