"""`flask talent …` through runner.invoke: the fixed command and JSON contract."""
from __future__ import annotations

import json

from tests.talent.test_csv_import import PRO_HEADER, ROLE_HEADER

PROS = PRO_HEADER + (
    "P1,佐藤 一郎,a@example.jp,data.analysis:4;data.bi:3,2,,remote,,5,データ分析とBIダッシュボード\n"
    "P2,鈴木 花子,b@example.jp,data.analysis:3;data.bi:1,2,,remote,,0,営業\n"
    "P3,田中 健,c@example.jp,data.analysis:1,2,,remote,,0,\n"  # must skill two levels short: gated
    "P4,高橋 誠,d@example.jp,security.policy:4,1,,onsite,wards,3,セキュリティ監査\n")
ROLES = ROLE_HEADER + (
    "R1,檜原村,データ活用アドバイザー,データ分析とBI,data.analysis:3:must;data.bi:2:important,1,,remote,1\n"
    "R2,13112,セキュリティ,ポリシー,security.policy:3:must,1,,hybrid,1\n")


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def _load(runner, tmp_path):
    for command, name, text in (("import-professionals", "p.csv", PROS), ("import-roles", "r.csv", ROLES)):
        result = runner.invoke(args=["talent", command, _write(tmp_path, name, text, "cp932")])
        assert result.exit_code == 0, result.output


def test_suggest_json_shape_best_first_without_gated(runner, tmp_path):
    _load(runner, tmp_path)
    result = runner.invoke(args=["talent", "suggest", "R1", "--top", "5", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["external_id"] for r in rows] == ["P1", "P2"]
    assert all(set(r) == {"external_id", "score", "explanation"} for r in rows)
    assert rows[0]["score"] >= rows[1]["score"]
    why = rows[0]["explanation"]
    assert why["eligible"] and {s["skill"] for s in why["skills"]} == {"data.analysis", "data.bi"}
    assert {"met", "partial"} >= {s["status"] for s in rows[1]["explanation"]["skills"]}


def test_suggest_all_json_shape(runner, tmp_path):
    _load(runner, tmp_path)
    result = runner.invoke(args=["talent", "suggest-all", "--top", "1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == {"R1": [{"external_id": "P1", "score": data["R1"][0]["score"]}],
                    "R2": [{"external_id": "P4", "score": data["R2"][0]["score"]}]}
    assert 0 < data["R1"][0]["score"] <= 1


def test_bad_file_exits_non_zero_with_line_numbers_and_saves_nothing(runner, tmp_path):
    bad = PROS + "P5,,x,data.bi:9,1,,remote,,0,\n"
    result = runner.invoke(args=["talent", "import-professionals", _write(tmp_path, "bad.csv", bad)])
    assert result.exit_code == 1
    assert "line 6, name" in result.stderr and "line 6, skills" in result.stderr and "nothing was imported" in result.stderr
    result = runner.invoke(args=["talent", "suggest-all", "--json"])
    assert json.loads(result.stdout) == {}


def test_unknown_role_and_retrain(runner, tmp_path):
    _load(runner, tmp_path)
    result = runner.invoke(args=["talent", "suggest", "NOPE", "--json"])
    assert result.exit_code == 1 and "NOPE" in result.stderr
    result = runner.invoke(args=["talent", "retrain", "--json"])
    assert result.exit_code == 0, result.output
    model = json.loads(result.stdout)
    assert model["version"] == 1 and model["fallback"] is True and model["n_decisions"] == 0
    assert "v1" in result.stderr


def test_import_stores_the_fitted_pool_for_the_next_command(app, runner, tmp_path, monkeypatch):
    """import-professionals fits the new pool once and stores it: suggest-all in a new process reads it."""
    from pathlib import Path

    from govtech.talent import matrices, ranking

    _load(runner, tmp_path)
    assert len(list(Path(app.config["POOL_STORE_DIR"]).glob("pool-*.npz"))) == 1
    expected = json.loads(runner.invoke(args=["talent", "suggest-all", "--json"]).stdout)
    matrices.clear_cache()  # a new process
    monkeypatch.setattr(ranking, "fit_scorer", lambda *a: (_ for _ in ()).throw(AssertionError("fitted again")))
    result = runner.invoke(args=["talent", "suggest-all", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == expected and expected["R1"][0]["external_id"] == "P1"
