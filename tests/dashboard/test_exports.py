"""CSV downloads open in Excel (UTF-8 with BOM, CRLF) and cannot smuggle a formula into a spreadsheet."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from govtech.core.exports import csv_response, safe_cell, to_csv
from govtech.extensions import db
from govtech.talent import workflow
from tests.conftest import login


@pytest.mark.parametrize("text", ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\tx", "\rx",
                                  "=HYPERLINK(\"http://evil\",\"click\")"])
def test_formula_cells_get_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(("value", "expected"), [
    ("檜原村", "檜原村"), ("a=b", "a=b"), (" =1", " =1"), ("", ""), (None, ""), (-1200, -1200), (3.5, 3.5),
    (True, "1"), (date(2026, 4, 1), "2026-04-01"), (datetime(2026, 4, 1, 9, 30, 5, 123), "2026-04-01 09:30:05")])
def test_other_cells_are_kept(value, expected):
    assert safe_cell(value) == expected


def test_file_has_a_bom_crlf_and_round_trips():
    text = to_csv(["名前", "金額"], [["檜原村", -5], ['引用符"と,カンマ', 1200], ["=evil()", None]])
    assert text.startswith("\ufeff名前,金額\r\n")
    assert text.count("\r\n") == 4
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["名前", "金額"], ["檜原村", "-5"], ['引用符"と,カンマ', "1200"], ["'=evil()", ""]]


def test_response_is_an_attachment_with_an_ascii_fallback_name(app):
    with app.test_request_context():
        response = csv_response("申請-2026.csv", ["a"], [[1]])
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.data.startswith(b"\xef\xbb\xbfa\r\n1\r\n")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="__-2026.csv"')
    assert "filename*=UTF-8''%E7%94%B3%E8%AB%8B-2026.csv" in disposition


def test_suggestions_download_escapes_what_people_typed(app, people, make_role, make_professional):
    role = make_role(reqs=[("data.bi", 2, "must")])
    evil = make_professional(skills={"data.bi": 3}, name='=HYPERLINK("http://evil","x")')
    plain = make_professional(skills={"data.bi": 2}, name="山田 太郎")
    workflow.consider(role=role, professional=plain, actor=people["coordinator"])
    db.session.commit()
    client = app.test_client()
    login(client, people["coordinator"])
    response = client.get(f"/talent/roles/{role.id}/suggestions.csv")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["順位", "外部ID", "氏名"]
    by_name = {r[2]: r for r in rows[1:]}
    assert by_name["'" + evil.name][0] == "1" and by_name["'" + evil.name][5] == "data.bi"
    assert by_name["山田 太郎"][9] == "選考候補"  # already shortlisted, in the reader's language
