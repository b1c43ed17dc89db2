"""Run one `flask --app app …` command in this fresh process and split its time: start-up vs the work.

    BENCH_TIMINGS=out.json BENCH_PRELOAD=govtech.talent.ranking python bench/cli_timer.py talent suggest-all …

Start-up = importing Flask's CLI, `app` (create_app) and the modules the command would import lazily
(BENCH_PRELOAD, comma-separated); the work = flask's own CLI entry point (flask.cli.main) running the command,
the code path of the `flask` executable. Interpreter start-up (before this file runs) is in neither; the
caller measures the wall time of the whole process from outside. Timings go to BENCH_TIMINGS as JSON.
"""
from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    import flask.cli

    import app  # noqa: F401 - create_app() at import: part of the start-up

    for name in filter(None, os.environ.get("BENCH_PRELOAD", "").split(",")):
        importlib.import_module(name)
    ready = time.perf_counter()
    sys.argv = ["flask", "--app", "app", *sys.argv[1:]]
    code = 0
    try:
        flask.cli.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    done = time.perf_counter()
    sys.stdout.flush()
    Path(os.environ["BENCH_TIMINGS"]).write_text(json.dumps({"startup_s": ready - started, "work_s": done - ready}))
    return code


if __name__ == "__main__":
    sys.exit(main())
