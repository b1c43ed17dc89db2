"""WSGI entry point: `flask --app app …` and `gunicorn app:app`."""
from govtech.factory import create_app

app = create_app()
