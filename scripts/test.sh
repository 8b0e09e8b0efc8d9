#!/usr/bin/env bash
# The whole test suite on a fresh machine: install, start services, run every
# test (unit, integration against real PostgreSQL/OpenSearch/Elasticsearch,
# e2e in Chromium). Extra arguments go to pytest.
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
set +e
python -m pytest -p no:cacheprovider --junitxml=test-artifacts/junit.xml "$@"
rc=$?
set -e
# pytest exits 5 when nothing ran: that is a failure here, never a pass.
[ "$rc" -eq 5 ] && { echo "test.sh: no tests ran" >&2; exit 1; }
exit "$rc"
