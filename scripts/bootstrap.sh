#!/usr/bin/env bash
# Installs everything Persona Studio needs on a Debian machine: system packages and a
# virtualenv in .venv with the project installed in editable mode. Safe to run again:
# each step is skipped when its result is already there.
set -euo pipefail

cd "$(dirname "$0")/.."
VENV=.venv
PYTHON=${PYTHON:-python3.11}
DEBIAN_PACKAGES=(espeak-ng libespeak-ng1 fonts-dejavu-core fonts-noto-core pocketsphinx-testdata libfluidsynth3 fluid-soundfont-gm
    chromium chromium-driver)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The web studio is built with Node (20.19+) and npm; Debian's nodejs/npm when none is there.
if ! command -v npm >/dev/null 2>&1; then
    command -v node >/dev/null 2>&1 || DEBIAN_PACKAGES+=(nodejs)
    DEBIAN_PACKAGES+=(npm)
fi

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "bootstrap: installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    PYTHON=python3
fi
if [ ! -x "$VENV/bin/python" ]; then
    echo "bootstrap: creating $VENV with $($PYTHON --version)"
    "$PYTHON" -m venv "$VENV"
fi

stamp="$VENV/.installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "bootstrap: installing Python packages into $VENV (first run takes a few minutes)"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e '.[dev]'
    touch "$stamp"
fi

# The web studio (web/ → src/persona/service/studio_dist); `make web` skips an up-to-date build.
if node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null; then
    make --no-print-directory web
else
    echo "bootstrap: skipping the web studio build: it needs Node.js 20.19 or newer (found $(node --version 2>/dev/null || echo none))" >&2
fi
