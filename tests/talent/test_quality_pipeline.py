"""Ranking quality through the whole product path: CSV files → import → database → matrices → scorer.

The seeded graded set of govtech/scoring/synthetic.py (40 roles × 400 professionals, grades from the DOMAIN.md
principles: hard gates, weighted coverage, background told only in the bio) is written as the two contract
CSV files, imported, and ranked with `talent suggest-all`. Whatever the conversion loses would show here.
"""
from __future__ import annotations

import csv
import io
import json

import numpy as np

from govtech.scoring import WEIGHT_NAMES, WORK_STYLES, ndcg_at_k, precision_at_k, skill_codes
from govtech.scoring.explain import iso_day
from govtech.scoring.synthetic import graded_set, true_gates
from tests.talent.test_csv_import import PRO_HEADER, ROLE_HEADER

K = 10
AREA_TOWN = ("千代田区", "八王子市", "大島町")  # one municipality per area: wards, tama, islands


def _csv(header: str, rows) -> bytes:
    out = io.StringIO()
    out.write(header)
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("cp932", errors="replace")


def _files(pool):
    codes, p, r = skill_codes(), pool.professionals, pool.roles
    pros = [[f"S{i}", f"人材{i}", f"s{i}@example.jp",
             ";".join(f"{codes[s]}:{p.levels[i, s]}" for s in np.flatnonzero(p.levels[i])),
             f"{p.days[i]:g}", iso_day(p.available_from[i]), WORK_STYLES[p.work_style[i]],
             ";".join(a for a, ok in zip(("wards", "tama", "islands"), p.regions[i], strict=True) if ok),
             int(p.public_years[i]), p.bios[i]] for i in range(len(p))]
    roles = [[f"J{j}", AREA_TOWN[r.area[j]], r.descriptions[j][:60], r.descriptions[j],
              ";".join(f"{codes[s]}:{r.req_level[j, s]}:{WEIGHT_NAMES[r.req_weight[j, s]]}"
                       for s in np.flatnonzero(r.req_level[j])),
              f"{r.days[j]:g}", iso_day(r.start[j]), WORK_STYLES[r.work_style[j]], 1] for j in range(len(r))]
    return _csv(PRO_HEADER, pros), _csv(ROLE_HEADER, roles)


def test_graded_set_through_csv_import_and_suggest_all(runner, tmp_path):
    pool, grades = graded_set(n_roles=40, n_professionals=400, seed=7)
    pros, roles = _files(pool)
    for name, data, command in (("p.csv", pros, "import-professionals"), ("r.csv", roles, "import-roles")):
        (tmp_path / name).write_bytes(data)
        result = runner.invoke(args=["talent", command, str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(args=["talent", "suggest-all", "--top", str(K), "--json"])
    assert result.exit_code == 0, result.output
    suggested = json.loads(result.stdout)
    gates = true_gates(pool.professionals, pool.roles)
    ndcg, precision, broken, returned = [], [], 0, 0
    for j in range(len(pool.roles)):
        got = [int(row["external_id"][1:]) for row in suggested[f"J{j}"]]
        returned += len(got)
        broken += int(gates[j, got].sum())
        ranked = np.concatenate([grades[j, got], np.zeros(K - len(got))])
        value = ndcg_at_k(ranked, K, grades[j])
        if not np.isnan(value):
            ndcg.append(value)
        precision.append(precision_at_k(ranked, K, threshold=2))
    figures = {"ndcg@10": float(np.mean(ndcg)), "precision@10": float(np.mean(precision)),
               "gate_break_rate": broken / max(returned, 1)}
    print(f"\nCSV → DB → suggest-all: {figures}")
    assert figures["gate_break_rate"] == 0.0
    assert figures["ndcg@10"] >= 0.95
