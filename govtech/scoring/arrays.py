"""Plain-array views of professionals and roles: the data contract between the service layer and the scorer.

`talent/services.py` turns database rows into these; everything in `govtech.scoring` works on them only.
Integer codes are used for categorical fields so that gates are vectorised comparisons.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

MAX_LEVEL = 4
WEIGHT_NAMES = ("none", "bonus", "important", "must")  # index = weight code in RoleArrays.req_weight
WORK_STYLES = ("remote", "hybrid", "onsite")  # index = work-style code
AREAS = ("wards", "tama", "islands")  # index = area code
SKILLS_CSV = Path(__file__).resolve().parent.parent / "data" / "skills.csv"
_EPOCH = dt.date(1970, 1, 1)

_PROF_DTYPES = {
    "ids": np.int64, "levels": np.int8, "verified": np.bool_, "days": np.float32,
    "available_from": np.int32, "work_style": np.int8, "regions": np.bool_, "public_years": np.float32,
}
_ROLE_DTYPES = {
    "ids": np.int64, "req_level": np.int8, "req_weight": np.int8, "days": np.float32,
    "start": np.int32, "work_style": np.int8, "area": np.int8,
}


def days_since_epoch(day: dt.date | None, default: int = 0) -> int:
    """Return the number of days from 1970-01-01 to `day` (or `default` when it is None)."""
    return default if day is None else (day - _EPOCH).days


def _coerce(obj, dtypes: dict, text_field: str) -> None:
    """Cast array fields to their contract dtype and check that every field has the same row count."""
    for name, dtype in dtypes.items():
        object.__setattr__(obj, name, np.ascontiguousarray(getattr(obj, name), dtype=dtype))
    object.__setattr__(obj, text_field, [str(t or "") for t in getattr(obj, text_field)])
    n = len(obj.ids)
    for f in fields(obj):
        if len(getattr(obj, f.name)) != n:
            raise ValueError(f"{type(obj).__name__}.{f.name} has {len(getattr(obj, f.name))} rows, expected {n}")


def _subset(obj, rows):
    """Return a copy of a dataclass of arrays holding only `rows` (indices or boolean mask)."""
    rows = np.asarray(rows)
    rows = np.flatnonzero(rows) if rows.dtype == bool else rows.astype(np.intp, copy=False)
    values = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        values[f.name] = [value[i] for i in rows] if isinstance(value, list) else value[rows]
    return type(obj)(**values)


@dataclass(frozen=True)
class ProfessionalArrays:
    """The talent pool as arrays: one row per professional, one column per skill of the skill map."""

    ids: np.ndarray  # int64 (n,)
    levels: np.ndarray  # int8 (n, S) held level 0..4 per skill
    verified: np.ndarray  # bool (n, S) level verified by a coordinator
    days: np.ndarray  # float32 (n,) days per week available
    available_from: np.ndarray  # int32 (n,) days since 1970-01-01
    work_style: np.ndarray  # int8 (n,) most on-site arrangement accepted: 0 remote, 1 hybrid, 2 onsite
    regions: np.ndarray  # bool (n, 3) can be on site in: wards, tama, islands
    public_years: np.ndarray  # float32 (n,)
    bios: list[str]  # free text, Japanese or English

    def __post_init__(self):
        _coerce(self, _PROF_DTYPES, "bios")
        if self.levels.ndim != 2 or self.verified.shape != self.levels.shape:
            raise ValueError("levels and verified must both be (n, S)")
        if self.regions.shape != (len(self.ids), len(AREAS)):
            raise ValueError("regions must be (n, 3)")
        if self.levels.size and (self.levels.min() < 0 or self.levels.max() > MAX_LEVEL):
            raise ValueError("levels must be within 0..4")

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def n_skills(self) -> int:
        """Number of skill columns S."""
        return self.levels.shape[1]

    def subset(self, rows) -> ProfessionalArrays:
        """Return the professionals at `rows` (indices or boolean mask)."""
        return _subset(self, rows)


@dataclass(frozen=True)
class RoleArrays:
    """Open roles as arrays: one row per role, one column per skill of the skill map."""

    ids: np.ndarray  # int64 (m,)
    req_level: np.ndarray  # int8 (m, S) required minimum level, 0 = skill not required
    req_weight: np.ndarray  # int8 (m, S) 0 none, 1 bonus, 2 important, 3 must
    days: np.ndarray  # float32 (m,) days per week the role needs
    start: np.ndarray  # int32 (m,) start date, days since epoch
    work_style: np.ndarray  # int8 (m,) 0 remote, 1 hybrid, 2 onsite
    area: np.ndarray  # int8 (m,) the role's municipality area: 0 wards, 1 tama, 2 islands
    descriptions: list[str]  # title + description text

    def __post_init__(self):
        _coerce(self, _ROLE_DTYPES, "descriptions")
        if self.req_level.ndim != 2 or self.req_weight.shape != self.req_level.shape:
            raise ValueError("req_level and req_weight must both be (m, S)")
        if self.req_level.size and (self.req_level.min() < 0 or self.req_level.max() > MAX_LEVEL):
            raise ValueError("req_level must be within 0..4")
        if self.req_weight.size and (self.req_weight.min() < 0 or self.req_weight.max() > 3):
            raise ValueError("req_weight must be within 0..3")
        # A requirement needs both a level and a weight; a half-filled one would silently score nothing.
        if np.any((self.req_level > 0) != (self.req_weight > 0)):
            raise ValueError("req_level and req_weight must be zero together")
        if self.area.size and (self.area.min() < 0 or self.area.max() >= len(AREAS)):
            raise ValueError("area must be 0 wards, 1 tama or 2 islands")

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def n_skills(self) -> int:
        """Number of skill columns S."""
        return self.req_level.shape[1]

    def subset(self, rows) -> RoleArrays:
        """Return the roles at `rows` (indices or boolean mask)."""
        return _subset(self, rows)


def load_skill_map(path: str | Path | None = None) -> list[dict[str, str]]:
    """Read the skill map CSV (code, category, name_ja, name_en, …) as a list of dicts, in file order."""
    with open(path or SKILLS_CSV, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def skill_codes(path: str | Path | None = None) -> list[str]:
    """Return the skill codes of the skill map in column order."""
    return [row["code"] for row in load_skill_map(path)]
