#!/usr/bin/env bash
# npm run bench: builds native and the site, then runs each measurement in turn; each script
# merges its figures into bench/results.json (train-speed.mjs starts it afresh) and report.mjs
# prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DIGITPAD_SETUP_DONE=1
bash scripts/build-native.sh
bash scripts/build-site.sh
for bench in train-speed latency-native peers page worker-training pen-suite number-reading report; do
  node "bench/${bench}.mjs"
done
