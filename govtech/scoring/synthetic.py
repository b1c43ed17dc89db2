"""Seeded synthetic talent pools and roles, and a graded ground truth, built from the DOMAIN.md principles.

Used by the quality tests and the benchmark. Each role follows an archetype (CIO補佐官, 標準化アドバイザー, …);
each professional has a persona archetype whose skills they mostly hold. Background experience relevant to a
role (e.g. 自治体での基幹業務システム標準化の経験) is told ONLY in the bio, in Japanese or English, never in
the skill levels. The ground-truth grade of a pair (0–3) is defined by the hard gates, weighted coverage and
that background, computed here independently of the scorer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from govtech.scoring._archetypes import ARCHETYPES, BIO_CAREER_EN, BIO_CAREER_JA, MUNICIPALITIES, ROLE_EXTRA
from govtech.scoring.arrays import ProfessionalArrays, RoleArrays, days_since_epoch, load_skill_map

BASE_DAY = days_since_epoch(dt.date(2025, 4, 1))
CLASS_VALUE = np.array([0.0, 1.0, 2.0, 3.0])  # weight code -> value: none, bonus, important, must


@dataclass
class SyntheticPool:
    """Generated arrays plus the hidden facts the ground truth needs."""

    professionals: ProfessionalArrays
    roles: RoleArrays
    persona: np.ndarray  # (n,) archetype index of each professional
    background: np.ndarray  # (n, A) bool: bio tells experience in archetype a's topic
    role_archetype: np.ndarray  # (m,) archetype index of each role


def _skill_index(codes):
    return {code: i for i, code in enumerate(codes)}


def make_professionals(n, rng, codes, names):
    """Generate n professionals; returns (ProfessionalArrays, persona (n,), background (n, A))."""
    idx, n_arch, n_skills = _skill_index(codes), len(ARCHETYPES), len(codes)
    persona = rng.integers(0, n_arch, n)
    # Background skills: most are absent, a few at awareness or working level.
    levels = rng.choice([0, 0, 0, 0, 1, 2], size=(n, n_skills)).astype(np.int8)
    seniority = rng.choice([0, 1, 2], size=n, p=[0.3, 0.45, 0.25])
    delta_p = np.array([[0.25, 0.35, 0.3, 0.1, 0.0], [0.1, 0.25, 0.4, 0.2, 0.05], [0.02, 0.1, 0.4, 0.3, 0.18]])
    second = np.where(rng.random(n) < 0.3, rng.integers(0, n_arch, n), -1)
    for a, arch in enumerate(ARCHETYPES):
        for code, base, _weight in arch["reqs"]:
            s = idx[code]
            for rows, shift in ((np.flatnonzero(persona == a), 0), (np.flatnonzero(second == a), -1)):
                delta = np.zeros(len(rows), dtype=int)
                for k in range(3):
                    sel = seniority[rows] == k
                    delta[sel] = rng.choice(5, size=int(sel.sum()), p=delta_p[k]) - 2
                level = np.clip(base + delta + shift, 0, 4).astype(np.int8)
                levels[rows, s] = np.maximum(levels[rows, s], level)
    verified = (levels > 0) & (rng.random((n, n_skills)) < 0.3)
    background = np.zeros((n, n_arch), dtype=bool)
    background[np.arange(n), persona] = rng.random(n) < 0.5
    distract = rng.random(n) < 0.2
    background[np.flatnonzero(distract), rng.integers(0, n_arch, int(distract.sum()))] = True
    english = rng.random(n) < 0.3
    years = np.where(rng.random(n) < 0.4, 0, rng.integers(1, 16, n)).astype(np.float32)
    days = rng.choice([1.0, 1.0, 1.5, 2.0, 2.0, 3.0, 4.0], size=n).astype(np.float32)
    bios = [_bio(i, rng, persona, background, english[i], levels[i], names, codes) for i in range(n)]
    profs = ProfessionalArrays(
        ids=np.arange(1, n + 1), levels=levels, verified=verified, days=days,
        available_from=BASE_DAY + rng.integers(-90, 120, n), work_style=rng.choice(3, n, p=[0.3, 0.45, 0.25]),
        regions=rng.random((n, 3)) < np.array([0.85, 0.5, 0.1]), public_years=years, bios=bios,
    )
    return profs, persona, background


def _bio(i, rng, persona, background, english, levels, names, codes):
    """Compose one bio: career, strongest skills, then the background topics (told only here)."""
    lang = 1 if english else 0
    career = (BIO_CAREER_EN if english else BIO_CAREER_JA)[rng.integers(len(BIO_CAREER_JA))]
    parts = [career.format(y=int(rng.integers(5, 25)))]
    top = np.argsort(-levels.astype(int) - rng.random(len(levels)))[:2]
    skill_a, skill_b = (names[codes[s]][lang] for s in top)
    parts.append(f"Strong in {skill_a} and {skill_b}." if english else f"{skill_a}や{skill_b}が得意です。")
    topics = [persona[i]] + [a for a in np.flatnonzero(background[i]) if a != persona[i]]
    for a in topics:
        if background[i, a]:
            parts.append(ARCHETYPES[a]["bio_en" if english else "bio_ja"])
    return " ".join(parts) if english else "".join(parts)


def make_roles(m, rng, codes):
    """Generate m roles from the archetypes; returns (RoleArrays, archetype index (m,))."""
    idx, n_skills = _skill_index(codes), len(codes)
    arch = rng.integers(0, len(ARCHETYPES), m)
    req_level = np.zeros((m, n_skills), dtype=np.int8)
    req_weight = np.zeros((m, n_skills), dtype=np.int8)
    descriptions = []
    for j in range(m):
        a = ARCHETYPES[arch[j]]
        for code, base, weight in a["reqs"]:
            if weight == 1 and rng.random() < 0.3:
                continue  # bonus skills are often left out
            req_level[j, idx[code]] = np.clip(base + rng.choice([-1, 0, 0, 1]), 1, 4)
            req_weight[j, idx[code]] = weight
        town = MUNICIPALITIES[rng.integers(len(MUNICIPALITIES))]
        extra = "".join(rng.choice(ROLE_EXTRA, size=2, replace=False))
        descriptions.append(f"{a['title']}（{town}） {a['role']}{a['role_topic']}{extra}")
    roles = RoleArrays(
        ids=np.arange(1, m + 1), req_level=req_level, req_weight=req_weight,
        days=rng.choice([1.0, 1.0, 1.5, 2.0, 2.0, 3.0], size=m), start=BASE_DAY + rng.integers(0, 120, m),
        work_style=rng.choice(3, m, p=[0.35, 0.45, 0.2]), area=rng.choice(3, m, p=[0.7, 0.25, 0.05]),
        descriptions=descriptions,
    )
    return roles, arch


def make_pool(n_professionals: int, n_roles: int, seed: int = 0) -> SyntheticPool:
    """Generate a seeded pool of professionals and roles over the starter skill map."""
    rng = np.random.default_rng(seed)
    skill_map = load_skill_map()
    codes = [row["code"] for row in skill_map]
    names = {row["code"]: (row["name_ja"], row["name_en"]) for row in skill_map}
    profs, persona, background = make_professionals(n_professionals, rng, codes, names)
    roles, arch = make_roles(n_roles, rng, codes)
    return SyntheticPool(profs, roles, persona, background, arch)


def true_gates(profs: ProfessionalArrays, roles: RoleArrays) -> np.ndarray:
    """Reference (m, n) bool: True where a hard gate excludes the pair (written plainly, per role)."""
    out = np.zeros((len(roles), len(profs)), dtype=bool)
    for j in range(len(roles)):
        days = profs.days < roles.days[j]
        style = profs.work_style < roles.work_style[j]
        area = (~profs.regions[:, roles.area[j]]) if roles.work_style[j] > 0 else np.zeros(len(profs), bool)
        must = roles.req_weight[j] == 3
        short = (profs.levels[:, must].astype(int) < roles.req_level[j, must].astype(int) - 1).any(axis=1)
        out[j] = days | style | area | short
    return out


def true_coverage(profs: ProfessionalArrays, roles: RoleArrays) -> np.ndarray:
    """Reference (m, n) weighted coverage in [0, 1] (written plainly, per role)."""
    out = np.zeros((len(roles), len(profs)))
    for j in range(len(roles)):
        req = roles.req_level[j].astype(float)
        skills = np.flatnonzero(req > 0)
        w = CLASS_VALUE[roles.req_weight[j, skills]]
        reach = np.minimum(profs.levels[:, skills], req[skills]) / req[skills]
        out[j] = (reach * w).sum(axis=1) / w.sum() if len(skills) else 0.0
    return out


def graded_set(n_roles: int = 40, n_professionals: int = 400, seed: int = 7):
    """Return (pool, grades (m, n) int 0–3): 0 for gated pairs, then by coverage and bio-only background."""
    pool = make_pool(n_professionals, n_roles, seed)
    cov = true_coverage(pool.professionals, pool.roles)
    bg = pool.background[:, pool.role_archetype].T  # (m, n)
    grades = np.select(
        [(cov >= 0.9) & bg, (cov >= 0.9) | ((cov >= 0.7) & bg), cov >= 0.5], [3, 2, 1], default=0
    )
    grades[true_gates(pool.professionals, pool.roles)] = 0
    return pool, grades.astype(np.int8)
