"""Demo accounts for `seed-demo`: one per role, two officers in different municipalities."""
from __future__ import annotations

from sqlalchemy import select

from govtech.accounts import services
from govtech.accounts.models import User
from govtech.extensions import db

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  # nosec B105 - the demo password is printed on purpose

DEMO_USERS = {
    "admin": ("admin@demo.govtech.tokyo", "admin", None, "管理者 デモ"),
    "coordinator": ("coordinator@demo.govtech.tokyo", "coordinator", None, "調整担当 デモ"),
    "officer": ("officer.hinohara@demo.govtech.tokyo", "officer", "13307", "檜原村 職員"),
    "officer2": ("officer.setagaya@demo.govtech.tokyo", "officer", "13112", "世田谷区 職員"),
    "professional": ("pro@demo.govtech.tokyo", "professional", None, "山田 花子"),
}


def seed_users() -> dict[str, User]:
    """Create (or find) the demo accounts; returns them by key."""
    users = {}
    for key, (email, role, code, name) in DEMO_USERS.items():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            muni = services.find_municipality(code) if code else None
            user = services.create_user(email=email, password=DEMO_PASSWORD, role=role, municipality=muni,
                                        display_name=name, consent=role == "professional")
        users[key] = user
    db.session.flush()
    return users
