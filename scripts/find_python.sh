#!/usr/bin/env bash
# Prints the interpreter to build the virtual environment with: the Lambda
# runtime's minor version (3.13) when the machine has it, else any Python >= 3.11.
set -euo pipefail
want_minor=13
candidates=(python3.13 "$HOME"/.pyenv/versions/3.13*/bin/python3 /usr/local/bin/python3.13
            python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3 python3.11 python3)
for c in "${candidates[@]}"; do
  p=$(command -v "$c" 2>/dev/null || true)
  [ -n "$p" ] && [ -x "$p" ] || continue
  if "$p" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    minor=$("$p" -c 'import sys; print(sys.version_info.minor)')
    [ "$minor" = "$want_minor" ] || echo "note: Python 3.$want_minor not found, using $p (3.$minor)" >&2
    echo "$p"; exit 0
  fi
done
echo "error: no Python >= 3.11 found" >&2; exit 1
