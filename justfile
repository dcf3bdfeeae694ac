# The recipes people type. Each is the plain cargo command the README gives.

# Run a scenario (the default one unless named) and write its report under reports/out/.
run scenario="scenarios/baseline.yaml":
    cargo run --release -p tensorsim -- run {{scenario}}

# Run a scenario under two profiles and compare the reports (README: comparing runs); the diff
# goes to reports/out/<name>-ab/.
ab scenario="scenarios/baseline.yaml" a="yuma3-2025" b="head-2026":
    cargo run --release -p tensorsim -- ab {{scenario}} --profile {{a}} --profile {{b}}

# Every test: unit, property, every conformance case and whole-network runs through the binary.
test:
    cargo test --workspace

# Check every conformance case against its expected values.
conformance:
    cargo build --release -p tensorsim
    for case in scenarios/conformance/*.json; do ./target/release/tensorsim replay --check "$case" > /dev/null || exit 1; done

# Every row of README's performance table beside its target (issue 12): the chain's and the
# actors' criterion benchmarks, the epoch rows (each median beside the Python reference), then the
# network rows: the baseline, the 4 × 256 network and the mainnet-sized 32 × 256 one (about
# DURATION32 on 2 cores). `just bench-quick` leaves the 32 × 256 run out.
bench:
    cargo bench -p tensorsim-chain
    cargo bench -p tensorsim-actors
    python3 scripts/bench_epoch_table.py
    cargo build --release -p tensorsim
    scripts/bench.sh ./target/release/tensorsim baseline network_4x256 network_32x256

# `just bench` without the 32 × 256 network (some minutes less than half an hour).
bench-quick:
    cargo bench -p tensorsim-chain
    cargo bench -p tensorsim-actors
    python3 scripts/bench_epoch_table.py
    cargo build --release -p tensorsim
    scripts/bench.sh ./target/release/tensorsim baseline network_4x256

# The epoch rows of the performance table from criterion's last run: each median beside the
# Python reference's and the target (`cargo bench -p tensorsim-chain --bench epoch` first).
bench-epoch-table:
    python3 scripts/bench_epoch_table.py

# Re-run every shipped scenario twice in two processes and hold it to its golden report
# (reports/golden/, the library's small sizes to reports/golden/library/); JUnit XML to
# reports/out/junit.xml and junit-library.xml.
check:
    cargo build --release -p tensorsim
    ./target/release/tensorsim check scenarios/*.yaml --determinism --junit reports/out/junit.xml
    ./target/release/tensorsim check scenarios/library/*.yaml --golden reports/golden/library --determinism --junit reports/out/junit-library.xml

# The scenario library (scenarios/library/, README: The scenario library) at full size: each
# sweep of scenarios/library/sweeps/ into reports/out/library/<sweep>/, then every point's
# expectations must have held (sweep.csv's expectations_failed is 0 on every row). About 1.5 h on
# 2 cores (86 min measured on a 2-vCPU VM under load 3-11: upgrade_accounting's 10^6 blocks 31 min
# and commit_reveal_churn's 45 runs 32 min of it); `just library cabal` runs the sweeps whose name
# starts with `cabal`.
library prefix="":
    #!/usr/bin/env bash
    set -euo pipefail
    cargo build --release -p tensorsim
    for sweep in scenarios/library/sweeps/{{prefix}}*.yaml; do
        out="reports/out/library/$(basename "$sweep" .yaml)"
        ./target/release/tensorsim sweep "$sweep" --out "$out"
        awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "expectations_failed") c = i; next }
            $c != 0 { print FILENAME ": point " $1 ": " $c " expectations failed"; bad = 1 }
            END { exit bad }' "$out/sweep.csv"
    done

# Rewrite the golden files (the shipped scenarios' reports, the baseline's hash, the replay
# outputs' hashes) after an intended change; commit them with the reason.
golden:
    cargo build --release -p tensorsim
    ./target/release/tensorsim check scenarios/*.yaml --update
    ./target/release/tensorsim check scenarios/library/*.yaml --golden reports/golden/library --update
    sha256sum reports/golden/baseline.json | cut -d' ' -f1 > reports/baseline.sha256
    bash reports/replay-hashes.sh ./target/release/tensorsim --write

# A sweep sharded on Slurm for real: a one-node Slurm started here (root or sudo; slurm-wlm and
# munge installed when missing) runs examples/slurm/'s array and merge, held to one local sweep.
slurm:
    cargo build --release -p tensorsim
    scripts/slurm-local-test.sh ./target/release/tensorsim

# Run a scenario twice in separate processes and compare the report bytes.
determinism scenario="scenarios/baseline.yaml":
    cargo build --release -p tensorsim
    ./target/release/tensorsim run {{scenario}} --quiet --out reports/out/determinism-a
    ./target/release/tensorsim run {{scenario}} --quiet --out reports/out/determinism-b
    cmp reports/out/determinism-a/report.json reports/out/determinism-b/report.json

# Regenerate reports/reproductions.md: the public results, each beside ours, from runs of this build
# (the retention map's 257 499 epochs, 54 network runs of the commit-reveal sweeps kept in
# reports/out/reproductions/ so that an interrupted run resumes: a few minutes on 2 cores).
reproductions:
    cargo build --release -p tensorsim
    REPRODUCTIONS_SWEEPS=reports/out/reproductions bash scripts/reproductions/generate.sh ./target/release/tensorsim

# Run a sweep (scenarios/sweeps/) on every core; the table goes to reports/out/sweep-<name>/.
sweep file="scenarios/sweeps/sybils.yaml":
    cargo build --release -p tensorsim
    ./target/release/tensorsim sweep {{file}}

# The honest-majority retention map (README: consensus studies), the full grid, with its wall time
# and peak memory (GNU time).
consensus-map:
    cargo build --release -p tensorsim
    /usr/bin/time -v ./target/release/tensorsim consensus-map --out reports/out/consensus-map
