"""Shared helpers of the CLI and page benchmarks: contract CSVs from the seeded generators, cold CLI runs
measured from outside (wall time and the child's own peak RSS via wait4), and the one-JSON-line report.

Not a benchmark itself (run_all.py only runs bench_*.py).
"""
from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from govtech.scoring._archetypes import ARCHETYPES  # noqa: E402
from govtech.scoring.arrays import AREAS, WORK_STYLES, load_skill_map  # noqa: E402
from govtech.scoring.synthetic import SyntheticPool, make_pool  # noqa: E402

WEIGHTS = ("", "bonus", "important", "must")
FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木",
          "山口", "松本", "井上", "木村", "林", "斎藤", "清水", "Smith", "Garcia", "Kim", "Nguyen", "Müller")
GIVEN = ("陽翔", "蓮", "湊", "結菜", "陽葵", "芽依", "大輔", "直美", "健太", "由美", "翔太", "恵", "Alex", "Maria",
         "Jin", "Linh", "Sam", "Yuki", "Hana", "Ken")
ROMAJI = ("sato", "suzuki", "takahashi", "tanaka", "ito", "watanabe", "yamamoto", "nakamura", "kobayashi", "kato",
          "yoshida", "yamada", "sasaki", "yamaguchi", "matsumoto", "inoue", "kimura", "hayashi", "saito", "shimizu",
          "smith", "garcia", "kim", "nguyen", "muller")


def log(message: str) -> None:
    """Progress for people: stderr, so the last stdout line stays the JSON result."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def report(figures: dict, ok: bool) -> None:
    """Print the figures as one JSON line (last line of stdout) and exit 1 when a target was missed."""
    figures["targets_met"] = bool(ok)
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    sys.exit(0 if ok else 1)


def load_average() -> list[float]:
    """The 1/5/15-minute load average, reported with every run: the machine is shared."""
    return [round(x, 2) for x in os.getloadavg()]


def _day(days_since_epoch: int) -> str:
    return (date(1970, 1, 1) + timedelta(days=int(days_since_epoch))).isoformat()


def write_professionals(pool: SyntheticPool, path: Path, *, bad_last_row: bool = False) -> None:
    """professionals.csv of the contract: one row per generated professional (skills, bio ja/en, regions…)."""
    codes = [row["code"] for row in load_skill_map()]
    p = pool.professionals
    rng = np.random.default_rng(1)
    fam, giv = rng.integers(len(FAMILY), size=len(p)), rng.integers(len(GIVEN), size=len(p))
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["external_id", "name", "email", "skills", "days_per_week", "available_from", "work_style",
                      "regions", "public_sector_years", "bio"])
        for i in range(len(p)):
            levels = p.levels[i]
            skills = ";".join(f"{codes[s]}:{levels[s]}" for s in np.flatnonzero(levels))
            regions = ";".join(a for a, on in zip(AREAS, p.regions[i], strict=True) if on)
            out.writerow([f"P{i + 1:06d}", f"{FAMILY[fam[i]]} {GIVEN[giv[i]]}",
                          f"{ROMAJI[fam[i]]}.{i + 1}@example.jp", skills, f"{float(p.days[i]):g}",
                          _day(p.available_from[i]), WORK_STYLES[p.work_style[i]], regions,
                          int(p.public_years[i]), p.bios[i]])
        if bad_last_row:  # one unknown skill code on the last line: the whole file must be refused
            out.writerow([f"P{len(p) + 1:06d}", "不正 行", "bad@example.jp", "data.unknown-skill:3", "1",
                          "2025-04-01", "remote", "", 0, "bad row"])


def municipalities_by_area() -> dict[str, list[tuple[str, str]]]:
    """Tokyo's 62 municipalities of the reference data as (code, name_ja), by area."""
    out: dict[str, list[tuple[str, str]]] = {a: [] for a in AREAS}
    with (ROOT / "govtech" / "data" / "municipalities.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out[row["area"]].append((row["code"], row["name_ja"]))
    return out


def write_roles(pool: SyntheticPool, path: Path) -> None:
    """roles.csv of the contract: archetype title, description, weighted requirements, a municipality of the
    role's area (given by code or by Japanese name, as officers do)."""
    codes = [row["code"] for row in load_skill_map()]
    r = pool.roles
    rng = np.random.default_rng(2)
    munis = municipalities_by_area()
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["external_id", "municipality", "title", "description", "requirements", "days_per_week",
                      "start_date", "work_style", "positions"])
        for j in range(len(r)):
            options = munis[AREAS[r.area[j]]]
            code, name = options[rng.integers(len(options))]
            reqs = ";".join(f"{codes[s]}:{r.req_level[j, s]}:{WEIGHTS[r.req_weight[j, s]]}"
                            for s in np.flatnonzero(r.req_level[j]))
            title = ARCHETYPES[pool.role_archetype[j]]["title"]
            text = f"{title}（{name}） " + r.descriptions[j].split("） ", 1)[-1]  # the municipality it is posted for
            out.writerow([f"R{j + 1:05d}", code if j % 2 else name, title, text, reqs, f"{float(r.days[j]):g}", _day(r.start[j]),
                          WORK_STYLES[r.work_style[j]], int(rng.choice([1, 1, 1, 2, 3]))])


def talent_data(n: int, m: int, seed: int, directory: Path) -> tuple[SyntheticPool, Path, Path]:
    """Generate the pool and write professionals.csv and roles.csv."""
    pool = make_pool(n, m, seed=seed)
    profs, roles = directory / "professionals.csv", directory / "roles.csv"
    write_professionals(pool, profs)
    write_roles(pool, roles)
    return pool, profs, roles


def write_requests(records, path: Path) -> None:
    """requests.csv of the contract from pooling RequestRecords."""
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["external_id", "municipality", "title", "category", "description", "quantity", "unit",
                      "budget_jpy", "desired_start", "fiscal_year"])
        for r in records:
            out.writerow([r.id, r.municipality, r.title, r.category, r.description, int(r.quantity), r.unit,
                          r.budget_jpy, "", r.fiscal_year])


def add_municipalities(db_url: str, codes) -> int:
    """Add the generated nationwide municipality codes the reference data (Tokyo's 62) lacks; returns how many.

    Bench data only: the requests generator spreads requests over 1,741 codes, Japan's count."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.begin() as conn:
        have = set(conn.execute(text("SELECT code FROM municipality")).scalars())
        rows = [{"code": c, "name_ja": f"自治体{c}", "name_en": f"Municipality {c}", "kind": "city", "area": "tama"}
                for c in sorted(set(codes) - have)]
        if rows:
            conn.execute(text("INSERT INTO municipality (code, name_ja, name_en, kind, area) "
                              "VALUES (:code, :name_ja, :name_en, :kind, :area)"), rows)
    engine.dispose()
    return len(rows)


def flask_cmd(*args: str) -> list[str]:
    """`flask --app app …` with the venv's flask (the command people run)."""
    exe = Path(sys.executable).parent / "flask"
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "flask"]
    return base + ["--app", "app", *args]


def cli_env(db_url: str, **extra: str) -> dict[str, str]:
    """Environment of a CLI child: its own database and secret key, production-like settings; fitted pools
    are stored only where POOL_STORE_DIR says (never in the checkout's instance/)."""
    return {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": "bench-secret-key", "GOVTECH_ENV": "development",
            "PYTHONDONTWRITEBYTECODE": "1", "POOL_STORE_DIR": "", **extra}


def run_cold(cmd: list[str], env: dict, *, stdout: Path | None = None, stdin: bytes | None = None,
             check: bool = True) -> dict:
    """Run a command in a fresh process: wall seconds, the child's own peak RSS (MiB, wait4), exit code."""
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.PIPE,
                            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL)
    if stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.close()
    err = proc.stderr.read().decode(errors="replace")
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if stdout:
        out.close()
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{err[-3000:]}")
    return {"wall_s": wall, "peak_rss_mib": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime,
            "returncode": proc.returncode, "stderr": err}


def sqlite_count(path: Path, table: str) -> int:
    """Rows in a table of a SQLite file (read outside the app)."""
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - table names are ours


def run_cli_split(args: list[str], env: dict, *, preload: tuple[str, ...], stdout: Path, timings: Path) -> dict:
    """A cold `flask --app app ARGS` run through bench/cli_timer.py (flask's own entry point in a fresh
    process): run_cold's figures plus startup_s (imports + create_app) and work_s (the command itself)."""
    env = {**env, "BENCH_TIMINGS": str(timings), "BENCH_PRELOAD": ",".join(preload)}
    result = run_cold([sys.executable, str(ROOT / "bench" / "cli_timer.py"), *args], env, stdout=stdout)
    return {**result, **json.loads(timings.read_text())}


def best(values) -> float:
    """Smallest of some timings (the least disturbed by the other work on a shared machine)."""
    return float(min(values))


def make_app(db_url: str, **config):
    """The portal with its development (production-like) settings on the bench database (fitted pools are
    not stored unless POOL_STORE_DIR is given: never in the checkout's instance/)."""
    from govtech.config import DevelopmentConfig
    from govtech.factory import create_app

    settings = {k: getattr(DevelopmentConfig, k) for k in dir(DevelopmentConfig) if k.isupper()}
    return create_app({**settings, "SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": "bench-secret-key",
                       "POOL_STORE_DIR": "", **config})


BENCH_EMAIL, BENCH_PASSWORD = "coordinator@bench.example.jp", "bench-password-2026"


def create_coordinator(app, email: str = BENCH_EMAIL, password: str = BENCH_PASSWORD):
    """A coordinator account (created once) for signed-in page measurements; returns (email, password)."""
    from sqlalchemy import select

    from govtech.accounts import services
    from govtech.accounts.models import User
    from govtech.extensions import db

    with app.app_context():
        if db.session.scalar(select(User).where(User.email == email)) is None:
            services.create_user(email=email, password=password, role="coordinator")
            db.session.commit()
    return email, password


CSRF_MARK = 'name="csrf_token" type="hidden" value="'


def csrf_from(html: str) -> str:
    """The CSRF token of a page's form."""
    start = html.index(CSRF_MARK) + len(CSRF_MARK)
    return html[start:html.index('"', start)]


def login_test_client(app, email: str, password: str):
    """A Flask test client signed in through the real login form (CSRF first)."""
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"login failed: {response.status_code}")
    return client
