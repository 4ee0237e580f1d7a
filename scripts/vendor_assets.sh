#!/usr/bin/env bash
# Fetch the front-end assets the staff pages use from the npm registry and copy their built files (with
# their licences) into src/openpes/static/vendor/. Government intranets have no CDN, so every script and
# style sheet is served by OpenPES itself. Re-running this script reproduces the committed files exactly;
# vendor/VERSIONS.txt records each package and the SHA-256 of every file copied.
#
#   scripts/vendor_assets.sh          # fetch and copy
#   scripts/vendor_assets.sh --check  # fetch into a temporary tree and compare with the committed files
#
# ECharts is not copied whole (1.1 MB): scripts/vendor/echarts-dashboard.js names the parts the dashboard
# draws, and esbuild bundles them from the npm packages (echarts pins zrender and tslib exactly, so the
# bundle is the same on every run).
#
# htmx stays on the 2.x line: django-htmx and our templates follow htmx 2's attributes and events, and
# htmx 4 changes inheritance and event names.
set -euo pipefail

BOOTSTRAP=5.3.9
HTMX=2.0.11
ECHARTS=6.1.0
ESBUILD=0.27.0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor="$root/src/openpes/static/vendor"
check=0
if [[ "${1:-}" == "--check" ]]; then
    check=1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/vendor"
if [[ $check -eq 0 ]]; then
    out="$vendor"
fi

unpack() {  # unpack <package> <version> → prints the unpacked package directory
    local pkg="$1" version="$2" tarball
    tarball="$(cd "$work" && npm pack --silent "$pkg@$version" 2>/dev/null | tail -n 1)"
    mkdir -p "$work/$pkg"
    tar -xzf "$work/$tarball" -C "$work/$pkg"
    echo "$work/$pkg/package"
}

copy() {  # copy <source dir> <destination dir> <file>...
    local src="$1" dest="$2"
    shift 2
    mkdir -p "$dest"
    for file in "$@"; do
        install -m 0644 "$src/$file" "$dest/$(basename "$file")"
    done
}

pkg="$(unpack bootstrap "$BOOTSTRAP")"
rm -rf "$out/bootstrap"
copy "$pkg" "$out/bootstrap" LICENSE \
    dist/css/bootstrap.min.css dist/css/bootstrap.min.css.map \
    dist/js/bootstrap.bundle.min.js dist/js/bootstrap.bundle.min.js.map

pkg="$(unpack htmx.org "$HTMX")"
rm -rf "$out/htmx"
copy "$pkg" "$out/htmx" LICENSE dist/htmx.min.js

pkg="$(unpack echarts "$ECHARTS")"
rm -rf "$out/echarts"
copy "$pkg" "$out/echarts" LICENSE NOTICE
build="$work/echarts-build"
mkdir -p "$build"
cp "$root/scripts/vendor/echarts-dashboard.js" "$build/entry.js"
echo '{"private": true}' >"$build/package.json"
(cd "$build" && npm install --silent --no-audit --no-fund --no-save "echarts@$ECHARTS" "esbuild@$ESBUILD" >/dev/null)
install -m 0644 "$build/node_modules/zrender/LICENSE" "$out/echarts/LICENSE-zrender"
(cd "$build" && npx --no-install esbuild entry.js --bundle --minify --format=iife --target=es2018 \
    --legal-comments=none '--define:process.env.NODE_ENV="production"' --log-level=warning \
    --outfile="$out/echarts/echarts.dashboard.min.js")
chmod 0644 "$out/echarts/echarts.dashboard.min.js"

{
    echo "# Written by scripts/vendor_assets.sh: package@version, then sha256 of each file copied."
    echo "bootstrap@$BOOTSTRAP htmx.org@$HTMX echarts@$ECHARTS (bundled by esbuild@$ESBUILD)"
    (cd "$out" && find bootstrap htmx echarts -type f | LC_ALL=C sort | xargs sha256sum)
} >"$out/VERSIONS.txt"

if [[ $check -eq 1 ]]; then
    for name in bootstrap htmx echarts VERSIONS.txt; do
        diff -r "$out/$name" "$vendor/$name" >/dev/null || { echo "vendor/$name differs from npm" >&2; exit 1; }
    done
    echo "vendored assets match bootstrap@$BOOTSTRAP htmx.org@$HTMX echarts@$ECHARTS"
else
    echo "vendored bootstrap@$BOOTSTRAP htmx.org@$HTMX echarts@$ECHARTS into $vendor"
fi
