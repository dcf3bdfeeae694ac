# The recipes people type. Each is the plain cargo command the README gives.

# Replay the default conformance case and print the chain's outputs after every epoch.
run case="scenarios/conformance/epoch_yuma3_kappa_moves_first.json":
    cargo run --release -p tensorsim -- replay {{case}}

# Every test: unit, property, and every conformance case through the binary.
test:
    cargo test --workspace

# Check every conformance case against its expected values.
conformance:
    cargo build --release -p tensorsim
    for case in scenarios/conformance/*.json; do ./target/release/tensorsim replay --check "$case" > /dev/null || exit 1; done

# One epoch at 64x256 and 256x1024 in every era (criterion).
bench:
    cargo bench -p tensorsim-actors

# Run a case twice in separate processes and compare the bytes.
determinism case="scenarios/conformance/epoch_original_yuma_bonds_ema_8uids_9epochs.json":
    cargo build --release -p tensorsim
    mkdir -p reports/out
    ./target/release/tensorsim replay {{case}} > reports/out/determinism-a.json
    ./target/release/tensorsim replay {{case}} > reports/out/determinism-b.json
    cmp reports/out/determinism-a.json reports/out/determinism-b.json
