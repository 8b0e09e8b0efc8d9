#!/usr/bin/env bash
# Install everything and run the demo on the embedded default (SQLite + FTS5):
# sample data in five languages goes through the whole pipeline, then the web
# UI is served on http://127.0.0.1:8000 with demo accounts printed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. .venv/bin/activate
exec healthpulse demo "$@"
