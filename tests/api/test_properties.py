"""Property tests (hypothesis) of what the API's bulk and matching features stand on.

CSV intake (procurement requests.csv, talent professionals.csv and roles.csv): whatever bytes arrive, the
parser either returns rows or raises its own ImportFailed with line-numbered errors (never another
exception), and the import writes all rows or none. Scoring: scores lie in [0, 1], gated pairs are never
returned, and holding a skill at a higher level never lowers a score.
"""
from __future__ import annotations

import codecs
import datetime as dt

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from govtech.scoring import ProfessionalArrays, RoleArrays, SkillMapScorer, skill_codes

DB_SETTINGS = settings(max_examples=80, deadline=None, database=None,
                       suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# ---------------------------------------------------------------- CSV files

JUNK = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


def cells(good) -> st.SearchStrategy:
    """A cell that is usually plausible (good or bad values from the list), sometimes junk."""
    plausible = st.sampled_from(good) if isinstance(good, list | tuple) else good
    return st.one_of(plausible, plausible, plausible, JUNK)


def csv_file(columns: tuple[str, ...], row: st.SearchStrategy) -> st.SearchStrategy:
    """A CSV file: a header (sometimes broken), 0–6 rows, in UTF-8 (with or without BOM) or CP932."""
    def render(header, rows, encoding, bom):
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(header)
        writer.writerows(rows)
        text = buf.getvalue()
        data = text.encode(encoding, errors="replace" if encoding == "cp932" else "surrogatepass")
        return (codecs.BOM_UTF8 if bom and encoding == "utf-8" else b"") + data

    header = st.one_of(st.just(list(columns)), st.just(list(columns)), st.permutations(list(columns)),
                       st.lists(st.sampled_from(list(columns) + ["x", ""]), max_size=len(columns) + 1))
    return st.builds(render, header, st.lists(row, max_size=6), st.sampled_from(["utf-8", "cp932"]), st.booleans())


EXTERNAL = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,8}", fullmatch=True)
REQUEST_ROW = st.tuples(
    cells(EXTERNAL), cells(["13307", "世田谷区", "13112", "檜原村", "Unknown"]), cells(["ライセンス", "Zoom"]),
    cells(["office-license", "e-learning", "web-meeting", "nope"]), cells(["説明"]), cells(["1", "40", "0"]),
    cells(["ライセンス"]), cells(["2400000", "¥1,200", "0"]), cells(["2026-04-01", "2026/4/1", "2026-13-01"]),
    cells(["2026", "令和8", "1999"]))
SKILL_LISTS = ["strategy.dx-strategy:3;security.policy:2", "delivery.agile:4", "strategy.dx-strategy:²", "x:1", ""]
PROFESSIONAL_ROW = st.tuples(
    cells(EXTERNAL), cells(["山田 花子", ""]), cells(["a@example.jp", "not-an-email"]), cells(SKILL_LISTS),
    cells(["2", "0.5", "6", "nan"]), cells(["2026-04-01", "2026/04/01", ""]), cells(["remote", "hybrid", "x"]),
    cells(["wards;tama", "islands", "moon"]), cells(["3", "", "99"]), cells(["bio", ""]))
REQUIREMENT_LISTS = ["strategy.dx-strategy:3:must;data.bi:2:bonus", "delivery.agile:2:important",
                     "delivery.agile:²:must", "delivery.agile:2:often", ""]
ROLE_ROW = st.tuples(
    cells(EXTERNAL), cells(["13307", "檜原村", "Nowhere"]), cells(["CIO補佐官", ""]), cells(["説明"]),
    cells(REQUIREMENT_LISTS), cells(["1", "0.5", "0", "7"]), cells(["2026-04-01", ""]),
    cells(["remote", "onsite", "x"]), cells(["1", "", "0"]))


def count(model) -> int:
    from govtech.extensions import db

    return db.session.scalar(select(func.count()).select_from(model))


def _assert_line_errors(errors) -> None:
    assert errors, "ImportFailed without errors"
    for error in errors:
        line = error[0] if isinstance(error, tuple) else error.line
        assert isinstance(line, int) and line >= 1


def _import_all_or_nothing(model, run, data: bytes) -> None:
    """run(data) imports or raises; afterwards either every row is in or nothing changed."""
    from govtech.core.errors import DomainError
    from govtech.extensions import db
    from govtech.procurement.errors import ImportFailed as RequestImportFailed
    from govtech.talent.csv_parse import ImportFailed as TalentImportFailed

    before = count(model)
    try:
        created = run(data)
    except (RequestImportFailed, TalentImportFailed) as exc:
        _assert_line_errors(exc.errors)
        assert count(model) == before  # parsing fails before anything is written
    except DomainError:
        db.session.rollback()  # what every route and command does with a service error
        assert count(model) == before
    else:
        assert count(model) == before + created
    finally:
        db.session.rollback()


@DB_SETTINGS
@given(data=st.one_of(st.binary(max_size=600), *[csv_file(
    ("external_id", "municipality", "title", "category", "description", "quantity", "unit", "budget_jpy",
     "desired_start", "fiscal_year"), REQUEST_ROW)] * 3))
def test_request_csv_is_all_or_nothing(app, data):
    """procurement import-requests: parse raises only ImportFailed; import writes every row or none."""
    from govtech.procurement import csv_import, services
    from govtech.procurement.models import ProcurementRequest

    def run(raw: bytes) -> int:
        return services.import_requests(actor=None, rows=csv_import.parse(raw))["created"]

    _import_all_or_nothing(ProcurementRequest, run, data)


@DB_SETTINGS
@given(data=st.one_of(st.binary(max_size=600), *[csv_file(
    ("external_id", "name", "email", "skills", "days_per_week", "available_from", "work_style", "regions",
     "public_sector_years", "bio"), PROFESSIONAL_ROW)] * 3))
def test_professional_csv_is_all_or_nothing(app, data):
    """talent import-professionals: only ImportFailed with line numbers, and all rows or none."""
    from govtech.talent import csv_import
    from govtech.talent.models import Professional

    _import_all_or_nothing(Professional, lambda raw: csv_import.import_professionals(raw).created, data)


@DB_SETTINGS
@given(data=st.one_of(st.binary(max_size=600), *[csv_file(
    ("external_id", "municipality", "title", "description", "requirements", "days_per_week", "start_date",
     "work_style", "positions"), ROLE_ROW)] * 3))
def test_role_csv_is_all_or_nothing(app, data):
    """talent import-roles: only ImportFailed with line numbers, and all rows or none."""
    from govtech.talent import csv_import
    from govtech.talent.models import Role

    _import_all_or_nothing(Role, lambda raw: csv_import.import_roles(raw).created, data)


# ---------------------------------------------------------------- scoring

CODES = skill_codes()
S = len(CODES)
EPOCH_2026 = (dt.date(2026, 4, 1) - dt.date(1970, 1, 1)).days
WORDS = ["情報化予算の精査", "DX戦略", "IT governance", "調達仕様書", "security policy", "アジャイル", "データ分析",
         "BI dashboards", "首長への助言", "クラウド移行"]


@st.composite
def pools(draw):
    """(professionals, roles) with random levels, requirements, days, styles, areas, dates and texts."""
    n, m = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    levels = np.array(draw(st.lists(st.integers(0, 4), min_size=n * S, max_size=n * S)), np.int8).reshape(n, S)
    verified = np.array(draw(st.lists(st.booleans(), min_size=n * S, max_size=n * S))).reshape(n, S) & (levels > 0)
    req_level = np.zeros((m, S), np.int8)
    req_weight = np.zeros((m, S), np.int8)
    for j in range(m):
        for s in draw(st.lists(st.integers(0, S - 1), min_size=1, max_size=6, unique=True)):
            req_level[j, s], req_weight[j, s] = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    text = st.lists(st.sampled_from(WORDS), max_size=4).map(" ".join)
    pros = ProfessionalArrays(
        ids=np.arange(1, n + 1), levels=levels, verified=verified,
        days=draw(st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.0, 5.0]), min_size=n, max_size=n)),
        available_from=[EPOCH_2026 + d for d in draw(st.lists(st.integers(-60, 120), min_size=n, max_size=n))],
        work_style=draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)),
        regions=np.array(draw(st.lists(st.booleans(), min_size=n * 3, max_size=n * 3))).reshape(n, 3),
        public_years=draw(st.lists(st.integers(0, 30), min_size=n, max_size=n)),
        bios=draw(st.lists(text, min_size=n, max_size=n)))
    roles = RoleArrays(
        ids=np.arange(1, m + 1), req_level=req_level, req_weight=req_weight,
        days=draw(st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.0]), min_size=m, max_size=m)),
        start=[EPOCH_2026 + d for d in draw(st.lists(st.integers(0, 90), min_size=m, max_size=m))],
        work_style=draw(st.lists(st.integers(0, 2), min_size=m, max_size=m)),
        area=draw(st.lists(st.integers(0, 2), min_size=m, max_size=m)),
        descriptions=draw(st.lists(text, min_size=m, max_size=m)))
    return pros, roles


SCORING = settings(max_examples=40, deadline=None, database=None)


@SCORING
@given(pools())
def test_scores_in_unit_interval_and_gated_pairs_excluded(pool):
    """Every eligible score is in [0, 1]; gated pairs are -inf, never returned by top_k, never eligible."""
    pros, roles = pool
    scorer = SkillMapScorer(CODES).fit(pros)
    scores = scorer.score_matrix(roles)
    finite = np.isfinite(scores)
    assert np.all((scores[finite] >= -1e-6) & (scores[finite] <= 1 + 1e-6))
    assert np.all(np.isneginf(scores[~finite]))
    idx, val = scorer.top_k(roles, k=len(pros))
    for j in range(len(roles)):
        returned = idx[j][idx[j] >= 0]
        assert set(returned.tolist()) == set(np.flatnonzero(finite[j]).tolist())
        assert np.all((val[j][: len(returned)] >= -1e-6) & (val[j][: len(returned)] <= 1 + 1e-6))
        for explanation, row in zip(scorer.explain(roles, j, np.arange(len(pros))), range(len(pros)), strict=True):
            assert explanation["eligible"] == bool(finite[j, row])
            assert explanation["eligible"] == (not explanation["gates"])


@SCORING
@given(pools(), st.data())
def test_score_is_monotone_in_held_level(pool, data):
    """Raising one held level never lowers a score and never closes a gate."""
    pros, roles = pool
    i = data.draw(st.integers(0, len(pros) - 1))
    s = data.draw(st.integers(0, S - 1))
    assume(pros.levels[i, s] < 4)
    higher = pros.levels.copy()
    higher[i, s] = data.draw(st.integers(int(pros.levels[i, s]) + 1, 4))
    raised = ProfessionalArrays(**{**{f: getattr(pros, f) for f in pros.__dataclass_fields__}, "levels": higher})
    before = SkillMapScorer(CODES).fit(pros).score_matrix(roles)[:, i]
    after = SkillMapScorer(CODES).fit(raised).score_matrix(roles)[:, i]
    assert np.all(np.isfinite(after) | ~np.isfinite(before)), "a higher level closed a gate"
    ok = np.isfinite(before)
    assert np.all(after[ok] >= before[ok] - 1e-5)


def test_property_strategies_cover_both_outcomes(app):
    """Sanity: a well-formed requests.csv imports (the strategies above are not all failures)."""
    from govtech.procurement import csv_import, services

    data = ("external_id,municipality,title,category,description,quantity,unit,budget_jpy,desired_start,"
            "fiscal_year\r\nP-1,13307,Microsoft 365,office-license,,40,ライセンス,2400000,2026-04-01,2026\r\n")
    assert services.import_requests(actor=None, rows=csv_import.parse(data.encode()))["created"] == 1


