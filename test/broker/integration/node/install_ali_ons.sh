#!/usr/bin/env bash
# Installs the Node.js RocketMQ client `ali-ons` into build/node (once; later
# runs reuse it) for the third-party client smoke test. Run from the
# repository root. Exit status non-zero when node/npm are missing or the
# install fails; the test then skips with that message.
set -eu
prefix="${1:-build/node}"
command -v node >/dev/null || { echo "node is not installed" >&2; exit 3; }
command -v npm >/dev/null || { echo "npm is not installed" >&2; exit 3; }
if [ -f "$prefix/node_modules/ali-ons/package.json" ]; then
  exit 0
fi
mkdir -p "$prefix"
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error ali-ons >&2
