#!/usr/bin/env bash
# The end-to-end suite: tests/e2e (HTTP, WebSocket, Cognito) and tests/browser (a headless
# Chromium; scripts/install_browser.sh installs it when missing). TARGET=local (default)
# starts the local cloud for the run and stops it afterwards; TARGET=localstack|aws runs
# against what Terraform deployed there. Arguments go to pytest: test paths among them
# replace the default suites (`scripts/e2e.sh tests/browser -x`), `-m "not browser"`
# leaves the browser tests out.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET="${TARGET:-local}"
PY=.venv/bin/python
export TARGET PYTHONPATH="scripts${PYTHONPATH:+:$PYTHONPATH}"

suites=(tests/e2e tests/browser)
for argument in "$@"; do
  if [[ "$argument" == tests/* ]]; then suites=(); fi
done

scripts/install_browser.sh

cloud_pid=""
stop_cloud() {
  if [[ -n "$cloud_pid" ]] && kill -0 "$cloud_pid" 2>/dev/null; then
    kill -TERM "$cloud_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$cloud_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$cloud_pid" 2>/dev/null || true
  fi
}
trap stop_cloud EXIT

if [[ "$TARGET" == "local" ]]; then
  mkdir -p .local/logs
  rm -f .local/endpoints.json
  echo "e2e: starting the local cloud (log: .local/logs/e2e-up.log)"
  started=$(date +%s)
  # A warm restart when an earlier `make up` saved the same stack (localcloud.warm_start);
  # from a clean clone (CI) there is none, so this is the real apply. FRESH=1: always cold.
  $PY -m localcloud up ${FRESH:+--fresh} > .local/logs/e2e-up.log 2>&1 &
  cloud_pid=$!
  until [[ -s .local/endpoints.json ]]; do
    if ! kill -0 "$cloud_pid" 2>/dev/null; then
      echo "e2e: the local cloud failed to start:"; tail -n 60 .local/logs/e2e-up.log; exit 1
    fi
    if (( $(date +%s) - started > 600 )); then
      echo "e2e: the local cloud was not ready after 600 s"; tail -n 60 .local/logs/e2e-up.log; exit 1
    fi
    sleep 0.5
  done
  echo "e2e: local cloud ready in $(( $(date +%s) - started )) s"
fi

$PY -m pytest -q -p no:cacheprovider "${suites[@]}" "$@"
