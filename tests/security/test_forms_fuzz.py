"""Hypothesis over every web form: hostile values never cause a 5xx, and a rejected form writes nothing.

The forms come from the app itself: every FlaskForm subclass of a `govtech.*.forms` module, and every POST
route of the URL map outside the JSON API (which has its own property and contract tests). CASES maps each
POST route to the form it processes, the role that may post it and the objects it needs; a form or a POST
route that is not mapped fails `test_every_form_and_post_route_is_mapped`, so a new one cannot escape.

Per example hypothesis picks a mode — every field plausible, one field hostile, or every field hostile (some
missing or repeated, extra fields for mass assignment, a missing or forged CSRF token) — and posts the form.
Hostile values: wrong types, huge numbers (1e30, -1, 2**63, nan, sNaN), empty, 10,000-character strings,
control characters (NUL, ESC, U+202E), mixed scripts, spreadsheet formulas; path ids up to 2**63; CSV uploads
in UTF-8, UTF-8 with BOM, CP932 or garbage bytes. Assertions:
- never a 5xx (TESTING propagates exceptions, so an exception escaping a view fails the example too);
- a rejection (the form re-rendered with 200, a 4xx, or a redirect with an error message) changes no table,
  the audit log included (row count and content of every table, before and after);
- a background job started by a form (CSV import, pool-wide plan) finishes with a result or its own error
  message, never "internal error", and a failed import writes nothing but its job row;
- whatever a successful post stored fits its column and holds no NUL character (PostgreSQL, the production
  database, refuses both with a 5xx; SQLite, used here for speed, would accept them silently);
- no form changes an account's role or municipality (extra fields such as role=admin are ignored), and only
  the administrators' user form creates accounts other than professionals.
The module prints how many examples ran; FORMS_FUZZ_EXAMPLES raises the number per route for a deeper run.
"""
from __future__ import annotations

import hashlib
import importlib
import io
import logging
import os
import pkgutil
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask import url_for
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import String, select
from wtforms import Form
from wtforms.fields.core import UnboundField

import govtech
from govtech.extensions import db
from tests.api.test_properties import PROFESSIONAL_ROW, REQUEST_ROW, ROLE_ROW, csv_file
from tests.conftest import CSRF_RE, PASSWORD, login

EXAMPLES: Counter[str] = Counter()  # examples run per route
OUTCOMES: Counter[str] = Counter()  # accepted / rejected, over all routes
# 16 examples per route keep the module near a minute (< 90 s); FORMS_FUZZ_EXAMPLES=200 for a deeper run.
MAX_EXAMPLES = int(os.environ.get("FORMS_FUZZ_EXAMPLES", "16"))
MIN_EXAMPLES_PER_CASE = min(8, MAX_EXAMPLES)
FUZZ = settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.filter_too_much, HealthCheck.data_too_large])
INTERNAL_JOB_ERROR = "job:internal"  # the stored code of a crashed job (jobs._STORED_ERRORS)

# ---------------------------------------------------------------- values

FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-1+1", "@SUM(A1:A9)", "=1+1", '=HYPERLINK("http://evil.example","x")',
            "\t=1", "|calc"]
CONTROLS = ["\x00", "a\x00b", "\x1b[2J\x1b[31m", "\u202eevil.exe", "\u200b", "\x7f", "\r\n", "\ufeff", "\x0b\x0c",
            "\x08"]
NUMBERS = ["1e30", "-1", str(2**63), str(-(2**63) - 1), "9" * 40, "1e309", "-1e309", "nan", "NaN", "sNaN", "-sNaN",
           "inf", "-Infinity", "0x10", "1_000", "１２", "٣", "0.5", "-0", "1,000", "¥1000", "0", "00001", "1e-400",
           "3.14159265358979323846264338327950288"]
SCRIPTS = ["檜原村", "Ｔｏｋｙｏ", "Москва", "مرحبا", "שלום", "𠮷野家", "e\u0301", "👩\u200d💻", "ﾃｽﾄ", "ǅ", "ß", "İ"]
WEIRD = ["", " ", "\t", "null", "None", "true", "[]", "{}", "<script>alert(1)</script>", "' OR 1=1 --",
         "../../etc/passwd", "%00", "{{7*7}}", "${7*7}", "\\", "2026-02-30", "2026-13-01", "0000-00-00",
         "9999-12-31", "2026/04/01", "2026-04-01T00:00", "on", "y", "1", "0"]
PIECES = FORMULAS + CONTROLS + NUMBERS + SCRIPTS + WEIRD
LONG = st.sampled_from(["x" * 10_000, "あ" * 10_000, "=1," * 3_400, "\x00" * 300, "檜原村 " * 2_000])
ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
HOSTILE_SCALAR = st.one_of(
    st.sampled_from(PIECES), LONG, LONG, ANY_TEXT,
    st.lists(st.sampled_from(PIECES), min_size=2, max_size=4).map("".join),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr))
# A field sent twice is a list on the wire (MultiDict).
HOSTILE = st.one_of(HOSTILE_SCALAR, HOSTILE_SCALAR, st.lists(HOSTILE_SCALAR, min_size=2, max_size=3))
MISSING = object()  # the field is left out of the post
MASS_ASSIGNMENT = {"role": "admin", "is_admin": "1", "active": "1", "municipality_id": "1", "user_id": "1",
                   "id": "1", "state": "awarded", "session_version": "0"}


class Upload:
    """A file field's value: bytes and a file name (not a dataclass: falsifying examples print the short repr)."""

    def __init__(self, data: bytes, filename: str = "data.csv"):
        self.data, self.filename = data, filename

    def wire(self):
        return io.BytesIO(self.data), self.filename

    def __repr__(self) -> str:
        more = "…" if len(self.data) > 120 else ""
        return f"Upload({self.data[:120]!r}{more}, {self.filename!r}, {len(self.data)} bytes)"


def text(*samples: str) -> st.SearchStrategy[str]:
    """Plausible free text: the samples, or short text in any script."""
    return st.one_of(st.sampled_from(samples), st.text(st.characters(categories=("L", "N", "Zs")), min_size=1,
                                                       max_size=30))


def numbers(*samples) -> st.SearchStrategy[str]:
    return st.sampled_from([str(s) for s in samples])


def ids(*values) -> st.SearchStrategy[str]:
    return st.sampled_from([str(v) for v in values])


EMAILS = st.from_regex(r"[a-z][a-z0-9.]{0,8}@example\.jp", fullmatch=True)
CHECKBOX = st.sampled_from(["y", MISSING])
NEXT = st.sampled_from(["/", "/procurement/requests", "//evil.example/", "https://evil.example/", "javascript:x",
                        MISSING])
HOSTILE_UPLOAD = st.one_of(
    st.binary(max_size=400).map(Upload),
    st.binary(max_size=200).map(lambda b: Upload(b, "payload.exe")),
    st.just(Upload(b"", "empty.csv")),
    st.just(Upload(b"\x00" * 64 + b"\xff\xfe", "nul.csv")),
    st.just(Upload("external_id,名前\r\n=cmd|' /C calc'!A0,@SUM(A1)\r\n".encode("cp932"), "formula.csv")),
    HOSTILE_SCALAR)  # not a file at all

REQUEST_COLUMNS = ("external_id", "municipality", "title", "category", "description", "quantity", "unit",
                   "budget_jpy", "desired_start", "fiscal_year")
PROFESSIONAL_COLUMNS = ("external_id", "name", "email", "skills", "days_per_week", "available_from", "work_style",
                        "regions", "public_sector_years", "bio")
ROLE_COLUMNS = ("external_id", "municipality", "title", "description", "requirements", "days_per_week",
                "start_date", "work_style", "positions")
# A valid row per file ("{n}" makes the external id unique, "{cell}" is a free-text cell that gets hostile text).
GOOD_ROWS = {
    REQUEST_COLUMNS: ("HNH-{n}", "檜原村", "Microsoft 365 ライセンス", "office-license", "{cell}", "40", "ライセンス",
                      "2400000", "2027-04-01", "2027"),
    PROFESSIONAL_COLUMNS: ("FZ-P-{n}", "山田 花子", "p{n}@example.jp", "data.bi:3", "2", "2027-04-01", "remote", "",
                           "3", "{cell}"),
    ROLE_COLUMNS: ("FZ-R-{n}", "檜原村", "CIO補佐官", "{cell}", "data.bi:2:must", "1", "2027-04-01", "remote", "1"),
}


def _good_csv(columns: tuple[str, ...], n: int, cell: str, encoding: str) -> Upload:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerow([c.format(n=n, cell=cell) for c in GOOD_ROWS[columns]])
    return Upload(buffer.getvalue().encode(encoding, errors="replace"), "import.csv")


def csv_uploads(columns, row_strategy) -> st.SearchStrategy[Upload]:
    """CSV files from the API property tests (UTF-8 with or without BOM, CP932, junk cells), garbage bytes, and
    a valid file whose free-text cell holds hostile text (formulas, control characters, NUL, other scripts)."""
    good = st.builds(_good_csv, st.just(columns), st.integers(1, 10**6), st.one_of(st.sampled_from(PIECES), ANY_TEXT),
                     st.sampled_from(["utf-8", "utf-8-sig", "cp932"]))
    return st.one_of(csv_file(columns, row_strategy).map(lambda b: Upload(b, "import.csv")),
                     st.binary(max_size=300).map(lambda b: Upload(b, "garbage.csv")), good, good)


# ---------------------------------------------------------------- the objects the routes need

class World:
    """Users and objects of one test's database, built on demand; ids only (no ORM objects kept)."""

    def __init__(self, app, make_user):
        self.app, self.make_user = app, make_user
        self.users: dict[str, object] = {}
        self.ids: dict[str, int] = {}
        self.sessions: dict[str, Session] = {}

    def user(self, key: str):
        """One user per key: 'officer' (檜原村 13307), 'officer2' (世田谷区 13112), or a role name."""
        if key not in self.users:
            role, muni = {"officer": ("officer", "13307"), "officer2": ("officer", "13112")}.get(key, (key, None))
            self.users[key] = self.make_user(role=role, municipality=muni)
        return self.users[key]

    def fresh_user(self, role: str):
        return self.make_user(role=role, municipality="13307" if role == "officer" else None)

    def once(self, key: str, build: Callable[[], int]) -> int:
        if key not in self.ids:
            self.ids[key] = build()
            db.session.commit()
        return self.ids[key]

    def current(self, model, key: str):
        """A fresh read of a built object (the requests commit in their own sessions)."""
        db.session.rollback()
        return db.session.get(model, self.ids[key], populate_existing=True)

    # -- procurement
    def tender(self, state: str) -> int:
        from tests.procurement import builders

        def build():
            tender = builders.make_tender()
            if state in ("survey_closed", "spec_drafting", "tendering"):
                builders.join_all(tender)
                from govtech.procurement import tenders
                tenders.close_survey(actor=None, tender=tender)
                if state == "spec_drafting":
                    tenders.start_spec_drafting(actor=None, tender=tender)
                elif state == "tendering":
                    tenders.start_spec_drafting(actor=None, tender=tender)
                    tenders.update_specification(actor=None, tender=tender, specification="仕様書",
                                                 bid_deadline=tenders.tokyo_today() + timedelta(days=10))
                    tenders.publish_tender(actor=None, tender=tender)
                db.session.commit()
            elif state == "awarded":
                builders.to_awarded(tender)
            return tender.id

        return self.once(f"tender:{state}", build)

    def bid(self) -> int:
        from govtech.procurement import awards
        from govtech.procurement.models import JointTender

        def build():
            tender = db.session.get(JointTender, self.tender("tendering"))
            return awards.record_bid(actor=None, tender=tender, vendor_name="Vendor A", unit_price_jpy=None,
                                     total_jpy=4_000_000, technical_score=70).id

        return self.once("bid", build)

    def request(self, state: str, code: str = "13307") -> int:
        from tests.procurement import builders

        return self.once(f"request:{state}:{code}",
                         lambda: builders.make_request(code, submit=state == "submitted").id)

    # -- talent
    def skill_ids(self) -> list[int]:
        from govtech.core.models import Skill

        return list(db.session.scalars(select(Skill.id).where(Skill.active.is_(True)).order_by(Skill.id)))

    def role(self, code: str = "13307") -> int:
        from govtech.core.models import Municipality
        from govtech.talent.models import Role, RoleRequirement

        def build():
            muni = db.session.scalar(select(Municipality).where(Municipality.code == code))
            role = Role(municipality_id=muni.id, external_id=f"FUZZ-R-{code}", title="CIO補佐官", description="DX推進",
                        days_per_week=1.0, work_style="remote", positions=1, state="open")
            role.requirements.append(RoleRequirement(skill_id=self.skill_ids()[0], min_level=2, weight="must"))
            db.session.add(role)
            db.session.flush()
            return role.id

        return self.once(f"role:{code}", build)

    def professional(self, user_key: str | None = "professional") -> int:
        """A professional profile (of the professional user, or imported without an account)."""
        from govtech.talent.models import Professional, ProfessionalSkill

        def build():
            user = self.user(user_key) if user_key else None
            p = Professional(user_id=getattr(user, "id", None), external_id=None if user else "FUZZ-P-1",
                             name="山田 花子", email="hanako@example.jp", days_per_week=2.0, work_style="onsite",
                             public_sector_years=3, bio="DX戦略", consent_to_introduce=True)
            p.set_regions(("wards",))
            p.skills.append(ProfessionalSkill(skill_id=self.skill_ids()[0], level=3))
            db.session.add(p)
            db.session.flush()
            return p.id

        return self.once(f"professional:{user_key}", build)

    def match(self) -> int:
        from govtech.talent import workflow
        from govtech.talent.models import Professional, Role

        def build():
            return workflow.consider(role=db.session.get(Role, self.role()),
                                     professional=db.session.get(Professional, self.professional(None)),
                                     actor=self.user("coordinator")).id

        return self.once("match", build)

    def token(self, user_key: str) -> int:
        from govtech.api import tokens

        return self.once(f"token:{user_key}",
                         lambda: tokens.create_token(user=self.user(user_key), name="nightly export")[0].id)


# ---------------------------------------------------------------- the mapping: POST route -> form

Fields = Callable[[World], dict[str, st.SearchStrategy]]


@dataclass(frozen=True)
class Case:
    """One POST route and the form it processes.

    form: "<feature>.<FormClass>" of a govtech.<feature>.forms module, or None when the route reads only the
    CSRF token (and perhaps a path argument). role: who posts (None: signed out, a new browser per example).
    fields: plausible values per field. url: path arguments. fresh_user: the form changes or ends the account
    or session, so each example gets a new user. ok_200: the success answer is a 200 page, recognised by
    this marker. job: the success answer is a redirect to a background job.
    """

    endpoint: str
    form: str | None
    role: str | None
    fields: Fields = lambda w: {}
    url: Callable[[World], st.SearchStrategy[dict]] = lambda w: st.just({})
    fresh_user: bool = False
    ok_200: str | None = None
    job: bool = False
    may_write_on_401: frozenset[str] = field(default_factory=frozenset)


def _request_fields(w: World) -> dict:
    from govtech.core.models import Category

    codes = list(db.session.scalars(select(Category.code).order_by(Category.id)))
    return {"title": text("Microsoft 365 E3 ライセンス", "Zoom 年間契約"), "category": st.sampled_from(codes + [""]),
            "description": text("全庁職員向け", "=SUM(A1:A2)"), "requirements": text("SSO対応\nISMAP登録", ""),
            "quantity": numbers(40, 1, 10_000_000), "unit": text("ライセンス", "台"),
            "budget_jpy": numbers(2_400_000, 1), "fiscal_year": numbers(2026, 2027),
            "desired_start": st.sampled_from(["2027-04-01", ""]), "external_id": st.sampled_from(["", "HNH-X-1"]),
            "save": CHECKBOX, "save_submit": CHECKBOX}


def _request_edit_fields(w: World) -> dict:
    from govtech.procurement.models import ProcurementRequest

    w.request("draft")
    version = w.current(ProcurementRequest, "request:draft:13307").version
    return {**_request_fields(w), "version": ids(version, version - 1, "")}


def _tender_fields(w: World) -> dict:
    from govtech.procurement.tenders import tokyo_today

    requests = [str(w.request("submitted", code)) for code in ("13307", "13112")]
    today = tokyo_today()
    return {"title": text("共同調達: Microsoft 365"), "description": text("説明", ""),
            "category": st.sampled_from(["office-license", "e-learning", ""]), "fiscal_year": numbers(2027),
            "unit": text("ライセンス", ""),
            "survey_deadline": st.sampled_from([(today + timedelta(days=14)).isoformat(),
                                                (today - timedelta(days=1)).isoformat()]),
            "award_method": st.sampled_from(["lowest_price", "combined"]), "price_weight": numbers(70, 100),
            "quality_weight": numbers(30, 0), "allocation_rule": st.sampled_from(["quantity", "equal", "population",
                                                                                  "mix"]),
            "mix_equal": numbers(20, 0), "mix_quantity": numbers(80, 100), "mix_population": numbers(0),
            "requests": st.lists(st.sampled_from(requests), max_size=2, unique=True)}


def _allocation_fields(w: World) -> dict:
    return {"allocation_rule": st.sampled_from(["quantity", "equal", "population", "mix"]),
            "mix_equal": numbers(20, 0, 50), "mix_quantity": numbers(80, 50), "mix_population": numbers(0, 50)}


def _profile_fields(w: World) -> dict:
    skills = w.skill_ids()[:3]
    return {"name": text("山田 花子"), "email": EMAILS, "days_per_week": numbers(2, 0.5, 5),
            "available_from": st.sampled_from(["2027-04-01", ""]),
            "work_style": st.sampled_from(["remote", "hybrid", "onsite"]),
            "regions": st.lists(st.sampled_from(["wards", "tama", "islands"]), unique=True, max_size=3),
            "public_sector_years": numbers(3, 0, 60), "bio": text("自治体のDX推進を支援", ""),
            "consent_to_introduce": CHECKBOX,
            **{f"skill_{s}": st.sampled_from(["0", "1", "2", "3", "4"]) for s in skills}}


def _role_fields(w: World) -> dict:
    skills = [str(s) for s in w.skill_ids()[:4]]
    rows = {}
    for i in range(2):
        rows[f"requirements-{i}-skill"] = st.sampled_from(skills + [""])
        rows[f"requirements-{i}-min_level"] = st.sampled_from(["1", "2", "3", "4"])
        rows[f"requirements-{i}-weight"] = st.sampled_from(["must", "important", "bonus"])
    return {"title": text("CIO補佐官", "DX推進アドバイザー"), "description": text("庁内DXの助言"),
            "days_per_week": numbers(1, 0.5, 5), "start_date": st.sampled_from(["2027-04-01", ""]),
            "work_style": st.sampled_from(["remote", "hybrid", "onsite"]), "positions": numbers(1, 20),
            "template": st.sampled_from(["", "cio-adviser"]), **rows}


def _role_edit_fields(w: World) -> dict:
    from govtech.talent.models import Role

    w.role()
    version = w.current(Role, "role:13307").version
    return {**_role_fields(w), "version": ids(version, version - 1, "")}


def _match_fields(w: World) -> dict:
    from govtech.talent.models import Match
    from govtech.talent.workflow import TRANSITIONS

    w.match()
    version = w.current(Match, "match").version
    return {"action": st.sampled_from(sorted(TRANSITIONS)), "version": ids(version, version + 1),
            "note": text("面談済み", ""), "next": NEXT}


def _password_pair(good: str = "another long passphrase") -> dict:
    return {"password": st.sampled_from([good, "short"]), "confirm": st.sampled_from([good, "different passphrase"])}


def _path(**strategies) -> Callable[[World], st.SearchStrategy[dict]]:
    """Path arguments: each a strategy of the world (ids of built objects, and ids that do not fit)."""
    return lambda w: st.fixed_dictionaries({k: make(w) for k, make in strategies.items()})


def _id_of(build: Callable[[World], int], *others: int) -> Callable[[World], st.SearchStrategy[int]]:
    """Mostly the built object's id; sometimes an id of nothing, or too large for the database's INTEGER."""
    return lambda w: st.one_of(st.just(build(w)), st.just(build(w)),
                               st.sampled_from([0, 987_654, 2**31, 2**63 - 1, 2**63, 10**30, *others]))


CASES: tuple[Case, ...] = (
    # accounts
    Case("accounts.login", "accounts.LoginForm", None,
         lambda w: {"email": st.sampled_from([w.user("coordinator").email, "nobody@example.jp",
                                              " COORDINATOR1@Example.jp ", "not-an-email"]),
                    "password": st.sampled_from([PASSWORD, "wrong password!"])},
         may_write_on_401=frozenset({"login_attempt"})),
    Case("accounts.logout", "accounts.ConfirmForm", "officer", fresh_user=True),
    Case("accounts.register", "accounts.RegisterForm", None,
         lambda w: {"display_name": text("山田 花子"), "email": EMAILS, "consent": CHECKBOX, **_password_pair()}),
    Case("accounts.password", "accounts.PasswordForm", "officer",
         lambda w: {"current_password": st.sampled_from([PASSWORD, "wrong password!"]),
                    "new_password": st.sampled_from(["another long passphrase", "short"]),
                    "confirm": st.sampled_from(["another long passphrase", "different passphrase"])},
         fresh_user=True),
    Case("accounts.user_new", "accounts.UserCreateForm", "admin",
         lambda w: {"display_name": text("鈴木 一郎"), "email": EMAILS,
                    "role": st.sampled_from(["officer", "coordinator", "admin", "professional"]),
                    "municipality": ids(_municipality_id("13307"), ""), "password": st.sampled_from(
                        ["another long passphrase", "short"])}),
    Case("accounts.user_active", "accounts.ConfirmForm", "admin",
         url=_path(user_id=_id_of(lambda w: w.user("officer").id))),
    Case("accounts.delete_account", "accounts.DeleteAccountForm", "professional",
         lambda w: {"password": st.sampled_from([PASSWORD, "wrong password!"]), "confirm": CHECKBOX},
         fresh_user=True),
    # core
    Case("core.set_language", "accounts.ConfirmForm", "officer", lambda w: {"next": NEXT},
         url=lambda w: st.fixed_dictionaries({"code": st.one_of(st.sampled_from(["ja", "en", "fr"]),
                                                                HOSTILE_SCALAR.filter(bool))})),
    Case("core.notifications_read", "accounts.ConfirmForm", "officer"),
    # API tokens page
    Case("api_pages.token_list", "api.TokenForm", "officer", lambda w: {"name": text("nightly export")},
         ok_200='id="new-token-value"'),
    Case("api_pages.token_revoke", "api.RevokeForm", "officer",
         url=_path(token_id=_id_of(lambda w: w.token("officer"), -1))),
    # procurement requests
    Case("procurement.request_new", "procurement.RequestForm", "officer", _request_fields),
    Case("procurement.request_edit", "procurement.RequestForm", "officer", _request_edit_fields,
         url=_path(request_id=_id_of(lambda w: w.request("draft")))),
    Case("procurement.request_step", None, "officer",
         url=_path(request_id=_id_of(lambda w: w.request("draft")),
                   step=lambda w: st.sampled_from(["submit", "withdraw"]))),
    Case("procurement.request_review", "procurement.ReasonForm", "coordinator",
         lambda w: {"reason": text("数量の根拠を追記してください")},
         url=_path(request_id=_id_of(lambda w: w.request("submitted")),
                   step=lambda w: st.sampled_from(["return", "decline"]))),
    Case("procurement.request_import", "procurement.ImportForm", "officer",
         lambda w: {"file": csv_uploads(REQUEST_COLUMNS, REQUEST_ROW), "state": st.sampled_from(["draft", "submitted"])},
         job=True),
    # joint tenders
    Case("procurement.tender_new", "procurement.TenderForm", "coordinator", _tender_fields),
    Case("procurement.tender_join", "procurement.JoinForm", "officer",
         lambda w: {"quantity": numbers(7, 1, 10_000_000), "budget_ceiling_jpy": numbers(1_000_000, "", 0)},
         url=_path(tender_id=_id_of(lambda w: w.tender("survey_open")))),
    Case("procurement.tender_answer", None, "officer",
         url=_path(tender_id=_id_of(lambda w: w.tender("survey_open")),
                   answer=lambda w: st.sampled_from(["decline", "withdraw"]))),
    Case("procurement.tender_step", None, "coordinator",
         url=_path(tender_id=_id_of(lambda w: w.tender("survey_open")),
                   action=lambda w: st.one_of(st.sampled_from(
                       ["close_survey", "start_spec", "publish", "evaluate", "award", "start_contracting",
                        "activate", "close", "retender"]), HOSTILE_SCALAR.filter(bool)))),
    Case("procurement.tender_stop", "procurement.ReasonForm", "coordinator",
         lambda w: {"reason": text("予算が確保できなかったため")},
         url=_path(tender_id=_id_of(lambda w: w.tender("tendering")),
                   action=lambda w: st.sampled_from(["fail", "cancel"]))),
    Case("procurement.tender_reopen", "procurement.DeadlineForm", "coordinator",
         lambda w: {"deadline": st.sampled_from(["2099-01-31", "2020-01-01", ""])},
         url=_path(tender_id=_id_of(lambda w: w.tender("survey_closed")))),
    Case("procurement.tender_spec", "procurement.SpecForm", "coordinator",
         lambda w: {"specification": text("共通仕様書", ""), "bid_deadline": st.sampled_from(["2099-01-31", ""]),
                    "contract_start": st.sampled_from(["2099-04-01", ""]),
                    "contract_end": st.sampled_from(["2100-03-31", "2099-01-01", ""])},
         url=_path(tender_id=_id_of(lambda w: w.tender("spec_drafting")))),
    Case("procurement.tender_bid", "procurement.BidForm", "coordinator",
         lambda w: {"vendor_name": text("株式会社テスト", "Vendor A"), "unit_price_jpy": numbers(5000, ""),
                    "total_jpy": numbers(3_900_000, ""), "technical_score": numbers(70, 85.5, ""), "valid": CHECKBOX,
                    "invalid_reason": text("", "書類不備")},
         url=_path(tender_id=_id_of(lambda w: w.tender("tendering")))),
    Case("procurement.bid_validity", "procurement.ReasonForm", "coordinator",
         lambda w: {"reason": text("書類不備", "")},
         url=lambda w: st.fixed_dictionaries({"tender_id": st.just(w.tender("tendering")),
                                              "bid_id": _id_of(lambda w: w.bid())(w)})),
    Case("procurement.tender_allocate", "procurement.AllocationForm", "coordinator", _allocation_fields,
         url=_path(tender_id=_id_of(lambda w: w.tender("awarded")))),
    Case("procurement.category_curves", "procurement.CategoryCurveForm", "coordinator",
         lambda w: {"discount_exponent": numbers(0.2, 0.9, ""),
                    "code": st.sampled_from(["office-license", "e-learning", "nope"])}),
    # talent
    Case("talent.profile", "talent.ProfileForm", "professional", _profile_fields),
    Case("talent.role_new", "talent.RoleForm", "officer", _role_fields),
    Case("talent.role_edit", "talent.RoleForm", "officer", _role_edit_fields,
         url=_path(role_id=_id_of(lambda w: w.role(), -1))),
    Case("talent.role_state", "accounts.ConfirmForm", "officer",
         lambda w: {"state": st.sampled_from(["open", "closed", MISSING])},
         url=_path(role_id=_id_of(lambda w: w.role()))),
    Case("talent.match_action", "talent.ActionForm", "coordinator", _match_fields,
         url=_path(match_id=_id_of(lambda w: w.match()))),
    Case("talent.interest", "talent.ActionForm", "professional",
         lambda w: {"action": st.sampled_from(["interest", ""]), "version": ids(0, 1, "")},
         url=_path(role_id=_id_of(lambda w: (w.professional(), w.role())[1]))),
    Case("talent.consider", "accounts.ConfirmForm", "coordinator",
         lambda w: {"decision": st.sampled_from(["reject", "shortlist", MISSING]), "next": NEXT},
         url=_path(role_id=_id_of(lambda w: w.role()), professional_id=_id_of(lambda w: w.professional(None)))),
    Case("talent.plan", "accounts.ConfirmForm", "coordinator",
         lambda w: {"do": st.sampled_from(["compute", "apply", MISSING]), "max": numbers(1, 2, 3),
                    "pair": st.lists(st.sampled_from([f"{w.role()}:{w.professional(None)}", "1:1", "x:y", "1:2:3"]),
                                     max_size=3)}, job=True),
    Case("talent.model", "accounts.ConfirmForm", "coordinator"),
    Case("talent.verify", "accounts.ConfirmForm", "coordinator", lambda w: {"verified": st.sampled_from(["1", "0"])},
         url=_path(professional_id=_id_of(lambda w: w.professional(None)),
                   skill_id=_id_of(lambda w: w.skill_ids()[0]))),
    Case("talent.import_csv", "talent.ImportForm", "coordinator",
         lambda w: {"kind": st.sampled_from(["professionals", "roles"]),
                    "file": st.one_of(csv_uploads(PROFESSIONAL_COLUMNS, PROFESSIONAL_ROW),
                                      csv_uploads(ROLE_COLUMNS, ROLE_ROW))}, job=True),
)
FILE_FIELDS = {"file"}


def _municipality_id(code: str) -> int:
    from govtech.core.models import Municipality

    return db.session.scalar(select(Municipality.id).where(Municipality.code == code))


# ---------------------------------------------------------------- discovery

def app_forms() -> dict[str, type]:
    """Every form class defined in a govtech.<feature>.forms module, as '<feature>.<Class>'."""
    found = {}
    for info in pkgutil.walk_packages(govtech.__path__, "govtech."):
        if not info.name.endswith(".forms"):
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Form) and obj.__module__ == module.__name__:
                found[f"{info.name.split('.')[1]}.{obj.__name__}"] = obj
    return found


def _subforms(form: type) -> set[type]:
    """Forms nested in a form through FormField / FieldList(FormField(...))."""
    found: set[type] = set()

    def walk(value):
        if isinstance(value, UnboundField):
            for arg in value.args:
                walk(arg)
        elif isinstance(value, type) and issubclass(value, Form):
            found.add(value)
            found.update(_subforms(value))

    for value in vars(form).values():
        walk(value)
    for base in form.__mro__[1:]:
        if base not in (FlaskForm, Form, object) and issubclass(base, Form):
            found.update(_subforms(base))
    return found


def web_post_endpoints(app) -> set[str]:
    """Endpoints of the URL map that take POST/PUT/PATCH/DELETE, outside the JSON API under /api/."""
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.methods & {"POST", "PUT", "PATCH", "DELETE"} and not rule.rule.startswith("/api/")}


def test_every_form_and_post_route_is_mapped(app):
    forms = app_forms()
    mapped = [c.form for c in CASES if c.form]
    unknown = sorted(set(mapped) - set(forms))
    assert not unknown, f"CASES names forms that do not exist: {unknown}"
    covered = {forms[name] for name in mapped}
    for form in list(covered):
        covered |= _subforms(form)
    missing = sorted(name for name, cls in forms.items() if cls not in covered)
    assert not missing, f"forms without a case in tests/security/test_forms_fuzz.py CASES: {missing}"
    endpoints = web_post_endpoints(app)
    assert not endpoints - {c.endpoint for c in CASES}, \
        f"POST routes without a case in CASES: {sorted(endpoints - {c.endpoint for c in CASES})}"
    assert not {c.endpoint for c in CASES} - endpoints, "CASES names routes that do not take POST"
    assert len({c.endpoint for c in CASES}) == len(CASES)


# ---------------------------------------------------------------- one example

def snapshot() -> dict[str, tuple[int, str]]:
    """Row count and a digest of the content of every table (one fresh connection)."""
    out = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return out


def changed_tables(before: dict, after: dict) -> dict[str, str]:
    return {name: f"{before[name][0]} -> {after[name][0]} rows" + (" (content changed)" if before[name][0] ==
                                                                    after[name][0] else "")
            for name in before if before[name] != after[name]}


def assert_storable(tables: set[str]) -> None:
    """Stored strings fit their column and hold no NUL (PostgreSQL refuses both: a 5xx in production)."""
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name not in tables:
                continue
            columns = [c for c in table.columns if isinstance(c.type, String)]
            if not columns:
                continue
            for row in conn.execute(select(*table.primary_key.columns, *columns)):
                values = row._mapping
                for column in columns:
                    value = values[column.name]
                    if not isinstance(value, str):
                        continue
                    assert "\x00" not in value, f"{table.name}.{column.name} stored a NUL character: {value[:80]!r}"
                    limit = column.type.length
                    assert limit is None or len(value) <= limit, \
                        f"{table.name}.{column.name} stored {len(value)} characters, the column holds {limit}"


def accounts() -> dict[int, tuple[str, int | None]]:
    """Every account's role and municipality."""
    from govtech.accounts.models import User

    with db.engine.connect() as conn:
        return {row.id: (row.role, row.municipality_id)
                for row in conn.execute(select(User.id, User.role, User.municipality_id))}


def assert_no_escalation(case: Case, before: dict, after: dict) -> None:
    """No form changes an account's role or municipality (extra fields like role=admin are ignored); only the
    admins' user form creates other accounts than professionals."""
    for user_id, was in before.items():
        assert after.get(user_id, was) == was, f"user {user_id} changed from {was} to {after[user_id]}"
    if case.endpoint != "accounts.user_new":
        created = {after[i] for i in set(after) - set(before)}
        assert {role for role, _muni in created} <= {"professional"}, f"accounts created: {created}"


def pop_flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as sess:
        return list(sess.pop("_flashes", []))


def csrf_of(client, path: str) -> str:
    match = CSRF_RE.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class Session:
    """The signed-in browser of a case (or a new one per example)."""

    def __init__(self, world: World, case: Case):
        self.world, self.case = world, case
        self.client = self.token = None

    def open(self):
        if self.client is not None and not (self.case.fresh_user or self.case.role is None):
            return self.client, self.token
        client = self.world.app.test_client()
        if self.case.role is not None:
            user = self.world.fresh_user(self.case.role) if self.case.fresh_user else self.world.user(self.case.role)
            response = login(client, user)
            assert response.status_code == 302, "the case's user could not sign in"
            pop_flashes(client)
        self.client, self.token = client, csrf_of(client, "/login" if self.case.role is None else "/account/tokens")
        return self.client, self.token


def draw_post(data, case: Case, world: World, token: str) -> tuple[dict, dict]:
    """(path arguments, form data) for one example."""
    plausible = case.fields(world)
    mode = data.draw(st.sampled_from(["plausible", "one-hostile", "hostile"]), label="mode")
    values = {name: data.draw(strategy, label=name) for name, strategy in plausible.items()}

    def hostile(name):
        return HOSTILE_UPLOAD if name in FILE_FIELDS else HOSTILE

    if mode == "one-hostile" and values:
        name = data.draw(st.sampled_from(sorted(values)), label="hostile field")
        values[name] = data.draw(hostile(name), label=f"{name} (hostile)")
    elif mode == "hostile":
        for name in sorted(values):
            values[name] = data.draw(st.one_of(st.just(MISSING), hostile(name), hostile(name)),
                                     label=f"{name} (hostile)")
        extra = data.draw(st.dictionaries(st.sampled_from(sorted(MASS_ASSIGNMENT)), HOSTILE, max_size=3),
                          label="extra fields")
        values.update(extra)
    csrf = data.draw(st.sampled_from(["valid"] * 6 + ["missing", "forged", "hostile"]), label="csrf")
    if csrf == "valid":
        values["csrf_token"] = token
    elif csrf == "forged":
        values["csrf_token"] = token[:-4] + "AAAA"
    elif csrf == "hostile":
        values["csrf_token"] = data.draw(HOSTILE_SCALAR, label="csrf_token")
    path = data.draw(case.url(world), label="path")
    return path, values


def wire(values: dict) -> dict:
    out = {}
    for name, value in values.items():
        if value is MISSING:
            continue
        if isinstance(value, Upload):
            out[name] = value.wire()
        elif isinstance(value, list):
            out[name] = [v.wire() if isinstance(v, Upload) else v for v in value if v is not MISSING]
        else:
            out[name] = value
    return out


def is_rejection(case: Case, response, flashes) -> bool:
    status = response.status_code
    if status in (400, 401, 403, 404, 405, 409, 413, 422, 429):
        return True
    if status == 200:
        return not (case.ok_200 and case.ok_200 in response.get_data(as_text=True))
    assert status in (301, 302, 303), f"unexpected status {status}"
    return any(category == "error" for category, _message in flashes)


class JobLog(logging.Handler):
    """Keeps what the job runner logs (the traceback of a crashed job) for the assertion message."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage()[-3000:])


JOB_LOG = JobLog()


def check_job(location: str, before: dict) -> None:
    """A job started by the form finished with a result or its own message; a failed one wrote nothing else."""
    from govtech.core.jobs import Job

    job_id = int(re.search(r"/jobs/(\d+)", location).group(1))
    with db.engine.connect() as conn:
        status, error = conn.execute(select(Job.status, Job.error).where(Job.id == job_id)).one()
    assert status in ("done", "failed"), f"job {job_id} is {status}"
    assert error != INTERNAL_JOB_ERROR, f"job {job_id} crashed, a 5xx in disguise:\n{(JOB_LOG.lines or [''])[-1]}"
    if status == "failed":
        changed = changed_tables(before, snapshot())
        changed.pop("job", None)
        assert not changed, f"a failed job wrote: {changed}"


@pytest.fixture()
def world(app, make_user):
    app.config["JOBS_INLINE"] = True  # uploads and the plan run as jobs: at once here, to check their outcome
    logger = logging.getLogger("govtech.core.jobs")
    logger.disabled = False  # alembic's fileConfig (init-db) disables the loggers that exist before it runs
    logger.addHandler(JOB_LOG)
    yield World(app, make_user)
    logger.removeHandler(JOB_LOG)


@pytest.fixture(scope="module", autouse=True)
def _report_examples(request):
    yield
    total = sum(EXAMPLES.values())
    line = (f"forms fuzz: {total} hypothesis examples over {len(EXAMPLES)} POST routes "
            f"({len({c.form for c in CASES if c.endpoint in EXAMPLES and c.form})} forms): "
            f"{OUTCOMES['accepted']} accepted, {OUTCOMES['rejected']} rejected")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is not None and reporter is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)
    else:
        print(line)


@pytest.mark.parametrize("case", CASES, ids=[c.endpoint for c in CASES])
@FUZZ
@given(data=st.data())
def test_hostile_form_values(world, case, data):
    """Never a 5xx; a rejected form changes no table; stored values are storable on PostgreSQL."""
    session = world.sessions.setdefault(case.endpoint, Session(world, case))
    client, token = session.open()
    path, values = draw_post(data, case, world, token)
    db.session.rollback()  # the test's own session must not hold a read transaction across the request
    with world.app.test_request_context():
        url = url_for(case.endpoint, **path)
    before, users_before = snapshot(), accounts()
    response = client.post(url, data=wire(values))
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    flashes = pop_flashes(client)
    EXAMPLES[case.endpoint] += 1
    after = snapshot()
    changed = changed_tables(before, after)
    rejected = is_rejection(case, response, flashes)
    OUTCOMES["rejected" if rejected else "accepted"] += 1
    if rejected:
        allowed = case.may_write_on_401 if response.status_code == 401 else frozenset()
        unexpected = {name: how for name, how in changed.items() if name not in allowed}
        assert not unexpected, (f"{response.status_code} {flashes} — a rejected form wrote: {unexpected}")
    elif case.job and "/jobs/" in (response.location or ""):
        check_job(response.location, before)
    assert_storable(set(changed))
    assert_no_escalation(case, users_before, accounts())


@pytest.mark.parametrize("endpoint, role", [("procurement.request_import", "officer"),
                                            ("talent.import_csv", "coordinator")])
def test_an_upload_over_the_size_limit_is_the_413_page(world, endpoint, role):
    """Over MAX_CONTENT_LENGTH (20 MB): the friendly 413 page, nothing written (too slow for every example)."""
    session = Session(world, Case(endpoint, None, role))
    client, token = session.open()
    with world.app.test_request_context():
        url = url_for(endpoint)
    before = snapshot()
    size = world.app.config["MAX_CONTENT_LENGTH"] + 1
    response = client.post(url, data={"csrf_token": token, "kind": "roles", "state": "draft",
                                      "file": Upload(b"a" * size, "big.csv").wire()})
    assert response.status_code == 413
    assert re.search(r"20 ?MB", response.get_data(as_text=True))  # the page says what the limit is
    assert not changed_tables(before, snapshot())


def test_every_case_ran_enough_examples():
    """Runs after the fuzz in file order: hypothesis did not starve a case (a small search space, filters)."""
    ran = {c.endpoint: EXAMPLES[c.endpoint] for c in CASES}
    if not any(ran.values()):
        pytest.skip("the fuzz did not run in this session (selected alone)")
    starved = {k: v for k, v in ran.items() if 0 < v < MIN_EXAMPLES_PER_CASE}
    assert not starved, f"cases that ran fewer than {MIN_EXAMPLES_PER_CASE} examples: {starved}"
