"""A bulk import killed with SIGKILL while writing leaves nothing half-imported, and the app restarts cleanly."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]


def _professionals_csv(path: Path, n: int) -> None:
    lines = ["external_id,name,email,skills,days_per_week,available_from,work_style,regions,public_sector_years,bio"]
    for i in range(n):
        lines.append(f"CRASH-{i},候補者 {i},crash{i}@example.jp,security.policy:3;data.bi:2,2,2027-04-01,hybrid,"
                     f"wards;tama,{i % 10},自治体の情報セキュリティポリシー改定とBIダッシュボード構築を支援した経験 {i}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_sigkill_during_import_leaves_no_partial_rows(template_db, tmp_path):
    db_path = tmp_path / "crash.sqlite3"
    shutil.copy(template_db, db_path)
    csv_path = tmp_path / "professionals.csv"
    _professionals_csv(csv_path, 40_000)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}", "SECRET_KEY": "test", "GOVTECH_ENV": "testing"}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    proc = subprocess.Popen(flask + ["talent", "import-professionals", str(csv_path)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wal = Path(str(db_path) + "-wal")
    deadline = time.time() + 120
    killed_mid_write = False
    while time.time() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 256 * 1024:  # pages of the open transaction are being written
            proc.send_signal(signal.SIGKILL)
            killed_mid_write = True
            break
        time.sleep(0.01)
    proc.wait(timeout=30)
    assert killed_mid_write, "the import finished before it could be killed mid-write; raise the row count"
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM professional")).scalar() == 0
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()
    # The app starts again on the same file: migrations are at head and the import now succeeds whole.
    restart = subprocess.run(flask + ["init-db"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert restart.returncode == 0, restart.stderr
    again = subprocess.run(flask + ["talent", "import-professionals", str(csv_path)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    with create_engine(f"sqlite:///{db_path}").connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM professional")).scalar() == 40_000
