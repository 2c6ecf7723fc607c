#!/usr/bin/env bash
# Re-fetch the JavaScript the handbook's interactive org chart runs, from the npm registry, at the
# pinned versions below, and compare it with the copies vendored in the package (each beside a
# .sha256 that `sha256sum -c` reads). Nothing is fetched when a handbook is built or viewed.
#
#   bash scripts/vendor-js.sh            # verify: the registry's files equal the vendored ones
#   bash scripts/vendor-js.sh --update   # copy them in and rewrite the checksums (after a pin change)
#
# Why d3-org-chart: it is an org chart (expand/collapse, compact layout of long sibling lists,
# pan/zoom, highlight to the root, centring on a node) on top of d3's tree layout; cytoscape.js
# and elkjs lay out general graphs and would need all of that written by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
vendor=src/opsgov/templates/handbook/vendor

# package@version  file in the package  vendored name  licence file in the package (- if none)
pins=(
    "d3@7.9.0 dist/d3.min.js d3.min.js LICENSE"
    "d3-flextree@2.1.2 build/d3-flextree.min.js d3-flextree.min.js LICENSE"
    "d3-org-chart@3.1.1 build/d3-org-chart.min.js d3-org-chart.min.js -"
)

update=0
[ "${1:-}" = "--update" ] && update=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
for pin in "${pins[@]}"; do
    read -r spec file name licence <<<"$pin"
    (cd "$work" && npm pack --silent "$spec" >/dev/null)
    tarball=$(ls "$work"/*.tgz)
    mkdir -p "$work/x"
    tar xzf "$tarball" -C "$work/x"
    rm "$tarball"
    if [ "$update" = 1 ]; then
        cp "$work/x/package/$file" "$vendor/$name"
        # d3-org-chart's package declares MIT in package.json but ships no LICENSE file:
        # vendor/d3-org-chart.LICENSE is written by hand from that declaration.
        [ "$licence" != "-" ] && cp "$work/x/package/$licence" "$vendor/${name%.min.js}.LICENSE"
        (cd "$vendor" && sha256sum "$name" >"$name.sha256")
        echo "vendored $spec $file -> $vendor/$name"
    elif cmp -s "$work/x/package/$file" "$vendor/$name" && (cd "$vendor" && sha256sum --quiet -c "$name.sha256"); then
        echo "ok $spec $name"
    else
        echo "MISMATCH $spec $name: the registry's file differs from the vendored copy or its checksum" >&2
        status=1
    fi
    rm -rf "$work/x"
done
exit "$status"
