"""Cells for CSV files that staff open in a spreadsheet.

A cell starting with = + - @ (or a tab or carriage return) is read as a formula by Excel,
LibreOffice and Google Sheets: a reader who signs up as `=HYPERLINK("https://…")` would run
it on the editor's machine. Such cells get a leading apostrophe, which spreadsheets show as text
and `csv_unsafe_undo` takes off again on import.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_unsafe_undo(value: str) -> str:
    """The cell as typed before `csv_safe`, for files we exported and read back."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value
