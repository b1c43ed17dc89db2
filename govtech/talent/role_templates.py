"""Templates for the roles municipalities post most often; choosing one pre-fills the role form."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class RoleTemplate:
    """A common role: title, description, rhythm, and required skills as (code, min level, weight)."""

    code: str
    title: object
    description: object
    days_per_week: float
    work_style: str
    requirements: tuple[tuple[str, int, str], ...]


TEMPLATES: tuple[RoleTemplate, ...] = (
    RoleTemplate(
        "cio-adviser", _l("CIO adviser (CIO補佐官)"),
        _l("Advise the mayor and the CIO on the digital strategy, review IT budgets and procurement "
           "specifications, and steer the standardisation of core systems."),
        2, "hybrid",
        (("strategy.dx-strategy", 3, "must"), ("strategy.exec-advisory", 3, "must"),
         ("strategy.budget-review", 2, "important"), ("delivery.procurement-spec", 2, "important"),
         ("systems.standardization", 2, "important"), ("strategy.municipal-ops", 2, "bonus"))),
    RoleTemplate(
        "dx-adviser", _l("DX promotion adviser (DX推進アドバイザー)"),
        _l("Help departments redesign services and procedures, run workshops with staff, and plan the "
           "move of paper procedures online."),
        1, "hybrid",
        (("strategy.dx-strategy", 2, "must"), ("design.bpr", 3, "must"), ("strategy.change-mgmt", 2, "important"),
         ("design.online-procedures", 2, "important"), ("capability.facilitation", 2, "bonus"),
         ("capability.training", 2, "bonus"))),
    RoleTemplate(
        "security-adviser", _l("Information security adviser (情報セキュリティアドバイザー)"),
        _l("Review the security policy, audit risks, prepare the incident response plan, and advise on "
           "personal-data protection."),
        1, "remote",
        (("security.policy", 3, "must"), ("security.risk", 3, "important"), ("security.incident", 2, "important"),
         ("security.privacy", 2, "important"), ("systems.network", 2, "bonus"))),
    RoleTemplate(
        "standardisation-adviser", _l("Standardisation and government-cloud adviser (標準化・ガバクラ移行)"),
        _l("Lead the migration of core business systems to the standard specifications and the "
           "government cloud: vendor management, schedule and cost control."),
        2, "hybrid",
        (("systems.standardization", 3, "must"), ("systems.gov-cloud", 3, "must"),
         ("delivery.vendor-mgmt", 2, "important"), ("delivery.project-mgmt", 2, "important"),
         ("strategy.budget-review", 2, "bonus"))),
    RoleTemplate(
        "data-adviser", _l("Data and EBPM adviser (データ利活用アドバイザー)"),
        _l("Help the municipality use its data for policy making: analysis, dashboards, open data and "
           "data governance."),
        1, "remote",
        (("data.analysis", 3, "must"), ("data.ebpm", 2, "important"), ("data.bi", 2, "important"),
         ("data.open-data", 2, "bonus"), ("data.governance", 2, "bonus"))),
    RoleTemplate(
        "genai-adviser", _l("Generative AI adviser (生成AI活用アドバイザー)"),
        _l("Introduce generative AI safely: guidelines, pilots with departments, staff training."),
        1, "remote",
        (("data.generative-ai", 3, "must"), ("security.privacy", 2, "important"),
         ("capability.training", 2, "important"), ("capability.low-code", 1, "bonus"))),
)

BY_CODE = {t.code: t for t in TEMPLATES}


def get(code: str | None) -> RoleTemplate | None:
    """The template with this code, if any."""
    return BY_CODE.get(code or "")
