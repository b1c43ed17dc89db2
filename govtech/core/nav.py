"""Navigation per role: each blueprint registers its menu entries here, the layout renders them."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class NavItem:
    """One menu entry: endpoint, lazy label, roles that see it, order."""

    endpoint: str
    label: object  # a lazy_gettext string
    roles: tuple[str, ...]
    order: int = 50


def register_nav(app, *items: NavItem) -> None:
    """Add menu entries (called by each blueprint's registration)."""
    app.extensions.setdefault("govtech_nav", []).extend(items)
    app.extensions.pop("govtech_nav_by_role", None)


def nav_for(role: str | None) -> list[NavItem]:
    """The menu of a role, in order, skipping endpoints that are not registered (worked out once per app and
    role: every page shows it, and menu entries are registered with the blueprints, before any request)."""
    app = current_app._get_current_object()
    by_role = app.extensions.setdefault("govtech_nav_by_role", {})
    found = by_role.get(role)
    if found is None:
        items = app.extensions.get("govtech_nav", [])
        found = by_role[role] = tuple(sorted((i for i in items if role in i.roles and i.endpoint in app.view_functions),
                                             key=lambda i: i.order))
    return list(found)
