"""Account rules: creating users, signing in with throttling, passwords, sessions, language."""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from govtech.accounts.models import ROLES, LoginAttempt, User
from govtech.accounts.passwords import hash_password, needs_rehash, verify_password
from govtech.core import audit
from govtech.core.errors import Conflict, ValidationFailed
from govtech.core.models import Municipality, utcnow
from govtech.extensions import db


class TooManyAttempts(Exception):
    """Sign-in is throttled for this account or address."""


def normalise_email(email: str) -> str:
    """Trimmed, lower-cased email (addresses are compared case-insensitively)."""
    return (email or "").strip().lower()


def find_municipality(name_or_code: str) -> Municipality | None:
    """A municipality by 5-digit code or Japanese or English name."""
    value = (name_or_code or "").strip()
    return db.session.scalar(select(Municipality).where(
        (Municipality.code == value) | (Municipality.name_ja == value)
        | (func.lower(Municipality.name_en) == value.lower())))


def validate_password(password: str) -> None:
    """ASVS: 12 to 128 characters, anything allowed (spaces, any script)."""
    low = current_app.config["PASSWORD_MIN_LENGTH"]
    if not (low <= len(password or "") <= 128):
        raise ValidationFailed(_("Passwords must be %(low)d to 128 characters long.", low=low),
                               fields={"password": _("%(low)d to 128 characters.", low=low)})


def create_user(*, email: str, password: str, role: str, municipality: Municipality | None = None,
                display_name: str = "", actor=None, consent: bool = False) -> User:
    """Create an account after checking role, municipality and password rules."""
    email = normalise_email(email)
    if role not in ROLES:
        raise ValidationFailed(_("Unknown role: %(role)s", role=role), fields={"role": _("Unknown role.")})
    if (role == "officer") != (municipality is not None):
        raise ValidationFailed(_("Officers need exactly one municipality; other roles have none."),
                               fields={"municipality": _("Required for officers only.")})
    validate_password(password)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(_("An account with this email already exists."), fields={"email": _("Already registered.")})
    user = User(email=email, password_hash=hash_password(password), role=role,
                municipality_id=municipality.id if municipality else None,
                display_name=display_name.strip(), consent_at=utcnow() if consent else None)
    db.session.add(user)
    db.session.flush()
    audit.record(actor=actor or user, action="user.create", object_type="user", object_id=user.id,
                 after={"role": role, "municipality_id": user.municipality_id},
                 municipality_id=user.municipality_id)
    return user


def _key(value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


def _recent_failures(column, key: str) -> int:
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    return db.session.scalar(select(func.count(LoginAttempt.id)).where(
        column == key, LoginAttempt.created_at >= since, LoginAttempt.success.is_(False))) or 0


def authenticate(*, email: str, password: str, ip: str) -> User | None:
    """Check the password; raise TooManyAttempts when throttled; log the attempt either way."""
    cfg = current_app.config
    account_key, ip_key = _key("acct:" + normalise_email(email)), _key("ip:" + (ip or "?"))
    if (_recent_failures(LoginAttempt.account_key, account_key) >= cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
            or _recent_failures(LoginAttempt.ip_key, ip_key) >= cfg["LOGIN_MAX_FAILURES_PER_IP"]):
        raise TooManyAttempts()
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    ok = user is not None and user.active and verify_password(user.password_hash, password)
    if user is None:
        verify_password(_DUMMY_HASH(), password)  # same work either way: no account enumeration by timing
    db.session.add(LoginAttempt(account_key=account_key, ip_key=ip_key, success=ok))
    if not ok:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


_dummy: dict[str, str] = {}


def _DUMMY_HASH() -> str:  # noqa: N802 - a lazily computed constant
    if "h" not in _dummy:
        _dummy["h"] = hash_password("not-a-real-password-at-all")
    return _dummy["h"]


def change_password(*, user: User, current: str, new: str) -> None:
    """Change the password after checking the current one; ends every other session."""
    if not verify_password(user.password_hash, current):
        raise ValidationFailed(_("The current password is not correct."),
                               fields={"current_password": _("Not correct.")})
    validate_password(new)
    user.password_hash = hash_password(new)
    end_all_sessions(user)
    audit.record(actor=user, action="user.password_change", object_type="user", object_id=user.id)


def end_all_sessions(user: User) -> None:
    """Invalidate every session of the user, on every device."""
    user.session_version = (user.session_version or 0) + 1


def set_active(*, user: User, active: bool, actor) -> None:
    """Enable or disable an account; disabling ends its sessions."""
    before = user.active
    user.active = active
    if not active:
        end_all_sessions(user)
    audit.record(actor=actor, action="user.enable" if active else "user.disable", object_type="user",
                 object_id=user.id, before={"active": before}, after={"active": active})


def set_locale(*, user: User | None, locale: str) -> str:
    """Remember the UI language for a signed-in user; returns the accepted locale."""
    locale = locale if locale in current_app.config["LANGUAGES"] else "ja"
    if user is not None:
        user.locale = locale
    return locale
