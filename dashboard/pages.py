"""The page registry: every page's file, title key, icon, url path and who may open it.

The entry script, presentation mode, access, the tests and the benchmark all read ``PAGES``;
nothing else names a page. Pure data: no Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """One page: its script in ``app_pages/``, icon, and the action a viewer needs to open it
    (None: every viewer, with the data scoped and masked)."""

    file: str
    icon: str
    needs: str | None = None

    @property
    def name(self) -> str:
        """The file stem: ``"town"``."""
        return self.file.removesuffix(".py")

    @property
    def path(self) -> str:
        """The script's path from the project root: ``"app_pages/town.py"``."""
        return f"app_pages/{self.file}"

    @property
    def url_path(self) -> str:
        """The page's address below the app's root (Streamlit's default: the file stem)."""
        return self.name

    @property
    def title_key(self) -> str:
        """The catalog key of the page's title in the navigation."""
        return f"nav.{self.name}"


# navigation order; the first is the default page, served at "/"
PAGES: tuple[Page, ...] = (
    Page("overview.py", ":material/dashboard:"),
    Page("maps.py", ":material/map:"),
    Page("nationalities.py", ":material/public:"),
    Page("timeline.py", ":material/timeline:"),
    Page("town.py", ":material/location_city:"),
    Page("voices.py", ":material/format_quote:"),
    Page("glossary.py", ":material/menu_book:"),
    Page("data.py", ":material/upload_file:", needs="manage_data"),
)
BY_NAME = {page.name: page for page in PAGES}


def page(name: str) -> Page:
    """The page with file stem (or file name) ``name``; KeyError for an unknown page."""
    return BY_NAME[name.removesuffix(".py")]
