"""The fitted pool scorer kept on disk, so that a new process does not fit 50,000 profiles again.

Fitting the pool (database → arrays, bio TF-IDF, bound basis) takes 4–9 s at 50,000 professionals; a CLI
command, a restarted gunicorn worker and each of its siblings would otherwise pay it on their first
suggestion. The first process that fits a pool writes its state here (plain arrays in an uncompressed .npz,
read back with allow_pickle=False: a tampered file can at worst be refused, never run code); every process
whose pool, model, scorer settings and scoring code are the same reads it back in a fraction of a second.

The file name is a hash of all of that (`matrices.exact_pool_fingerprint` covers every profile, skill level,
consent and skill-map change, plus the database URL), so a stale file is never read: it is simply not
asked for, and the directory keeps only the latest few. POOL_STORE_DIR (default instance/pool-store;
empty disables) is per host: each host of a scaled-out deployment fits once and keeps its own.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
from flask import current_app

from govtech.scoring.scorer import SkillMapScorer

log = logging.getLogger(__name__)

FORMAT = 1
KEEP = 2  # files kept per directory (the current pool and the one before, for a worker not yet updated)
_PREFIX = "pool-"


@lru_cache(maxsize=1)
def _code_version() -> str:
    """Hash of the scoring package's source: a release that changes how the pool is fitted never reads a
    state written by the previous one."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.parent.joinpath("scoring").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _directory() -> Path | None:
    value = current_app.config.get("POOL_STORE_DIR")
    return Path(value) if value else None


def _name(key: tuple, scorer: SkillMapScorer) -> str:
    """File name for a pool key (fingerprint + model) and an unfitted scorer's parameters."""
    params = json.dumps(scorer.get_params(deep=False), sort_keys=True, default=repr)
    raw = json.dumps([FORMAT, _code_version(), repr(key), params])
    return f"{_PREFIX}{hashlib.sha256(raw.encode()).hexdigest()[:32]}.npz"


def load(key: tuple, scorer: SkillMapScorer) -> SkillMapScorer | None:
    """`scorer` (unfitted, with the pool's parameters) restored from the stored state of this pool key, or
    None when there is none (or it cannot be read: it is removed and the caller fits)."""
    directory = _directory()
    if directory is None:
        return None
    path = directory / _name(key, scorer)
    try:
        with np.load(path, allow_pickle=False) as stored:
            state = {name: stored[name] for name in stored.files}
        restored = scorer.restore(state)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign file: never fatal, the pool is fitted instead
        log.warning("stored pool %s unreadable (%s); fitting instead", path.name, type(exc).__name__)
        path.unlink(missing_ok=True)
        return None
    with contextlib.suppress(OSError):  # another process may have pruned it since: it was read whole
        os.utime(path)  # most recently used: kept by the pruning in save()
    return restored


def save(key: tuple, scorer: SkillMapScorer) -> Path | None:
    """Store a fitted scorer under its pool key (atomically: readers see the whole file or none); keeps the
    KEEP most recently used files. Failures (disk full, read-only) are logged and ignored."""
    directory = _directory()
    if directory is None:
        return None
    path = directory / _name(key, scorer)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".npz")
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, **scorer.fitted_state())
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
        _prune(directory)
    except OSError as exc:
        log.warning("could not store the fitted pool in %s (%s)", directory, type(exc).__name__)
        return None
    return path


def _prune(directory: Path) -> None:
    """Remove all but the KEEP most recently used states (another process may be pruning too)."""
    used = []
    for path in directory.glob(f"{_PREFIX}*.npz"):
        try:
            used.append((path.stat().st_mtime, path))
        except FileNotFoundError:
            continue
    for _mtime, old in sorted(used, reverse=True)[KEEP:]:
        old.unlink(missing_ok=True)
