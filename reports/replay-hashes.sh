#!/usr/bin/env bash
# The golden hashes of `tensorsim replay` outputs (replay.sha256: "HASH  CASE [PROFILE]" per line).
# The replay output is a contract other tools read (shared/spec/replay-format.md), so a change of
# its bytes must be deliberate.
#   reports/replay-hashes.sh BINARY           check every line; exit 1 naming each output that changed
#   reports/replay-hashes.sh BINARY --write   rewrite replay.sha256 from BINARY (commit it with the why)
set -euo pipefail
cd "$(dirname "$0")/.."
binary="$1"
manifest=reports/replay.sha256
hash_of() { # CASE [PROFILE]
    # stderr holds the expected "no effect under profile" warnings
    if [ -n "${2:-}" ]; then "$binary" replay --profile "$2" "$1"; else "$binary" replay "$1"; fi 2>/dev/null | sha256sum | cut -d" " -f1
}
if [ "${2:-}" = "--write" ]; then
    lines="$(while read -r _ case profile; do echo "$(hash_of "$case" "$profile")  $case${profile:+ $profile}"; done < "$manifest")"
    echo "$lines" > "$manifest.tmp" && mv "$manifest.tmp" "$manifest"
    exit 0
fi
changed=0
while read -r expected case profile; do
    if [ "$(hash_of "$case" "$profile")" != "$expected" ]; then
        echo "replay output changed: $case${profile:+ under $profile}" >&2
        changed=1
    fi
done < "$manifest"
[ "$changed" = 0 ] && echo "replay outputs: all $(wc -l < "$manifest") golden hashes hold"
exit "$changed"
