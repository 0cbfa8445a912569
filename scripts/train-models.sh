#!/usr/bin/env bash
# Reproduces every shipped model in models/ and models/manifest.json (about an hour on two
# cores, most of it the CNN). Retrain some only: scripts/train-models.sh --only mlp,seed-nielsen
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-native.sh >/dev/null
node scripts/train-models.mjs "$@"
