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
