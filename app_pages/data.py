"""Data: upload a season's sheets, see every problem, preview the changes, save, restore."""

from __future__ import annotations

import datetime as dt
import math

import streamlit as st

from dashboard import access, schema, store, upload
from dashboard.data import fingerprint
from dashboard.i18n import format_number
from dashboard.problems import errors
from dashboard.ui import cache
from dashboard.ui.shell import context, show_problems

ctx = context()
t, lang = ctx.t, ctx.lang
folder = cache.data_dir()

st.title(t("data.title"))
st.caption(t("data.subtitle"))

if not access.can(ctx.viewer, "manage_data"):
    st.warning(t("data.not_allowed"))
    st.stop()

store.recover(folder)  # a save cut short by a crash: put the last good version back

flash = st.session_state.pop("data_flash", None)
if flash:
    st.success(flash, icon=":material/check_circle:")


def table_label(table: str | None) -> str:
    return t(f"data.table.{table}") if table else t("data.table.choose")


def written(result: store.SaveResult, flash, **state) -> None:
    """After a save or a restore: on success every session reads the new files, the page starts
    again with ``flash()`` on top and the newest version chosen (``state`` is set too); on
    failure, the problems."""
    if not result.ok:
        st.error(t("data.save.failed"), icon=":material/error:")
        show_problems(result.problems, lang)
        return
    cache.clear()
    st.session_state.pop("data_check", None)
    st.session_state.pop("data_version", None)  # show the newest version first
    st.session_state.update(state, data_flash=flash())
    st.rerun()


def show_diff(diff: upload.TableDiff, key: str) -> None:
    """Counts, then the rows added, changed (old and new value) and removed."""
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


def version_label(version: store.Version) -> str:
    when = version.time.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return t("data.versions.option", time=when, tables=upload.table_list(version.tables, lang))


tab_upload, tab_versions, tab_templates = st.tabs(
    [t("data.tab.upload"), t("data.tab.versions"), t("data.tab.templates")]
)

# --- upload, check, preview, save ------------------------------------------------------------
with tab_upload:
    nonce = st.session_state.setdefault("data_upload_nonce", 0)
    files = st.file_uploader(
        t("data.upload.label"),
        type=["csv", "xlsx"],
        accept_multiple_files=True,
        key=f"data_upload_{nonce}",
        # the browser refuses bigger files at once; the check below says why in words
        max_upload_size=max(1, math.ceil(upload.max_upload_bytes() / upload.MB)),
        help=t(
            "data.upload.help",
            mb=f"{upload.max_upload_bytes() / upload.MB:g}",
            rows=format_number(upload.max_rows(), lang),
        ),
    )
    if not files:
        st.info(t("data.upload.empty"), icon=":material/info:")
    else:
        uploads = []
        for i, file in enumerate(files):
            guess = upload.guess_table(file.name)
            options = [None, *schema.TABLES]
            left, right = st.columns([2, 1], vertical_alignment="center")
            left.markdown(f"**{i + 1}.** `{file.name}` ({upload.size_label(file.size)})")
            table = right.selectbox(
                t("data.upload.table"),
                options,
                index=options.index(guess),
                format_func=table_label,
                key=f"data_table_{nonce}_{i}",
            )
            too_big = upload.check_limits(file.name, file.size)  # from the size: nothing read
            uploads.append(
                upload.Upload(file.name, b"" if too_big else file.getvalue(), table, file.size)
            )

        signature = (
            tuple((f.file_id, u.table) for f, u in zip(files, uploads, strict=True)),
            fingerprint(folder),
        )
        cached = st.session_state.get("data_check")
        if cached and cached[0] == signature:
            checked, diffs = cached[1], cached[2]
        else:
            with st.status(t("data.status.reading"), expanded=False) as status:
                bar = st.progress(0.0, text=t("data.status.reading"))

                def on_step(i: int, n: int, name: str) -> None:
                    bar.progress(i / (n + 1), text=t("data.status.file", name=name))

                current, current_files = upload.current_tables(folder)
                checked = upload.check_uploads(uploads, current, current_files, on_step=on_step)
                status.update(label=t("data.status.diffing"))
                bar.progress(len(uploads) / (len(uploads) + 1), text=t("data.status.diffing"))
                diffs = {}
                if checked.ok:
                    diffs = {
                        table: upload.diff_table(table, current.get(table), frame)
                        for table, frame in checked.tables.items()
                    }
                bar.progress(1.0, text=t("data.status.done"))
                status.update(label=t("data.status.done"), state="complete")
            st.session_state["data_check"] = (signature, checked, diffs)

        blocking = errors(checked.problems)
        if blocking:
            st.error(
                t("data.problems.count", n=format_number(len(blocking), lang)),
                icon=":material/error:",
            )
            show_problems(checked.problems, lang)
        else:
            if checked.problems:
                st.warning(t("data.problems.warnings"), icon=":material/warning:")
                show_problems(checked.problems, lang)
            st.subheader(t("data.diff.title"))
            for table, diff in diffs.items():
                st.markdown(
                    f"**{table_label(table)}** — "
                    + t("data.diff.from", file=checked.files[table], target=f"{table}.csv")
                )
                show_diff(diff, key=f"data_diff_{table}")
            nothing = all(d.empty for d in diffs.values())
            if nothing:
                st.info(t("data.save.nothing"), icon=":material/info:")
            if st.button(
                t("data.save.button"),
                type="primary",
                key="data_save",
                disabled=nothing,
                icon=":material/save:",
            ):
                result = store.save_tables(folder, checked.tables, actor=ctx.user)
                written(
                    result,
                    lambda: t(
                        "data.save.done",
                        tables=upload.table_list(result.tables, lang),
                        version=result.version,
                    ),
                    data_upload_nonce=nonce + 1,  # a fresh uploader
                )

# --- versions: list, compare with today, restore ------------------------------------------------
with tab_versions:
    versions = store.list_versions(folder)
    st.caption(t("data.versions.intro"))
    if not versions:
        st.info(t("data.versions.none"), icon=":material/info:")
    else:
        st.dataframe(upload.versions_frame(versions, lang), hide_index=True, width="stretch")
        by_id = {v.id: v for v in versions}
        chosen = st.selectbox(
            t("data.versions.choose"),
            list(by_id),
            format_func=lambda vid: version_label(by_id[vid]),
            key="data_version",
        )
        st.markdown(t("data.versions.compare"))
        current, _ = upload.current_tables(folder)
        old = store.version_frames(folder, chosen)
        any_change = False
        for table in schema.TABLES:
            if table not in old:
                continue
            diff = upload.diff_table(table, current.get(table), old[table])
            if diff.empty:
                continue
            any_change = True
            st.markdown(f"**{table_label(table)}**")
            show_diff(diff, key=f"data_vdiff_{table}")
        if not any_change:
            st.info(t("data.versions.same"), icon=":material/info:")
        if st.button(
            t("data.versions.restore"),
            key="data_restore",
            disabled=not any_change,
            icon=":material/history:",
        ):
            result = store.restore_version(folder, chosen, actor=ctx.user)
            written(
                result,
                lambda: t(
                    "data.versions.restored",
                    time=version_label(by_id[chosen]),
                    version=result.version,
                ),
            )

# --- templates, the header mapping, download all ------------------------------------------------
with tab_templates:
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
    formats = [
        ("csv", "CSV", "text/csv"),
        (
            "xlsx",
            "Excel (.xlsx)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ]
    for table in schema.TABLES:
        name, *columns = st.columns([2, 1, 1], vertical_alignment="center")
        name.markdown(f"**{table_label(table)}** (`{table}.csv`)")
        frame = ctx.full.table(table)
        for column, (fmt, label, mime) in zip(columns, formats, strict=True):
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
