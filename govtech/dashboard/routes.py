"""The dashboard page: charts for coordinators and admins; officers see their municipality's version."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from govtech.accounts.permissions import role_required
from govtech.core.web import get_locale_code
from govtech.dashboard import charts

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.route("/")
@role_required("officer", "coordinator", "admin")
def index():
    """Savings, participation by area, skill supply vs demand, the talent funnel (each with a table)."""
    return render_template("dashboard/index.html", view=charts.dashboard(current_user, get_locale_code()))
