"""Start and stop a throwaway PostgreSQL cluster listening only on a Unix socket."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path


def _bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


class PostgresCluster:
    """initdb + pg_ctl in a temporary directory; as root, the server runs as the `postgres` user."""

    def __init__(self, base: Path):
        self.run_as = "postgres" if os.geteuid() == 0 else None
        if self.run_as:
            # pytest's tmp dirs are private to root; the server user needs a directory of its own.
            base = Path(tempfile.mkdtemp(prefix="govtech-pg-"))
            base.chmod(0o755)
        self.base = Path(base)
        self.data = self.base / "data"
        self.socket_dir = self.base / "sock"
        self.bindir = _bindir()

    def available(self) -> bool:
        """True when the server binaries (and, as root, a non-root user to run them) exist."""
        if self.bindir is None or not (self.bindir / "initdb").exists():
            return False
        if self.run_as:
            try:
                pwd.getpwnam(self.run_as)
            except KeyError:
                return False
        return True

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--"] + cmd
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}): {result.stderr or result.stdout}")
        return result

    def start(self) -> None:
        """initdb and start the server on a private socket directory."""
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if self.run_as:
            uid = pwd.getpwnam(self.run_as).pw_uid
            os.chown(self.base, uid, -1)
            os.chown(self.socket_dir, uid, -1)
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        opts = f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off -c max_connections=120"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", opts, "-w", "-l",
                  str(self.base / "server.log"), "start")

    def stop(self) -> None:
        """Stop the server (fast mode)."""
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        except RuntimeError:
            pass
        if self.run_as:
            shutil.rmtree(self.base, ignore_errors=True)

    def create_database(self, name: str) -> str:
        """Create a database and return its SQLAlchemy URL (psycopg 3 over the socket)."""
        import psycopg

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@/{name}?host={self.socket_dir}"

    def dsn(self, dbname: str) -> str:
        return f"dbname={dbname} user=postgres host={self.socket_dir}"
