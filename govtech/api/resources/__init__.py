"""API resources, one module per domain; each defines a flask-smorest blueprint `blp`."""

MODULES = ("reference", "requests", "tenders", "participations", "awards", "professionals", "roles",
           "matches")
