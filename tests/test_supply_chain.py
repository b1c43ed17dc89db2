"""Static security analysis of the product code (bandit): no finding may be left unresolved.

A finding is resolved by fixing it or by a `# nosec BXXX - reason` on the line, reviewed like any code.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import require

ROOT = Path(__file__).resolve().parent.parent


def test_bandit_finds_nothing_unresolved():
    bandit = shutil.which("bandit", path=str(Path(sys.executable).parent))
    require(bandit is not None, "bandit is not installed (it is in the test extra of pyproject.toml)")
    result = subprocess.run([bandit, "-r", "govtech", "-f", "json", "-q"], cwd=ROOT, capture_output=True, text=True)
    report = json.loads(result.stdout)
    findings = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in report["results"]]
    assert findings == []


# ---------------------------------------------------------------------------------------------------------------
# Dependency audit (pip-audit + PyPI project-JSON fallback): scripts/audit_deps.py, reviewed exceptions in
# .audit-ignore. See the script's docstring for what the fallback can and cannot judge.

AUDIT_SCRIPT = ROOT / "scripts" / "audit_deps.py"


def _load_audit_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("audit_deps", AUDIT_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pypi_reachable() -> tuple[bool, str]:
    import urllib.request

    try:
        with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=15) as response:
            json.load(response)
        return True, ""
    except Exception as exc:  # any failure means: no usable PyPI JSON API from here
        return False, f"{type(exc).__name__}: {exc}"


def test_dependencies_have_no_known_vulnerability_and_all_are_audited():
    pip_audit = shutil.which("pip-audit", path=str(Path(sys.executable).parent))
    require(pip_audit is not None, "pip-audit is not installed (it is in the test extra of pyproject.toml)")
    reachable, error = _pypi_reachable()
    require(reachable, f"pypi.org's JSON API is unreachable ({error}): the dependency audit needs it")

    result = subprocess.run([sys.executable, str(AUDIT_SCRIPT)], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode in (0, 1, 2), f"audit did not run (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
    summary = json.loads(result.stdout)
    counts = summary["counts"]

    vulnerable = [f"{v['name']} {v['version']}: {v['id']} {v['aliases']} fixed in {v['fix_versions']}"
                  for v in summary["vulnerable"]]
    assert vulnerable == [], "known vulnerabilities (upgrade, or review into .audit-ignore):\n" + result.stderr
    not_audited = [f"{n['name']} {n['version']}: {n['reason']}" for n in summary["not_audited"]]
    assert not_audited == [], "packages that could not be audited:\n" + result.stderr
    assert counts["packages"] > 50   # the whole environment was listed, not an empty one
    assert counts["audited"] + counts["not_audited_accepted"] == counts["packages"]
    assert result.returncode == 0, result.stderr


def test_audit_fallback_judges_only_what_pypi_project_json_covers(monkeypatch, tmp_path):
    """The fallback's rules, on made-up project JSON (no network)."""
    import pytest

    audit = _load_audit_module()

    def advisory(id_, fixed_in, withdrawn=None, aliases=()):
        return {"id": id_, "aliases": list(aliases), "fixed_in": fixed_in, "details": "d", "summary": None,
                "withdrawn": withdrawn}

    files = [{"requires_python": ">=3.8", "yanked": False}]
    project = {"info": {"version": "2.0", "requires_python": ">=3.8"},
               "releases": {"1.0": files, "1.5": [{"requires_python": ">=3.8", "yanked": True,
                                                   "yanked_reason": "CVE"}], "2.0": files},
               "vulnerabilities": [advisory("PYSEC-1", []), advisory("GHSA-1", [], aliases=["PYSEC-1"]),
                                   advisory("PYSEC-2", ["1.2", "2.1"]), advisory("PYSEC-3", ["1.2"]),
                                   advisory("PYSEC-4", [], withdrawn="2024-01-01T00:00:00Z")]}
    monkeypatch.setattr(audit, "fetch_project", lambda name, timeout: project)

    latest = audit.judge_from_project_json("demo", "2.0", 15)
    assert latest["audited"] and latest["reason"] is None
    # PYSEC-3 is fixed at or below 2.0; PYSEC-4 is withdrawn; PYSEC-1 and GHSA-1 are one vulnerability
    assert [v["id"] for v in latest["vulns"]] == ["PYSEC-1", "GHSA-1", "PYSEC-2"]
    assert latest["resolved"] == ["PYSEC-3"]
    assert [g["records"][0]["id"] for g in audit.group_vulns(latest["vulns"])] == ["PYSEC-1", "PYSEC-2"]

    older = audit.judge_from_project_json("demo", "1.0", 15)
    assert not older["audited"] and "not the latest release (2.0" in older["reason"]
    assert "upgrade: 2.0" in older["reason"]
    assert {v["id"] for v in older["vulns"]} == {"PYSEC-1", "GHSA-1", "PYSEC-2", "PYSEC-3"}

    yanked = audit.judge_from_project_json("demo", "1.5", 15)
    assert not yanked["audited"] and yanked["warnings"] == ["demo 1.5 is yanked on PyPI: CVE"]

    ignore = tmp_path / ".audit-ignore"
    ignore.write_text("# comment\nghsa-1 reviewed: not reachable from our code\nnumpy==2.4.6 not auditable here\n")
    ids, packages = audit.read_ignores(ignore)
    assert ids == {"GHSA-1": "reviewed: not reachable from our code"}
    assert [(str(r), reason) for r, reason in packages] == [("numpy==2.4.6", "not auditable here")]
    ignore.write_text("PYSEC-9\n")
    with pytest.raises(audit.AuditError, match="has no reason"):
        audit.read_ignores(ignore)
