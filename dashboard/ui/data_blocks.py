"""Streamlit blocks of the data page: a table's changes, what follows a save, the versions tab."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard import glossary, schema, store, upload
from dashboard.data import Dataset
from dashboard.i18n import format_number
from dashboard.stores import Store
from dashboard.ui import cache
from dashboard.ui.shell import context, show_problems
from dashboard.versions import keep_rule
from dashboard.views import data as view


def written(result: store.SaveResult, flash: Callable[[], str], **state) -> None:
    """After a save or a restore: on success every session reads the new files, the page starts
    again with ``flash()`` on top and the newest version chosen (``state`` is set too); on
    failure, the problems."""
    ctx = context()
    if not result.ok:
        if any(p.code == "changed_since_check" for p in result.problems):
            stale()
            return
        st.error(ctx.t("data.save.failed"), icon=":material/error:")
        show_problems(result.problems, ctx.lang)
        return
    cache.clear()
    st.session_state.pop("data_check", None)
    st.session_state.pop("data_version", None)  # show the newest version first
    st.session_state.update(state, data_flash=flash())
    st.rerun()


def stale() -> None:
    """A save refused because someone saved a newer version since this page read the data:
    say so, and offer to read today's data (the check and the changes are then made again)."""
    t = context().t
    st.warning(
        f"{t('store.stale.title')}\n\n{t('store.stale.reload')}", icon=":material/sync_problem:"
    )
    st.button(
        t("store.stale.button"), key="store_reload", icon=":material/refresh:", on_click=reload
    )


def reload() -> None:
    """Forget this session's check and every loaded dataset: the next run reads today's data."""
    st.session_state.pop("data_check", None)
    cache.clear()


def show_diff(diff: upload.TableDiff, key: str) -> None:
    """Counts, then the rows added, changed (old and new value) and removed."""
    t, lang = context().t, context().lang
    counts = {"added": len(diff.added), "changed": diff.changed_rows, "removed": len(diff.removed)}
    for column, (name, count) in zip(st.columns(3), counts.items(), strict=True):
        # the label and help text from the figure catalog
        help_ = glossary.help_text(f"data.{name}", lang)
        column.metric(glossary.label(f"data.{name}", lang), format_number(count, lang), help=help_)
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


def checked_uploads(folder: Store, uploads: list[upload.Upload], signature: tuple):
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


def templates(folder: Store, ds: Dataset) -> None:
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
    st.header(t("data.templates.title"))
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


def hold(key: str, value: object) -> None:
    """A button's ``on_click``: keep ``value`` as it was on the run that drew the button (the
    fingerprint of the files the user looked at), for ``held(key)`` on the click's run."""
    st.session_state[f"{key}_held"] = value


def held(key: str) -> object:
    """What ``hold`` kept for the click of button ``key`` (None when nothing was kept)."""
    return st.session_state.pop(f"{key}_held", None)


COMPARED = "data_compared"  # {(version id, fingerprint of today's files): changes}
COMPARED_KEPT = 4


def compared(folder: Store, version_id: str, base: str) -> dict[str, upload.TableDiff] | None:
    """What restoring ``version_id`` would change, once the user asks for it (the button
    "Compare with today's data", drawn here until then): remembered in the session for that
    version and today's files (``base``: their fingerprint), never computed on a mere rerun
    (seconds at 100,000 participants). None until asked, or when the version is gone."""
    t = context().t
    memo = {k: v for k, v in st.session_state.get(COMPARED, {}).items() if k[1] == base}
    st.session_state[COMPARED] = memo  # comparisons with older files are dropped
    if (version_id, base) in memo:
        return memo[(version_id, base)]
    st.caption(t("data.versions.not_compared"))
    if not st.button(
        t("data.versions.compare_button"), key="data_compare", icon=":material/compare_arrows:"
    ):
        return None
    try:
        with st.spinner(t("data.versions.comparing")):
            changes = view.restore_changes(folder, version_id)
    except KeyError:  # pruned since the list was read
        st.error(t("data.versions.gone"), icon=":material/error:")
        return None
    memo[(version_id, base)] = changes
    st.session_state[COMPARED] = dict(list(memo.items())[-COMPARED_KEPT:])
    return changes


def versions_tab(folder: Store, user: str) -> None:
    """The versions tab: the retention rule, the versions kept, what restoring the chosen one
    would change (once asked, ``compared``), and its restore button (as ``user``)."""
    t, lang = context().t, context().lang
    versions = folder.list_versions()
    st.caption(t("data.versions.intro"))
    keep, days = keep_rule()
    st.caption(t("data.versions.kept", versions=format_number(keep, lang), days=days))
    if not versions:
        st.info(t("data.versions.none"), icon=":material/info:")
    else:
        st.dataframe(upload.versions_frame(versions, lang), hide_index=True, width="stretch")
        by_id = {v.id: v for v in versions}
        chosen = st.selectbox(
            t("data.versions.choose"),
            list(by_id),
            format_func=lambda vid: view.version_label(by_id[vid], lang),
            key="data_version",
        )
        base = folder.fingerprint()  # today's data, as this run shows it
        changes = compared(folder, chosen, base)
        if changes is not None:
            st.markdown(t("data.versions.compare"))
            for table, diff in changes.items():
                st.markdown(f"**{view.table_label(table, lang)}**")
                show_diff(diff, key=f"data_vdiff_{table}")
            if not changes:
                st.info(t("data.versions.same"), icon=":material/info:")
        restore = st.button(
            t("data.versions.restore"),
            key="data_restore",
            disabled=changes == {},
            icon=":material/history:",
            on_click=hold,  # refused if the files change between this run and the click
            args=("data_restore", base),
        )
        if restore:
            try:
                result = folder.restore_version(chosen, actor=user, expected=held("data_restore"))
            except KeyError:  # removed by a prune since the list was read
                st.error(t("data.versions.gone"), icon=":material/error:")
            else:
                when = view.version_label(by_id[chosen], lang)
                written(
                    result,
                    lambda: (
                        t("data.versions.restored", time=when, version=result.version)
                        if result.tables
                        else t("data.versions.same")
                    ),
                )
