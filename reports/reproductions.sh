#!/usr/bin/env bash
# The numbers of reports/reproductions.md, regenerated: each block's command writes a table, which
# goes between the block's markers in the file (<!-- NAME: begin --> … <!-- NAME: end -->); the
# prose around them is written by hand.
#   reports/reproductions.sh BINARY           rewrite the tables (`just reproductions`)
#   reports/reproductions.sh BINARY --check   exit 1 naming each table that is not what BINARY writes
set -euo pipefail
cd "$(dirname "$0")/.."
binary="$1"
mode="${2:-}"
doc=reports/reproductions.md
out=reports/out/reproductions
# NAME|the command's arguments (its --out is added); each writes NAME/reproduction.md.
blocks=(
    "consensus-map|consensus-map"
    "consensus-map-kappa|consensus-map --sigma 0.4 --beta 1 --kappa 0.4,0.5,0.6 --stakes 0.51,0.55,0.6,0.65,0.7"
    "consensus-map-repeats|consensus-map --stakes 0.6 --repeats 5"
)
# Prints $doc with the lines between NAME's markers replaced by FILE's.
splice() { # NAME FILE DOC
    grep -q "^<!-- $1: begin" "$3" || { echo "$3: no <!-- $1: begin --> marker" >&2; exit 1; }
    awk -v begin="<!-- $1: begin" -v end="<!-- $1: end" -v file="$2" '
        index($0, begin) == 1 { print; while ((getline line < file) > 0) print line; skipping = 1; next }
        index($0, end) == 1 { skipping = 0 }
        !skipping { print }
    ' "$3"
}
current="$(mktemp)"
trap 'rm -f "$current" "$current.next"' EXIT
cp "$doc" "$current"
for block in "${blocks[@]}"; do
    name="${block%%|*}"
    read -r -a args <<< "${block#*|}"
    echo "$name: tensorsim ${args[*]}" >&2
    "$binary" "${args[@]}" --quiet --out "$out/$name" > /dev/null
    splice "$name" "$out/$name/reproduction.md" "$current" > "$current.next"
    mv "$current.next" "$current"
done
if [ "$mode" = "--check" ]; then
    if ! cmp -s "$current" "$doc"; then
        diff "$doc" "$current" >&2 || true
        echo "$doc: its tables are not what $binary writes (run: just reproductions)" >&2
        exit 1
    fi
    echo "$doc: every table is what $binary writes"
else
    cp "$current" "$doc"
fi
