"""The talent blueprint: professional, officer and coordinator pages (one module per audience)."""
from flask import Blueprint

bp = Blueprint("talent", __name__, url_prefix="/talent")

from govtech.talent.routes import coordinator, pool, professional, roles  # noqa: E402, F401  (register views)
