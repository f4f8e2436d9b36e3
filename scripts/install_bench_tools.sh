#!/usr/bin/env bash
# Install what `make bench` needs beyond the Python environment, pinned:
# Prism (@stoplight/prism-cli 5.14.2) from npm into .tools/prism, from the
# committed benchmarks/prism/package-lock.json (npm ci: exact versions).
# The load generator is the project's own (benchmarks/load.py).
# Idempotent: a second run does nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PRISM_DIR="$ROOT/.tools/prism"
LOCK_DIR="$ROOT/benchmarks/prism"

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
