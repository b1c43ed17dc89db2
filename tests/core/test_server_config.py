"""gunicorn.conf.py: each worker computes on one BLAS thread (several workers already use every core)."""
from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np  # noqa: F401 - loads the BLAS library the hook limits
from threadpoolctl import threadpool_info, threadpool_limits

ROOT = Path(__file__).resolve().parents[2]


def _blas_threads() -> set[int]:
    return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}


def test_post_fork_limits_the_loaded_blas_to_one_thread(monkeypatch):
    """With --preload numpy is loaded before the fork: the hook limits it in the worker."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(name, "")  # records the value to restore after the test (the config sets them)
        monkeypatch.delenv(name)
    with threadpool_limits(2, user_api="blas"):
        assert _blas_threads() == {2}
        config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        assert os.environ["OPENBLAS_NUM_THREADS"] == "1"  # for workers that import numpy after the fork
        config["post_fork"](None, None)
        assert _blas_threads() == {1}


def test_a_worker_importing_numpy_after_the_config_starts_one_blas_thread():
    """The default (no --preload): the app, hence numpy, is imported in each worker after the config ran."""
    code = ("import runpy, sys; runpy.run_path(sys.argv[1]); import numpy; from threadpoolctl import threadpool_info;"
            "print(sorted({l['num_threads'] for l in threadpool_info() if l['user_api'] == 'blas'}))")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code, str(ROOT / "gunicorn.conf.py")], env=env,
                         capture_output=True, text=True, check=True, timeout=60).stdout
    assert out.strip() == "[1]"
