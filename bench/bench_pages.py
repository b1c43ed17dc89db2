"""Pages under load: gunicorn (4 sync workers) on PostgreSQL with a large data set, driven by wrk on loopback.

Setup (stated in the output): a throwaway PostgreSQL cluster (tests/support/postgres.py, Unix socket only),
`init-db`, then the CLI imports of generated contract CSVs — 50,000 professionals, 5,000 roles, 2,000
requests by default (the request import writes two audit entries per row, so its size sets the setup time) —
then, through the services, joint tenders from the best suggested pools and shortlisted candidates on some
roles, and one coordinator account.

Served: `gunicorn --workers 4 app:app` on 127.0.0.1 from the project directory, so with its gunicorn.conf.py
(development settings: plain HTTP cookies). Signed in by posting the login form with its CSRF token; wrk sends
the session cookie. Per endpoint: a warm-up (for the suggestion page, until every worker has loaded its pool
scorer; measured twice: first views spread over 2,000 roles, then views again of 50 roles once every worker
has served each of them), then `wrk -t1 -c16 -d10s` with
wrk_report.lua, which spreads requests over several ids where given and prints p50/p95/p99 and throughput
from done(summary, latency, requests). /healthz (public, one `SELECT 1`) is the trivial baseline.

Targets: p95 < 250 ms on the list, detail and suggestion pages; every signed-in list page >= 20% of the
throughput of /healthz in the same run, measured by a /healthz run just before each list (the machine's state
drifts within a run: the share against the first /healthz run is reported beside it); no response other than
200. Exit 1 when one is missed. After the data load the database is vacuumed and analysed, as after any bulk
load, so that autovacuum does not start in the middle of the measurements.

    python bench/bench_pages.py [--professionals N] [--roles M] [--requests R] [--duration S] [--connections C]
"""
from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench_pooling import generate
from benchlib import (
    BENCH_EMAIL,
    BENCH_PASSWORD,
    ROOT,
    add_municipalities,
    cli_env,
    create_coordinator,
    csrf_from,
    flask_cmd,
    load_average,
    log,
    make_app,
    report,
    run_cold,
    talent_data,
    write_requests,
)

from tests.support.postgres import PostgresCluster

P95_MS, THROUGHPUT_SHARE = 250.0, 0.20
LUA = ROOT / "bench" / "wrk_report.lua"


def ensure_wrk() -> str | None:
    """Path of wrk, installing the Debian package when it is missing and we may (root with apt-get)."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    log("wrk is missing: apt-get install -y wrk")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": {**os.environ,
             "DEBIAN_FRONTEND": "noninteractive"}}
    if subprocess.run(["apt-get", "install", "-y", "wrk"], **quiet).returncode != 0:
        subprocess.run(["apt-get", "update"], **quiet)
        subprocess.run(["apt-get", "install", "-y", "wrk"], **quiet)
    return shutil.which("wrk")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_data(url: str, workdir: Path, args) -> dict:
    """init-db and the three CLI imports (timed), on PostgreSQL."""
    env = cli_env(url)
    timings = {}
    started = time.perf_counter()
    pool, profs_csv, roles_csv = talent_data(args.professionals, args.roles, args.seed, workdir)
    del pool
    records, _truth = generate(args.requests, args.seed)
    requests_csv = workdir / "requests.csv"
    write_requests(records, requests_csv)
    timings["generate_s"] = time.perf_counter() - started
    run_cold(flask_cmd("init-db"), env)
    timings["municipalities_added"] = add_municipalities(url, {r.municipality for r in records})
    for name, cmd in (("import_professionals_s", ["talent", "import-professionals", str(profs_csv)]),
                      ("import_roles_s", ["talent", "import-roles", str(roles_csv)]),
                      ("import_requests_s", ["procurement", "import-requests", str(requests_csv)])):
        log(" ".join(cmd[:2]))
        timings[name] = run_cold(flask_cmd(*cmd), env)["wall_s"]
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in timings.items()}


def add_workflow_data(app, tenders: int, shortlisted_roles: int) -> dict:
    """Joint tenders from the best suggested pools and shortlisted candidates, through the services."""
    from datetime import timedelta

    from sqlalchemy import select

    from govtech.accounts.models import User
    from govtech.extensions import db
    from govtech.procurement import queries
    from govtech.procurement import tenders as tender_services
    from govtech.talent import workflow
    from govtech.talent.models import Professional, Role

    create_coordinator(app)
    with app.app_context():
        coordinator = db.session.scalar(select(User).where(User.email == BENCH_EMAIL))
        made = []
        for view in queries.pool_suggestions()[:tenders]:
            values = {"title": f"共同調達: {view.requests[0].title} (FY{view.fiscal_year})", "description": "",
                      "category": view.category, "fiscal_year": view.fiscal_year, "unit": view.requests[0].unit,
                      "survey_deadline": tender_services.tokyo_today() + timedelta(days=30),
                      "award_method": "lowest_price", "price_weight": 100, "quality_weight": 0,
                      "allocation_rule": "quantity", "mix_equal": 0, "mix_quantity": 0, "mix_population": 0}
            made.append(tender_services.create_tender_from_pool(
                actor=coordinator, request_ids=[r.id for r in view.requests], values=values).id)
        db.session.commit()
        rng = random.Random(3)
        pros = list(db.session.scalars(select(Professional.id).order_by(Professional.id).limit(5000)))
        role_ids = list(db.session.scalars(select(Role.id).where(Role.state == "open").order_by(Role.id)
                                           .limit(shortlisted_roles)))
        for role_id in role_ids:
            role = db.session.get(Role, role_id)
            for pid in rng.sample(pros, 6):
                workflow.consider(role=role, professional=db.session.get(Professional, pid), actor=coordinator)
        db.session.commit()
        db.engine.dispose()
    return {"tender_ids": made, "shortlisted_role_ids": role_ids}


def sign_in(base: str) -> str:
    """Post the login form (CSRF first) like a browser; returns the Cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    token = csrf_from(opener.open(f"{base}/login", timeout=30).read().decode())
    data = urllib.parse.urlencode({"email": BENCH_EMAIL, "password": BENCH_PASSWORD, "csrf_token": token}).encode()
    try:  # the 302 to the home page is not followed: the session cookie is all the bench needs
        opener.open(urllib.request.Request(f"{base}/login", data=data), timeout=30).read()  # noqa: S310 - loopback
    except urllib.error.HTTPError as exc:
        if exc.code != 302:
            raise
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    status, _ = fetch(base, "/procurement/tenders", cookie)
    if status != 200:
        raise RuntimeError(f"signing in failed: /procurement/tenders answered {status}")
    return cookie


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(base: str, path: str, cookie: str | None, timeout: float = 300, size: list | None = None
          ) -> tuple[int, float]:
    """(status, seconds) of one GET, redirects not followed; status 0 when the connection broke. The body's
    length is appended to `size` when given."""
    opener = urllib.request.build_opener(_NoRedirect)
    req = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    started = time.perf_counter()
    try:
        with opener.open(req, timeout=timeout) as response:
            body = response.read()
            status = response.status
            if size is not None:
                size.append(len(body))
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (ConnectionError, http.client.HTTPException):  # a worker died mid-request (see worker_crashes)
        status = 0
    return status, time.perf_counter() - started


def warm(base: str, paths: list[str], cookie: str | None, workers: int, heavy) -> float:
    """Requests until every worker has served the endpoint (heavy: until no request is slow any more,
    i.e. every worker has fitted its pool scorer; "revisit": every path 4 × workers times, so that each
    worker has almost surely served each path once). Returns the seconds spent."""
    started = time.perf_counter()
    if heavy == "revisit":
        with ThreadPoolExecutor(max_workers=2 * workers) as pool:
            statuses = {status for status, _t in pool.map(lambda p: fetch(base, p, cookie),
                                                          paths * (4 * workers))}
        if statuses != {200}:
            raise RuntimeError(f"warm-up of {paths[0]}: statuses {sorted(statuses)}")
        return time.perf_counter() - started
    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        for round_ in range(60):
            results = list(pool.map(lambda p: fetch(base, p, cookie), [paths[i % len(paths)] for i in
                                                                        range(2 * workers)]))
            statuses = {status for status, _s in results}
            if statuses - {0, 200}:
                raise RuntimeError(f"warm-up of {paths[0]}: statuses {[s for s, _t in results]}")
            if statuses == {200} and (not heavy or (round_ >= 1 and max(t for _s, t in results) < 2.0)):
                break
    return time.perf_counter() - started


def run_wrk(wrk: str, base: str, paths: list[str], cookie: str | None, args) -> dict:
    """One wrk run; the figures printed by wrk_report.lua, and `not_200`: responses with a status >= 400
    (wrk's count), or all of them when responses were shorter than the smallest page (redirects instead of
    pages: the session was lost) or the page is not a 200 right after the run."""
    smallest = []
    for path in paths[:20]:
        fetch(base, path, cookie, size=smallest)
    cmd = [wrk, "-t1", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "30s", "-s", str(LUA)]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd += [base + paths[0], "--", *paths]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 120).stdout
    line = next((x for x in out.splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{out[-2000:]}")
    figures = json.loads(line[len("WRK_JSON "):])
    figures["bytes_per_response"] = round(figures["bytes"] / max(figures["requests"], 1))
    short = figures["bytes_per_response"] < min(smallest, default=0)  # read bytes include the headers
    after = fetch(base, paths[0], cookie)[0]
    figures["not_200"] = figures["requests"] if short or after != 200 else figures["http_errors"]
    return figures


def worker_rss_mib(master_pid: int) -> list[int]:
    """Resident memory of each gunicorn worker (children of the master), MiB."""
    out = []
    for pid in subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split():
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out.append(int(line.split()[1]) // 1024)
        except OSError:
            pass
    return sorted(out)


def endpoints(data: dict, args) -> list[tuple[str, str, list[str], bool]]:
    """(name, kind, paths, heavy) of every measured endpoint; several ids are spread over where given."""
    tenders = [f"/procurement/tenders/{i}" for i in data["tender_ids"]]
    roles = [f"/talent/roles/{i}" for i in data["shortlisted_role_ids"]]
    rng = random.Random(5)
    # First views: many more roles than a run makes requests (wrk picks one at random per request), so that
    # almost every request is a role its worker has not seen; views again: 50 of them, each seen before.
    first = [f"/talent/roles/{i}/suggestions" for i in rng.sample(range(1, args.roles + 1), min(2000, args.roles))]
    suggest = first[:50]
    return [("healthz", "baseline", ["/healthz"], False),
            ("tenders", "list", ["/procurement/tenders"], False),
            ("requests", "list", ["/procurement/requests"], False),
            ("roles", "list", ["/talent/roles"], False),
            ("professionals", "list", ["/talent/professionals"], False),
            ("tender_detail", "detail", tenders, False),
            ("role_detail", "detail", roles, False),
            # First views: each role scored and explained by the worker that serves it (the pool is fitted).
            ("suggestions_first_view", "suggestion", first, True),
            # Views again (a coordinator back on the role after each decision): the worker kept the ranking
            # and explanations of that role for the current pool (ranking.Pool.remembered).
            ("suggestions", "suggestion", suggest, "revisit")]


def cluster_vacuum(url: str) -> None:
    """VACUUM ANALYZE the bench database (outside a transaction, as VACUUM requires)."""
    import psycopg

    parsed = urllib.parse.urlsplit(url)
    host = urllib.parse.parse_qs(parsed.query)["host"][0]
    with psycopg.connect(dbname=parsed.path.lstrip("/"), user=parsed.username, host=host,
                         autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def serve(url: str, args, workdir: Path):
    """gunicorn with several sync workers on a free loopback port; returns (process, base URL)."""
    port = free_port()
    # The workers share one pool store, as on a real host: the first to fit the pool stores it, the others read it.
    env = {**cli_env(url, POOL_STORE_DIR=str(workdir / "pool-store")), "PYTHONPATH": str(ROOT),
           "PYTHONFAULTHANDLER": "1",  # a crash leaves a traceback
           **dict(item.split("=", 1) for item in args.server_env)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "300", "app:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=(workdir / "gunicorn.log").open("w"))
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if fetch(base, "/healthz", None, timeout=2)[0] == 200:
                return proc, base
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("gunicorn did not start; see gunicorn.log")


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--professionals", type=int, default=50_000)
    parser.add_argument("--roles", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--tenders", type=int, default=60)
    parser.add_argument("--shortlisted-roles", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--only", type=lambda v: set(v.split(",")), default=None, metavar="NAME[,NAME]",
                        help="measure only these endpoints (and /healthz, the baseline): experiments")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment of the gunicorn server (experiments)")
    args = parser.parse_args(argv)
    # SIGTERM (run_all interrupted, kill PID) unwinds like Ctrl+C, so the finally below stops gunicorn and
    # the PostgreSQL cluster instead of leaving them running.
    signal.signal(signal.SIGTERM, _interrupt)
    figures = {"professionals": args.professionals, "roles": args.roles, "requests": args.requests,
               "workers": args.workers, "connections": args.connections, "duration_s": args.duration,
               "server_env": args.server_env, "only": sorted(args.only or []), "load_before": load_average()}
    wrk = ensure_wrk()
    if wrk is None:
        report({**figures, "error": "wrk is not installed (apt-get install wrk)"}, False)
    pg_base = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    cluster = PostgresCluster(pg_base)  # as root it makes its own directory, owned by postgres
    if not cluster.available():
        report({**figures, "error": "PostgreSQL server binaries (initdb, pg_ctl) are not installed"}, False)
    workdir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    server = None
    try:
        cluster.start()
        url = cluster.create_database("bench")
        log(f"loading {args.professionals:,} professionals, {args.roles:,} roles, {args.requests:,} requests")
        started = time.perf_counter()
        figures["setup"] = load_data(url, workdir, args)
        data = add_workflow_data(make_app(url), args.tenders, args.shortlisted_roles)
        figures["setup"]["tenders"] = len(data["tender_ids"])
        # What an operator does after a bulk load: vacuum and analyse now, so that autovacuum does not start
        # on the freshly imported tables in the middle of the measurements.
        vacuum_started = time.perf_counter()
        cluster_vacuum(url)
        figures["setup"]["vacuum_analyze_s"] = round(time.perf_counter() - vacuum_started, 1)
        figures["setup"]["total_s"] = round(time.perf_counter() - started, 1)
        server, base = serve(url, args, workdir)
        cookie = sign_in(base)
        results = {}
        for name, kind, paths, heavy in endpoints(data, args):
            if args.only and name not in args.only and kind != "baseline":
                continue
            auth = None if kind == "baseline" else cookie
            if kind == "list":  # its own baseline just before it: the machine's state drifts within a run
                log(f"wrk healthz before {name}")
                results[name + "_healthz"] = {"kind": "baseline", "paths": 1,
                                              **run_wrk(wrk, base, ["/healthz"], None, args)}
            warm_s = warm(base, paths, auth, args.workers, heavy)
            log(f"wrk {name} ({len(paths)} path(s), warm-up {warm_s:.1f} s)")
            results[name] = {"kind": kind, "paths": len(paths), "warm_up_s": round(warm_s, 1),
                             **run_wrk(wrk, base, paths, auth, args)}
        figures["worker_rss_mib"] = worker_rss_mib(server.pid)
        figures["endpoints"] = results
        crashes = [line for line in (workdir / "gunicorn.log").read_text().splitlines()
                   if "Worker (pid:" in line and ("SIG" in line or "exited" in line)]
        figures["worker_crashes"] = len(crashes)
        if crashes:  # keep the evidence: faulthandler tracebacks are in the log
            kept = Path(tempfile.gettempdir()) / f"bench_pages_gunicorn_{os.getpid()}.log"
            shutil.copy(workdir / "gunicorn.log", kept)
            figures["gunicorn_log"] = str(kept)
    except Exception:
        log_path = workdir / "gunicorn.log"
        if log_path.exists():
            sys.stderr.write("gunicorn.log (last lines):\n" + "\n".join(log_path.read_text().splitlines()[-150:]) + "\n")
        raise
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(pg_base, ignore_errors=True)
    first_baseline = results["healthz"]["rps"]
    misses = []
    for name, r in results.items():
        if r["kind"] == "list":
            # Against the /healthz run just before it; the first /healthz run of the whole bench beside it.
            r["share_of_healthz"] = round(r["rps"] / results[name + "_healthz"]["rps"], 3)
            r["share_of_first_healthz"] = round(r["rps"] / first_baseline, 3)
            if r["share_of_healthz"] < THROUGHPUT_SHARE:
                misses.append(f"{name} throughput")
        if r["kind"] != "baseline" and r["p95_ms"] >= P95_MS:
            misses.append(f"{name} p95")
        if r["not_200"] or r["socket_errors"]:
            misses.append(f"{name} errors")
    if figures.get("worker_crashes"):
        misses.append("worker crashes")
    figures.update({"misses": misses, "load_after": load_average(),
                    "targets": {"p95_ms": P95_MS, "list_share_of_healthz": THROUGHPUT_SHARE}})
    report(figures, not misses)


if __name__ == "__main__":
    main()
