"""A problem found in a data file: where it is and what is wrong, in either language."""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.i18n import t


@dataclass(frozen=True)
class Problem:
    """One problem in one cell (or row, or file).

    ``row`` counts as a spreadsheet user does: the header is row 1, the first data row is 2.
    ``code`` names the message in the catalogs (``problem.<code>`` and ``fix.<code>``);
    ``params`` fill its placeholders.
    """

    file: str
    row: int | None
    column: str | None
    code: str
    value: str = ""
    params: tuple[tuple[str, str], ...] = field(default=())
    severity: str = "error"

    def message(self, lang: str = "en") -> str:
        """What is wrong, in ``lang``."""
        return t(f"problem.{self.code}", lang, value=self.value, **dict(self.params))

    def fix(self, lang: str = "en") -> str:
        """How to fix it, in ``lang``."""
        return t(f"fix.{self.code}", lang, value=self.value, **dict(self.params))

    def line(self, lang: str = "en") -> str:
        """``FILE:ROW:COLUMN: message`` as the command line prints it."""
        row = "" if self.row is None else str(self.row)
        prefix = "" if self.severity == "error" else t("problem.warning_prefix", lang)
        return f"{self.file}:{row}:{self.column or ''}: {prefix}{self.message(lang)}"

    def as_dict(self, lang: str = "en") -> dict[str, object]:
        """A row for a problems table in ``lang``."""
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column or "",
            "value": self.value,
            "problem": self.message(lang),
            "fix": self.fix(lang),
            "severity": self.severity,
        }


def errors(problems: list[Problem]) -> list[Problem]:
    """The problems that block loading (warnings dropped)."""
    return [p for p in problems if p.severity == "error"]
