"""The README's script (govtech/api/examples/joint_procurement.py) run through the test client with tokens:
what officers and a coordinator do in the browser, done by a script."""
from __future__ import annotations

from govtech.api.examples.joint_procurement import run
from govtech.procurement.dates import tokyo_today


def caller(client, headers):
    """The script's call(method, path, body), over the Flask test client; fails loudly like the script."""
    def call(method, path, body=None):
        response = client.open(path, method=method, headers=headers, json=body)
        assert response.status_code < 400, (method, path, response.get_json())
        return response.get_json()
    return call


def test_script_runs_a_joint_tender_to_award_with_tokens(demo_app, demo_tokens):
    client = demo_app.test_client()
    result = run(caller(client, demo_tokens["officer"]), caller(client, demo_tokens["officer2"]),
                 caller(client, demo_tokens["coordinator"]), today=tokyo_today())
    tender, award, shares = result["tender"], result["award"], result["shares"]
    # B社 bid ¥50,000 × 100 licences = ¥5,000,000 < A社's ¥5,400,000; split by quantity 40:60.
    assert tender["state"] == "awarded" and (award["vendor_name"], award["total_jpy"]) == ("B社", 5_000_000)
    assert [s["municipality"]["code"] for s in shares] == ["13307", "13112"]
    assert [(s["allocated_jpy"], s["savings_jpy"]) for s in shares] == [(2_000_000, 400_000), (3_000_000, 600_000)]
    assert {p["status"] for p in tender["participations"]} == {"confirmed"}
