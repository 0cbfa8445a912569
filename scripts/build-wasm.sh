#!/usr/bin/env bash
# Builds the WebAssembly module (web/wasm/digitpad.mjs + digitpad.wasm) and the test-only GEMM
# self-test (build/wasm/) with Debian's Emscripten, from the same CMakeLists.txt as the native
# build. emcmake supplies Emscripten's toolchain file; the wasm preset does the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
emcmake cmake --preset wasm >/dev/null
cmake --build --preset wasm -j"$(nproc)"
