"""Login throttling is shared by every worker: two gunicorn workers on PostgreSQL, one limit per account and
one per client address (X-Forwarded-For counts only when the app trusts the proxy in front of it)."""
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
from dataclasses import dataclass
from pathlib import Path

import pytest

from govtech.config import Config
from tests.conftest import make_test_app

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]
PER_ACCOUNT = Config.LOGIN_MAX_FAILURES_PER_ACCOUNT
PER_IP = Config.LOGIN_MAX_FAILURES_PER_IP
RIGHT_PASSWORD = "the right password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A successful sign-in answers 302: report it instead of following it to the home page."""

    def redirect_request(self, *args, **kwargs):
        return None


def _attempt(base: str, email: str, password: str, forwarded_for: str | None = None) -> int:
    """One sign-in from a fresh browser (own cookie jar, own connection), optionally through a proxy that
    sends X-Forwarded-For; the status of the POST (302 signed in, 401 wrong, 429 throttled)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    html = opener.open(urllib.request.Request(f"{base}/login", headers=headers), timeout=10).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    try:
        return opener.open(urllib.request.Request(f"{base}/login", data=data, headers=headers), timeout=10).status
    except urllib.error.HTTPError as exc:
        return exc.code


@dataclass
class Server:
    base: str
    log: Path

    def pids(self, path: str, exclude_status: str = "") -> set[str]:
        entries = [line.split() for line in self.log.read_text().splitlines()] if self.log.exists() else []
        return {pid for pid, status, logged in entries if logged == path and status != exclude_status}

    def wait_for_both_workers(self, process: subprocess.Popen, timeout: float = 60) -> None:
        """Until both workers have answered a health check: each imports the app after the fork, and under load
        the second can still be starting when the first answers (then it would take every sign-in)."""
        deadline = time.monotonic() + timeout
        while len(self.pids("/healthz")) < 2:
            assert process.poll() is None, process.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, f"only workers {self.pids('/healthz')} answered in {timeout} s"
            with ThreadPoolExecutor(max_workers=4) as pool:
                list(pool.map(self._health, range(4)))
            time.sleep(0.05)

    def _health(self, _n) -> None:
        try:
            urllib.request.urlopen(f"{self.base}/healthz", timeout=2).read()
        except OSError:
            time.sleep(0.1)

    def login_pids(self) -> set[str]:
        """Pids of the workers that answered sign-in POSTs (302, 401, 429; the GET of the page is a 200)."""
        return self.pids("/login", exclude_status="200")


@dataclass
class AccountsDB:
    """A migrated PostgreSQL database and a way to add accounts to it."""

    url: str
    app: object

    def __call__(self, *emails: str) -> None:
        """Create coordinator accounts with RIGHT_PASSWORD."""
        from govtech.accounts import services
        from govtech.extensions import db

        with self.app.app_context():
            for email in emails:
                services.create_user(email=email, password=RIGHT_PASSWORD, role="coordinator")
            db.session.commit()
            db.engine.dispose()


@pytest.fixture()
def accounts_db(pg_url) -> AccountsDB:
    from govtech.cli import init_db
    from govtech.extensions import db

    app = make_test_app(pg_url)
    with app.app_context():
        init_db()
        db.engine.dispose()
    return AccountsDB(pg_url, app)


@pytest.fixture()
def gunicorn(accounts_db, tmp_path):
    """start(**env) -> Server: two gunicorn workers on the test database, stopped after the test. By default the
    development config (real argon2id cost); extra environment, e.g. TRUSTED_PROXIES="1", configures that
    server."""
    processes: list[subprocess.Popen] = []

    def start(**extra_env: str) -> Server:
        port = _free_port()
        log = tmp_path / f"access-{port}.log"
        env = {**os.environ, "DATABASE_URL": accounts_db.url, "SECRET_KEY": "test-secret-key",
               "GOVTECH_ENV": "development", "TRUSTED_PROXIES": "0", **extra_env}
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s %(U)s", "app:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        server = Server(f"http://127.0.0.1:{port}", log)
        server.wait_for_both_workers(processes[-1])
        return server

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def _in_parallel(attempts, browsers: int = 2) -> list[int]:
    """Several browsers at once, so both workers are busy and each answers some of the attempts."""
    with ThreadPoolExecutor(max_workers=browsers) as pool:
        return list(pool.map(lambda args: _attempt(*args), attempts))


def test_failed_logins_are_counted_across_two_gunicorn_workers(accounts_db, gunicorn):
    accounts_db("victim@example.jp")
    server = gunicorn()
    statuses = _in_parallel([(server.base, "victim@example.jp", "wrong password!!")] * 6)
    assert statuses.count(401) >= PER_ACCOUNT and set(statuses) <= {401, 429}
    assert _attempt(server.base, "victim@example.jp", RIGHT_PASSWORD) == 429
    assert _attempt(server.base, " VICTIM@Example.jp ", RIGHT_PASSWORD) == 429  # same account, other spelling
    assert len(server.login_pids()) == 2, f"both workers should have answered sign-ins, saw {server.login_pids()}"


def test_failed_logins_from_one_address_are_limited_across_two_workers(accounts_db, gunicorn):
    """Behind one trusted proxy (TRUSTED_PROXIES=1) the client address is the proxy's X-Forwarded-For entry:
    PER_IP failures over as many different accounts (each far below its own limit) block that address on
    both workers, for every account; another address still signs in."""
    existing = [f"staff{n}@example.jp" for n in range(10)]
    accounts_db(*existing, "fresh@example.jp")
    server = gunicorn(TRUSTED_PROXIES="1", GOVTECH_ENV="testing")  # cheap hashes: the limit does not depend on them
    attacker, colleague = "203.0.113.7", "198.51.100.23"
    emails = existing + [f"nobody{n}@example.jp" for n in range(PER_IP - len(existing))]  # 1 failure each
    statuses = _in_parallel([(server.base, email, "guessed password", attacker) for email in emails], browsers=4)
    assert statuses == [401] * PER_IP  # each attempt saw fewer than PER_IP failures before it
    # The address is blocked now, even for an account without failures and the right password ...
    assert _attempt(server.base, "fresh@example.jp", RIGHT_PASSWORD, attacker) == 429
    assert _attempt(server.base, "nobody-else@example.jp", "guessed password", attacker) == 429
    # ... also when the client prepends a forged address: only the entry the proxy added is trusted.
    assert _attempt(server.base, "fresh@example.jp", RIGHT_PASSWORD, f"192.0.2.1, {attacker}") == 429
    # Another address is not blocked: the same accounts sign in from there.
    assert _attempt(server.base, "fresh@example.jp", RIGHT_PASSWORD, colleague) == 302
    assert _attempt(server.base, existing[0], RIGHT_PASSWORD, colleague) == 302
    assert len(server.login_pids()) == 2, f"both workers should have answered sign-ins, saw {server.login_pids()}"


def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(accounts_db, gunicorn):
    """TRUSTED_PROXIES=0 (no proxy in front): a forged X-Forwarded-For does not change the client address, so
    rotating it does not escape the per-address limit."""
    accounts_db("fresh@example.jp")
    server = gunicorn(TRUSTED_PROXIES="0", GOVTECH_ENV="testing")
    statuses = _in_parallel([(server.base, f"nobody{n}@example.jp", "guessed password", f"10.0.{n}.1")
                             for n in range(PER_IP)], browsers=4)
    assert statuses == [401] * PER_IP
    assert _attempt(server.base, "fresh@example.jp", RIGHT_PASSWORD, "10.99.99.99") == 429
