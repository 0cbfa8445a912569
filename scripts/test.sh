#!/usr/bin/env bash
# Every test suite of the project: the C++ suite (GoogleTest through ctest), the same under
# ASan + UBSan with 10 s of each fuzzer, then Vitest: the WebAssembly module in Node and the
# built page in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
export DIGITPAD_SETUP_DONE=1
bash scripts/build-native.sh
bash scripts/build-site.sh
(cd build/native && ctest --output-on-failure -j"$(nproc)")
bash scripts/test-sanitizers.sh 10
npx vitest run
