"""CSV downloads that open cleanly in Excel and cannot smuggle formulas into it.

* UTF-8 with a byte-order mark: Excel on Japanese Windows otherwise reads UTF-8 as Shift_JIS and garbles
  every kanji.
* CRLF line ends and RFC 4180 quoting (the csv module's defaults).
* Formula injection (CSV injection): a text cell that starts with = + - @ TAB or CR would be evaluated by a
  spreadsheet (`=HYPERLINK(...)`, `@SUM(...)`, DDE). Such cells get a leading single quote, which
  spreadsheets show as text. Numbers stay numbers, so a negative saving is still -1200, not '-1200.
* Dates as ISO `YYYY-MM-DD` (what the imports accept back); None as an empty cell.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from flask import Response

BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str | int | float:
    """One cell: numbers as they are, dates in ISO form, text defused against formula injection."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """The whole file as text: BOM, header, rows, CRLF line ends."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """A download response; `filename` may contain Japanese (sent as RFC 5987 filename*, ASCII fallback)."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in filename)
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(to_csv(header, rows).encode("utf-8"), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})


def decode_upload(data: bytes) -> str | None:
    """Text of an uploaded CSV: UTF-8 (with or without BOM), else CP932 (Excel's Shift_JIS); None when it is
    neither, or holds NUL characters (UTF-16, a binary file: PostgreSQL cannot store NUL either)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text if "\x00" not in text else None
    return None
