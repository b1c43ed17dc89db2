"""One error shape for every failure, and the OpenAPI document and its human page."""
from __future__ import annotations

import re

import pytest

from tests.api.conftest import bearer

SHAPE = {"error", "message", "fields"}
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture()
def officer_headers(officer, token_for):
    return bearer(token_for(officer))


@pytest.mark.parametrize(("method", "path", "body", "status", "code"), [
    ("get", "/api/v1/nothing-here", None, 404, "not_found"),
    ("delete", "/api/v1/municipalities", None, 405, "method_not_allowed"),
    ("get", "/api/v1/pools", None, 403, "forbidden"),
    ("get", "/api/v1/requests/999999", None, 404, "not_found"),
    ("get", "/api/v1/municipalities?per_page=1000", None, 422, "validation_failed"),
    ("post", "/api/v1/requests", {"title": 3}, 422, "validation_failed"),
    ("post", "/api/v1/requests", {"category": "office-license", "title": "", "quantity": 0, "unit": "x",
                                  "budget_jpy": 1, "fiscal_year": 2026}, 422, "validation_failed"),
])
def test_every_error_has_the_same_shape(client, officer_headers, method, path, body, status, code):
    response = getattr(client, method)(path, headers=officer_headers, json=body)
    assert response.status_code == status
    data = response.get_json()
    assert set(data) == SHAPE and data["error"] == code and data["message"]
    assert all(isinstance(v, str) for v in data["fields"].values())


def test_unauthenticated_api_call_gets_json_401(client):
    response = client.get("/api/v1/requests")
    assert response.status_code == 401
    assert set(response.get_json()) == SHAPE


def test_validation_errors_name_the_fields_in_the_users_language(client, officer, token_for):
    response = client.post("/api/v1/requests", headers=bearer(token_for(officer)),
                           json={"category": "office-license", "title": "", "quantity": "many"})
    fields = response.get_json()["fields"]
    assert {"quantity", "unit", "budget_jpy", "fiscal_year"} <= set(fields)
    assert fields["unit"] == "必須項目です。"  # marshmallow's message, translated (officers default to Japanese)
    service = client.post("/api/v1/requests", headers=bearer(token_for(officer)), json={
        "category": "nope", "title": "", "quantity": 0, "unit": "x", "budget_jpy": 1, "fiscal_year": 2026})
    assert {"category", "title", "quantity"} <= set(service.get_json()["fields"])  # the service's own rules


def test_role_403_names_the_role_needed(client, officer, token_for):
    response = client.post("/api/v1/tenders", headers=bearer(token_for(officer)), json={})
    assert response.status_code == 403
    assert "コーディネーター" in response.get_json()["message"]


def test_openapi_document_is_public_and_generated_from_the_code(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "gtt_ token",
        "description": "A personal API token from /account/tokens."}
    assert {"bearerAuth": []} in spec["security"]
    operations = [(m, p, op) for p, item in spec["paths"].items() for m, op in item.items() if m in METHODS]
    assert len(operations) >= 45
    for method, path, op in operations:
        assert path.startswith("/api/v1/"), path
        assert op.get("x-roles"), f"{method} {path} does not say who may call it"
        assert op.get("summary"), f"{method} {path} has no summary"
        assert "default" in op["responses"]
    assert {"Error", "Request", "Tender", "Role", "Match", "Professional"} <= set(spec["components"]["schemas"])
    assert set(spec["components"]["schemas"]["Error"]["required"]) == SHAPE


def test_docs_page_lists_every_operation_without_scripts(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    spec = client.get("/api/openapi.json").get_json()
    count = sum(1 for item in spec["paths"].values() for method in item if method in METHODS)
    assert html.count('data-testid="operation"') == count
    assert "<script>" not in html and "cdn" not in html.lower() and "style=" not in html
    assert "/api/v1/tenders/{tender_id}/award" in html and 'id="schema-Request"' in html
    assert re.search(r"<code>If-Match</code>", html)


def test_docs_page_in_english(client):
    with client.session_transaction() as session:
        session["lang"] = "en"
    html = client.get("/api/docs").get_data(as_text=True)
    assert "How to call it" in html
