"""CSV intake: encodings, all-or-nothing with line numbers, upsert by external_id, municipalities."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.talent import csv_import
from govtech.talent.models import Professional, Role

PRO_HEADER = "external_id,name,email,skills,days_per_week,available_from,work_style,regions,public_sector_years,bio\n"
ROLE_HEADER = "external_id,municipality,title,description,requirements,days_per_week,start_date,work_style,positions\n"
PROS = PRO_HEADER + (
    "P1,佐藤 一郎,ichiro@example.jp,delivery.procurement-spec:3;security.policy:2,2,2026-04-01,hybrid,wards;tama,5,"
    "自治体の調達仕様書を作成してきました\n"
    "P2,Emma Clarke,emma@example.com,data.bi:4,1.5,,remote,,0,\"Data analyst, BI dashboards\"\n")
ROLES = ROLE_HEADER + (
    "R1,檜原村,CIO補佐官,村長への助言,strategy.dx-strategy:3:must;data.bi:2:bonus,1,2026-06-01,hybrid,1\n"
    "R2,13112,DX推進アドバイザー,業務改革,design.bpr:3:important,2,,remote,2\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_professionals_in_every_encoding(app, encoding):
    result = csv_import.import_professionals(PROS.encode(encoding))
    db.session.commit()
    assert (result.created, result.updated) == (2, 0)
    p1 = db.session.scalar(select(Professional).where(Professional.external_id == "P1"))
    assert p1.name == "佐藤 一郎" and p1.regions == ["wards", "tama"] and p1.work_style == "hybrid"
    assert {(s.skill.code, s.level) for s in p1.skills} == {("delivery.procurement-spec", 3), ("security.policy", 2)}
    assert p1.consent_to_introduce and p1.user_id is None and str(p1.available_from) == "2026-04-01"


def test_reimport_updates_by_external_id_and_keeps_unchanged_verified_levels(app, people, skill_ids):
    from govtech.talent import services

    csv_import.import_professionals(PROS.encode())
    db.session.commit()
    p1 = db.session.scalar(select(Professional).where(Professional.external_id == "P1"))
    services.verify_skill(professional=p1, skill_id=skill_ids["security.policy"], verified=True,
                          actor=people["coordinator"])
    db.session.commit()
    changed = PROS.replace("delivery.procurement-spec:3", "delivery.procurement-spec:4").replace(",2,2026", ",3,2026")
    result = csv_import.import_professionals(changed.encode())
    db.session.commit()
    assert (result.created, result.updated) == (0, 2)
    p1 = db.session.scalar(select(Professional).where(Professional.external_id == "P1"))
    levels = {s.skill.code: (s.level, s.verified) for s in p1.skills}
    assert levels == {"delivery.procurement-spec": (4, False), "security.policy": (2, True)}
    assert p1.days_per_week == 3 and p1.version > 1
    assert db.session.query(Professional).count() == 2


def test_bad_rows_are_all_reported_and_nothing_is_saved(app):
    bad = PROS + (
        "P3,,bad-email,unknown.skill:3,9,2026-13-01,anywhere,moon,-1,\n"
        "P1,Dup,dup@example.jp,data.bi:5,1,,remote,,0,\n")
    with pytest.raises(csv_import.ImportFailed) as err:
        csv_import.import_professionals(bad.encode("cp932"))
    found = {(e.line, e.column) for e in err.value.errors}
    assert {(4, "name"), (4, "email"), (4, "skills"), (4, "days_per_week"), (4, "available_from"),
            (4, "work_style"), (4, "regions"), (4, "public_sector_years"), (5, "external_id"), (5, "skills")} <= found
    db.session.rollback()
    assert db.session.query(Professional).count() == 0


def test_missing_columns_fail_at_the_header(app):
    with pytest.raises(csv_import.ImportFailed) as err:
        csv_import.import_professionals(b"external_id,name\nP1,x\n")
    assert err.value.errors[0].line == 1 and "email" in err.value.errors[0].message


def test_roles_by_name_or_code_are_open_and_upserted(app, make_role):
    result = csv_import.import_roles(ROLES.encode("cp932"))
    db.session.commit()
    assert result.created == 2
    r1 = db.session.scalar(select(Role).where(Role.external_id == "R1"))
    r2 = db.session.scalar(select(Role).where(Role.external_id == "R2"))
    assert r1.municipality.code == "13307" and r2.municipality.name_ja == "世田谷区"
    assert r1.state == "open" and r2.positions == 2 and r2.start_date is None
    assert {(q.skill.code, q.min_level, q.weight) for q in r1.requirements} == {
        ("strategy.dx-strategy", 3, "must"), ("data.bi", 2, "bonus")}
    r1.state = "closed"
    db.session.commit()
    csv_import.import_roles(ROLES.replace("村長への助言", "助言").encode())
    db.session.commit()
    db.session.refresh(r1)
    assert r1.state == "open" and r1.description == "助言" and db.session.query(Role).count() == 2


def test_bad_role_rows(app):
    bad = ROLE_HEADER + "R9,どこか村,,x,data.bi:0:must;data.ebpm:2:nice,0,2026-1-1,hybrid,0\n"
    with pytest.raises(csv_import.ImportFailed) as err:
        csv_import.import_roles(bad.encode())
    assert {e.column for e in err.value.errors} >= {"municipality", "title", "requirements", "days_per_week",
                                                    "start_date", "positions"}
    assert all(e.line == 2 for e in err.value.errors)


def test_undecodable_file(app):
    with pytest.raises(csv_import.ImportFailed):
        csv_import.import_professionals(b"\xff\xfe\x00\x81\x00")
