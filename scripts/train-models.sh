#!/usr/bin/env bash
# Reproduces every shipped model in models/ and models/manifest.json (about an hour on two
# cores, most of it the CNN). Retrain some only: scripts/train-models.sh --only mlp,seed-nielsen
# Then the default model's pen subset, in Chromium on the site built with the new models
# (tests/e2e/pen-suite.test.js holds the page to it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-native.sh >/dev/null
node scripts/train-models.mjs "$@"
bash scripts/setup.sh --browser
bash scripts/build-site.sh >/dev/null
node scripts/measure-pen.mjs
