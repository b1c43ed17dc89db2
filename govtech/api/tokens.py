"""Token services: create (the secret is returned once), revoke, and find the user a presented token acts as."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from govtech.api.models import ApiToken
from govtech.core import audit
from govtech.core.errors import NotFound, ValidationFailed
from govtech.core.models import utcnow
from govtech.extensions import db

TOKEN_PREFIX = "gtt_"  # noqa: S105  # nosec B105 - not a secret: a marker that logs and secret scanners recognise
PREFIX_SHOWN = 12
MAX_ACTIVE = 20
TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is refreshed at most this often (one write, not one per call)


def digest(token: str) -> str:
    """Hex SHA-256 of a token (tokens are 256-bit random, so a plain hash is enough; no slow KDF needed)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for the user: (row, the secret). Only the hash is stored; show the secret once."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed(_("Give the token a name of 1 to 100 characters."),
                               fields={"name": _("Give a name of 1 to 100 characters.")})
    active = db.session.scalar(select(func.count(ApiToken.id)).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))) or 0
    if active >= MAX_ACTIVE:
        raise ValidationFailed(_("You have %(n)s active tokens. Revoke one you no longer use first.", n=active),
                               fields={"name": _("Too many active tokens.")})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=digest(secret), prefix=secret[:PREFIX_SHOWN])
    db.session.add(token)
    db.session.flush()
    audit.record(actor=user, action="api_token.create", object_type="api_token", object_id=token.id,
                 after={"user_id": user.id})
    return token, secret


def revoke_token(*, user, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (revoking twice is harmless)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("This token does not exist."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        audit.record(actor=user, action="api_token.revoke", object_type="api_token", object_id=token.id,
                     before={"active": True}, after={"active": False})
    return token


def tokens_of(user) -> list[ApiToken]:
    """The user's tokens, active first, newest first."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))


def authenticate(secret: str) -> ApiToken | None:
    """The active token with this secret whose user is active, or None. Refreshes last_used_at now and then."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        token.last_used_at = now
        db.session.commit()  # its own small unit of work, before the request's own transaction starts
    return token
