"""CSV intake: UTF-8 with or without BOM and CP932, every bad row reported with its line, all or nothing."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from govtech.extensions import db
from govtech.procurement import csv_import, services
from govtech.procurement.errors import ImportFailed
from govtech.procurement.models import ProcurementRequest
from tests.conftest import csrf_token
from tests.procurement.builders import make_request

HEADER = "external_id,municipality,title,category,description,quantity,unit,budget_jpy,desired_start,fiscal_year"
GOOD = [
    "HNH-2027-01,檜原村,Microsoft 365 ライセンス,office-license,職員用,40,ライセンス,2400000,2027-04-01,2027",
    'HNH-2027-02,13307,"AI-OCR 帳票読取","ai-ocr","手書き申請書, 年間1万枚",10000,枚,"1,200,000",2027/6/1,令和9',
]


def _csv(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def _count() -> int:
    return db.session.scalar(select(func.count(ProcurementRequest.id)))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_each_excel_encoding_imports_the_same_rows(app, encoding):
    rows = csv_import.parse(_csv(*GOOD).encode(encoding))
    assert [r["title"] for r in rows] == ["Microsoft 365 ライセンス", "AI-OCR 帳票読取"]
    assert rows[1]["budget_jpy"] == 1_200_000 and rows[1]["fiscal_year"] == 2027
    assert rows[1]["desired_start"].isoformat() == "2027-06-01"
    counts = services.import_requests(actor=None, rows=rows, state="submitted")
    assert counts == {"created": 2, "updated": 0}
    assert {r.state for r in db.session.scalars(select(ProcurementRequest))} == {"submitted"}


def test_every_bad_row_is_reported_with_line_and_column_and_nothing_is_saved(app):
    data = _csv(
        GOOD[0],
        "X-2,どこか村,タイトル,office-license,,10,本,1000,2027-04-01,2027",                 # line 3: municipality
        "X-3,13307,タイトル,no-such-category,,ten,本,1000,2027-13-01,2027",                # line 4: 3 problems
        'X-4,13307,"複数行の\n説明",office-license,,5,本,1000,2026-04-01,2027',             # lines 5-6: start in FY2026
        "HNH-2027-01,13307,重複,office-license,,5,本,1000,,2027",                        # line 7: duplicate id
    ).encode("utf-8")
    with pytest.raises(ImportFailed) as exc:
        csv_import.parse(data)
    found = {(line, column) for line, column, _msg in exc.value.errors}
    assert found == {(3, "municipality"), (4, "category"), (4, "quantity"), (4, "desired_start"),
                     (5, "desired_start"), (7, "external_id")}
    assert _count() == 0


def test_missing_columns_and_undecodable_files_are_explained(app):
    with pytest.raises(ImportFailed) as exc:
        csv_import.parse(_csv("a,b", header="external_id,title").encode())
    assert {column for _l, column, _m in exc.value.errors} >= {"municipality", "quantity", "budget_jpy"}
    with pytest.raises(ImportFailed) as exc:
        csv_import.parse(b"\xff\xfe\x00\x81\x00")
    assert "UTF-8" in exc.value.errors[0][2]


def test_officer_import_is_limited_to_their_municipality(app, make_user):
    officer = make_user(role="officer", municipality="13112")
    with pytest.raises(ImportFailed) as exc:
        csv_import.parse(_csv(*GOOD).encode(), municipality_id=officer.municipality_id)
    assert [(line, col) for line, col, _m in exc.value.errors] == [(2, "municipality"), (3, "municipality")]


def test_import_updates_by_external_id_but_never_a_pooled_or_foreign_request(app):
    existing = make_request("13307", external_id="HNH-2027-01", title="古い題名", submit=False)
    rows = csv_import.parse(_csv(GOOD[0]).encode())
    assert services.import_requests(actor=None, rows=rows, state="submitted") == {"created": 0, "updated": 1}
    db.session.refresh(existing)
    assert existing.title == "Microsoft 365 ライセンス" and existing.state == "submitted"
    make_request("13112", external_id="SETAGAYA-1")
    with pytest.raises(ImportFailed) as exc:
        csv_import.parse(_csv(GOOD[0].replace("HNH-2027-01", "SETAGAYA-1")).encode())
    assert exc.value.errors[0][:2] == (2, "external_id") and "他団体" in exc.value.errors[0][2]


def _upload(client, data: bytes, state: str = "draft"):
    client.application.config["JOBS_INLINE"] = True  # the upload becomes a background job; run it at once here
    token = csrf_token(client, "/procurement/requests/import")
    return client.post("/procurement/requests/import", content_type="multipart/form-data", data={
        "csrf_token": token, "state": state, "file": (io.BytesIO(data), "requests.csv")})


def test_officer_uploads_a_cp932_file_as_drafts_in_the_browser_form(app, make_user, login_as):
    client = login_as(make_user(role="officer", municipality="13307"))
    response = _upload(client, _csv(*GOOD).encode("cp932"))
    assert response.status_code == 302 and "/jobs/" in response.location
    assert {r.state for r in db.session.scalars(select(ProcurementRequest))} == {"draft"}
    assert "/procurement/requests" in client.get(response.location).get_data(as_text=True)


def test_upload_with_bad_rows_lists_them_and_saves_nothing(app, make_user, login_as):
    client = login_as(make_user(role="officer", municipality="13307"))
    response = _upload(client, _csv(GOOD[0], "X-9,13307,,office-license,,0,本,1000,,2027").encode("utf-8-sig"),
                       state="submitted")
    html = client.get(response.location).get_data(as_text=True)
    assert "取り込みませんでした" in html and "3行目・quantity" in html and "3行目・title" in html
    assert _count() == 0


def test_bulk_import_reads_nothing_per_row_and_writes_one_chained_audit_entry_per_row(app):
    from govtech.core.audit import AuditEvent, verify_chain
    from tests.support.queries import count_queries

    def rows(n: int, prefix: str) -> list[dict]:
        lines = [f"{prefix}-{i},檜原村,ライセンス {i},office-license,職員用,{i + 1},ライセンス,{1000 * (i + 1)},,2027"
                 for i in range(n)]
        return csv_import.parse(_csv(*lines).encode())

    small, large = rows(3, "S"), rows(60, "L")
    with count_queries() as few:
        assert services.import_requests(actor=None, rows=small, state="submitted") == {"created": 3, "updated": 0}
    with count_queries() as many:
        assert services.import_requests(actor=None, rows=large, state="submitted") == {"created": 60, "updated": 0}
    db.session.commit()
    # SQLite runs one INSERT per new row (SQLAlchemy batches them on PostgreSQL); nothing else may grow.
    others = [[s for s in run if not s.lstrip().upper().startswith("INSERT")] for run in (few, many)]
    assert len(others[1]) == len(others[0]), "the import must not read or update per row"
    assert len(many) - len(others[1]) <= 2 * 60
    entries = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "request.import")).all()
    assert len(entries) == 63 and all(e.after_data["state"] == "submitted" for e in entries)
    assert {e.object_id for e in entries} == {str(r.id) for r in db.session.scalars(select(ProcurementRequest))}
    assert verify_chain()["ok"]
    assert all(r.submitted_at is not None for r in db.session.scalars(select(ProcurementRequest)))
