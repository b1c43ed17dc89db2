"""Benchmark pool suggestion against its own kernel on generated requests; prints one JSON object.

Data: seeded, realistic requests made by perturbing the wording of the labelled set's rows (full-width
Latin, half-width katakana, boilerplate prefixes and suffixes, department notes, sentence order, dropped
characters), spread over fiscal years 2025–2027 and 1,741 synthetic municipality codes (Japan's count).

Baseline ("kernel"): NFKC char n-gram TF-IDF and the top-20 cosine neighbours of every request within its
fiscal year (chunked sparse products + argpartition): the unavoidable core of any n-gram pooling.
Measured: ``suggest_pools`` over the same requests. Target: ``ratio = pool_s / kernel_s <= 3`` (exit status 1
when missed).
Each generated request knows its need (its template's group), so pairwise precision/recall/F1 are reported.

    python bench/bench_pooling.py [--n 10000] [--seed 7] [--repeat 1]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
import unicodedata
from collections import Counter
from math import comb
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govtech.procurement.pooling import RequestRecord, suggest_pools  # noqa: E402

LABELLED = ROOT / "tests" / "procurement" / "data" / "pooling_labelled.csv"
FISCAL_YEARS = (2025, 2026, 2027)
PREFIXES = ("", "", "令和8年度 ", "【継続】", "（新規）", "R8 ")
SUFFIXES = ("", "", "の調達", "について", " 一式", "（全庁）", " 更新")
DEPARTMENTS = ("情報政策課", "DX推進課", "総務課", "行政改革課", "デジタル推進室", "契約管財課")
K = 20


def half_width_table() -> dict[str, str]:
    """Map full-width katakana (and voiced forms) to their half-width spellings, the inverse of NFKC."""
    singles = [chr(c) for c in range(0xFF61, 0xFFA0)]
    table = {unicodedata.normalize("NFKC", h): h for h in singles}
    for h in singles:
        for mark in ("ﾞ", "ﾟ"):
            composed = unicodedata.normalize("NFKC", h + mark)
            if len(composed) == 1:
                table[composed] = h + mark
    return table


HALF = half_width_table()


def perturb(text: str, rng: random.Random, *, description: bool) -> str:
    """One officer's way of writing the same thing: width, boilerplate, order and small omissions."""
    if description:
        parts = [p for p in text.split("。") if p]
        rng.shuffle(parts)
        text = "。".join(parts) + ("。" if parts else "")
        if rng.random() < 0.5:
            text = f"{rng.choice(DEPARTMENTS)}所管。{text}"
        if len(text) > 20 and rng.random() < 0.3:
            i = rng.randrange(len(text) - 3)
            text = text[:i] + text[i + rng.randint(1, 3) :]
    else:
        text = rng.choice(PREFIXES) + text + rng.choice(SUFFIXES)
    if rng.random() < 0.15:  # full-width Latin letters and digits
        text = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    if rng.random() < 0.1:
        text = "".join(HALF.get(c, c) for c in text)
    return text


def need_of(row: dict[str, str]) -> str:
    """The need a template row stands for: its group, or for a singleton its municipality and category."""
    if row["true_group"]:
        return row["true_group"].rsplit("-", 1)[0]  # "zoom-2026" -> "zoom"
    return f"solo-{row['municipality']}-{row['category']}"  # the set's one such clash is a re-worded need


def generate(n: int, seed: int) -> tuple[list[RequestRecord], dict[str, tuple[str, int]]]:
    """``n`` perturbed requests and, per request id, its true need (template need, fiscal year)."""
    rng = random.Random(seed)
    with LABELLED.open(encoding="utf-8") as f:  # FY2027 rows only re-word FY2026 needs
        templates = [row for row in csv.DictReader(f) if row["fiscal_year"] == "2026"]
    codes = [f"{p:02d}{c:03d}" for p in range(1, 48) for c in range(100, 137)][:1741]
    records, truth = [], {}
    for i in range(n):
        t = rng.choice(templates)
        fy, scale = rng.choice(FISCAL_YEARS), rng.uniform(0.3, 3.0)
        rid = f"B{i:06d}"
        records.append(RequestRecord(
            id=rid, municipality=rng.choice(codes), category=t["category"],
            title=perturb(t["title"], rng, description=False),
            description=perturb(t["description"], rng, description=True),
            quantity=max(1.0, round(float(t["quantity"]) * scale)), unit=t["unit"],
            budget_jpy=int(int(t["budget_jpy"]) * scale), fiscal_year=fy, desired_start=None,
        ))
        truth[rid] = (need_of(t), fy)
    return records, truth


def kernel(records: list[RequestRecord]) -> int:
    """Char n-gram TF-IDF + top-k cosine neighbours per fiscal year; returns the number of edges."""
    texts = [unicodedata.normalize("NFKC", f"{r.title} {r.description}").lower() for r in records]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True, dtype=np.float32)
    X = vec.fit_transform(texts).tocsr()
    years = np.array([r.fiscal_year for r in records])
    edges = 0
    for fy in np.unique(years):
        Xf = X[np.flatnonzero(years == fy)]
        m, k = Xf.shape[0], min(K, Xf.shape[0] - 1)
        XT, step = Xf.T.tocsr(), max(1, 8_000_000 // max(m, 1))
        for start in range(0, m if k > 0 else 0, step):
            sims = (Xf[start : start + step] @ XT).toarray()
            sims[np.arange(sims.shape[0]), np.arange(start, start + sims.shape[0])] = -1.0
            idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            edges += np.take_along_axis(sims, idx, axis=1).size
    return edges


def pairwise_scores(pools, truth: dict[str, tuple[str, int]]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of pools against the generated truth, from pair counts."""
    assigned = {rid: k for k, pool in enumerate(pools) for rid in pool.request_ids}
    predicted = sum(comb(len(p.request_ids), 2) for p in pools)
    actual = sum(comb(c, 2) for c in Counter(truth.values()).values())
    both = sum(comb(c, 2) for c in Counter((assigned[r], truth[r]) for r in assigned).values())
    precision = both / predicted if predicted else 1.0
    recall = both / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def best_time(fn, repeat: int):
    """Smallest wall time of ``repeat`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    records, truth = generate(args.n, args.seed)
    kernel_s, _ = best_time(lambda: kernel(records), args.repeat)
    pool_s, pools = best_time(lambda: suggest_pools(records), args.repeat)
    out = {
        "n": args.n, "kernel_s": round(kernel_s, 3), "pool_s": round(pool_s, 3),
        "ratio": round(pool_s / kernel_s, 2) if kernel_s else None, "n_pools": len(pools),
        **pairwise_scores(pools, truth),
    }
    out["targets_met"] = out["ratio"] is not None and out["ratio"] <= 3
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    sys.exit(0 if main()["targets_met"] else 1)  # run_all.py reports a missed target by the exit status
