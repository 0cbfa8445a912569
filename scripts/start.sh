#!/usr/bin/env bash
# Builds the site and serves it: http://localhost:4173/ (Ctrl+C stops).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-site.sh
echo
echo "digitpad: open http://localhost:4173/ in a browser (Ctrl+C stops the server)"
exec npx vite preview --port 4173 --strictPort
