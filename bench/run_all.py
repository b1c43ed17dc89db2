"""`make bench`: run every bench/bench_*.py script, each in its own process, and print their JSON together.

Each script generates its own data, measures a baseline kernel in the same run, prints one JSON object on
stdout and exits non-zero when it misses its target. Pass script names to run a subset:
`python bench/run_all.py bench_scoring`.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem in names]
    results, failed = {}, []
    for script in scripts:
        print(f"== {script.stem}", file=sys.stderr, flush=True)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=HERE.parent)
        sys.stderr.write(proc.stderr)
        try:
            results[script.stem] = json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            results[script.stem] = {"error": "no JSON output", "stdout": proc.stdout[-2000:]}
        results[script.stem]["wall_s"] = round(time.perf_counter() - start, 2)
        if proc.returncode != 0:
            failed.append(script.stem)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if failed:
        print(f"missed target: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
