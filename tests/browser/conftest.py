"""Browser fixtures: the portal served on a random port, driven by Playwright in Debian's Chromium."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_test_app, require

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app with demo data on 127.0.0.1:<random port>; yields its base URL."""
    from govtech.extensions import db

    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    app = make_test_app(f"sqlite:///{path}")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["LIVE_URL"] = url
    yield type("Live", (), {"url": url, "app": app})
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session."""
    require(os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - installed by make test
        require(False, "the playwright Python package is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, request):
    """A fresh browser context (no cookies) and page; a screenshot is kept when the test fails."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    yield page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


def browser_login(page, base_url: str, email: str, password: str | None = None) -> None:
    """Sign in through the real form and wait for the home page."""
    from govtech.demo import DEMO_PASSWORD

    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", password or DEMO_PASSWORD)
    page.click("#submit")
    page.wait_for_url(f"{base_url}/")


@pytest.fixture()
def signed_in(page, live_server):
    """signed_in(email) -> page signed in as that demo account."""
    def do(email: str):
        browser_login(page, live_server.url, email)
        return page
    return do
