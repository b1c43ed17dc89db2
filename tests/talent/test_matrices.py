"""Rows become the scorer's arrays in bulk, with every field in its contract column and code."""
from __future__ import annotations

import numpy as np

from govtech.extensions import db
from govtech.talent import matrices, queries
from tests.support.queries import count_queries


def test_pool_arrays_place_levels_regions_and_codes(make_professional, skill_ids):
    a = make_professional(skills={"data.bi": 3, "security.policy": 1}, days=1.5, work_style="hybrid",
                          regions=("tama",), years=7, bio="BI dashboards")
    b = make_professional(skills={"data.bi": 4}, work_style="remote", regions=())
    make_professional(skills={"data.bi": 4}, consent=False)
    columns = matrices.skill_columns()
    arrays = matrices.pool_arrays(columns)
    assert list(arrays.ids) == [a.id, b.id]  # no consent, not in the pool
    col = columns.index
    assert arrays.levels[0, col[skill_ids["data.bi"]]] == 3
    assert arrays.levels[0, col[skill_ids["security.policy"]]] == 1
    assert arrays.levels[1, col[skill_ids["data.bi"]]] == 4
    assert arrays.levels.sum() == 8
    assert list(arrays.work_style) == [1, 0]
    assert arrays.regions.tolist() == [[False, True, False], [False, False, False]]
    assert arrays.days.tolist() == [1.5, 2.0]
    assert arrays.public_years[0] == 7 and arrays.bios[0] == "BI dashboards"


def test_pool_arrays_can_include_everyone_or_one(make_professional):
    make_professional(consent=True)
    hidden = make_professional(consent=False)
    columns = matrices.skill_columns()
    assert len(matrices.pool_arrays(columns, consenting_only=False)) == 2
    one = matrices.pool_arrays(columns, consenting_only=False, only_ids=[hidden.id])
    assert list(one.ids) == [hidden.id]


def test_role_arrays_weights_areas_and_text(make_role, skill_ids):
    role = make_role(reqs=[("data.analysis", 3, "must"), ("data.bi", 2, "important"), ("data.open-data", 1, "bonus")],
                     municipality="13401", work_style="onsite", days=2, title="データ活用", description="EBPM")
    columns = matrices.skill_columns()
    arrays = matrices.role_arrays([role], columns)
    col = columns.index
    assert arrays.req_level[0, col[skill_ids["data.analysis"]]] == 3
    assert arrays.req_weight[0, col[skill_ids["data.analysis"]]] == 3
    assert arrays.req_weight[0, col[skill_ids["data.bi"]]] == 2
    assert arrays.req_weight[0, col[skill_ids["data.open-data"]]] == 1
    assert int((arrays.req_level > 0).sum()) == 3
    assert arrays.area[0] == 2 and arrays.work_style[0] == 2 and arrays.days[0] == 2  # 八丈町: islands
    assert "データ活用" in arrays.descriptions[0] and "EBPM" in arrays.descriptions[0]


def test_role_arrays_use_what_is_loaded_and_read_the_rest_in_bulk(make_role, skill_ids):
    """The suggestion page's role comes with its requirements and municipality: no statement to read them
    again. Roles without them loaded are read in one query, and both give the same arrays."""
    a = make_role(reqs=[("data.analysis", 3, "must"), ("data.bi", 2, "important")], municipality="13401")
    b = make_role(reqs=[("data.open-data", 1, "bonus")], municipality="13101")
    columns = matrices.skill_columns()
    db.session.expire_all()
    loaded = [queries.role(a.id), queries.role(b.id)]
    with count_queries() as statements:
        from_loaded = matrices.role_arrays(loaded, columns)
    assert statements == []
    db.session.expire_all()
    bare = [db.session.get(type(a), a.id), db.session.get(type(b), b.id)]
    db.session.expire(bare[0], ["requirements", "municipality"])
    with count_queries() as statements:
        from_query = matrices.role_arrays(bare, columns)
    assert len(statements) <= 3  # requirements once, areas once (and the expired role row)
    for name in ("req_level", "req_weight", "area", "days", "work_style", "start"):
        assert np.array_equal(getattr(from_loaded, name), getattr(from_query, name)), name
    assert from_loaded.req_level[1, columns.index[skill_ids["data.open-data"]]] == 1
    assert list(from_loaded.area) == [2, 0]


def test_fingerprint_changes_with_any_profile_write(make_professional):
    p = make_professional()
    before = matrices.pool_fingerprint()
    p.touch()
    assert matrices.pool_fingerprint() != before  # uncommitted, in this transaction
    db.session.commit()
    committed = matrices.pool_fingerprint()
    assert committed != before and matrices.pool_fingerprint() == committed
    # A bulk statement through the session (the CSV imports write so) counts as this process's change too.
    from sqlalchemy import update

    from govtech.talent.models import Professional
    db.session.execute(update(Professional).values(version=Professional.version + 1))
    db.session.commit()
    assert matrices.pool_fingerprint() != committed


def test_a_change_made_elsewhere_is_noticed_within_the_check_interval(app, make_professional):
    """Another worker's commit (here: a connection outside this session, so no session event sees it) is
    noticed once POOL_CHECK_S has passed; this process's own commits at once (previous test)."""
    import time

    from sqlalchemy import text

    p = make_professional()
    db.session.commit()
    app.config["POOL_CHECK_S"] = 0.5
    first = matrices.pool_fingerprint()
    with db.engine.begin() as other:
        other.execute(text("UPDATE professional SET version = version + 1 WHERE id = :id"), {"id": p.id})
    assert matrices.pool_fingerprint() == first  # within the interval: the remembered value
    time.sleep(0.6)
    assert matrices.pool_fingerprint() != first


def test_arrays_of_an_empty_pool(app):
    arrays = matrices.pool_arrays(matrices.skill_columns())
    assert len(arrays) == 0 and arrays.levels.shape[0] == 0
    assert np.asarray(arrays.regions).shape == (0, 3)
