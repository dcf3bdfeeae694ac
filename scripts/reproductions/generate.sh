#!/usr/bin/env bash
# Writes reports/reproductions.md from runs of this build: the intro, then each reproduction's
# section as its script prints it. Each script checks its own claims on its numbers and fails
# rather than print a claim the numbers no longer support.
#   bash scripts/reproductions/generate.sh [TENSORSIM_BINARY] [OUT]
# REPRODUCTIONS_SWEEPS=DIR keeps the commit-reveal sweeps' points in DIR (a later run resumes from
# them); without it they run in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="${1:-./target/release/tensorsim}"
out="${2:-reports/reproductions.md}"
here=scripts/reproductions
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
{
    cat "$here/intro.md"
    echo
    bash "$here/retention_map.sh" "$binary"
    echo
    python3 "$here/commit_reveal_churn.py" "$binary" ${REPRODUCTIONS_SWEEPS:+"$REPRODUCTIONS_SWEEPS"}
    echo
    python3 "$here/early_discoverer.py" "$binary"
    echo
    python3 "$here/whitepaper_cabal.py" "$binary"
} > "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "$out"
