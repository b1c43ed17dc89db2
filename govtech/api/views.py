"""HTML pages of the API feature: personal tokens (/account/tokens) and the API reference (/api/docs), plus
the OpenAPI document itself (/api/openapi.json, public)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.accounts.permissions import public
from govtech.api import docs, tokens
from govtech.api.forms import RevokeForm, TokenForm
from govtech.core.errors import DomainError
from govtech.core.web import apply_field_errors, commit
from govtech.extensions import db

bp = Blueprint("api_pages", __name__)


@bp.route("/account/tokens", methods=["GET", "POST"])
def token_list():
    """The user's personal API tokens; a new token's secret is shown once, right after creating it."""
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        try:
            token, secret = tokens.create_token(user=current_user, name=form.name.data)
            commit()
        except DomainError as exc:
            db.session.rollback()
            apply_field_errors(form, exc)
        else:
            flash(_("Token “%(name)s” was created. Copy it now: it will not be shown again.", name=token.name),
                  "success")
            form = TokenForm(formdata=None)
    return render_template("api/tokens.html", form=form, secret=secret, tokens=tokens.tokens_of(current_user),
                           revoke_form=RevokeForm())


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
def token_revoke(token_id: int):
    """Revoke one of one's own tokens: scripts using it get 401 from now on."""
    if RevokeForm().validate_on_submit():
        try:
            token = tokens.revoke_token(user=current_user, token_id=token_id)
            commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            flash(_("Token “%(name)s” was revoked.", name=token.name), "success")
    return redirect(url_for("api_pages.token_list"))


@bp.route("/api/openapi.json")
@public
def openapi_json():
    """The OpenAPI 3 document, generated from the resource code."""
    return jsonify(current_app.extensions["govtech_api"].spec.to_dict())


@bp.route("/api/docs")
@public
def api_docs():
    """The API reference rendered on the server from the same document (no scripts, no CDN)."""
    spec = current_app.extensions["govtech_api"].spec.to_dict()
    return render_template("api/docs.html", **docs.view(spec))
