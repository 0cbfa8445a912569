#!/usr/bin/env bash
# Builds the site and serves dist/ exactly as a static host would (scripts/serve.mjs):
# http://localhost:4173/ (PORT=... for another port; Ctrl+C stops). Options after `--` go to
# the server (e.g. `npm start -- --port 8080`). DIGITPAD_SKIP_BUILD=1 serves the dist/ there is.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${DIGITPAD_SKIP_BUILD:-}" ] || bash scripts/build-site.sh
exec node scripts/serve.mjs --root dist --prefix / --port "${PORT:-4173}" "$@"
