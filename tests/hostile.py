"""A copy of the bundled data with hostile values in every text column, which the loader still
accepts: Markdown links and images, bare URLs, HTML entities, quotes, template syntax in names
and titles; ``<script>``, ``onerror``, template literals and ``</script>`` as well in the free
texts (testimonials, descriptions, source notes, roles), which take them with a warning.

A payload that runs sets ``window.__pwned``; a payload that loads or links goes to
``example.org``. Shared by the unit tests of ``dashboard.markup`` and the maps and by the
browser test that opens every page on this data.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from dashboard.data import load_dataset

DATA = Path(__file__).resolve().parent.parent / "data"
OUTSIDE = "example.org"
FLAG = "__pwned"

# the names of the towns, as written (the loader refuses ` < > and ${ in names and titles)
TOWN_NAMES = {
    "shimokawa": ("![](https://example.org/x.png) Shimokawa", "下川![](https://example.org/j.png)"),
    "urahoro": ("**Urahoro** & &lt;b&gt; &amp;", "浦幌 _町_ &lt;i&gt;"),
    "tono": ("[x](https://example.org)", "遠野[市](https://example.org/ja)"),
    "yame": ("'Yame' \"quoted\" {{ 7*7 }} {name}", "八女 :red[市] :streamlit:"),
    "ishinomaki": ("javascript:alert(1) www.example.org a@example.org", "石巻 $x^2$ %{y}"),
}
# names, titles, outcome kinds: everything but ` < > ${
NAME_PAYLOADS = (
    "[x](https://example.org)",
    "![](https://example.org/n.png)",
    "**bold** _it_ ~~s~~",
    "&lt;b&gt; &amp; &#60;",
    "'single' \"double\"",
    "{{ 7*7 }} {x} %{x} %{customdata[0]}",
    "javascript:alert(1)",
    "https://example.org/bare www.example.org",
    ":red[red] :material/home: $x$ # not a heading",
    "| a | b | -- ~= 1. item",
)
# free texts: everything
TEXT_PAYLOADS = (
    f"<script>window.{FLAG}=1</script>",
    f'<img src=x onerror="window.{FLAG}=2">',
    "<img src=https://example.org/t.png>",
    "`${window." + FLAG + "=3}`",
    f"</script><script>window.{FLAG}=4</script>",
    "[x](https://example.org) ![](https://example.org/i.png)",
    f'<a href="javascript:window.{FLAG}=5">j</a> javascript:window.{FLAG}=6',
    "'single' \"double\" {{ 7*7 }} %{x}",
)
TEXT_PAYLOAD = " ".join(TEXT_PAYLOADS)
# which columns take which payloads (ids, codes, kinds, dates, numbers and flags stay valid)
NAME_COLUMNS = {
    "regions": ("prefecture_en", "prefecture_ja"),
    "programs": ("title",),
    "participants": ("display_name",),
    "outcomes": ("kind",),
}
TEXT_COLUMNS = {
    "regions": ("source",),
    "programs": ("source",),
    "participants": ("source",),
    "participations": ("role", "source"),
    "testimonials": ("text", "highlight", "source"),
    "outcomes": ("description", "source"),
}


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def write_hostile_data(target: Path) -> Path:
    """The bundled data copied to ``target`` with hostile values in every text column; the
    folder (the test fails when the loader refuses it)."""
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns(".versions", ".lock", "source"))
    for table in ("regions", "programs", "participants", "participations", "testimonials",
                  "outcomes"):  # fmt: skip
        path = target / f"{table}.csv"
        columns, rows = _rows(path)
        for i, row in enumerate(rows):
            if table == "regions":
                row["name_en"], row["name_ja"] = TOWN_NAMES[row["region_id"]]
            for column in NAME_COLUMNS.get(table, ()):
                if column == "display_name" and not row[column]:
                    continue  # unnamed people stay unnamed
                payload = NAME_PAYLOADS[i % len(NAME_PAYLOADS)]
                row[column] = f"{row[column] or column} {payload}".strip()
            for column in TEXT_COLUMNS.get(table, ()):
                if column not in row:
                    continue
                if column == "text":  # kept, so that themes and highlights still find words
                    row[column] = f"{TEXT_PAYLOAD} {row[column]}"
                elif column == "highlight" and not row[column]:
                    continue
                else:
                    row[column] = f"{row[column]} {TEXT_PAYLOAD}".strip()
        _write(path, columns, rows)
    result = load_dataset(target)
    assert result.ok, [p.line() for p in result.problems[:5]]
    return target


def hostile_dataset(target: Path):
    """``write_hostile_data`` loaded."""
    return load_dataset(write_hostile_data(target)).dataset
