"""gunicorn settings read from the project directory (`gunicorn app:app` run there picks this file up).

One BLAS thread per worker. Several workers already use every core; a worker whose numpy product starts one
BLAS thread per core makes those threads spin on cores the other workers need. Measured on the suggestion
page (one role scored against 50,000 professionals): 45 ms of CPU per first view with OpenBLAS's default
threads against 26 ms with one, for the same 21-25 ms of wall time in a single process (bench/README.md).
"""
from __future__ import annotations

import os

# Before a worker imports numpy (the default: the app is imported in each worker after the fork).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")


def post_fork(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    """With --preload numpy is already loaded in the master: limit the loaded BLAS libraries in each worker."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(int(os.environ["OPENBLAS_NUM_THREADS"]), user_api="blas")
