"""Public open-data pages: awarded joint tenders and their OCDS 1.1 release packages (no sign-in needed)."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, request, url_for

from govtech.accounts.permissions import public
from govtech.procurement import ocds, queries

bp = Blueprint("procurement_open_data", __name__, url_prefix="/open-data/procurement")


def ocds_download(tenders, filename: str) -> Response:
    package = ocds.release_package(tenders, uri=request.url)
    return Response(json.dumps(package, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename={filename}",
                             "Access-Control-Allow-Origin": "*"})


@bp.route("/")
@public
def index():
    """Awarded joint tenders with their amounts, participants and OCDS downloads."""
    page = queries.awarded_tenders(page=request.args.get("page", 1, type=int), per_page=25)
    return render_template("procurement/open_data.html", page=page, all_url=url_for(".package_all"))


@bp.route("/<int:tender_id>.json")
@public
def package_one(tender_id: int):
    """One awarded tender's OCDS release package."""
    found = queries.tenders_for_export([tender_id], awarded_only=True)
    if not found:
        abort(404)
    return ocds_download(found, f"{ocds.ocid(found[0])}.json")


@bp.route("/all.json")
@public
def package_all():
    """Every awarded tender in one OCDS release package."""
    found = queries.tenders_for_export(awarded_only=True)
    if not found:
        abort(404)
    return ocds_download(found, "govtech-tokyo-joint-procurement.json")
