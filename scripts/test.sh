#!/usr/bin/env bash
# Every test suite of the project: the C++ suite (GoogleTest through ctest), then the Vitest
# suites against the real WebAssembly module.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-native.sh
bash scripts/build-wasm.sh
(cd build/native && ctest --output-on-failure -j"$(nproc)")
npx vitest run
