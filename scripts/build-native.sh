#!/usr/bin/env bash
# Builds the native library, the `digitpad` tool and the C++ tests into build/native.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$(nproc)"
