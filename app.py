"""WSGI entry point: `flask --app app …` and `gunicorn app:app`."""
import gc

from govtech.factory import create_app

app = create_app()

# The modules and the app live as long as the process: freeze them out of the garbage collector's sight, so
# that neither its full collections during a command or a request nor the interpreter's final ones walk these
# million objects again (0.6 s at the exit of every CLI command; the tests build their own apps and skip this).
gc.freeze()
