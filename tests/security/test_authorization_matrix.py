"""Authorization matrix (issue #7): every URL rule of the app × every role × own/other municipality's object.

`MATRIX` maps each endpoint to the roles that may use it and to how its URL arguments are filled from a
fixture world of two municipalities: 檜原村 (13307, "own": the officer under test acts for it) and 世田谷区
(13112, "other"). A rule missing from the table fails `test_every_route_is_in_the_matrix`, so no new route
escapes. For every rule, method, role (anonymous, admin, coordinator, 檜原村's officer, a professional
introduced to 檜原村 only) and side, `test_matrix` asserts the status: anonymous → 302 to /login (pages) or
401 (API); wrong role → 403; another municipality's (or professional's) object → 403/404; permitted → 200/302
(201 for API creations). Unsafe calls carry a valid CSRF token (pages) or a bearer token (API). A refused call
must leave every table as it was (a fingerprint of all rows, audit trail included, before and after); a
permitted one must really write, and the database is then restored from a golden copy.

Also: extra fields (role, municipality_id, owner, state…) posted to forms and the API change nothing
(`test_no_mass_assignment_*`), list filters never widen an officer's view, and `test_figures` prints the
rules × roles × own/other figures (run with `-s`).
"""
from __future__ import annotations

import hashlib
import io
import shutil
import sqlite3
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from govtech.extensions import db
from tests.api.conftest import bearer
from tests.conftest import PASSWORD, FreshContextClient, csrf_token, login, make_test_app
from tests.procurement.builders import join_all, make_request, make_tender, to_awarded, to_tendering
from tests.talent.conftest import step

OWN, OTHER, ANY = "own", "other", "any"
BOTH = (OWN, OTHER)
ROLES = ("anonymous", "admin", "coordinator", "officer", "professional")
SIGNED_IN = ROLES[1:]
PUBLIC = ROLES
STAFF = ("coordinator", "admin")
OC = ("officer", "coordinator")
OCP = ("officer", "coordinator", "professional")
OCA = ("officer", "coordinator", "admin")
OFFICER, COORD, PRO, ADMIN = ("officer",), ("coordinator",), ("professional",), ("admin",)
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# The accounts: key -> (role, municipality code). The roles under test act as the first five.
USERS = {"admin": ("admin", None), "coordinator": ("coordinator", None), "officer": ("officer", "13307"),
         "professional": ("professional", None), "officer2": ("officer", "13112"),
         "professional2": ("professional", None), "spare": ("officer", "13308")}
SIDE_CODES = {OWN: ("13307", "13308"), OTHER: ("13112", "13308")}  # each side's tenders: with 奥多摩町
TENDER_STAGES = ("t_open", "t_closed", "t_drafting", "t_tendering", "t_nobid", "t_evaluating", "t_awarded",
                 "t_failed")
# Bookkeeping left out of the fingerprint: whole tables (None) or columns.
VOLATILE = {"login_attempt": None, "alembic_version": None, "api_token": {"last_used_at"}}
TODAY = date.today()


def day(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


# --- URL arguments and bodies that depend on the caller -----------------------------------------------------

def users_job(world, who, side):
    """Own: a job the caller started; other: one 世田谷区's officer started."""
    return world.jobs[who if who in world.users else "officer"] if side == OWN else world.jobs["officer2"]


def spare_token(world, who, side):
    """Own: one of the caller's tokens; other: 世田谷区's officer's."""
    key = who if who in world.users else "officer"
    return world.spare_tokens[key] if side == OWN else world.spare_tokens["officer2"]


def step_on(key: str, steps: dict[str, str], api: bool = False):
    """A workflow step on the side's match `key`, chosen by the caller's role, with the version they read."""
    def body(world, who, side):
        version = world.versions[world.obj[side][key]]
        return {"action": steps.get(who, "interview"), "version": version if api else str(version)}
    return body


def consider_json(world, who, side):
    return {"professional_id": world.obj[side]["cross_pro"], "decision": "shortlist"}


def role_form(world, who, side):
    return {"title": "CIO補佐官(更新)", "description": "助言", "days_per_week": "1", "start_date": day(40),
            "work_style": "remote", "positions": "2", "version": "",
            "requirements-0-skill": str(world.skill_id), "requirements-0-min_level": "2",
            "requirements-0-weight": "must"}


def profile_form(world, who, side):
    return {"name": "更新 太郎", "email": "pro.updated@example.jp", "days_per_week": "2", "available_from": "",
            "work_style": "remote", "public_sector_years": "4", "bio": "データ分析とBI",
            "consent_to_introduce": "y", f"skill_{world.skill_id}": "4"}


def requests_csv(world, who, side):
    from govtech.procurement.routes import SAMPLE_CSV

    return {"file": (io.BytesIO(SAMPLE_CSV.encode()), "requests.csv"), "state": "draft"}


def professionals_csv(world, who, side):
    data = ("external_id,name,email,skills,days_per_week,available_from,work_style,regions,"
            "public_sector_years,bio\nM-1,一括 花子,bulk@example.jp,data.bi:3,1,2026-04-01,remote,,2,BI\n")
    return {"file": (io.BytesIO(data.encode()), "professionals.csv"), "kind": "professionals"}


def login_form(world, who, side):
    return {"email": world.email("spare"), "password": PASSWORD}


REQUEST_FORM = {"title": "ノートPC 更新", "category": "office-license", "description": "職員用", "requirements": "",
                "quantity": "5", "unit": "台", "budget_jpy": "900000", "fiscal_year": "2027",
                "desired_start": "2027-04-01", "save": "1"}
TENDER_FORM = {"title": "手作業の共同調達", "description": "", "category": "office-license", "fiscal_year": "2027",
               "unit": "ライセンス", "survey_deadline": day(14), "award_method": "lowest_price",
               "price_weight": "100", "quality_weight": "0", "allocation_rule": "quantity", "mix_equal": "0",
               "mix_quantity": "0", "mix_population": "0"}
REGISTER_FORM = {"display_name": "新規 登録", "email": "new.pro@example.jp", "password": PASSWORD,
                 "confirm": PASSWORD, "consent": "y"}
PASSWORD_FORM = {"current_password": PASSWORD, "new_password": "another-horse-battery",
                 "confirm": "another-horse-battery"}
USER_FORM = {"display_name": "新規", "email": "new.staff@example.jp", "role": "coordinator", "municipality": "",
             "password": PASSWORD}
REASON = {"reason": "理由があります"}
BID_FORM = {"vendor_name": "New Vendor", "total_jpy": "1000000", "valid": "y"}
JOIN = {"quantity": "7", "budget_ceiling_jpy": "500000"}
SPEC = {"specification": "共同仕様書", "bid_deadline": day(10)}
API_REQUEST = {"category": "office-license", "title": "API request", "quantity": 3, "unit": "台",
               "budget_jpy": 30000, "fiscal_year": 2027}
API_ROLE = {"title": "API role", "days_per_week": 1, "work_style": "remote",
            "requirements": [{"skill": "data.analysis", "min_level": 2, "weight": "must"}]}
API_PROFILE = {"name": "API 花子", "email": "api.pro@example.jp", "days_per_week": 2, "work_style": "remote",
               "consent_to_introduce": True, "skills": {"data.analysis": 4}}
API_TENDER = {"title": "API tender", "category": "office-license", "fiscal_year": 2027,
              "survey_deadline": day(14), "award_method": "lowest_price", "allocation_rule": "quantity"}


@dataclass(frozen=True)
class Access:
    """Who may call an endpoint, and how (one scenario; an endpoint may list several)."""

    roles: tuple[str, ...]                       # roles past the role check (PUBLIC: the allowlist)
    args: dict = field(default_factory=dict)     # URL argument -> a side's object key | fn(world, who, side)
    fixed: dict = field(default_factory=dict)    # URL argument -> constant | fn(world)
    hidden: dict = field(default_factory=dict)   # role -> sides where the object is out of reach: 403 or 404
    refused: dict = field(default_factory=dict)  # role -> sides where a business rule says no: refused_status
    refused_status: tuple = ()                   # default: 302 (pages flash and go back), 409 (API)
    body: object = None                          # form fields / JSON | fn(world, who, side)
    ok: dict = field(default_factory=dict)       # method -> statuses of a permitted call (default by method)
    fresh: bool = False                          # the call ends or switches the session: a client of its own
    quiet: tuple = ()                            # roles whose permitted unsafe call rightly writes nothing


def tender(stage: str) -> dict:
    return {"tender_id": stage}


DRAFT, SUBMITTED, ROLE = {"request_id": "draft"}, {"request_id": "submitted"}, {"role_id": "role"}
MATCH, PENDING = {"match_id": "match"}, {"match_id": "pending"}
BID = {"tender_id": "t_tendering", "bid_id": "bid"}
TOWN = {"officer": (OTHER,)}                                # 檜原村's officer cannot reach 世田谷区's object
DRAFT_HIDDEN = {"officer": (OTHER,), "coordinator": BOTH}   # a draft: its municipality only
SELF = {"officer": (OTHER,), "professional": (OTHER,)}      # a job, a match: the caller's own only
STAFF_ONLY = {"officer": BOTH, "professional": BOTH}        # a match not accepted yet, of an imported pro
PRO_STEP, PENDING_STEP = {"professional": "withdraw"}, {"coordinator": "introduce"}

# --- the matrix: every endpoint of the app ------------------------------------------------------------------
MATRIX: dict[str, Access | list[Access]] = {
    # core and accounts
    "core.home": Access(SIGNED_IN),
    "core.audit": Access(STAFF),
    "core.municipalities": Access(STAFF),
    "core.notifications": Access(SIGNED_IN),
    "core.notifications_read": Access(SIGNED_IN, quiet=STAFF),  # staff have nothing unread in the world
    "core.job_status": Access(SIGNED_IN, args={"job_id": users_job}, hidden=SELF),
    "core.job_status_json": Access(SIGNED_IN, args={"job_id": users_job}, hidden=SELF),
    "core.favicon": Access(PUBLIC),
    "core.healthz": Access(PUBLIC),
    "core.set_language": Access(PUBLIC, fixed={"code": "en"}, fresh=True, quiet=("anonymous",)),
    "accounts.login": Access(PUBLIC, body=login_form, fresh=True, ok={"GET": (200, 302)}, quiet=SIGNED_IN),
    "accounts.register": Access(PUBLIC, body=REGISTER_FORM, fresh=True),
    "accounts.logout": Access(SIGNED_IN, fresh=True),
    "accounts.password": Access(SIGNED_IN, body=PASSWORD_FORM, fresh=True),
    "accounts.privacy": Access(SIGNED_IN),
    "accounts.my_data": Access(SIGNED_IN),
    "accounts.delete_account": Access(PRO, body={"password": PASSWORD, "confirm": "y"}, fresh=True),
    "accounts.users": Access(ADMIN),
    "accounts.user_new": Access(ADMIN, body=USER_FORM),
    "accounts.user_active": Access(ADMIN, fixed={"user_id": lambda w: w.users["spare"]}),
    "api_pages.token_list": Access(SIGNED_IN, body={"name": "matrix"}, ok={"POST": (200,)}),
    "api_pages.token_revoke": Access(SIGNED_IN, args={"token_id": spare_token},
                                     refused=dict.fromkeys(SIGNED_IN, (OTHER,))),
    "api_pages.api_docs": Access(PUBLIC),
    "api_pages.openapi_json": Access(PUBLIC),
    "dashboard.index": Access(OCA),
    # procurement requests
    "procurement.requests": Access(OC),
    "downloads.requests_csv": Access(OC),
    "procurement.request_new": Access(OFFICER, body=REQUEST_FORM),
    "procurement.request_import": Access(OFFICER, body=requests_csv),
    "procurement.request_template": Access(OFFICER),
    "procurement.request_detail": [Access(OC, args=DRAFT, hidden=DRAFT_HIDDEN),
                                   Access(OC, args=SUBMITTED, hidden=TOWN)],
    "procurement.request_edit": Access(OFFICER, args=DRAFT, hidden=TOWN, body=REQUEST_FORM),
    "procurement.request_step": [Access(OFFICER, args=DRAFT, fixed={"step": "submit"}, hidden=TOWN),
                                 Access(OFFICER, args=SUBMITTED, fixed={"step": "withdraw"}, hidden=TOWN)],
    "procurement.request_review": [
        Access(COORD, args=SUBMITTED, fixed={"step": "return"}, body=REASON),
        Access(COORD, args=DRAFT, fixed={"step": "decline"}, body=REASON, hidden=DRAFT_HIDDEN)],
    # joint tenders (an open tender is visible to every officer: 手挙げ)
    "procurement.pools": Access(COORD),
    "procurement.tenders_list": Access(COORD),
    "downloads.tenders_csv": Access(COORD),
    "procurement.tender_new": Access(COORD, body=TENDER_FORM),
    "procurement.open_tenders": Access(OFFICER),
    "procurement.tender_detail": [Access(OC, args=tender("t_awarded"), hidden=TOWN),
                                  Access(OC, args=tender("t_open"))],
    "procurement.tender_join": [
        Access(OFFICER, args=tender("t_open"), body=JOIN),
        Access(OFFICER, args=tender("t_drafting"), body=JOIN, hidden=TOWN, refused={"officer": (OWN,)},
               refused_status=(422,))],
    "procurement.tender_answer": [
        Access(OFFICER, args=tender("t_open"), fixed={"answer": "decline"}),
        Access(OFFICER, args=tender("t_drafting"), fixed={"answer": "withdraw"}, hidden=TOWN)],
    "procurement.tender_step": Access(COORD, args=tender("t_open"), fixed={"action": "close_survey"}),
    "procurement.tender_stop": [
        Access(COORD, args=tender("t_open"), fixed={"action": "cancel"}, body=REASON),
        Access(COORD, args=tender("t_nobid"), fixed={"action": "fail"}, body=REASON)],
    "procurement.tender_reopen": Access(COORD, args=tender("t_closed"), body={"deadline": day(20)}),
    "procurement.tender_spec": Access(COORD, args=tender("t_drafting"), body=SPEC),
    "procurement.tender_bid": Access(COORD, args=tender("t_tendering"), body=BID_FORM),
    "procurement.bid_validity": Access(COORD, args=BID, body=REASON),
    "procurement.tender_allocate": Access(COORD, args=tender("t_awarded"), body={"allocation_rule": "equal"}),
    "procurement.tender_ocds": Access(COORD, args=tender("t_awarded")),
    "downloads.allocations_csv": Access(OC, args=tender("t_awarded"), hidden=TOWN),
    "procurement.savings": Access(OC),
    "procurement.category_curves": Access(STAFF, body={"code": "office-license", "discount_exponent": "0.2"}),
    "procurement_open_data.index": Access(PUBLIC),
    "procurement_open_data.package_one": [  # published once awarded, never before
        Access(PUBLIC, args=tender("t_awarded")),
        Access(PUBLIC, args=tender("t_drafting"), hidden=dict.fromkeys(PUBLIC, BOTH))],
    "procurement_open_data.package_all": Access(PUBLIC),
    # talent sharing
    "talent.index": Access(OC, ok={"GET": (302,)}),
    "talent.roles": Access(OC),
    "talent.role_new": Access(OFFICER, body=role_form),
    "talent.role_detail": Access(OC, args=ROLE, hidden=TOWN),
    "talent.role_edit": Access(OC, args=ROLE, hidden=TOWN, body=role_form),
    "talent.role_state": Access(OC, args=ROLE, hidden=TOWN, body={"state": "closed"}),
    "talent.suggestions": Access(COORD, args=ROLE),
    "talent.excluded": Access(COORD, args=ROLE),
    "downloads.suggestions_csv": Access(COORD, args=ROLE),
    "talent.consider": Access(COORD, args={"role_id": "role", "professional_id": "cross_pro"},
                              body={"decision": "shortlist"}),
    "talent.candidate": [Access(OCP, args=MATCH, hidden=SELF), Access(OCP, args=PENDING, hidden=STAFF_ONLY)],
    "talent.match_action": [
        Access(OCP, args=MATCH, hidden=SELF, body=step_on("match", PRO_STEP)),
        Access(OCP, args=PENDING, hidden=STAFF_ONLY, body=step_on("pending", PENDING_STEP))],
    "talent.introductions": Access(PRO),
    "talent.my_roles": Access(PRO),
    "talent.profile": Access(PRO, body=profile_form),
    "talent.interest": Access(PRO, args=ROLE, body={"action": "interest", "version": "1"}),  # any open role
    "talent.plan": Access(COORD, body={"do": "compute", "max": "2"}),
    "talent.model": Access(COORD),
    "talent.supply": Access(COORD),
    "talent.professionals": Access(COORD),
    "talent.professional_detail": Access(COORD, args={"professional_id": "pro"}),
    "talent.verify": Access(COORD, args={"professional_id": "pro"}, fixed={"skill_id": lambda w: w.skill_id},
                            body={"verified": "1"}),
    "talent.import_csv": Access(COORD, body=professionals_csv),
    # JSON API (bearer tokens)
    "reference.me": Access(SIGNED_IN),
    "reference.municipalities": Access(SIGNED_IN),
    "reference.categories": Access(SIGNED_IN),
    "reference.skill_map": Access(SIGNED_IN),
    "requests.list_requests": Access(OC),
    "requests.create_request": Access(OFFICER, body=API_REQUEST),
    "requests.get_request": [Access(OC, args=DRAFT, hidden=DRAFT_HIDDEN),
                             Access(OC, args=SUBMITTED, hidden=TOWN)],
    "requests.update_request": Access(OFFICER, args=DRAFT, hidden=TOWN, body={"title": "API edit"}),
    "requests.submit_request": Access(OFFICER, args=DRAFT, hidden=TOWN),
    "requests.withdraw_request": Access(OFFICER, args=SUBMITTED, hidden=TOWN),
    "requests.return_request": Access(COORD, args=SUBMITTED, body=REASON),
    "requests.decline_request": [Access(COORD, args=SUBMITTED, body=REASON),
                                 Access(COORD, args=DRAFT, body=REASON, hidden=DRAFT_HIDDEN)],
    "tenders.list_tenders": Access(OC),
    "tenders.create_tender": Access(COORD, body=API_TENDER),
    "tenders.get_tender": [Access(OC, args=tender("t_awarded"), hidden=TOWN),
                           Access(OC, args=tender("t_open"))],
    "tenders.list_pools": Access(COORD),
    "tenders.put_specification": Access(COORD, args=tender("t_drafting"), body=SPEC),
    "tenders.take_step": Access(COORD, args=tender("t_open"), fixed={"step": "close_survey"}),
    "tenders.cancel_tender": Access(COORD, args=tender("t_open"), body=REASON),
    "tenders.fail_tender": Access(COORD, args=tender("t_nobid"), body=REASON),
    "tenders.reopen_tender": Access(COORD, args=tender("t_closed"), body={"deadline": day(20)}),
    "tenders.retender": Access(COORD, args=tender("t_failed")),
    "participations.list_participations": Access(OC, args=tender("t_awarded"), hidden=TOWN),
    "participations.join": [
        Access(OFFICER, args=tender("t_open"), body={"quantity": 7}),
        Access(OFFICER, args=tender("t_drafting"), body={"quantity": 7}, hidden=TOWN,
               refused={"officer": (OWN,)})],
    "participations.decline": Access(OFFICER, args=tender("t_open")),
    "participations.withdraw": Access(OFFICER, args=tender("t_drafting"), hidden=TOWN),
    "awards.list_bids": Access(OC, args=tender("t_awarded"), hidden=TOWN),
    "awards.create_bid": Access(COORD, args=tender("t_tendering"),
                                body={"vendor_name": "API Vendor", "total_jpy": 900000}),
    "awards.update_bid": Access(COORD, args=BID,
                                body={"valid": False, "invalid_reason": "書類不備"}),
    "awards.get_award": Access(OC, args=tender("t_awarded"), hidden=TOWN),
    "awards.award": Access(COORD, args=tender("t_evaluating")),
    "awards.list_allocations": Access(OC, args=tender("t_awarded"), hidden=TOWN),
    "awards.allocate": Access(COORD, args=tender("t_awarded"), body={"allocation_rule": "equal"}),
    "roles.list_roles": Access(OCP),
    "roles.create_role": Access(OFFICER, body=API_ROLE),
    "roles.get_role": Access(OCP, args=ROLE, hidden=TOWN),  # professionals: any open role
    "roles.update_role": Access(OC, args=ROLE, hidden=TOWN, body={"title": "API role edit"}),
    "roles.set_state": Access(OC, args=ROLE, hidden=TOWN, body={"state": "closed"}),
    "roles.suggestions": Access(COORD, args=ROLE),
    "roles.consider": Access(COORD, args=ROLE, body=consider_json),
    "roles.interest": Access(PRO, args=ROLE),
    "matches.list_matches": Access(OCP),
    "matches.get_match": [Access(OCP, args=MATCH, hidden=SELF), Access(OCP, args=PENDING, hidden=STAFF_ONLY)],
    "matches.transition": [
        Access(OCP, args=MATCH, hidden=SELF, body=step_on("match", PRO_STEP, api=True)),
        Access(OCP, args=PENDING, hidden=STAFF_ONLY, body=step_on("pending", PENDING_STEP, api=True))],
    "professionals.list_professionals": Access(COORD),
    "professionals.get_me": Access(PRO),
    "professionals.put_me": Access(PRO, body=API_PROFILE),
    "professionals.get_professional": Access(("coordinator", "professional"), args={"professional_id": "pro"},
                                             hidden={"professional": (OTHER,)}),
    "professionals.verify": Access(COORD, args={"professional_id": "pro"}, fixed={"skill": "data.analysis"},
                                   body={"verified": True}),
}
FIGURES: Counter = Counter()
RULES_RUN: set[str] = set()


def scenarios(endpoint: str) -> list[Access]:
    spec = MATRIX[endpoint]
    return spec if isinstance(spec, list) else [spec]


def methods_of(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def sides_of(spec: Access) -> tuple[str, ...]:
    return BOTH if spec.args else (ANY,)


def app_rules(app) -> list:
    return [r for r in app.url_map.iter_rules()
            if r.endpoint != "static" and not r.endpoint.endswith(".static")]


# --- the world ----------------------------------------------------------------------------------------------

def tender_at(stage: str, codes: tuple[str, str]):
    """A joint tender of two municipalities (both joined) brought to `stage` through the services."""
    from govtech.procurement import awards, tenders

    made = make_tender(codes=codes, quantities=(10, 20), budgets=(600_000, 1_400_000))
    if stage == "t_awarded":
        to_awarded(made)
    elif stage in ("t_open", "t_closed", "t_drafting"):
        join_all(made)
        if stage != "t_open":
            tenders.close_survey(actor=None, tender=made)
        if stage == "t_drafting":
            tenders.start_spec_drafting(actor=None, tender=made)
    else:
        to_tendering(made)
        if stage in ("t_tendering", "t_evaluating"):
            awards.record_bid(actor=None, tender=made, vendor_name="Vendor", total_jpy=1_000_000)
        if stage == "t_evaluating":
            tenders.start_evaluation(actor=None, tender=made)
        if stage == "t_failed":
            tenders.fail_tender(actor=None, tender=made, reason="no bid")
    db.session.commit()
    return made


class World:
    """One app and database for the module: users of every role, each side's objects, signed-in clients."""

    def __init__(self, app, path):
        self.app, self.path = app, path
        self.users: dict[str, int] = {}
        self.munis: dict[str, int] = {}
        self.obj: dict[str, dict[str, int]] = {OWN: {}, OTHER: {}}
        self.jobs: dict[str, int] = {}
        self.tokens: dict[str, str] = {}
        self.spare_tokens: dict[str, int] = {}
        self.versions: dict[int, int] = {}
        self.clients: dict = {}
        self.csrf: dict[str, str] = {}
        self.rules: dict[str, list] = {}
        self._columns: dict[str, list[str]] = {}
        for rule in app_rules(app):
            self.rules.setdefault(rule.endpoint, []).append(rule)

    @staticmethod
    def email(key: str) -> str:
        return f"{key}@authz.example.jp"

    def build(self) -> None:
        from govtech.accounts import services as accounts

        users = {key: accounts.create_user(email=self.email(key), password=PASSWORD, role=role,
                                           municipality=accounts.find_municipality(code) if code else None,
                                           display_name=key, consent=role == "professional")
                 for key, (role, code) in USERS.items()}
        db.session.commit()
        self.users = {key: user.id for key, user in users.items()}
        self.munis = {code: accounts.find_municipality(code).id for code in ("13307", "13112", "13308")}
        self._build_procurement()
        self._build_talent(users)
        self._build_jobs_and_tokens(users)

    def _build_procurement(self) -> None:
        from govtech.procurement.models import Bid

        for side, codes in SIDE_CODES.items():
            obj = self.obj[side]
            obj["draft"] = make_request(codes[0], submit=False).id
            obj["submitted"] = make_request(codes[0]).id
            for stage in TENDER_STAGES:
                obj[stage] = tender_at(stage, codes).id
            obj["bid"] = db.session.scalar(select(Bid.id).where(Bid.tender_id == obj["t_tendering"]))

    def _build_talent(self, users) -> None:
        """A role per municipality; a professional introduced (and accepted) to each one only; an imported
        professional shortlisted for both (not visible to officers yet)."""
        from govtech.core.models import Skill
        from govtech.talent import services, workflow
        from govtech.talent.models import Professional, ProfessionalSkill

        skills = dict(db.session.execute(select(Skill.code, Skill.id)).all())
        self.skill_id = skills["data.analysis"]
        pros = {}
        for key in ("professional", "professional2"):
            pros[key] = services.profile_for(users[key])
            services.save_profile(professional=pros[key], actor=users[key], data={
                "name": key, "email": users[key].email, "days_per_week": 2.0, "available_from": TODAY,
                "work_style": "remote", "regions": [], "public_sector_years": 3, "bio": "データ分析",
                "consent_to_introduce": True}, levels={self.skill_id: 3, skills["data.bi"]: 2})
        imported = Professional(external_id="AUTHZ-IMPORTED", name="Imported", email="imported@example.jp",
                                consent_to_introduce=True, work_style="remote", days_per_week=2.0)
        imported.skills.append(ProfessionalSkill(skill_id=self.skill_id, level=3))
        db.session.add(imported)
        db.session.flush()
        coordinator = users["coordinator"]
        cast = {OWN: ("officer", "professional", "professional2"),
                OTHER: ("officer2", "professional2", "professional")}
        for side, (officer, pro, cross) in cast.items():
            role = services.create_role(
                municipality=users[officer].municipality, actor=users[officer],
                requirements=[(self.skill_id, 2, "must")],
                data={"title": f"CIO補佐官 {officer}", "description": "データ分析の助言", "days_per_week": 1.0,
                      "start_date": TODAY + timedelta(days=30), "work_style": "remote", "positions": 2})
            match = workflow.consider(role=role, professional=pros[pro], actor=coordinator)
            pending = workflow.consider(role=role, professional=imported, actor=coordinator)
            db.session.commit()
            step(match, "introduce", coordinator)
            step(match, "accept", users[pro])
            self.versions.update({match.id: match.version, pending.id: pending.version})
            self.obj[side].update(role=role.id, match=match.id, pending=pending.id, pro=pros[pro].id,
                                  cross_pro=pros[cross].id)

    def _build_jobs_and_tokens(self, users) -> None:
        from govtech.api import tokens
        from govtech.core.jobs import Job

        for key, user in users.items():
            job = Job(kind="procurement.import_requests", created_by=user.id, payload={}, status="done",
                      result={"summary": "ok"})
            db.session.add(job)
            self.tokens[key] = tokens.create_token(user=user, name="matrix")[1]
            self.spare_tokens[key] = tokens.create_token(user=user, name="spare")[0].id
            db.session.flush()
            self.jobs[key] = job.id
        db.session.commit()

    def sign_in(self) -> None:
        """A page client per role (signed in through the real form) and a cookie-less client for the API."""
        for who in ROLES:
            self.clients[who], self.csrf[who] = self._new_client(who)
        self.api = self.app.test_client(use_cookies=False)
        for secret in self.tokens.values():  # the first use stamps last_used_at: before the golden copy
            assert self.api.get("/api/v1/me", headers=bearer(secret)).status_code == 200

    def _new_client(self, who: str):
        client = self.app.test_client()
        if who != "anonymous":
            assert login(client, self.email(who)).status_code == 302
        return client, csrf_token(client, "/login" if who == "anonymous" else "/")

    def client_for(self, who: str, api: bool, fresh: bool):
        """(client, headers, CSRF token) for a call as `who`."""
        if api:
            return self.api, (bearer(self.tokens[who]) if who != "anonymous" else {}), None
        client, token = self._new_client(who) if fresh else (self.clients[who], self.csrf[who])
        return client, {}, token

    # the database: a golden copy, a fingerprint of every row, restore
    def save_golden(self) -> None:
        db.session.remove()
        self.raw = sqlite3.connect(self.path, isolation_level=None)  # autocommit: each read sees the latest
        self.golden = sqlite3.connect(":memory:")
        self.raw.backup(self.golden)

    def restore(self) -> None:
        from govtech.talent import matrices

        db.session.remove()
        db.engine.dispose()
        self.golden.backup(self.raw)
        matrices.clear_cache()

    def fingerprint(self) -> dict[str, str]:
        """Table -> hash of all its rows (the bookkeeping in VOLATILE left out)."""
        con = self.raw
        if not self._columns:
            for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                if table.startswith("sqlite_") or (table in VOLATILE and VOLATILE[table] is None):
                    continue
                columns = con.execute(f'PRAGMA table_info("{table}")').fetchall()
                self._columns[table] = [c[1] for c in columns if c[1] not in (VOLATILE.get(table) or ())]
        out = {}
        for table, columns in self._columns.items():
            names = ", ".join(f'"{c}"' for c in columns)
            sql = f'SELECT {names} FROM "{table}" ORDER BY rowid'  # noqa: S608 - names from sqlite_master
            out[table] = hashlib.sha256(repr(con.execute(sql).fetchall()).encode()).hexdigest()
        return out

    def url(self, rule, spec: Access, who: str, side: str) -> str:
        values = {name: (value(self) if callable(value) else value) for name, value in spec.fixed.items()}
        for name, key in spec.args.items():
            values[name] = key(self, who, side) if callable(key) else self.obj[side][key]
        return rule.build(values, append_unknown=False)[1]


@pytest.fixture(scope="module")
def world(template_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("authz") / "db.sqlite3"
    shutil.copy(template_db, path)
    app = make_test_app(f"sqlite:///{path}", JOBS_INLINE=True)
    app.test_client_class = FreshContextClient
    with app.app_context():
        world = World(app, path)
        world.build()
        world.sign_in()
        world.save_golden()
        yield world
        world.golden.close()
        world.raw.close()
        db.session.remove()
        db.engine.dispose()


# --- expectations and one call ------------------------------------------------------------------------------

def expected(spec: Access, method: str, who: str, side: str, api: bool) -> tuple[str, tuple[int, ...]]:
    """('denied' | 'refused' | 'ok', the statuses allowed)."""
    if who not in spec.roles:
        if who == "anonymous":
            return "denied", (401,) if api else (302,)
        return "denied", (403,)
    if side in spec.hidden.get(who, ()):
        return "denied", (403, 404)
    if side in spec.refused.get(who, ()):
        return "refused", spec.refused_status or ((409,) if api else (302,))
    if method in spec.ok:
        return "ok", spec.ok[method]
    if method == "GET":
        return "ok", (200,)
    if not api:
        return "ok", (302,)
    return "ok", (200, 201) if method == "POST" else (200,)


def call(world: World, rule, spec: Access, method: str, who: str, side: str) -> list[str]:
    """Make one call; return what is wrong with its outcome (nothing: as the matrix says)."""
    api, unsafe = rule.rule.startswith("/api/"), method in UNSAFE
    url = world.url(rule, spec, who, side)
    kind, statuses = expected(spec, method, who, side, api)
    client, headers, token = world.client_for(who, api, fresh=spec.fresh and unsafe)
    body = spec.body(world, who, side) if callable(spec.body) else dict(spec.body or {})
    kwargs = ({"json": body} if api else {"data": {**body, "csrf_token": token}}) if unsafe else {}
    before = world.fingerprint() if unsafe else None
    response = client.open(url, method=method, headers=headers, **kwargs)
    label = f"{method} {url} as {who} ({side}, {rule.endpoint})"
    status, location = response.status_code, response.headers.get("Location", "")
    problems = []
    if status not in statuses:
        text = response.get_data(as_text=True)[:160]
        problems.append(f"{label}: {status}, expected {kind} {statuses}: {text!r}")
    elif kind == "denied" and status == 302 and "/login" not in location:
        problems.append(f"{label}: 302 to {location}, not to /login")
    elif kind != "denied" and "/login?next=" in location:
        problems.append(f"{label}: treated as signed out ({location})")
    if unsafe:
        after = world.fingerprint()
        changed = sorted(t for t in before if before[t] != after[t])
        if kind != "ok" and changed:
            problems.append(f"{label}: refused, yet it changed {changed}")
        if kind == "ok" and not changed and who not in spec.quiet and not problems:
            problems.append(f"{label}: permitted ({status}) but wrote nothing: is the test's body refused?")
        if changed or spec.fresh or kind == "ok":
            world.restore()
        FIGURES["unsafe"] += 1
    FIGURES["cases"] += 1
    FIGURES[kind] += 1
    return problems


# --- the matrix tests ---------------------------------------------------------------------------------------

def test_every_route_is_in_the_matrix(world):
    rules = app_rules(world.app)
    missing = sorted({f"new route {r.rule} ({r.endpoint}) is not in the authorization matrix"
                      for r in rules if r.endpoint not in MATRIX})
    assert not missing, "\n".join(missing)
    stale = sorted(set(MATRIX) - set(world.rules))
    assert not stale, f"the matrix lists endpoints the app no longer has: {stale}"
    doubled = sorted(e for e, rs in world.rules.items() if len(rs) > 1)
    assert not doubled, f"one endpoint with several URL rules: the matrix needs an entry per rule: {doubled}"
    unfilled = [f"{r.endpoint}: {sorted(left)}" for r in rules for s in scenarios(r.endpoint)
                if (left := set(r.arguments) - set(s.args) - set(s.fixed))]
    assert not unfilled, f"the matrix does not say how to fill these URL arguments: {unfilled}"


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_matrix(world, endpoint):
    assert endpoint in world.rules, f"{endpoint} is in the matrix but not in the app"
    rule = world.rules[endpoint][0]
    problems = []
    for spec in scenarios(endpoint):
        for method in methods_of(rule):
            for who in ROLES:
                for side in sides_of(spec):
                    problems += call(world, rule, spec, method, who, side)
    RULES_RUN.add(endpoint)
    assert not problems, "\n".join(problems)


# --- no mass assignment: extra fields in forms and JSON never reach protected columns -----------------------

@contextmanager
def scratch(world):
    """Whatever the block writes is rolled back to the golden world afterwards."""
    try:
        yield
    finally:
        world.restore()


def fresh(model, ident):
    """The row as the database has it now (not a stale copy from this test's session)."""
    db.session.remove()
    return db.session.get(model, ident)


def send(world, who: str, method: str, url: str, body: dict, *, api=False, fresh_client=False):
    client, headers, token = world.client_for(who, api, fresh_client)
    kwargs = {"json": body} if api else {"data": {**body, "csrf_token": token}}
    response = client.open(url, method=method, headers=headers, **kwargs)
    assert response.status_code < 500, (url, response.status_code)
    return response


def intruder_fields(world, *, as_json: bool = False) -> dict:
    """Fields no form or schema offers: role, owner, municipality, state, foreign keys, account flags."""
    other_user, other_muni = world.users["officer2"], world.munis["13112"]
    fields = {"role": "admin", "municipality_id": other_muni, "municipality": "13112", "owner_id": other_user,
              "created_by_id": other_user, "user_id": other_user, "state": "submitted", "status": "appointed",
              "tender_id": world.obj[OTHER]["t_open"], "id": 999_999, "active": False, "session_version": 99}
    return fields if as_json else {k: str(v) for k, v in fields.items()}


def test_no_mass_assignment_through_forms(world):
    from govtech.accounts.models import User
    from govtech.api.models import ApiToken
    from govtech.procurement.models import Participation, ProcurementRequest
    from govtech.talent.models import Professional, Role

    own, other, users = world.obj[OWN], world.obj[OTHER], world.users
    here, there = world.munis["13307"], world.munis["13112"]
    extra = intruder_fields(world)
    with scratch(world):  # a request edit saves its fields, never the owner, municipality, state or tender
        assert send(world, "officer", "POST", f"/procurement/requests/{own['draft']}/edit",
                    {**REQUEST_FORM, **extra}).status_code == 302
        req = fresh(ProcurementRequest, own["draft"])
        assert (req.title, req.municipality_id, req.state, req.created_by_id, req.tender_id) == (
            REQUEST_FORM["title"], here, "draft", None, None)
    with scratch(world):  # a new request is the officer's municipality's draft
        assert send(world, "officer", "POST", "/procurement/requests/new",
                    {**REQUEST_FORM, **extra, "external_id": "MASS-1"}).status_code == 302
        req = db.session.scalar(select(ProcurementRequest).where(ProcurementRequest.external_id == "MASS-1"))
        assert (req.municipality_id, req.state, req.created_by_id) == (here, "draft", users["officer"])
    with scratch(world):  # a role edit: never the municipality, state, author or reference
        role = fresh(Role, own["role"])
        before = (role.municipality_id, role.state, role.created_by_id, role.external_id)
        assert send(world, "officer", "POST", f"/talent/roles/{own['role']}/edit",
                    {**role_form(world, "officer", OWN), **extra, "external_id": "HACK"}).status_code == 302
        role = fresh(Role, own["role"])
        assert role.title == "CIO補佐官(更新)"
        assert (role.municipality_id, role.state, role.created_by_id, role.external_id) == before
    with scratch(world):  # a new role is the officer's municipality's, open
        assert send(world, "officer", "POST", "/talent/roles/new",
                    {**role_form(world, "officer", OWN), **extra}).status_code == 302
        role = db.session.scalar(select(Role).where(Role.title == "CIO補佐官(更新)"))
        assert (role.municipality_id, role.state, role.created_by_id) == (here, "open", users["officer"])
    with scratch(world):  # the profile: never the account it belongs to, its reference, or the user's role
        before = fresh(Professional, own["pro"]).external_id
        assert send(world, "professional", "POST", "/talent/profile", {
            **profile_form(world, "professional", OWN), **extra, "external_id": "HACK", "verified": "1"},
        ).status_code == 302
        pro = fresh(Professional, own["pro"])
        assert (pro.name, pro.user_id, pro.external_id) == ("更新 太郎", users["professional"], before)
        assert fresh(User, users["professional"]).role == "professional"
        assert fresh(Professional, other["pro"]).name == "professional2"
    with scratch(world):  # joining answers for the officer's own municipality only
        rows = select(Participation).where(Participation.tender_id == other["t_open"])
        before = {(p.municipality_id, p.status, p.quantity) for p in db.session.scalars(rows)}
        assert send(world, "officer", "POST", f"/procurement/tenders/{other['t_open']}/join",
                    {**JOIN, **extra}).status_code == 302
        db.session.remove()
        after = {(p.municipality_id, p.status, p.quantity) for p in db.session.scalars(rows)}
        assert after - before == {(here, "interested", 7)}
        assert {r for r in before if r[0] == there} <= after
    with scratch(world):  # a new token is the caller's
        assert send(world, "officer", "POST", "/account/tokens", {"name": "mass", **extra}).status_code == 200
        assert db.session.scalar(select(ApiToken.user_id).where(ApiToken.name == "mass")) == users["officer"]
    with scratch(world):  # registration makes a professional, whatever else is posted
        form = {**REGISTER_FORM, **extra, "email": "mass@example.jp"}
        assert send(world, "anonymous", "POST", "/register", form, fresh_client=True).status_code == 302
        user = db.session.scalar(select(User).where(User.email == "mass@example.jp"))
        assert (user.role, user.municipality_id, user.active) == ("professional", None, True)
    with scratch(world):  # a password change touches the password only
        assert send(world, "officer", "POST", "/account/password", {**PASSWORD_FORM, **extra},
                    fresh_client=True).status_code == 302
        user = fresh(User, users["officer"])
        assert (user.role, user.municipality_id, user.active) == ("officer", here, True)


def test_no_mass_assignment_through_the_api(world):
    """Unknown fields are refused (422) or ignored; either way protected columns keep their values."""
    from govtech.accounts.models import User
    from govtech.procurement.models import Participation, ProcurementRequest
    from govtech.talent.models import Match, Professional, Role

    own, other, users = world.obj[OWN], world.obj[OTHER], world.users
    here, there = world.munis["13307"], world.munis["13112"]
    extra = intruder_fields(world, as_json=True)

    def count(model, **where):
        db.session.remove()
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))

    with scratch(world):
        response = send(world, "officer", "PATCH", f"/api/v1/requests/{own['draft']}",
                        {"title": "API edit", **extra}, api=True)
        req = fresh(ProcurementRequest, own["draft"])
        assert (req.municipality_id, req.state, req.created_by_id, req.tender_id) == (
            here, "draft", None, None)
        assert response.status_code == 422 or req.title == "API edit"
    with scratch(world):
        before = count(ProcurementRequest, municipality_id=there)
        response = send(world, "officer", "POST", "/api/v1/requests", {**API_REQUEST, **extra}, api=True)
        assert count(ProcurementRequest, municipality_id=there) == before
        assert response.status_code == 422 or (
            fresh(ProcurementRequest, response.get_json()["id"]).municipality_id == here)
    with scratch(world):
        role = fresh(Role, own["role"])
        before = (role.municipality_id, role.state, role.created_by_id, role.external_id)
        response = send(world, "officer", "PATCH", f"/api/v1/roles/{own['role']}",
                        {"title": "API edit", "external_id": "HACK", **extra}, api=True)
        role = fresh(Role, own["role"])
        assert (role.municipality_id, role.state, role.created_by_id, role.external_id) == before
        assert response.status_code == 422 or role.title == "API edit"
    with scratch(world):
        before = count(Role, municipality_id=there)
        response = send(world, "officer", "POST", "/api/v1/roles", {**API_ROLE, **extra}, api=True)
        assert count(Role, municipality_id=there) == before
        assert response.status_code == 422 or fresh(Role, response.get_json()["id"]).municipality_id == here
    with scratch(world):
        pro = fresh(Professional, own["pro"])
        before = (pro.user_id, pro.external_id)
        response = send(world, "professional", "PUT", "/api/v1/professionals/me",
                        {**API_PROFILE, **extra, "external_id": "HACK", "id": other["pro"]}, api=True)
        pro = fresh(Professional, own["pro"])
        assert (pro.user_id, pro.external_id) == before
        assert fresh(User, users["professional"]).role == "professional"
        assert fresh(Professional, other["pro"]).name == "professional2"
        assert response.status_code == 422 or pro.name == API_PROFILE["name"]
    with scratch(world):
        theirs = select(Participation.status, Participation.quantity).where(
            Participation.tender_id == other["t_open"], Participation.municipality_id == there)
        before = db.session.execute(theirs).all()
        send(world, "officer", "PUT", f"/api/v1/tenders/{other['t_open']}/participation",
             {"quantity": 7, **extra}, api=True)
        db.session.remove()
        assert db.session.execute(theirs).all() == before
    with scratch(world):
        match_id = own["match"]
        response = send(world, "professional", "POST", f"/api/v1/matches/{match_id}/transitions",
                        {"action": "withdraw", "version": world.versions[match_id], "role_id": other["role"],
                         "professional_consent": True, **extra}, api=True)
        match = fresh(Match, match_id)
        assert match.role_id == own["role"] and match.status in ("introduced", "withdrawn")
        assert response.status_code == 422 or match.status == "withdrawn"


def test_lists_show_an_officer_only_their_municipality(world):
    """Filters cannot widen a list: 世田谷区's requests, roles, candidates and tenders stay out of 檜原村's."""
    there, other = world.munis["13112"], world.obj[OTHER]
    officer = bearer(world.tokens["officer"])

    def items(url, headers=officer):
        response = world.api.get(url, headers=headers)
        assert response.status_code == 200, url
        return response.get_json()["items"]

    requests = items(f"/api/v1/requests?municipality={there}&per_page=100")
    assert requests and {r["municipality"]["code"] for r in requests} == {"13307"}
    roles = items(f"/api/v1/roles?municipality={there}&per_page=100")
    assert roles and {r["municipality"]["code"] for r in roles} == {"13307"}
    assert items(f"/api/v1/matches?role_id={other['role']}") == []
    hidden = {v for k, v in other.items() if k.startswith("t_") and k != "t_open"}
    assert hidden.isdisjoint(t["id"] for t in items("/api/v1/tenders?per_page=100"))
    csv = world.clients["officer"].get(f"/procurement/requests.csv?municipality={there}").text
    assert "13307-T-" in csv and "13112-T-" not in csv
    mine = items("/api/v1/matches", headers=bearer(world.tokens["professional"]))
    assert [m["id"] for m in mine] == [world.obj[OWN]["match"]]


def test_figures(world):
    """The figures the closing note quotes: rules × roles × own/other cases (run with -s to see them)."""
    rules = app_rules(world.app)
    pairs = sum(len(methods_of(r)) for r in rules)
    planned = sum(len(methods_of(world.rules[e][0])) * len(ROLES) * len(sides_of(s))
                  for e in MATRIX for s in scenarios(e))
    print(f"\nauthorization matrix: {len(rules)} URL rules ({sum(1 for r in rules if r.arguments)} with "
          f"arguments, {pairs} rule×method pairs) × {len(ROLES)} roles (anonymous included) × own/other "
          f"objects = {planned} cases planned; executed {FIGURES['cases']}: {FIGURES['unsafe']} unsafe, "
          f"{FIGURES['ok']} permitted, {FIGURES['denied']} denied, "
          f"{FIGURES['refused']} refused by a business rule")
    assert len(rules) == len(MATRIX) >= 120
    if RULES_RUN == set(MATRIX):  # the whole module ran: every planned case was executed
        assert FIGURES["cases"] == planned, (FIGURES, planned)
