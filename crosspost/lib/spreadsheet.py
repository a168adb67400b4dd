"""Cells for CSV files that staff open in a spreadsheet.

A cell starting with = + - @ (or a tab or carriage return) is read as a formula by Excel,
LibreOffice and Google Sheets: a reader who signs up as `=HYPERLINK("https://…")` would run
it on the editor's machine. Such cells get a leading apostrophe, which spreadsheets show as text
and `csv_unsafe_undo` takes off again on import.
"""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_unsafe_undo(value: str) -> str:
    """The cell as typed before `csv_safe`, for files we exported and read back."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def csv_response(rows: list[dict], filename: str) -> HttpResponse:
    """A CSV download of `rows` (dicts with the same keys, which become the header), cells defused."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    if rows:
        writer.writerow(list(rows[0]))
        for row in rows:
            writer.writerow([csv_safe(value) for value in row.values()])
    return response
