"""What two officers and a coordinator do in the browser, done with personal API tokens (standard library only).

Two municipalities file and submit the same need; the coordinator bundles them into a joint tender; both
officers join it; the coordinator runs it to award (specification, publication, two bids, evaluation);
each officer reads their share of the cost. Run against a portal:

    GOVTECH_URL=http://127.0.0.1:5000 OFFICER_TOKEN=gtt_… OFFICER2_TOKEN=gtt_… COORDINATOR_TOKEN=gtt_… \\
        python -m govtech.api.examples.joint_procurement

`run()` takes one `call(method, path, body)` function per person, so the test suite drives the very same
steps through the Flask test client (tests/api/test_example_flow.py).
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import date, timedelta

Call = Callable[[str, str, dict | None], dict]


def http_caller(base_url: str, token: str) -> Call:
    """call(method, path, body) over HTTP with a bearer token; raises with the API's error message."""
    if not base_url.startswith(("http://", "https://")):
        raise SystemExit(f"GOVTECH_URL must be an http(s) URL, not {base_url!r}")

    def call(method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                   "Accept": "application/json"}
        request = urllib.request.Request(base_url.rstrip("/") + path, data=data, method=method,  # noqa: S310
                                         headers=headers)  # the scheme is checked above
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  # nosec B310 - http(s) only
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            error = json.loads(exc.read() or b"{}")
            raise SystemExit(f"{method} {path}: {exc.code} {error.get('error')}: {error.get('message')} "
                             f"{error.get('fields') or ''}") from exc
    return call


def run(officer: Call, officer2: Call, coordinator: Call, *, today: date | None = None) -> dict:
    """The whole joint procurement, step by step; returns the tender, its award and each share."""
    today = today or date.today()
    fiscal_year = today.year if today.month >= 4 else today.year - 1
    need = {"category": "office-license", "title": "Microsoft 365 ライセンス（職員用）", "quantity": 40,
            "unit": "ライセンス", "budget_jpy": 2_400_000, "fiscal_year": fiscal_year, "submit": True}
    # 1. Each officer files and submits their municipality's request.
    ids = [officer("POST", "/api/v1/requests", need)["id"],
           officer2("POST", "/api/v1/requests", {**need, "quantity": 60, "budget_jpy": 3_600_000})["id"]]
    # 2. The coordinator looks at the pooling suggestions and opens a joint tender for both requests.
    pools = coordinator("GET", "/api/v1/pools?per_page=100", None)["items"]
    suggested = next((p for p in pools if set(ids) <= set(p["request_ids"])), None)
    tender = coordinator("POST", "/api/v1/tenders", {
        "title": f"共同調達: Microsoft 365（{fiscal_year}年度）", "category": "office-license",
        "fiscal_year": fiscal_year, "unit": "ライセンス", "survey_deadline": str(today + timedelta(days=14)),
        "award_method": "lowest_price", "allocation_rule": "quantity", "request_ids": ids})
    url = f"/api/v1/tenders/{tender['id']}"
    # 3. Both officers join (手挙げ) with their quantity and budget ceiling.
    officer("PUT", f"{url}/participation", {"quantity": 40, "budget_ceiling_jpy": 2_400_000})
    officer2("PUT", f"{url}/participation", {"quantity": 60, "budget_ceiling_jpy": 3_600_000})
    # 4. The coordinator closes participation, writes the specification and publishes the tender.
    coordinator("POST", f"{url}/steps/close_survey", None)
    coordinator("POST", f"{url}/steps/start_spec", None)
    coordinator("PUT", f"{url}/specification", {"specification": "Microsoft 365 E3 100ライセンス、12か月。",
                                                 "bid_deadline": str(today + timedelta(days=30))})
    coordinator("POST", f"{url}/steps/publish", None)
    # 5. Bids arrive; evaluation; award (the costs are allocated by quantity at once).
    coordinator("POST", f"{url}/bids", {"vendor_name": "A社", "total_jpy": 5_400_000})
    coordinator("POST", f"{url}/bids", {"vendor_name": "B社", "unit_price_jpy": 50_000})
    coordinator("POST", f"{url}/steps/evaluate", None)
    award = coordinator("POST", f"{url}/award", None)
    # 6. Each officer reads their municipality's share and savings.
    shares = [who("GET", f"{url}/allocations", None)["items"][0] for who in (officer, officer2)]
    return {"tender": coordinator("GET", url, None), "award": award, "shares": shares,
            "suggested_pool": suggested}


def main() -> None:
    """Run against the portal named by GOVTECH_URL with the three tokens from the environment."""
    base = os.environ.get("GOVTECH_URL", "http://127.0.0.1:5000")
    callers = [http_caller(base, os.environ[name]) for name in ("OFFICER_TOKEN", "OFFICER2_TOKEN",
                                                                 "COORDINATOR_TOKEN")]
    result = run(*callers)
    tender, award = result["tender"], result["award"]
    print(f"{tender['reference']} {tender['state']}: awarded to {award['vendor_name']} for ¥{award['total_jpy']:,}")
    for share in result["shares"]:
        print(f"  {share['municipality']['name_ja']}: ¥{share['allocated_jpy']:,} (saves ¥{share['savings_jpy']:,})")


if __name__ == "__main__":
    main()
