#!/usr/bin/env bash
# The whole test suite on a fresh machine: install, start services, run every
# test (unit, integration against real PostgreSQL/OpenSearch/Elasticsearch,
# e2e in Chromium), then the integration suite once more on PostgreSQL. Extra arguments go to pytest and run
# one pass only (on the database HEALTHPULSE_TEST_DATABASE names: sqlite by default, or postgresql).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. .venv/bin/activate
eval "$(scripts/services.sh start)"
trap 'scripts/services.sh stop' EXIT
mkdir -p test-artifacts
ruff check .
# The repo root is the package: give mypy a path where it is named healthpulse, so that imports between
# areas resolve (with `mypy .` every healthpulse.* import was Any and the context Protocols went unchecked).
mypy_path=$(mktemp -d)
ln -s "$PWD" "$mypy_path/healthpulse"
MYPYPATH=$mypy_path mypy -p healthpulse
rm -rf "$mypy_path"
lint-imports
# Two test processes (pytest-xdist), each running one test file at a time, so a file's fixtures, its Redis
# database and the cluster node it stops stay its own; HEALTHPULSE_TEST_WORKERS=0 runs in this process only.
# A test marked `exclusive` stops a node the other tests share: it runs alone, after the rest.
workers=(-n "${HEALTHPULSE_TEST_WORKERS:-2}" --dist loadfile)
# pytest exits 5 when nothing ran: that is a failure here, never a pass.
run_pytest() {
  local rc=0
  python -m pytest -p no:cacheprovider "$@" || rc=$?
  [ "$rc" -eq 5 ] && { echo "test.sh: no tests ran" >&2; rc=1; }
  return "$rc"
}
# One pass over PATHS: the shared-node tests in parallel, then the exclusive ones alone (none → no failure).
run_pass() {
  local name="$1" marks="$2"; shift 2
  local rc=0 ex_rc=0
  run_pytest "${workers[@]}" --junitxml="test-artifacts/junit$name.xml" -m "not exclusive$marks" "$@" || rc=$?
  python -m pytest -p no:cacheprovider --junitxml="test-artifacts/junit$name-exclusive.xml" \
    -m "exclusive$marks" "$@" || ex_rc=$?
  [ "$ex_rc" -eq 5 ] && ex_rc=0
  [ "$rc" -eq 0 ] && rc=$ex_rc
  return "$rc"
}
set +e
if [ "$#" -gt 0 ]; then
  run_pytest "${workers[@]}" --junitxml=test-artifacts/junit.xml "$@"  # as asked: one pass, one phase
  rc=$?
else
  run_pass "" ""
  rc=$?
  # The whole suite ran on SQLite (the embedded default); the integration suite runs once more on PostgreSQL,
  # the production database, each test on a fresh database of the server started above (tests/support/databases.py).
  echo "test.sh: the integration suite again, on PostgreSQL"
  HEALTHPULSE_TEST_DATABASE=postgresql run_pass -postgresql " and not database_independent" tests/integration
  pg_rc=$?
  [ "$rc" -eq 0 ] && rc=$pg_rc
fi
set -e
exit "$rc"
