"""argon2id password hashing with parameters from the config (rehash on login when they change)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    # Defaults follow OWASP's argon2id guidance (19 MiB, t=2, p=1) with headroom: 64 MiB, t=3.
    return PasswordHasher(time_cost=cfg.get("ARGON2_TIME_COST", 3),
                          memory_cost=cfg.get("ARGON2_MEMORY_COST", 64 * 1024),
                          parallelism=cfg.get("ARGON2_PARALLELISM", 1))


def hash_password(password: str) -> str:
    """argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    """True when the password matches the stored hash."""
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with other parameters than today's."""
    try:
        return _hasher().check_needs_rehash(stored)
    except InvalidHashError:
        return True
