"""OCDS 1.1 export validated against the real schema in ../shared/ocds-1.1.5 (a missing schema fails under CI)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from govtech.extensions import db
from govtech.procurement import awards, ocds, tenders
from govtech.procurement.queries import tenders_for_export
from tests.conftest import require
from tests.procurement.builders import make_tender, to_awarded, to_tendering

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "shared" / "ocds-1.1.5"


@pytest.fixture(scope="module")
def validator():
    """Draft 4 validator of the release package, with the release schema's URL mapped to the local file."""
    require(SCHEMA_DIR.is_dir(), f"the OCDS 1.1.5 schema is not at {SCHEMA_DIR}")
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    package = json.loads((SCHEMA_DIR / "release-package-schema.json").read_text(encoding="utf-8"))
    release = json.loads((SCHEMA_DIR / "release-schema.json").read_text(encoding="utf-8"))
    registry = Registry().with_resource(release["id"], Resource.from_contents(release, default_specification=DRAFT4))
    return Draft4Validator(package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def _codes(name: str) -> set[str]:
    with (SCHEMA_DIR / "codelists" / name).open(encoding="utf-8") as fh:
        return {row["Code"] for row in csv.DictReader(fh)}


def assert_valid(validator, package: dict) -> None:
    errors = sorted(validator.iter_errors(package), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    for release in package["releases"]:  # closed codelists, checked against the CSVs too
        assert set(release["tag"]) <= _codes("releaseTag.csv")
        assert {r for p in release["parties"] for r in p["roles"]} <= _codes("partyRole.csv")
        assert release["tender"]["status"] in _codes("tenderStatus.csv")
        assert release["initiationType"] in _codes("initiationType.csv")


def _package(tender_list) -> dict:
    fresh = tenders_for_export([t.id for t in tender_list])
    return json.loads(json.dumps(ocds.release_package(fresh, uri="https://example.jp/ocds/test.json")))


def test_awarded_tender_is_a_valid_release_with_one_contract_per_municipality(app, validator):
    tender = make_tender()
    award = to_awarded(tender, bids=((None, 3_999_999, 80), (None, 4_200_000, 90)))
    package = _package([tender])
    assert_valid(validator, package)
    release = package["releases"][0]
    assert release["ocid"] == f"ocds-govtechtokyo-{tender.reference}"
    assert release["initiationType"] == "tender" and release["tag"] == ["tender", "award", "contract"]
    roles = {p["id"]: p["roles"] for p in release["parties"]}
    assert roles["JP-GOVTECH-TOKYO"] == ["procuringEntity"]
    assert sorted(k for k, v in roles.items() if v == ["buyer"]) == ["JP-LGCODE-13112", "JP-LGCODE-13307",
                                                                     "JP-LGCODE-13308"]
    assert release["tender"]["procuringEntity"]["id"] == "JP-GOVTECH-TOKYO"
    assert release["tender"]["numberOfTenderers"] == 2 and len(release["tender"]["tenderers"]) == 2
    assert len(release["tender"]["items"]) == 3
    (the_award,) = release["awards"]
    assert the_award["value"] == {"amount": award.total_jpy, "currency": "JPY"}
    assert the_award["suppliers"][0]["name"] == "Vendor 1"
    assert "supplier" in roles[the_award["suppliers"][0]["id"]]
    contracts = release["contracts"]
    assert len(contracts) == 3 and {c["awardID"] for c in contracts} == {the_award["id"]}
    assert sum(c["value"]["amount"] for c in contracts) == award.total_jpy


@pytest.mark.parametrize("state", ["survey_open", "tendering", "failed", "cancelled"])
def test_tenders_in_other_states_are_valid_too(app, validator, state):
    tender = make_tender()
    if state in ("tendering", "failed"):
        to_tendering(tender)
    if state == "failed":
        awards.record_bid(actor=None, tender=tender, vendor_name="A", total_jpy=1, valid=False, invalid_reason="x")
        tenders.fail_tender(actor=None, tender=tender, reason="有効な入札なし")
    if state == "cancelled":
        tenders.cancel_tender(actor=None, tender=tender, reason="中止")
    db.session.commit()
    package = _package([tender])
    assert_valid(validator, package)
    assert "awards" not in package["releases"][0]


def test_package_of_all_tenders_is_valid(app, validator):
    first, second = make_tender(), make_tender(codes=("13101", "13102"), quantities=(5, 6), budgets=(10, 20))
    to_awarded(first)
    package = _package([first, second])
    assert_valid(validator, package)
    assert len({r["ocid"] for r in package["releases"]}) == 2


def test_ocid_prefix_is_configurable(app):
    app.config["OCDS_OCID_PREFIX"] = "ocds-abc123-"
    tender = make_tender()
    assert ocds.ocid(tender).startswith("ocds-abc123-GT-2027-")


def test_the_validator_is_not_vacuous(app, validator):
    tender = make_tender()
    package = _package([tender])
    package["releases"][0]["tag"] = ["not-a-tag"]
    del package["releases"][0]["initiationType"]
    package["releases"][0]["tender"]["title"] = 42
    messages = [e.message for e in validator.iter_errors(package)]
    assert len(messages) >= 3
