#!/bin/sh
# Quick start 1: install what is missing, build, and run the main job, a
# simulated 3-node recovery on the built-in scenario (no cluster needed).
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build >/dev/null
exec build/tools/dlmctl/dlmctl sim "$@"
