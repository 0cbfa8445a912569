#!/usr/bin/env bash
# Every test suite of the project. Today: the C++ suite (GoogleTest through ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-native.sh
(cd build/native && ctest --output-on-failure -j"$(nproc)")
