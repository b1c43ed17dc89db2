"""The fitted pool kept on disk: a new process reads it instead of fitting, never a stale or damaged one."""
from __future__ import annotations

from pathlib import Path

import pytest

from govtech.extensions import db
from govtech.talent import matrices, pool_store, ranking


def _new_process() -> None:
    """What a new process (CLI command, another worker) starts with: no fitted pool in memory."""
    matrices.clear_cache()


def _stored(app) -> list[Path]:
    return sorted(Path(app.config["POOL_STORE_DIR"]).glob("pool-*.npz"))


def _ranked(role):
    return [(s.professional_id, s.score) for s in ranking.suggest(role, top=10)]


@pytest.fixture()
def no_fit(monkeypatch):
    """Fail the test if the pool is fitted (it must come from the store)."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("the pool was fitted again")

    return lambda: monkeypatch.setattr(ranking, "fit_scorer", refuse)


def test_a_new_process_reads_the_stored_pool_instead_of_fitting(app, make_role, make_professional, no_fit):
    role = make_role(reqs=[("data.analysis", 3, "must")], description="EBPM データ分析")
    for level, bio in ((4, "EBPM の推進"), (3, "データ分析"), (4, ""), (2, "統計")):
        make_professional(skills={"data.analysis": level}, bio=bio)
    first = _ranked(role)
    assert len(_stored(app)) == 1
    _new_process()
    no_fit()
    assert _ranked(role) == first
    explained = ranking.suggest(role, top=1)[0].explanation
    assert explained["eligible"] and explained["skills"][0]["status"] == "met"


def test_a_profile_change_is_never_served_from_the_old_state(app, make_role, make_professional, no_fit):
    role = make_role(reqs=[("data.analysis", 3, "must")])
    a = make_professional(skills={"data.analysis": 2})  # one level short of a must: partial
    b = make_professional(skills={"data.analysis": 4})
    assert [pid for pid, _ in _ranked(role)] == [b.id, a.id]
    # Another worker or a CLI import changes both: a new fingerprint, so a new file, never the old one.
    a.skills[0].level, b.skills[0].level = 4, 2
    a.touch()
    b.touch()
    db.session.commit()
    _new_process()
    ranked = _ranked(role)  # fitted (the state of this pool is not stored yet) and stored
    assert [pid for pid, _ in ranked] == [a.id, b.id]
    assert len(_stored(app)) == 2
    _new_process()
    no_fit()
    assert _ranked(role) == ranked


def test_a_damaged_file_is_removed_and_the_pool_fitted(app, make_role, make_professional, caplog):
    role = make_role(reqs=[("data.analysis", 3, "must")])
    make_professional(skills={"data.analysis": 4})
    first = _ranked(role)
    (path,) = _stored(app)
    path.write_bytes(path.read_bytes()[:200])  # truncated, as by a full disk
    _new_process()
    assert _ranked(role) == first
    assert "unreadable" in caplog.text and "Pro " not in caplog.text  # no personal data in the log
    (again,) = _stored(app)  # written again whole
    assert again.stat().st_size > 200


def test_nothing_is_stored_while_this_transaction_changes_the_pool(app, make_role, make_professional):
    role = make_role(reqs=[("data.analysis", 3, "must")])
    p = make_professional(skills={"data.analysis": 4})
    p.touch()  # not committed: the fitted state may never exist in the database
    assert len(ranking.suggest(role)) == 1
    assert _stored(app) == []
    db.session.rollback()


def test_disabled_store_and_pruning(app, make_role, make_professional):
    role = make_role(reqs=[("data.analysis", 3, "must")])
    p = make_professional(skills={"data.analysis": 4})
    directory = app.config["POOL_STORE_DIR"]
    app.config["POOL_STORE_DIR"] = ""
    ranking.suggest(role)
    assert not Path(directory).exists()
    app.config["POOL_STORE_DIR"] = directory
    for n in range(pool_store.KEEP + 2):  # every change is a new pool
        p.bio = f"bio {n}"
        p.touch()
        db.session.commit()
        _new_process()
        ranking.suggest(role)
    assert len(_stored(app)) == pool_store.KEEP
