#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: system packages, .venv, the project.
# Quick when everything is already there: each step checks before it acts.
set -euo pipefail
cd "$(dirname "$0")/.."

# Why each package: pango/cairo/pkg-config build manimpango and pycairo; ffmpeg
# and gifsicle make the web GIFs; DejaVu has Hebrew glyphs (no LaTeX: no scene
# typesets TeX, tests/unit/test_static_checks.py keeps it so); hugo and chromium test the book embedding
# and the slide player; poppler-utils turns the PDF handout into pictures for its
# test; hyperfine times whole commands for `make bench`.
APT_PACKAGES=(
    build-essential pkg-config libpango1.0-dev libcairo2-dev
    ffmpeg gifsicle
    fonts-dejavu-core
    hugo chromium chromium-driver poppler-utils
    hyperfine
)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

apt_install() {
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >&2
}

missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing system packages: ${missing[*]}" >&2
    apt_install "${missing[@]}"
fi

PYTHON=${PYTHON:-python3}
# Debian's own python3 ships venv and the C headers in separate packages.
if ! "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1; then
    echo "setup: installing python3-venv and python3-dev" >&2
    apt_install python3-venv python3-dev
fi
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv" >&2
    "$PYTHON" -m venv .venv
fi

stamp=.venv/.gdanim-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "setup: installing gdanim with its test, bench and dev tools into .venv" >&2
    .venv/bin/python -m pip install -q --upgrade pip >&2
    .venv/bin/python -m pip install -q -e '.[test,bench,dev]' >&2
    touch "$stamp"
fi
