#!/usr/bin/env bash
# Builds the WebAssembly module (web/wasm/digitpad.mjs + digitpad.wasm) with Debian's
# Emscripten, from the same CMakeLists.txt as the native build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NODE_PATH=/usr/share/nodejs  # Debian's emcc finds acorn there
emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release \
  -DEigen3_DIR=/usr/share/eigen3/cmake >/dev/null
cmake --build build/wasm -j"$(nproc)"
