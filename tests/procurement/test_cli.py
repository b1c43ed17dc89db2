"""`flask procurement …` commands through runner.invoke: import-requests, pool --json, export-ocds."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from govtech.extensions import db
from govtech.procurement.models import ProcurementRequest
from tests.procurement.builders import make_request, make_tender, to_awarded
from tests.procurement.test_csv_import import GOOD, _csv


def _invoke(runner, *args):
    return runner.invoke(args=["procurement", *args])


def _stdout(result) -> str:
    return result.stdout if hasattr(result, "stdout") else result.output


def test_import_requests_creates_submitted_requests_and_upserts(runner, tmp_path):
    path = tmp_path / "requests.csv"
    path.write_bytes(_csv(*GOOD).encode("cp932"))
    result = _invoke(runner, "import-requests", str(path))
    assert result.exit_code == 0, result.output
    assert "2 new" in result.stderr
    assert {r.state for r in db.session.scalars(select(ProcurementRequest))} == {"submitted"}
    path.write_bytes(_csv(GOOD[0].replace("Microsoft 365 ライセンス", "M365 E3")).encode("utf-8-sig"))
    result = _invoke(runner, "import-requests", str(path))
    assert result.exit_code == 0 and "1 updated" in result.stderr
    assert db.session.scalar(select(func.count(ProcurementRequest.id))) == 2


def test_import_requests_with_a_bad_row_exits_non_zero_and_imports_nothing(runner, tmp_path):
    path = tmp_path / "requests.csv"
    path.write_text(_csv(GOOD[0], "X-2,13307,題名,office-license,,-5,本,100,2027-04-01,2027"), encoding="utf-8")
    result = _invoke(runner, "import-requests", str(path))
    assert result.exit_code != 0
    assert "requests.csv:3: quantity:" in result.stderr
    assert db.session.scalar(select(func.count(ProcurementRequest.id))) == 0


def test_pool_json_has_the_contract_shape(runner):
    for code, title in (("13307", "Microsoft 365 E3 ライセンス"), ("13112", "M365 E3 ライセンス更新"),
                        ("13308", "マイクロソフト365 E3 ライセンス")):
        make_request(code, title=title, external_id=f"{code}-M365")
    make_request("13101", title="図書館システム更新", description="区立図書館の蔵書管理システム", category_code="other",
                 external_id="13101-LIB")
    result = _invoke(runner, "pool", "--json")
    assert result.exit_code == 0, result.output
    pools = json.loads(_stdout(result))
    assert isinstance(pools, list) and len(pools) == 1
    pool = pools[0]
    assert sorted(pool["request_ids"]) == ["13112-M365", "13307-M365", "13308-M365"]
    assert pool["category"] == "office-license"
    assert isinstance(pool["estimated_savings_jpy"], int) and pool["estimated_savings_jpy"] > 0


def test_export_ocds_by_id_reference_and_all(runner):
    tender = make_tender()
    to_awarded(tender)
    make_tender(codes=("13101", "13102"), quantities=(1, 2), budgets=(10, 20))
    one = _invoke(runner, "export-ocds", str(tender.id))
    assert one.exit_code == 0, one.output
    package = json.loads(_stdout(one))
    assert [r["ocid"] for r in package["releases"]] == [f"ocds-govtechtokyo-{tender.reference}"]
    by_ref = _invoke(runner, "export-ocds", tender.reference)
    assert json.loads(_stdout(by_ref))["releases"][0]["ocid"] == package["releases"][0]["ocid"]
    everything = json.loads(_stdout(_invoke(runner, "export-ocds", "--all")))
    assert len(everything["releases"]) == 2 and everything["version"] == "1.1"


def test_export_ocds_refuses_unknown_or_ambiguous_arguments(runner):
    assert _invoke(runner, "export-ocds", "999").exit_code != 0
    assert _invoke(runner, "export-ocds").exit_code != 0
    assert _invoke(runner, "export-ocds", "--all").exit_code != 0  # no tenders yet
