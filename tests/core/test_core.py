"""Health check, security headers, error pages, reference data, audit chain, CLI, catalogues."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select, update

from govtech.core import audit
from govtech.core.models import Municipality
from govtech.extensions import db
from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_security_headers_on_public_and_signed_in_pages(client, make_user):
    for response in (client.get("/login"), client.get("/healthz"), client.get("/nope")):
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    login(client, make_user(role="coordinator"))
    response = client.get("/")
    assert response.headers["Cache-Control"] == "no-store"
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_templates_have_no_inline_script_or_style():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>" not in text and "<script >" not in text, path
        assert " style=" not in text and "<style" not in text, path
        assert "onclick=" not in text and "onchange=" not in text, path


def test_404_page_is_friendly_and_translated(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.get_data(as_text=True)


def test_reference_data_is_complete(app):
    municipalities = db.session.scalars(select(Municipality)).all()
    assert len(municipalities) == 62
    kinds = {k: sum(m.kind == k for m in municipalities) for k in ("ward", "city", "town", "village")}
    assert kinds == {"ward": 23, "city": 26, "town": 5, "village": 8}
    assert {m.name_ja for m in municipalities} >= {"檜原村", "青ヶ島村", "世田谷区", "八王子市"}


def test_init_db_is_idempotent(runner):
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
    assert db.session.query(Municipality).count() == 62


def test_create_user_reads_password_from_stdin_and_rejects_bad_input(runner):
    ok = runner.invoke(args=["create-user", "Coord@Example.jp", "--role", "coordinator"],
                       input="a long enough password\n")
    assert ok.exit_code == 0, ok.output
    short = runner.invoke(args=["create-user", "x@example.jp", "--role", "admin"], input="short\n")
    assert short.exit_code == 1 and "12" in short.output
    unknown = runner.invoke(args=["create-user", "y@example.jp", "--role", "officer", "--municipality", "大阪市"],
                            input="a long enough password\n")
    assert unknown.exit_code == 1 and "unknown municipality" in unknown.output
    officer = runner.invoke(args=["create-user", "z@example.jp", "--role", "officer", "--municipality", "13307"],
                            input="a long enough password\n")
    assert officer.exit_code == 0, officer.output


def test_seed_demo_twice_keeps_one_account_per_demo_user(runner):
    from govtech.accounts.models import User
    for _ in range(2):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
    assert db.session.query(User).filter(User.email.like("%@demo.govtech.tokyo")).count() == 5


def test_audit_chain_detects_tampering(app, runner, make_user):
    actor = make_user(role="admin")
    for i in range(3):
        audit.record(actor=actor, action="test.step", object_type="thing", object_id=i, after={"i": i})
    db.session.commit()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["ok"] is True
    target = db.session.scalars(select(audit.AuditEvent).where(audit.AuditEvent.action == "test.step")).all()[1]
    db.session.execute(update(audit.AuditEvent).where(audit.AuditEvent.id == target.id)
                       .values(after='{"i": 99}'))
    db.session.commit()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert json.loads(broken.stdout)["broken_at"] == target.id


def test_audit_entries_carry_no_email(app, make_user):
    user = make_user(role="officer", email="private.person@example.jp")
    rows = db.session.scalars(select(audit.AuditEvent)).all()
    assert rows and all("private.person" not in (r.before or "") + (r.after or "") + r.actor_label for r in rows)
    assert user.id


def test_japanese_catalogues_are_complete():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "i18n.py"), "missing"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, "untranslated strings:\n" + result.stdout


def test_title_and_head_blocks_hold_no_page_content():
    import re

    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for block in ("title", "head"):
            for body in re.findall(r"{%\s*block " + block + r"\s*%}(.*?){%\s*endblock", text, flags=re.S):
                assert "<section" not in body and "<table" not in body and "<div" not in body, f"{path}: {block}"


def test_numbers_beyond_32_bits_in_the_query_string_are_a_400_not_a_500(app, make_user, login_as):
    client = login_as(make_user(role="coordinator"))
    for path in ("/procurement/requests?page=9223372036854775808", "/talent/roles?municipality=2147483648",
                 "/procurement/requests?fy=-99999999999", "/audit?municipality=%2B2147483648"):
        assert client.get(path).status_code == 400, path
    assert client.get("/procurement/requests?page=2").status_code == 200
    assert client.get("/procurement/requests?q=99999999999999999999").status_code == 200  # a search, not a number


def test_init_db_on_a_database_of_an_older_unreleased_schema_says_what_to_do(app):
    from sqlalchemy import text

    from govtech.extensions import db

    db.session.execute(text("UPDATE alembic_version SET version_num = 'deadbeef0000'"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 1
    assert "older, unreleased schema" in result.output and "run the command again" in result.output


def test_cached_labels_follow_the_language_and_leave_values_alone(app):
    """translated() caches a lazy msgid per language; strings with values are formatted each time."""
    from flask_babel import force_locale
    from flask_babel import lazy_gettext as _l

    from govtech.core.web import translated
    from govtech.procurement.labels import REQUEST_STATE_LABELS

    draft = REQUEST_STATE_LABELS["draft"]
    with app.test_request_context("/"):
        with force_locale("en"):
            assert translated(draft) == "Draft"
        with force_locale("ja"):
            japanese = translated(draft)
            assert japanese == str(draft) and japanese != "Draft"
            assert translated(draft) == japanese  # from the cache
        with force_locale("en"):
            assert translated(draft) == "Draft"
            assert translated(_l("%(n)s of %(p)s appointed", n=1, p=2)) == "1 of 2 appointed"
            assert translated(_l("%(n)s of %(p)s appointed", n=3, p=4)) == "3 of 4 appointed"
        assert translated("plain") == "plain"
