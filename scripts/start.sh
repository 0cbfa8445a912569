#!/usr/bin/env bash
# Builds what exists. The page arrives with the WebAssembly module; until then this builds
# the native tool and says how to use it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-native.sh
bash scripts/build-wasm.sh
cat <<'TXT'

digitpad is built (native tool and web/wasm). The page is not part of this version yet;
the native tool is:
  build/native/digitpad train --arch 784-100-10:sigmoid --epochs 30 --batch 10 --lr 0.1 \
      --momentum 0 --l2 5 --out models/mlp-784-100-10.bin
  build/native/digitpad eval --model models/mlp-784-100-10.bin
TXT
