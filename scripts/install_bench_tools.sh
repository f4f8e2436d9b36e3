#!/usr/bin/env bash
# Install what `make bench` needs beyond the Python environment, pinned:
# - Prism (@stoplight/prism-cli 5.14.2) from npm into .tools/prism, from the
#   committed benchmarks/prism/package-lock.json (npm ci: exact versions);
# - wrk from Debian's packages when it is missing and we may use apt-get
#   (root, or passwordless sudo). Without wrk the bench falls back to its own
#   Python load generator and says so in RESULTS.md.
# Idempotent: a second run does nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PRISM_DIR="$ROOT/.tools/prism"
LOCK_DIR="$ROOT/benchmarks/prism"
WRK_VERSION="4.1.0-3+b2"

if ! command -v npm >/dev/null 2>&1; then
  echo "install_bench_tools: npm is required to install Prism" >&2
  exit 2
fi
if ! cmp -s "$LOCK_DIR/package-lock.json" "$PRISM_DIR/package-lock.json" \
   || [ ! -x "$PRISM_DIR/node_modules/.bin/prism" ]; then
  echo "install_bench_tools: installing Prism into .tools/prism (npm ci, pinned)"
  rm -rf "$PRISM_DIR"
  mkdir -p "$PRISM_DIR"
  cp "$LOCK_DIR/package.json" "$LOCK_DIR/package-lock.json" "$PRISM_DIR/"
  npm ci --silent --no-audit --no-fund --prefix "$PRISM_DIR"
fi

if ! command -v wrk >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  fi
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; }; then
    echo "install_bench_tools: installing wrk from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >/dev/null
    # The pinned version where the archive has it; else the archive's own.
    $SUDO apt-get install -y -qq "wrk=$WRK_VERSION" >/dev/null 2>&1 \
      || $SUDO apt-get install -y -qq wrk >/dev/null \
      || echo "install_bench_tools: wrk could not be installed; using the Python load generator" >&2
  else
    echo "install_bench_tools: no wrk and no apt-get as root; using the Python load generator" >&2
  fi
fi
