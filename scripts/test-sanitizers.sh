#!/usr/bin/env bash
# The C++ suite under AddressSanitizer + UndefinedBehaviorSanitizer (clang), then each libFuzzer
# target for a bounded time on its committed seed corpus, then the ONNX reader's fuzzer (it is
# JavaScript: tests/fuzz/fuzz_onnx.mjs, with the WebAssembly core, built if missing).
#   scripts/test-sanitizers.sh [fuzz seconds per target, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
bash scripts/setup.sh
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize -j"$(nproc)"
# The robustness suite, the number suite and the CNN training test take minutes under the
# sanitizers; the native suite runs them.
(cd build/sanitize && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$(nproc)" \
  -E 'Robustness|SmallCnnLearns|NumberSuite')
findings=build/sanitize/fuzz-findings
mkdir -p "$findings"
for target in model idx preprocess number; do
  work="$(mktemp -d)"
  echo "fuzz_${target}: ${seconds} s on tests/fuzz/corpus/${target}"
  status=0
  build/sanitize/fuzz_${target} "$work" "tests/fuzz/corpus/${target}" -max_total_time="$seconds" \
    -print_final_stats=1 -artifact_prefix="$findings/${target}-" >"$work.log" 2>&1 || status=$?
  grep -E "^stat::(number_of_executed_units|new_units_added)|ERROR|SUMMARY" "$work.log" || true
  rm -rf "$work" "$work.log"
  if [ "$status" -ne 0 ]; then
    echo "fuzz_${target} found a failing input in $findings: make it a regression test (tests/fuzz/regressions/)"
    exit 1
  fi
done
[ -f web/wasm/digitpad.wasm ] || bash scripts/build-wasm.sh
node tests/fuzz/fuzz_onnx.mjs "$seconds"
