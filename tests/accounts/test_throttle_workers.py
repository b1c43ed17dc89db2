"""Login throttling is shared by every worker: two gunicorn workers on PostgreSQL, one limit."""
from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import make_test_app

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _attempt(base: str, email: str, password: str) -> int:
    """One sign-in from a fresh browser (own cookie jar, own connection)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base}/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    try:
        return opener.open(urllib.request.Request(f"{base}/login", data=data), timeout=10).status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_failed_logins_are_counted_across_two_gunicorn_workers(pg_url, tmp_path):
    from govtech.accounts import services
    from govtech.cli import init_db
    from govtech.extensions import db

    app = make_test_app(pg_url)
    with app.app_context():
        init_db()
        services.create_user(email="victim@example.jp", password="the right password", role="coordinator")
        db.session.commit()
        db.engine.dispose()
    port = _free_port()
    log = tmp_path / "access.log"
    env = {**os.environ, "DATABASE_URL": pg_url, "SECRET_KEY": "test-secret-key", "GOVTECH_ENV": "development"}  # real argon2id cost
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s %(U)s", "app:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        # Two browsers at once, so both workers are busy and each answers some of the attempts.
        with ThreadPoolExecutor(max_workers=2) as pool:
            statuses = list(pool.map(lambda _: _attempt(base, "victim@example.jp", "wrong password!!"), range(6)))
        assert statuses.count(401) >= 5 and set(statuses) <= {401, 429}
        assert _attempt(base, "victim@example.jp", "the right password") == 429
        assert _attempt(base, " VICTIM@Example.jp ", "the right password") == 429  # same account, other spelling
    finally:
        server.terminate()
        server.wait(timeout=10)
    posts = [line.split() for line in log.read_text().splitlines() if line.endswith("/login") and " 4" in line]
    pids = {pid for pid, _status, _path in posts}
    assert len(pids) == 2, f"both workers should have answered sign-ins, saw {pids}"
