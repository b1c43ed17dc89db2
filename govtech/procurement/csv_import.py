"""CSV intake of procurement requests (`requests.csv` of DOMAIN.md): decode, check every row, report all errors.

Accepts UTF-8 with or without a BOM and CP932 (Shift_JIS, what Excel writes on Japanese Windows). Every bad
row is reported with its line number, column and reason; the caller imports nothing unless all rows pass.
Being lenient where Excel rewrites cells: 2026/4/1 dates, 1,200 and ¥1,200 numbers, 令和8 fiscal years.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from govtech.core.exports import decode_upload
from govtech.core.models import Category, Municipality
from govtech.extensions import db
from govtech.procurement.errors import ImportFailed
from govtech.procurement.models import REQUEST_EDITABLE, ProcurementRequest
from govtech.procurement.services import EXTERNAL_ID_RE, request_errors

COLUMNS = ("external_id", "municipality", "title", "category", "description", "quantity", "unit", "budget_jpy",
           "desired_start", "fiscal_year")
OPTIONAL = ("description", "desired_start", "requirements")
DATE_RE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
REIWA_RE = re.compile(r"^(?:令和|r)\s*(\d{1,2})(?:年度?)?$", re.IGNORECASE)


def decode(data: bytes) -> str:
    """Text of an uploaded file: UTF-8 (BOM or not), else CP932."""
    text = decode_upload(data)
    if text is not None:
        return text
    raise ImportFailed([(1, "", _("The file is neither UTF-8 nor Shift_JIS (CP932) text. Save it from Excel as "
                                  "“CSV UTF-8” and try again."))])


def _int(text: str) -> int | None:
    cleaned = re.sub(r"[,\s¥￥円]", "", text or "")
    if re.fullmatch(r"\d+(\.0+)?", cleaned):
        return int(cleaned.split(".")[0])
    return None


def _date(text: str) -> date | None:
    match = DATE_RE.match((text or "").strip())
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _fiscal_year(text: str) -> int | None:
    text = (text or "").strip()
    match = REIWA_RE.match(text)
    if match:
        return 2018 + int(match.group(1))
    return int(text) if re.fullmatch(r"\d{4}", text) else None


class _Lookup:
    """Municipalities and categories by code or name, and existing requests by external id (three queries)."""

    def __init__(self, external_ids: list[str]):
        self.municipalities: dict[str, Municipality] = {}
        for m in db.session.scalars(select(Municipality)):
            for key in (m.code, m.name_ja, m.name_en.lower()):
                self.municipalities[key] = m
        self.categories: dict[str, Category] = {}
        for c in db.session.scalars(select(Category).where(Category.active.is_(True))):
            for key in (c.code, c.name_ja, c.name_en.lower()):
                self.categories[key] = c
        self.existing = {r.external_id: r for r in db.session.scalars(
            select(ProcurementRequest).where(ProcurementRequest.external_id.in_(external_ids)))}

    def municipality(self, text: str) -> Municipality | None:
        text = (text or "").strip()
        return self.municipalities.get(text) or self.municipalities.get(text.lower())

    def category(self, text: str) -> Category | None:
        text = (text or "").strip()
        return self.categories.get(text) or self.categories.get(text.lower())


def _records(text: str) -> list[tuple[int, dict]]:
    """(first line number, row) of every non-empty row; the header is line 1."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header and c not in OPTIONAL]
    if missing:
        raise ImportFailed([(1, c, _("The header has no column “%(col)s”. Expected: %(cols)s", col=c,
                                     cols=",".join(COLUMNS))) for c in missing])
    reader.fieldnames = header
    rows, last = [], reader.line_num
    for row in reader:
        start, last = last + 1, reader.line_num
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if any(row.values()):
            rows.append((start, row))
    return rows


def parse(data: bytes, *, municipality_id: int | None = None) -> list[dict]:
    """Checked rows ready for services.import_requests, or ImportFailed listing every problem.

    `municipality_id`: an officer's import, where every row must be for that municipality.
    """
    records = _records(decode(data))
    if not records:
        raise ImportFailed([(2, "", _("The file has a header but no rows."))])
    lookup = _Lookup([row.get("external_id", "") for _line, row in records])
    errors: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    parsed = []
    for line, row in records:
        problems, values = _check_row(row, lookup, municipality_id, seen, line)
        errors += [(line, column, message) for column, message in problems.items()]
        parsed.append(values)
    if errors:
        raise ImportFailed(errors)
    return parsed


def _check_row(row: dict, lookup: _Lookup, municipality_id: int | None, seen: dict, line: int):
    problems: dict[str, str] = {}
    ext = row.get("external_id", "")
    if not ext or not EXTERNAL_ID_RE.match(ext):
        problems["external_id"] = _("Give a reference of letters, digits, dots, hyphens or underscores.")
    elif ext in seen:
        problems["external_id"] = _("The same external_id is already on line %(line)s.", line=seen[ext])
    else:
        seen[ext] = line
    muni = lookup.municipality(row.get("municipality", ""))
    if muni is None:
        problems["municipality"] = _("Unknown municipality “%(value)s”: give its Japanese name or 5-digit code.",
                                     value=row.get("municipality", ""))
    elif municipality_id is not None and muni.id != municipality_id:
        problems["municipality"] = _("You can import requests for your own municipality only.")
    values = {"external_id": ext, "municipality": muni, "title": row.get("title", ""),
              "category": lookup.category(row.get("category", "")), "description": row.get("description", ""),
              "requirements": row.get("requirements", ""), "unit": row.get("unit", ""),
              "quantity": _int(row.get("quantity", "")), "budget_jpy": _int(row.get("budget_jpy", "")),
              "fiscal_year": _fiscal_year(row.get("fiscal_year", "")), "desired_start": None}
    if row.get("desired_start"):
        values["desired_start"] = _date(row["desired_start"])
        if values["desired_start"] is None:
            problems["desired_start"] = _("Write the date as YYYY-MM-DD, e.g. 2026-04-01.")
    if values["category"] is None:
        problems["category"] = _("Unknown category “%(value)s”: use a code such as office-license or e-learning.",
                                 value=row.get("category", ""))
    for name, message in request_errors(values).items():
        problems.setdefault(name, message)
    existing = lookup.existing.get(ext)
    if existing is not None and muni is not None:
        if existing.municipality_id != muni.id:
            problems["external_id"] = _("This external_id belongs to another municipality's request.")
        elif existing.state not in REQUEST_EDITABLE:
            problems["external_id"] = _("This request can no longer be updated (it is in a tender, withdrawn or "
                                        "declined).")
    return problems, values
