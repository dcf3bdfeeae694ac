#!/usr/bin/env bash
# The network rows of README's performance table, each beside its target (issue 12), one run each
# through the release binary, timed by the run itself (wall time and messages per second on
# standard error) and by /usr/bin/time -v (user CPU time, peak RSS). The machine's load before and
# after each run is printed with it: on a shared machine a loaded run is slower in wall time, and
# its row says so; user CPU time moves less.
#
#   scripts/bench.sh ./target/release/tensorsim [ROW ...]
#
# ROW is baseline, network_4x256 or network_32x256; without one, the first two (some minutes:
# `just bench-quick`). The mainnet-sized network_32x256 takes much longer (`just bench` runs all
# three). Outputs go to reports/out/bench/.
set -euo pipefail

bin=${1:?usage: scripts/bench.sh TENSORSIM [network_4x256|baseline|network_32x256 ...]}
shift
rows=("$@")
[ ${#rows[@]} -gt 0 ] || rows=(network_4x256 baseline)
for row in "${rows[@]}"; do
    case $row in
    network_4x256 | baseline | network_32x256) ;;
    *)
        echo "scripts/bench.sh: unknown row $row (network_4x256, baseline, network_32x256)" >&2
        exit 2
        ;;
    esac
done
out=reports/out/bench
mkdir -p "$out"

load() { cut -d' ' -f1 /proc/loadavg; }

# run NAME SCENARIO: runs it and sets wall, training, network, messages, rate, rss_mb, user_s, loads.
run() {
    local name=$1 scenario=$2 before after line
    before=$(load)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$bin" run "$scenario" --out "$out/$name" >/dev/null 2>"$out/$name.err" || {
            cat "$out/$name.err" >&2
            exit 1
        }
        rss_mb=$(awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$out/$name.err")
        user_s=$(awk -F': ' '/User time \(seconds\)/ { print $2 }' "$out/$name.err")
    else
        "$bin" run "$scenario" --out "$out/$name" >/dev/null 2>"$out/$name.err"
        rss_mb="-"
        user_s="-"
    fi
    after=$(load)
    loads="user CPU $user_s s, load $before → $after"
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

for row in "${rows[@]}"; do
    case $row in
    network_4x256)
        run network_4x256 scenarios/bench/network_4x256.yaml
        minutes=$(awk -v w="$wall" 'BEGIN { printf "%.2f", w / 60 }')
        printf '| %s | %s min (training %s s, network %s s), %s messages, %s msg/s, %s MB peak RSS (%s) | ≤ 4 min (≥ 250 000 msg/s) | %s |\n' \
            "bench/network_4x256.yaml, one day" "$minutes" "$training" "$network" "$messages" "$rate" "$rss_mb" \
            "$loads" "$(verdict "$wall <= 240")"
        ;;
    baseline)
        run baseline scenarios/baseline.yaml
        printf '| %s | %s s (training %s s, network %s s), %s msg/s, %s MB peak RSS (%s) | ≤ 8 s, training included | %s |\n' \
            "baseline.yaml (20 tempos)" "$wall" "$training" "$network" "$rate" "$rss_mb" "$loads" "$(verdict "$wall <= 8")"
        ;;
    network_32x256)
        run network_32x256 scenarios/bench/network_32x256.yaml
        minutes=$(awk -v w="$wall" 'BEGIN { printf "%.1f", w / 60 }')
        rss_verdict=$(if [ "$rss_mb" = - ]; then echo "RSS unmeasured"; else verdict "$rss_mb < 2048"; fi)
        printf '| %s | %s min (training %s s, network %s s), %s messages, %s msg/s, %s MB peak RSS (%s) | runs, under 2 GB RSS, time stated | %s |\n' \
            "bench/network_32x256.yaml, one day" "$minutes" "$training" "$network" "$messages" "$rate" "$rss_mb" \
            "$loads" "$rss_verdict"
        ;;
    esac
done

# The epoch rows (64 × 256 and 256 × 1024 epochs) are criterion's: `cargo bench -p
# tensorsim-chain`, which `just bench` runs before this table.
printf '%s\n' "| epochs (64 × 256, 256 × 1024) | criterion, above: cargo bench -p tensorsim-chain | README's epoch table | |"
