#!/usr/bin/env bash
# The retention map's section of reports/reproductions.md: retention_map.md's prose with each
# `<!-- NAME: begin -->` … `<!-- NAME: end -->` block replaced by the table `tensorsim consensus-map`
# writes for it. The prose quotes the tables' numbers, so this fails when a quoted number is no
# longer in its table rather than print a claim the numbers no longer support.
#   bash scripts/reproductions/retention_map.sh TENSORSIM_BINARY
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="$1"
here=scripts/reproductions
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# NAME|the command's arguments (its --out is added)|what the prose quotes from NAME's table (;-separated).
blocks=(
    "consensus-map|consensus-map|0.600;0.668;0.735;0.770;0.790;0.620"
    "consensus-map-repeats|consensus-map --stakes 0.6 --repeats 5|0.735 ± 0.002;0.770 ± 0.002;0.790 ± 0.001"
    "consensus-map-kappa|consensus-map --sigma 0.4 --beta 1 --kappa 0.4,0.5,0.6 --stakes 0.51,0.55,0.6,0.65,0.7|0.957;0.891;0.781;0.774;none"
)
section="$work/section.md"
cp "$here/retention_map.md" "$section"
for block in "${blocks[@]}"; do
    IFS='|' read -r name arguments quoted <<< "$block"
    read -r -a args <<< "$arguments"
    echo "retention map: tensorsim ${args[*]}" >&2
    "$binary" "${args[@]}" --quiet --out "$work/$name" > /dev/null
    table="$work/$name/reproduction.md"
    IFS=';' read -r -a numbers <<< "$quoted"
    for number in "${numbers[@]}"; do
        grep -qF -- "$number" "$table" || { echo "$name: the prose quotes $number, which its table no longer has" >&2; exit 1; }
    done
    grep -q "^<!-- $name: begin" "$section" || { echo "retention_map.md: no <!-- $name: begin --> marker" >&2; exit 1; }
    awk -v begin="<!-- $name: begin" -v end="<!-- $name: end" -v file="$table" '
        index($0, begin) == 1 { while ((getline line < file) > 0) print line; skipping = 1; next }
        index($0, end) == 1 { skipping = 0; next }
        !skipping { print }
    ' "$section" > "$section.next"
    mv "$section.next" "$section"
done
cat "$section"
