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


def nav_for(role: str | None) -> list[NavItem]:
    """The menu of a role, in order, skipping endpoints that are not registered."""
    items = current_app.extensions.get("govtech_nav", [])
    return sorted((i for i in items if role in i.roles and i.endpoint in current_app.view_functions),
                  key=lambda i: i.order)
