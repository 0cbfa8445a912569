#!/usr/bin/env bash
# Builds the static site into dist/: the WebAssembly module, then Vite (page, JS, CSS, models).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-wasm.sh
npx vite build --logLevel warn
