"""Reading and checking professionals.csv and roles.csv (the DOMAIN.md contract) before anything is saved.

UTF-8 with or without BOM, or CP932/Shift_JIS. Every bad row is reported with its line number, column and
reason (`ImportFailed.errors`); skills and municipalities are resolved with one query each.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from govtech.core.exports import decode_upload
from govtech.core.models import Municipality, Skill
from govtech.extensions import db
from govtech.talent.models import REGIONS, WEIGHTS, WORK_STYLES

PROFESSIONAL_COLUMNS = ("external_id", "name", "email", "skills", "days_per_week", "available_from", "work_style",
                        "regions", "public_sector_years", "bio")
ROLE_COLUMNS = ("external_id", "municipality", "title", "description", "requirements", "days_per_week",
                "start_date", "work_style", "positions")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class RowError:
    """One problem: line number in the file (header = line 1), column, reason."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.message}"


class ImportFailed(Exception):
    """The file was rejected; nothing was saved."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def decode(data: bytes) -> str:
    """Text of an uploaded file: UTF-8 (BOM or not), else CP932 (Excel's Shift_JIS)."""
    text = decode_upload(data)
    if text is not None:
        return text
    raise ImportFailed([RowError(1, "file", _("The file is neither UTF-8 nor Shift_JIS (CP932)."))])


def read_rows(text: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; a header without the contract's columns fails at line 1."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(h or "").strip() for h in (reader.fieldnames or [])]
    missing = [c for c in columns if c not in header]
    if missing:
        raise ImportFailed([RowError(1, "header", _("Missing columns: %(cols)s", cols=", ".join(missing)))])
    reader.fieldnames = header
    rows = []
    for row in reader:
        if not any((v or "").strip() for k, v in row.items() if k):
            continue
        rows.append((reader.line_num, {k: (row.get(k) or "").strip() for k in columns}))
    return rows


def _number(errors, line, row, column, kind, low, high, default=None):
    value = row[column]
    if value == "" and default is not None:
        return default
    try:
        number = kind(value)
    except ValueError:
        errors.append(RowError(line, column, _("Not a number: %(value)s", value=value)))
        return None
    if not low <= number <= high:
        errors.append(RowError(line, column, _("Must be between %(low)s and %(high)s.", low=low, high=high)))
        return None
    return number


def _day(errors, line, row, column) -> date | None:
    if not row[column]:
        return None
    try:
        if not DATE_RE.match(row[column]):
            raise ValueError(row[column])
        return datetime.strptime(row[column], "%Y-%m-%d").date()
    except ValueError:
        errors.append(RowError(line, column, _("Dates are written YYYY-MM-DD.")))
        return None


def _choice(errors, line, row, column, allowed):
    if row[column] not in allowed:
        errors.append(RowError(line, column, _("Must be one of: %(values)s", values=", ".join(allowed))))
    return row[column]


def _pairs(errors, line, column, text, skills, parts, weights=False):
    """Parse `code:level[:weight];…` into {skill_id: (level, weight)}."""
    result = {}
    for item in filter(None, (p.strip() for p in text.split(";"))):
        bits = [b.strip() for b in item.split(":")]
        if len(bits) != parts or bits[0] not in skills:
            errors.append(RowError(line, column, _("Cannot read %(item)s (unknown skill or wrong format).",
                                                   item=item)))
            continue
        low = 1 if weights else 0
        if not bits[1].isdecimal() or not low <= int(bits[1]) <= 4:
            errors.append(RowError(line, column, _("Level of %(item)s must be %(low)s to 4.", item=item, low=low)))
            continue
        if weights and bits[2] not in WEIGHTS:
            errors.append(RowError(line, column, _("Weight of %(item)s must be must, important or bonus.",
                                                   item=item)))
            continue
        if skills[bits[0]] in result:
            errors.append(RowError(line, column, _("%(code)s appears twice.", code=bits[0])))
        result[skills[bits[0]]] = (int(bits[1]), bits[2] if weights else None)
    return result


def _unique_ids(errors, rows):
    seen: dict[str, int] = {}
    for line, row in rows:
        ext = row["external_id"]
        if not ext:
            errors.append(RowError(line, "external_id", _("Required.")))
        elif len(ext) > 64:
            errors.append(RowError(line, "external_id", _("At most 64 characters.")))
        elif ext in seen:
            errors.append(RowError(line, "external_id", _("Also on line %(line)s.", line=seen[ext])))
        else:
            seen[ext] = line


def _skill_codes() -> dict[str, int]:
    return dict(db.session.execute(select(Skill.code, Skill.id)).all())


def parse_professionals(text: str) -> list[dict]:
    """Validated professional rows (raises ImportFailed with every error)."""
    rows = read_rows(text, PROFESSIONAL_COLUMNS)
    errors: list[RowError] = []
    _unique_ids(errors, rows)
    skills, out = _skill_codes(), []
    for line, row in rows:
        if not row["name"] or len(row["name"]) > 100:
            errors.append(RowError(line, "name", _("Required, at most 100 characters.")))
        if not EMAIL_RE.match(row["email"]) or len(row["email"]) > 254:
            errors.append(RowError(line, "email", _("Not an email address.")))
        regions = [r.strip() for r in row["regions"].split(";") if r.strip()]
        if not set(regions) <= set(REGIONS):
            errors.append(RowError(line, "regions", _("Areas are wards, tama or islands, separated by ;")))
        out.append({
            "external_id": row["external_id"], "name": row["name"], "email": row["email"].lower(),
            "levels": _pairs(errors, line, "skills", row["skills"], skills, 2),
            "days_per_week": _number(errors, line, row, "days_per_week", float, 0, 5),
            "available_from": _day(errors, line, row, "available_from"),
            "work_style": _choice(errors, line, row, "work_style", WORK_STYLES),
            "onsite_wards": "wards" in regions, "onsite_tama": "tama" in regions, "onsite_islands": "islands" in regions,
            "public_sector_years": _number(errors, line, row, "public_sector_years", int, 0, 60, default=0),
            "bio": row["bio"]})
    if errors:
        raise ImportFailed(errors)
    return out


def parse_roles(text: str) -> list[dict]:
    """Validated role rows (raises ImportFailed with every error)."""
    rows = read_rows(text, ROLE_COLUMNS)
    errors: list[RowError] = []
    _unique_ids(errors, rows)
    skills, out = _skill_codes(), []
    munis = {}
    for mid, code, name_ja in db.session.execute(select(Municipality.id, Municipality.code, Municipality.name_ja)):
        munis[code], munis[name_ja] = mid, mid
    for line, row in rows:
        if row["municipality"] not in munis:
            errors.append(RowError(line, "municipality", _("Unknown municipality: give its Japanese name or "
                                                           "5-digit code.")))
        if not row["title"] or len(row["title"]) > 200:
            errors.append(RowError(line, "title", _("Required, at most 200 characters.")))
        requirements = _pairs(errors, line, "requirements", row["requirements"], skills, 3, weights=True)
        if not requirements and row["requirements"] == "":
            errors.append(RowError(line, "requirements", _("Add at least one required skill.")))
        days = _number(errors, line, row, "days_per_week", float, 0.5, 5)
        out.append({
            "external_id": row["external_id"], "municipality_id": munis.get(row["municipality"]),
            "title": row["title"], "description": row["description"], "requirements": requirements,
            "days_per_week": days, "start_date": _day(errors, line, row, "start_date"),
            "work_style": _choice(errors, line, row, "work_style", WORK_STYLES),
            "positions": _number(errors, line, row, "positions", int, 1, 1000, default=1)})
    if errors:
        raise ImportFailed(errors)
    return out


