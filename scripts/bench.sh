#!/usr/bin/env bash
# The network rows of README's performance table, each beside its target (issue 12): the 4 × 256
# benchmark, the baseline and the mainnet-sized 32 × 256 network, one run each through the release
# binary, timed by the run itself (wall time and messages per second on standard error) and by
# /usr/bin/time -v (peak RSS). The machine's load before and after each run is printed with it: on
# a shared machine a loaded run is slower, and its row says so.
#
#   scripts/bench.sh ./target/release/tensorsim [--quick]
#
# --quick leaves out the 32 × 256 run (about half an hour). Outputs go to reports/out/bench/.
set -euo pipefail

bin=${1:?usage: scripts/bench.sh TENSORSIM [--quick]}
quick=${2:-}
out=reports/out/bench
mkdir -p "$out"

load() { cut -d' ' -f1 /proc/loadavg; }

# run NAME SCENARIO: runs it and sets wall, training, network, messages, rate, rss_mb, loads.
run() {
    local name=$1 scenario=$2 before after line
    before=$(load)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$bin" run "$scenario" --out "$out/$name" >/dev/null 2>"$out/$name.err" || {
            cat "$out/$name.err" >&2
            exit 1
        }
        rss_mb=$(awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$out/$name.err")
    else
        "$bin" run "$scenario" --out "$out/$name" >/dev/null 2>"$out/$name.err"
        rss_mb="-"
    fi
    after=$(load)
    loads="load $before → $after"
    # wall time: training 1.56 s, network 8.16 s (1704262 messages delivered, 208728 per second)
    line=$(grep '^wall time:' "$out/$name.err")
    training=$(sed -E 's/.*training ([0-9.]+) s.*/\1/' <<<"$line")
    network=$(sed -E 's/.*network ([0-9.]+) s.*/\1/' <<<"$line")
    messages=$(sed -E 's/.*\(([0-9]+) messages.*/\1/' <<<"$line")
    rate=$(sed -E 's/.*, ([0-9]+) per second.*/\1/' <<<"$line")
    wall=$(awk -v t="$training" -v n="$network" 'BEGIN { printf "%.1f", t + n }')
}

verdict() { if awk "BEGIN { exit !($1) }"; then echo "meets it"; else echo "MISSES it"; fi; }

printf '%s\n' "| run | measured | target | |"
printf '%s\n' "|---|---|---|---|"

run network_4x256 scenarios/bench/network_4x256.yaml
minutes=$(awk -v w="$wall" 'BEGIN { printf "%.2f", w / 60 }')
printf '| %s | %s min (training %s s, network %s s), %s messages, %s msg/s, %s MB peak RSS (%s) | ≤ 4 min (≥ 250 000 msg/s) | %s |\n' \
    "bench/network_4x256.yaml, one day" "$minutes" "$training" "$network" "$messages" "$rate" "$rss_mb" "$loads" \
    "$(verdict "$wall <= 240")"

run baseline scenarios/baseline.yaml
printf '| %s | %s s (training %s s, network %s s), %s msg/s, %s MB peak RSS (%s) | ≤ 8 s, training included | %s |\n' \
    "baseline.yaml (20 tempos)" "$wall" "$training" "$network" "$rate" "$rss_mb" "$loads" "$(verdict "$wall <= 8")"

if [ "$quick" != --quick ]; then
    run network_32x256 scenarios/bench/network_32x256.yaml
    minutes=$(awk -v w="$wall" 'BEGIN { printf "%.1f", w / 60 }')
    rss_verdict=$(if [ "$rss_mb" = - ]; then echo "RSS unmeasured"; else verdict "$rss_mb < 2048"; fi)
    printf '| %s | %s min (training %s s, network %s s), %s messages, %s msg/s, %s MB peak RSS (%s) | runs, under 2 GB RSS, time stated | %s |\n' \
        "bench/network_32x256.yaml, one day" "$minutes" "$training" "$network" "$messages" "$rate" "$rss_mb" "$loads" \
        "$rss_verdict"
fi

# The epoch rows (64 × 256 and 256 × 1024 epochs) are criterion's: `cargo bench -p
# tensorsim-chain`, which `just bench` runs before this table.
printf '%s\n' "| epochs (64 × 256, 256 × 1024) | criterion, above: cargo bench -p tensorsim-chain | README's epoch table | |"
