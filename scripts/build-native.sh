#!/usr/bin/env bash
# Builds the native library, the `digitpad` tool and the C++ tests into build/native.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset native >/dev/null
cmake --build --preset native -j"$(nproc)"
