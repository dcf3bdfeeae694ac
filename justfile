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

# The epoch and chain benchmarks and the actors' micro-benchmarks (criterion), then the network
# table of README's performance section, each row beside its target (`just bench --quick` leaves
# out the half-hour mainnet-sized run).
bench *args:
    cargo bench -p tensorsim-chain
    cargo bench -p tensorsim-actors
    cargo build --release -p tensorsim
    scripts/bench.sh ./target/release/tensorsim {{args}}

# Re-run every shipped scenario twice in two processes and hold it to its golden report
# (reports/golden/); JUnit XML to reports/out/junit.xml.
check:
    cargo build --release -p tensorsim
    ./target/release/tensorsim check scenarios/*.yaml --determinism --junit reports/out/junit.xml

# Rewrite the golden files (the shipped scenarios' reports, the baseline's hash, the replay
# outputs' hashes) after an intended change; commit them with the reason.
golden:
    cargo build --release -p tensorsim
    ./target/release/tensorsim check scenarios/*.yaml --update
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

# Regenerate reports/reproductions.md: the public results, each beside ours, from runs of this build.
reproductions:
    cargo build --release -p tensorsim
    bash scripts/reproductions/generate.sh ./target/release/tensorsim

# Run a sweep (scenarios/sweeps/) on every core; the table goes to reports/out/sweep-<name>/.
sweep file="scenarios/sweeps/sybils.yaml":
    cargo build --release -p tensorsim
    ./target/release/tensorsim sweep {{file}}
