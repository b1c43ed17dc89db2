"""Builder fixtures for the scoring tests: small hand-written pools and roles (no Flask, no database)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from govtech.scoring import AREAS, WEIGHT_NAMES, WORK_STYLES, ProfessionalArrays, RoleArrays, skill_codes
from govtech.scoring.arrays import days_since_epoch

START = dt.date(2025, 4, 1)


@pytest.fixture(scope="session")
def codes() -> list[str]:
    """Skill codes of the starter skill map."""
    return skill_codes()


@pytest.fixture
def make_pros(codes):
    """Build ProfessionalArrays from dicts: skills {code: level}, verified [codes], days, available_from,
    work_style, regions [area names], years, bio."""

    def build(*specs) -> ProfessionalArrays:
        """One professional per spec dict."""
        n, s = len(specs), len(codes)
        levels, verified = np.zeros((n, s), np.int8), np.zeros((n, s), bool)
        for i, spec in enumerate(specs):
            for code, level in spec.get("skills", {}).items():
                levels[i, codes.index(code)] = level
            for code in spec.get("verified", ()):
                verified[i, codes.index(code)] = True
        return ProfessionalArrays(
            ids=np.arange(1, n + 1), levels=levels, verified=verified,
            days=[sp.get("days", 3.0) for sp in specs],
            available_from=[days_since_epoch(sp.get("available_from", START)) for sp in specs],
            work_style=[WORK_STYLES.index(sp.get("work_style", "onsite")) for sp in specs],
            regions=[[a in sp.get("regions", AREAS) for a in AREAS] for sp in specs],
            public_years=[sp.get("years", 0.0) for sp in specs], bios=[sp.get("bio", "") for sp in specs],
        )

    return build


@pytest.fixture
def make_roles(codes):
    """Build RoleArrays from dicts: requirements {code: (level, "must"|"important"|"bonus")}, days, start,
    work_style, area, description."""

    def build(*specs) -> RoleArrays:
        """One role per spec dict."""
        m, s = len(specs), len(codes)
        req_level, req_weight = np.zeros((m, s), np.int8), np.zeros((m, s), np.int8)
        for j, spec in enumerate(specs):
            for code, (level, weight) in spec.get("requirements", {}).items():
                req_level[j, codes.index(code)] = level
                req_weight[j, codes.index(code)] = WEIGHT_NAMES.index(weight)
        return RoleArrays(
            ids=np.arange(1, m + 1), req_level=req_level, req_weight=req_weight,
            days=[sp.get("days", 1.0) for sp in specs],
            start=[days_since_epoch(sp.get("start", START)) for sp in specs],
            work_style=[WORK_STYLES.index(sp.get("work_style", "remote")) for sp in specs],
            area=[AREAS.index(sp.get("area", "wards")) for sp in specs],
            descriptions=[sp.get("description", "") for sp in specs],
        )

    return build
