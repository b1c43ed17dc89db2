#!/usr/bin/env bash
# Print the path of a Python >= 3.12 for the virtualenv (Makefile: PY ?= $(shell scripts/find-python.sh)).
# Why not 3.11: under load, gunicorn workers on CPython 3.11.7 (numpy 2.4 / scipy 1.17, the last releases for
# 3.11) died of heap corruption in every benchmark run; on 3.12 none did (bench/README.md, "Worker crashes").
# Order: $PYTHON, then python3.12 / python3.13 on PATH, then pyenv's installed 3.12 / 3.13, then python3.
ok() { [ -x "$1" ] || command -v "$1" >/dev/null 2>&1 || return 1
       "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
for v in 3.12 3.13; do
  # pyenv shims answer "command not found" for a version that is not selected: try the real binaries too.
  candidates+=("python$v")
  root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
  for p in "$root"/versions/"$v".*/bin/python"$v"; do [ -x "$p" ] && candidates+=("$p"); done
done
candidates+=(python3)
for c in "${candidates[@]}"; do
  if ok "$c"; then
    command -v "$c" 2>/dev/null || echo "$c"
    exit 0
  fi
done
echo "no Python >= 3.12 found: install one (e.g. 'pyenv install 3.12') or set PYTHON=/path/to/python3.12" >&2
exit 1
