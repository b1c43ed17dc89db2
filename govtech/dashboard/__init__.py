"""Dashboards and the product feel: role home panels, charts over procurement and talent, CSV downloads,
deadline reminders. Read-only views over the features' queries (the reminders only add notifications)."""
