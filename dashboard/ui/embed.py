"""Embedding a page in a municipality's own website: the ``<iframe>`` snippet and its control.

Streamlit's own ``?embed=true`` draws a page without the sidebar, header and menu; the shell
still reads the language and filters from the URL (``?town=tono&lang=ja&embed=true``). The town
page's "Copy embed code" control (``copy_control``) gives the snippet for that town, language
and a chosen size, pointed at the app's public address: ``DASHBOARD_PUBLIC_URL`` when the
deployment sets it, else the address the browser used (``st.context.url``).

The functions above ``copy_control`` are plain: strings in, strings out.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from dashboard.i18n import t as plain
from dashboard.pages import PAGES

PUBLIC_URL_ENV = "DASHBOARD_PUBLIC_URL"

# Streamlit's ?embed=true drops the header and toolbar but keeps the sidebar: in a municipality's
# frame the page stands alone (language and filters come from the URL), so the sidebar goes too
CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
</style>
"""


@dataclass(frozen=True)
class Size:
    """One size a snippet offers: its key (for the catalog) and the frame's width and height
    (width as CSS: pixels or a percentage)."""

    key: str
    width: str
    height: int


SIZES: tuple[Size, ...] = (
    Size("wide", "100%", 900),  # the width of the municipality's column, a page's height
    Size("medium", "800", 700),
    Size("small", "480", 640),  # a side column, or a phone
)
BY_KEY = {size.key: size for size in SIZES}


def app_root(url: str) -> str:
    """The app's root address from a page's address: ``"https://x.jp/app/town?town=tono"`` ->
    ``"https://x.jp/app"`` (the query, the fragment and a registered page's path dropped)."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    if last in {page.url_path for page in PAGES}:
        path = path[: -len(last)].rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def public_root(browser_url: str | None, env: dict[str, str] | None = None) -> str:
    """The address a snippet points at: ``DASHBOARD_PUBLIC_URL`` (from ``env``, else this
    process's environment) when set, else the root of ``browser_url``; "" when neither is
    known."""
    env = os.environ if env is None else env
    configured = (env.get(PUBLIC_URL_ENV) or "").strip()
    if configured:
        return app_root(configured)
    return app_root(browser_url) if browser_url else ""


def embed_url(root: str, page: str, **params: str) -> str:
    """``root/page?params…&embed=true``: a page's address for a frame (empty values left
    out; the default page, the first of the registry, is the root itself)."""
    path = "" if page == PAGES[0].url_path else page
    query = {k: v for k, v in params.items() if v}
    query["embed"] = "true"
    return f"{root.rstrip('/')}/{path}?{urlencode(query)}"


def iframe_snippet(url: str, title: str, size: Size) -> str:
    """The HTML a municipality pastes: an ``<iframe>`` with a title (what a screen reader
    announces), the size, no border, loaded when scrolled to. Attributes are escaped."""
    width = size.width if size.width.endswith("%") else f"{int(size.width)}"
    return (
        f'<iframe src="{html.escape(url)}" title="{html.escape(title)}"'
        f' width="{width}" height="{int(size.height)}"'
        ' style="border: 0; max-width: 100%;" loading="lazy"></iframe>'
    )


def apply() -> bool:
    """Hide the sidebar when the page is drawn in a frame (``?embed=true``); returns whether
    it is. The sidebar's widgets still run, hidden, so the URL's language and filters hold."""
    embedded = bool(st.context.is_embedded)
    if embedded:
        st.html(CSS)
    return embedded


def copy_control(ctx, region_id: str, town: str) -> None:
    """The town page's "Copy embed code": a size, and the snippet in a code block (its copy
    button copies it). Not drawn inside a frame: a municipality's visitors need no snippet."""
    if st.context.is_embedded:
        return
    t = ctx.t
    with st.popover(t("embed.button"), icon=":material/code:", key="embed_popover"):
        chosen = st.segmented_control(
            t("embed.size"),
            [size.key for size in SIZES],
            format_func=lambda key: t(f"embed.size.{key}"),
            default=SIZES[0].key,
            required=True,
            key="embed_size",
        )
        root = public_root(st.context.url)
        url = embed_url(root, "town", town=region_id, lang=ctx.lang)
        title = plain("embed.frame_title", ctx.lang, town=town)  # an attribute: not Markdown
        snippet = iframe_snippet(url, title, BY_KEY[chosen])
        st.code(snippet, language="html", wrap_lines=True)
        st.caption(t("embed.help"))
