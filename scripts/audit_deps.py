"""Dependency vulnerability audit: pip-audit on the installed environment, with a PyPI project-JSON fallback.

Usage: python scripts/audit_deps.py [--ignore-file .audit-ignore] [--allow-not-audited] [--workers 16] [--timeout 15]

Run it with the interpreter of the environment to audit (the project's .venv): pip-audit audits that
environment (`python -m pip_audit`), the local project itself is left out (it is not a registry dependency).

Why a fallback: pip-audit's default service reads `https://pypi.org/pypi/<name>/<version>/json`; where that
per-version endpoint answers 404 (as on a registry mirror without it), pip-audit skips the package as
"Dependency not found on PyPI and could not be audited" and still prints "No known vulnerabilities found" and
exits 0. Those packages are judged here from the project JSON `https://pypi.org/pypi/<name>/json` instead:

- its `vulnerabilities` list is PyPI's OSV-backed advisories *of the latest release only* (info.version): a
  project whose older releases had advisories fixed since shows an empty list. So a package is counted as
  audited only when the installed version is that latest release; its advisories then apply to it
  (withdrawn ones excepted, as pip-audit does), save those whose `fixed_in` versions are all <= the installed
  version (resolved);
- an installed version that is not the latest release cannot be judged from that data: it is reported as
  "not audited" (never passed silently). The latest release's advisories are still matched against it with
  `fixed_in` (conservatively: an advisory of the latest release not fixed at or below the installed version
  is reported as a finding), and a yanked installed version is reported as a warning.

Reviewed findings go in the ignore file, one per line: `<ID> <reason>` (the advisory id or any alias: PYSEC,
GHSA, CVE). A package that cannot be audited here can be accepted after review with `<name>==<version>
<reason>`: it stays listed (as "not audited, accepted"), is never counted as audited, and the entry stops
applying as soon as another version is installed. An entry without a reason is an error; entries that match
nothing are listed as unused.

Prints a JSON summary on stdout (human-readable lines on stderr). Exit status: 0 nothing found and every
package audited (or accepted as not auditable); 1 a known vulnerability (not ignored); 2 packages that could
not be audited and are not accepted (unless --allow-not-audited); 3 the audit itself could not run (pip-audit
failed, e.g. no network; bad ignore file).
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
NOT_FOUND_REASON = "Dependency not found on PyPI and could not be audited"
SKIP_VERSION_RE = re.compile(r"\(([^()\s]+)\)\s*$")
USER_AGENT = "govtech-portal scripts/audit_deps.py"
PYTHON_VERSION = ".".join(map(str, sys.version_info[:3]))


class AuditError(Exception):
    """The audit could not run (exit 3)."""


def say(message: str) -> None:
    print(message, file=sys.stderr)


# ---------------------------------------------------------------------------------------------- ignore file


def read_ignores(path: Path) -> tuple[dict[str, str], list[tuple[Requirement, str]]]:
    """`ID reason` or `name==version reason` per line, `#` comments.

    Returns ({advisory ID (upper case): reason}, [(package requirement, reason)])."""
    ids: dict[str, str] = {}
    packages: list[tuple[Requirement, str]] = []
    if not path.exists():
        return ids, packages
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) < 2 or not parts[1].strip():
            raise AuditError(f"{path}:{number}: '{parts[0]}' has no reason (format: '<ID or name==version> <reason>')")
        if any(c in parts[0] for c in "=<>!~"):
            try:
                requirement = Requirement(parts[0])
            except InvalidRequirement as exc:
                raise AuditError(f"{path}:{number}: {exc}") from exc
            if not requirement.specifier:
                raise AuditError(f"{path}:{number}: '{parts[0]}' must name the version(s) it accepts")
            packages.append((requirement, parts[1].strip()))
        else:
            ids[parts[0].upper()] = parts[1].strip()
    return ids, packages


# ---------------------------------------------------------------------------------------------- pip-audit


def local_project_name() -> str | None:
    try:
        return canonicalize_name(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["name"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return None


def run_pip_audit(timeout: float) -> tuple[list[dict], str, str]:
    """pip-audit on this interpreter's environment; returns (dependencies, pip-audit version, stderr)."""
    try:
        version = metadata.version("pip-audit")
    except metadata.PackageNotFoundError as exc:
        raise AuditError("pip-audit is not installed in this environment (it is in the test extra)") from exc
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pip-audit.json"
        cmd = [sys.executable, "-m", "pip_audit", "--format", "json", "--output", str(out),
               "--progress-spinner", "off", "--skip-editable", "--desc", "on", "--aliases", "on",
               "--timeout", str(int(timeout))]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        # pip-audit exits 1 both for "vulnerabilities found" (report written) and for a crash (no report).
        if not out.exists() or not out.read_text("utf-8").strip():
            tail = " | ".join(result.stderr.strip().splitlines()[-3:])
            raise AuditError(f"pip-audit failed (exit {result.returncode}): {tail}")
        report = json.loads(out.read_text("utf-8"))
    return report["dependencies"], version, result.stderr


# ---------------------------------------------------------------------------------------------- fallback


def fetch_project(name: str, timeout: float) -> dict:
    url = PROJECT_JSON.format(name=name)   # a fixed https:// URL: no file: or custom scheme can get in
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return json.load(response)


def resolved_by_fixed_in(entry: dict, installed: Version) -> bool:
    """Resolved when the advisory names fixed versions and all of them are <= the installed version."""
    fixed = entry.get("fixed_in") or []
    try:
        return bool(fixed) and all(Version(v) <= installed for v in fixed)
    except InvalidVersion:
        return False


def yanked_reason(project: dict, installed: Version) -> str | None:
    """The yank reason when every file of the installed release is yanked (None otherwise / unknown)."""
    for key, files in (project.get("releases") or {}).items():
        try:
            if Version(key) != installed:
                continue
        except InvalidVersion:
            continue
        if files and all(f.get("yanked") for f in files):
            return files[0].get("yanked_reason") or "no reason given"
    return None


def newest_installable(project: dict) -> str | None:
    """The newest final, not yanked release with a file whose Requires-Python admits this interpreter."""
    best: Version | None = None
    for key, files in (project.get("releases") or {}).items():
        try:
            version = Version(key)
        except InvalidVersion:
            continue
        if version.is_prerelease or (best is not None and version <= best):
            continue
        for f in files:
            spec = (f.get("requires_python") or "").strip()
            try:
                if not f.get("yanked") and (not spec or SpecifierSet(spec).contains(PYTHON_VERSION)):
                    best = version
                    break
            except InvalidSpecifier:
                continue
    return str(best) if best is not None else None


def judge_from_project_json(name: str, version: str, timeout: float) -> dict:
    """Judge one package from its project JSON: {"audited": bool, "reason", "vulns", "warnings"}."""
    verdict: dict = {"name": name, "version": version, "audited": False, "vulns": [], "warnings": [],
                     "reason": None, "resolved": []}
    try:
        installed = Version(version)
    except InvalidVersion:
        verdict["reason"] = f"installed version '{version}' is not a valid version"
        return verdict
    try:
        project = fetch_project(name, timeout)
    except urllib.error.HTTPError as exc:
        verdict["reason"] = f"project JSON answered HTTP {exc.code}" + (" (not on PyPI)" if exc.code == 404 else "")
        return verdict
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        verdict["reason"] = f"project JSON could not be fetched: {exc}"
        return verdict
    if "vulnerabilities" not in project:
        verdict["reason"] = "project JSON has no 'vulnerabilities' key"
        return verdict
    latest = (project.get("info") or {}).get("version") or ""
    try:
        is_latest = Version(latest) == installed
    except InvalidVersion:
        is_latest = False
    yanked = yanked_reason(project, installed)
    if yanked:
        verdict["warnings"].append(f"{name} {version} is yanked on PyPI: {yanked}")
    for entry in project["vulnerabilities"]:
        if entry.get("withdrawn"):
            continue
        record = {"id": entry["id"], "aliases": list(entry.get("aliases") or []),
                  "fix_versions": list(entry.get("fixed_in") or []),
                  "description": (entry.get("summary") or entry.get("details") or "N/A").replace("\n", " "),
                  "source": "pypi-project-json" if is_latest else "pypi-project-json (advisory of latest release)"}
        if resolved_by_fixed_in(entry, installed):
            verdict["resolved"].append(record["id"])
        else:
            verdict["vulns"].append(record)
    if is_latest:
        verdict["audited"] = True
    else:
        requires = (project.get("info") or {}).get("requires_python") or "any"
        newest = newest_installable(project)
        if newest is not None and Version(newest) == installed:
            hint = f"{version} is the newest release installable on Python {PYTHON_VERSION}"
        elif newest is not None and Version(newest) > installed:
            hint = f"upgrade: {newest} is installable on Python {PYTHON_VERSION}"
        else:
            hint = "no newer release is installable on this Python"
        holders = held_back_by(name, latest)
        if holders:
            hint += "; held back by " + ", ".join(holders)
        verdict["newest_installable"] = newest
        verdict["reason"] = (f"installed {version} is not the latest release ({latest}, Requires-Python {requires}) "
                             f"and PyPI's project JSON lists advisories of the latest release only; {hint}")
    return verdict


def held_back_by(name: str, latest: str) -> list[str]:
    """Installed distributions whose requirement on `name` excludes its latest release (why it is older)."""
    try:
        newest = Version(latest)
    except InvalidVersion:
        return []
    holders = []
    for dist in metadata.distributions():
        for line in dist.requires or ():
            try:
                req = Requirement(line)
            except InvalidRequirement:
                continue
            if canonicalize_name(req.name) == canonicalize_name(name) and req.specifier and \
                    not req.specifier.contains(newest, prereleases=True):
                holders.append(f"{dist.metadata['Name']} {dist.version} requires {req.name}{req.specifier}")
    return sorted(set(holders))


# ---------------------------------------------------------------------------------------------- audit


def group_vulns(vulns: list[dict]) -> list[dict]:
    """Merge advisories that are the same vulnerability (overlapping id/aliases: PYSEC + GHSA + CVE)."""
    groups: list[dict] = []
    for v in vulns:
        ids = {v["id"], *v.get("aliases", [])}
        for g in groups:
            if g["ids"] & ids:
                g["ids"] |= ids
                g["records"].append(v)
                break
        else:
            groups.append({"ids": ids, "records": [v]})
    return groups


def audit(ignore_file: Path, workers: int, timeout: float) -> dict:
    started = time.monotonic()
    ignores, accepted_specs = read_ignores(ignore_file)
    local = local_project_name()
    dependencies, pip_audit_version, pip_audit_stderr = run_pip_audit(timeout)

    packages: dict[str, dict] = {}   # canonical name -> {"name", "version", "audited_by", "vulns"}
    not_audited: list[dict] = []
    fallback: list[tuple[str, str]] = []
    skipped_local: list[str] = []
    installed_versions = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    for dep in dependencies:
        name = canonicalize_name(dep["name"])
        if name == local:
            skipped_local.append(name)
            continue
        if "skip_reason" not in dep:
            packages[name] = {"name": name, "version": dep["version"], "audited_by": "pip-audit",
                              "vulns": [{**v, "source": "pip-audit"} for v in dep.get("vulns", [])]}
            continue
        reason = dep["skip_reason"]
        match = SKIP_VERSION_RE.search(reason)
        version = match.group(1) if match else installed_versions.get(name, "")
        if reason.startswith(NOT_FOUND_REASON):
            fallback.append((name, version))
        else:
            not_audited.append({"name": name, "version": version, "reason": f"pip-audit: {reason}"})
    for name, version in installed_versions.items():   # anything pip-audit did not list at all
        if name != local and name not in packages and not any(name == f[0] for f in fallback) \
                and not any(name == n["name"] for n in not_audited):
            not_audited.append({"name": name, "version": version, "reason": "not listed by pip-audit"})

    warnings: list[str] = []
    resolved: list[str] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        verdicts = list(pool.map(lambda nv: judge_from_project_json(nv[0], nv[1], timeout), fallback))
    for verdict in verdicts:
        warnings += verdict["warnings"]
        resolved += [f"{verdict['name']} {verdict['version']}: {i} (fixed_in <= installed)"
                     for i in verdict["resolved"]]
        if verdict["audited"]:
            packages[verdict["name"]] = {"name": verdict["name"], "version": verdict["version"],
                                         "audited_by": "pypi-project-json", "vulns": verdict["vulns"]}
        else:
            not_audited.append({"name": verdict["name"], "version": verdict["version"], "reason": verdict["reason"]})
            if verdict["vulns"]:   # advisories of the latest release not fixed at or below the installed one
                packages.setdefault(verdict["name"], {"name": verdict["name"], "version": verdict["version"],
                                                      "audited_by": None, "vulns": verdict["vulns"]})

    vulnerable: list[dict] = []
    ignored: list[dict] = []
    used_ignores: set[str] = set()
    for pkg in sorted(packages.values(), key=lambda p: p["name"]):
        for group in group_vulns(pkg["vulns"]):
            first = group["records"][0]
            finding = {"name": pkg["name"], "version": pkg["version"], "id": first["id"],
                       "aliases": sorted(group["ids"] - {first["id"]}),
                       "fix_versions": sorted({str(f) for r in group["records"] for f in r.get("fix_versions", [])}),
                       "source": first["source"], "description": first.get("description", "")[:300]}
            hit = sorted(i for i in (x.upper() for x in group["ids"]) if i in ignores)
            if hit:
                used_ignores.update(hit)
                ignored.append({**finding, "ignored_as": hit[0], "reason": ignores[hit[0]]})
            else:
                vulnerable.append(finding)

    audited = [p for p in packages.values() if p["audited_by"]]
    accepted: list[dict] = []
    used_specs: set[str] = set()
    for entry in list(not_audited):
        for requirement, reason in accepted_specs:
            try:
                applies = canonicalize_name(requirement.name) == entry["name"] and \
                    requirement.specifier.contains(entry["version"], prereleases=True)
            except InvalidVersion:
                applies = False
            if applies:
                used_specs.add(str(requirement))
                not_audited.remove(entry)
                accepted.append({**entry, "accepted_as": str(requirement), "accepted_reason": reason})
                break
    not_audited.sort(key=lambda n: n["name"])
    accepted.sort(key=lambda n: n["name"])
    return {
        "pip_audit": {"version": pip_audit_version, "service": "pypi",
                      "audited": sum(1 for p in audited if p["audited_by"] == "pip-audit"),
                      "skipped_per_version_404": len(fallback),
                      "stderr_tail": pip_audit_stderr.strip().splitlines()[-3:]},
        "python": sys.executable,
        "counts": {
            "packages": len(audited) + len(not_audited) + len(accepted),
            "audited": len(audited),
            "audited_by_pip_audit": sum(1 for p in audited if p["audited_by"] == "pip-audit"),
            "audited_by_project_json": sum(1 for p in audited if p["audited_by"] == "pypi-project-json"),
            "vulnerable_packages": len({v["name"] for v in vulnerable}),
            "vulnerabilities": len(vulnerable),
            "ignored": len(ignored),
            "not_audited": len(not_audited),
            "not_audited_accepted": len(accepted),
        },
        "vulnerable": vulnerable,
        "ignored": ignored,
        "not_audited": not_audited,
        "not_audited_accepted": accepted,
        "resolved_by_fixed_in": resolved,
        "warnings": warnings,
        "unused_ignores": sorted(set(ignores) - used_ignores)
        + sorted(str(r) for r, _ in accepted_specs if str(r) not in used_specs),
        "skipped_local_project": skipped_local,
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ignore-file", type=Path, default=ROOT / ".audit-ignore")
    parser.add_argument("--allow-not-audited", action="store_true",
                        help="exit 0 even when some packages could not be audited (they are still listed)")
    parser.add_argument("--workers", type=int, default=16, help="parallel project-JSON requests")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds per HTTP request")
    args = parser.parse_args(argv)
    try:
        summary = audit(args.ignore_file, args.workers, args.timeout)
    except AuditError as exc:
        print(json.dumps({"error": str(exc)}, indent=2))
        say(f"audit_deps: {exc}")
        return 3
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    c = summary["counts"]
    say(f"audit_deps: {c['packages']} packages, {c['audited']} audited ({c['audited_by_pip_audit']} by pip-audit, "
        f"{c['audited_by_project_json']} from PyPI project JSON), {c['vulnerabilities']} known vulnerabilities "
        f"({c['ignored']} ignored), {c['not_audited']} not audited, {c['not_audited_accepted']} not audited but "
        f"accepted in {args.ignore_file.name}, {summary['seconds']}s")
    for v in summary["vulnerable"]:
        say(f"  VULNERABLE {v['name']} {v['version']}: {v['id']} {v['aliases']} fixed in {v['fix_versions']}")
    for n in summary["not_audited"]:
        say(f"  NOT AUDITED {n['name']} {n['version']}: {n['reason']}")
    for n in summary["not_audited_accepted"]:
        say(f"  NOT AUDITED (accepted as {n['accepted_as']}: {n['accepted_reason']}) {n['name']} {n['version']}: "
            f"{n['reason']}")
    for w in summary["warnings"]:
        say(f"  warning: {w}")
    for i in summary["unused_ignores"]:
        say(f"  warning: {args.ignore_file.name} entry {i} matches no finding (remove it?)")
    if summary["vulnerable"]:
        return 1
    if summary["not_audited"] and not args.allow_not_audited:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
