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
workers=(-n "${HEALTHPULSE_TEST_WORKERS:-2}" --dist loadfile)
# pytest exits 5 when nothing ran: that is a failure here, never a pass.
run_pytest() {
  local rc=0
  python -m pytest -p no:cacheprovider "${workers[@]}" "$@" || rc=$?
  [ "$rc" -eq 5 ] && { echo "test.sh: no tests ran" >&2; rc=1; }
  return "$rc"
}
set +e
run_pytest --junitxml=test-artifacts/junit.xml "$@"
rc=$?
if [ "$#" -eq 0 ]; then
  # The whole suite ran on SQLite (the embedded default); the integration suite runs once more on PostgreSQL,
  # the production database, each test on a fresh database of the server started above (tests/support/databases.py).
  echo "test.sh: the integration suite again, on PostgreSQL"
  HEALTHPULSE_TEST_DATABASE=postgresql run_pytest --junitxml=test-artifacts/junit-postgresql.xml \
    -m "not database_independent" tests/integration
  pg_rc=$?
  [ "$rc" -eq 0 ] && rc=$pg_rc
fi
set -e
exit "$rc"
