"""Home-page panels this package adds: the admin's overview and the coordinator's recent activity.

The procurement and talent panels cover the rest of each role's home page. Opening the home page as a
coordinator or an officer also starts the hourly deadline-reminder check (see reminders.py).
"""
from __future__ import annotations

from flask import url_for

from govtech.dashboard import queries, reminders

# Audit object types whose page a coordinator can open: endpoint and the name of its id argument.
OBJECT_PAGES = {"tender": ("procurement.tender_detail", "tender_id"),
                "procurement_request": ("procurement.request_detail", "request_id"),
                "role": ("talent.role_detail", "role_id"), "match": ("talent.candidate", "match_id")}


def event_link(event) -> str | None:
    """The page of the object an audit entry is about, when there is one."""
    page = OBJECT_PAGES.get(event.object_type)
    if page is None or not (event.object_id or "").isdigit():
        return None
    return url_for(page[0], **{page[1]: int(event.object_id)})


def home_panel(user) -> dict | None:
    """The dashboard panel for this user's role, or None."""
    if user.role in ("coordinator", "officer"):
        reminders.kick()
    if user.role == "admin":
        return {"template": "dashboard/_home_admin.html", "users": queries.users_by_role(),
                "reference": queries.reference_counts()}
    if user.role == "coordinator":
        events = queries.recent_events()
        return {"template": "dashboard/_home_coordinator.html",
                "events": [(e, event_link(e)) for e in events]}
    return None
