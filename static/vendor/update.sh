#!/bin/sh
# Re-vendor the front-end libraries from the npm registry (no CDN).
# Usage: sh static/vendor/update.sh   (run from the repository root; needs npm and network access
# to the npm registry). Source-map comments are stripped: the .map files are not shipped, and
# Django's ManifestStaticFilesStorage would otherwise fail on the dangling references.
set -eu
BOOTSTRAP=5.3.9
ICONS=1.13.2
HTMX=2.0.11
CHARTJS=4.6.1

ROOT=$(pwd)/static/vendor
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
npm pack --silent "bootstrap@$BOOTSTRAP" "bootstrap-icons@$ICONS" "htmx.org@$HTMX" "chart.js@$CHARTJS" >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done

strip_map() { sed -e '/sourceMappingURL=/d' "$1" > "$2"; }

B="$TMP/bootstrap-$BOOTSTRAP/package"
rm -rf "$ROOT/bootstrap" && mkdir -p "$ROOT/bootstrap/css" "$ROOT/bootstrap/js"
strip_map "$B/dist/css/bootstrap.min.css" "$ROOT/bootstrap/css/bootstrap.min.css"
strip_map "$B/dist/js/bootstrap.bundle.min.js" "$ROOT/bootstrap/js/bootstrap.bundle.min.js"
cp "$B/LICENSE" "$ROOT/bootstrap/LICENSE"
echo "bootstrap $BOOTSTRAP (npm)" > "$ROOT/bootstrap/VERSION"

I="$TMP/bootstrap-icons-$ICONS/package"
rm -rf "$ROOT/bootstrap-icons" && mkdir -p "$ROOT/bootstrap-icons/font/fonts"
strip_map "$I/font/bootstrap-icons.min.css" "$ROOT/bootstrap-icons/font/bootstrap-icons.min.css"
cp "$I/font/fonts/bootstrap-icons.woff2" "$I/font/fonts/bootstrap-icons.woff" "$ROOT/bootstrap-icons/font/fonts/"
cp "$I/LICENSE" "$ROOT/bootstrap-icons/LICENSE"
echo "bootstrap-icons $ICONS (npm)" > "$ROOT/bootstrap-icons/VERSION"

H="$TMP/htmx.org-$HTMX/package"
rm -rf "$ROOT/htmx" && mkdir -p "$ROOT/htmx"
strip_map "$H/dist/htmx.min.js" "$ROOT/htmx/htmx.min.js"
cp "$H/LICENSE" "$ROOT/htmx/LICENSE"
echo "htmx.org $HTMX (npm)" > "$ROOT/htmx/VERSION"

C="$TMP/chart.js-$CHARTJS/package"
rm -rf "$ROOT/chartjs" && mkdir -p "$ROOT/chartjs"
strip_map "$C/dist/chart.umd.min.js" "$ROOT/chartjs/chart.umd.min.js"
cp "$C/LICENSE.md" "$ROOT/chartjs/LICENSE"
echo "chart.js $CHARTJS (npm)" > "$ROOT/chartjs/VERSION"

echo "vendored into $ROOT"
