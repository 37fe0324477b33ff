"""A town's report as PDF: the HTML report (``dashboard.report``) printed by headless Chromium.

Playwright drives Debian's Chromium (``chromium_path``): the report is loaded as it is, its
plotly charts are waited for, and ``page.pdf`` prints it on A4 pages with a footer holding the
report's title, the data's date and version, and "page n / total". Chromium embeds the fonts it
used (Noto Sans CJK JP for Japanese, from Debian's fonts-noto-cjk). One browser per PDF, closed
when it is done, also on failure. ``unavailable(lang)`` says why no PDF can be made here (no
Chromium, no Playwright), and ``cached_town_pdf`` keeps the last PDFs per town, language,
viewer and data version.
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path

from dashboard import access, schema
from dashboard import town as towns
from dashboard.access import Viewer
from dashboard.data import Dataset, table_path
from dashboard.i18n import format_date, t, town_name
from dashboard.memo import memo
from dashboard.report import town_report

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
)
TIMEOUT_MS = 90_000  # loading and drawing the report on a busy machine
MARGIN = {"top": "15mm", "bottom": "18mm", "left": "15mm", "right": "15mm"}
# Chromium draws the footer outside the page's styles: its font and size are set here
FOOTER = (
    '<div style="width:100%; margin:0 15mm; font-size:8px; color:#5f6b7a;'
    " font-family:'Noto Sans CJK JP','Noto Sans JP',sans-serif; display:flex;"
    ' justify-content:space-between;">'
    "<span>{text}</span>"
    '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
)


# a section longer than what is left of a page may go on over the next one (a whole section
# kept together left the first page empty but for the heading); its blocks stay whole
PRINT_STYLE = (
    "<style>@media print { section { break-inside: auto; page-break-inside: auto; } }</style>"
)


def chromium_path() -> str:
    """Where the browser is looked for: ``CHROMIUM_PATH`` when set, else Debian's."""
    return os.environ.get("CHROMIUM_PATH") or CHROMIUM


def unavailable(lang: str) -> str:
    """Why no PDF can be made on this server, in ``lang`` ("" when one can)."""
    path = chromium_path()
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        return t("meeting.pdf.no_browser", lang, path=path)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return t("meeting.pdf.no_browser", lang, path=path)
    return ""


def data_date(folder: str | Path | None) -> dt.date | None:
    """The day the data folder's tables were last changed (their newest file), or None."""
    if not folder:
        return None
    stamps = [
        path.stat().st_mtime
        for table in schema.TABLES
        if (path := table_path(Path(folder), table)) is not None
    ]
    return dt.datetime.fromtimestamp(max(stamps)).date() if stamps else None


def footer_html(title: str, lang: str, version: str = "", when: dt.date | None = None) -> str:
    """The footer template: the title, the data's date and version, the page number (escaped:
    a town's name is data)."""
    if when is not None:
        text = t(
            "meeting.pdf.footer", lang, title=title, date=format_date(when, lang), version=version
        )
    else:
        text = t("meeting.pdf.footer_no_date", lang, title=title, version=version or "–")
    return FOOTER.format(text=escape(text))


def html_to_pdf(html: str, footer: str = "", lang: str = "en") -> bytes:
    """``html`` printed to A4 PDF bytes by headless Chromium, with ``footer`` (a Chromium
    footer template) on every page. Raises RuntimeError when the browser cannot be used."""
    reason = unavailable(lang)
    if reason:
        raise RuntimeError(reason)
    # in a thread of its own: Playwright's sync API refuses a thread where an event loop runs
    # (a test's own browser, or any caller inside asyncio)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print, html, footer, lang).result()


def _print(html: str, footer: str, lang: str) -> bytes:
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium_path(), args=list(CHROMIUM_ARGS), timeout=TIMEOUT_MS
            )
            try:
                context = browser.new_context(locale="ja-JP" if lang == "ja" else "en-US")
                context.route("**/*", _local_only)
                page = context.new_page()
                page.set_content(html, wait_until="load", timeout=TIMEOUT_MS)
                page.wait_for_function(
                    "() => [...document.querySelectorAll('.plotly-graph-div')]"
                    ".every(div => div.querySelector('.main-svg'))",
                    timeout=TIMEOUT_MS,
                )
                page.evaluate("document.fonts.ready")
                return page.pdf(
                    format="A4",
                    print_background=True,
                    display_header_footer=bool(footer),
                    header_template="<span></span>",
                    footer_template=footer or "<span></span>",
                    margin=MARGIN,
                )
            finally:
                browser.close()
    except Error as exc:
        raise RuntimeError(str(exc).splitlines()[0]) from exc


def _local_only(route) -> None:
    """The report is self-contained: any request it would make outside is refused."""
    if route.request.url.startswith(("data:", "blob:", "about:")):
        route.continue_()
    else:
        route.abort()


def town_pdf(
    ds: Dataset,
    region_id: str,
    lang: str,
    *,
    when: dt.date | None = None,
    made: dt.date | None = None,
    map_image: bytes | None | bool = True,
) -> bytes:
    """The town's report (``report.town_report``, same arguments) as PDF, ``when`` the data's
    date in the footer. Raises KeyError for an unknown town, RuntimeError without a browser."""
    region = towns.find_town(ds, region_id)
    if region is None:
        raise KeyError(region_id)
    html = town_report(ds, region_id, lang, made=made, map_image=map_image)
    html = html.replace("</head>", PRINT_STYLE + "</head>", 1)
    title = t("report.title", lang, town=town_name(region, lang))
    return html_to_pdf(html, footer_html(title, lang, ds.version, when), lang)


@memo(maxsize=8)
def cached_town_pdf(
    ds: Dataset, region_id: str, lang: str, viewer: Viewer, when: dt.date | None = None
) -> bytes:
    """``town_pdf`` made once per dataset (a new version of the data is a new dataset), town,
    language, viewer and data date. Only for a viewer who may see the town's every count (the
    report holds them all): PermissionError for anyone else."""
    if not access.can(viewer, "see_town", region_id):
        raise PermissionError(f"{viewer.role} may not download the report of {region_id}")
    return town_pdf(ds, region_id, lang, when=when)
