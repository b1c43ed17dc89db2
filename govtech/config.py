"""Configuration classes, read from the environment (DATABASE_URL, SECRET_KEY, …)."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _secret_key() -> str:
    """SECRET_KEY from the environment, else a key kept in instance/ so sessions survive restarts."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'govtech.sqlite3'}"
    # Heroku-style URLs and plain postgresql:// both mean psycopg 3 here.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = None  # filled in by create_app so tests can override without touching disk
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
    LANGUAGES = ("ja", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)  # absolute session lifetime
    SESSION_IDLE_MINUTES = 60
    # The session cookie is signed again only when the session changes (enforce_idle_timeout marks activity at
    # most every 30 s), not on every response: the idle and absolute limits live inside the signed session.
    SESSION_REFRESH_EACH_REQUEST = False
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so a long form does not expire
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024  # CSV uploads
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_IP = 30
    LOGIN_WINDOW_MINUTES = 15
    PAGE_SIZE = 25
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    PASSWORD_MIN_LENGTH = 12
    # Seconds a worker may reuse its reading of the talent pool's state before checking the database again
    # (its own changes are seen at once; 0: check on every suggestion request). See README, Scale-out.
    POOL_CHECK_S = float(os.environ.get("POOL_CHECK_S", "5"))
    # Where a fitted talent pool is kept for the next process (govtech/talent/pool_store.py); None: under
    # instance/, empty: not kept (every process fits its own).
    POOL_STORE_DIR = os.environ.get("POOL_STORE_DIR")


class DevelopmentConfig(Config):
    """Local `make run`: embedded SQLite under instance/."""

    DEBUG = False


class TestingConfig(Config):
    """pytest: CSRF stays on (tests post real tokens); fast but still argon2id password hashes."""

    TESTING = True
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8 * 1024
    POOL_STORE_DIR = ""  # tests that keep fitted pools give each app its own directory (tests/conftest.py)


class ProductionConfig(Config):
    """gunicorn behind TLS with PostgreSQL."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "1"))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def resolve_config(config=None):
    """Pick the config class: explicit argument, else GOVTECH_ENV, else development."""
    if config is None:
        config = CONFIGS[os.environ.get("GOVTECH_ENV", "development")]
    return config


def finish_config(app) -> None:
    """Fill in the values that need the environment or disk, unless the config set them."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key()
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = _database_url()
    if app.config.get("POOL_STORE_DIR") is None:
        app.config["POOL_STORE_DIR"] = str(INSTANCE / "pool-store")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        INSTANCE.mkdir(exist_ok=True)
