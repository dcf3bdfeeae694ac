#!/usr/bin/env python3
"""The epoch rows of issue 12's performance table, from criterion's last run.

Reads the median of each epoch benchmark (`cargo bench -p tensorsim-chain --bench epoch` writes
target/criterion/<group>/<case>/new/estimates.json, in nanoseconds) and prints it beside the
Python reference simulator's median (bactensor yuma-simulation, torch, one thread, float; measured
for issue 12 on this machine kind) and the target, a speed-up over the reference. Exits 1 when a
benchmark has no estimate (run the bench first), never on a missed target: the table says that.

Usage: scripts/bench_epoch_table.py [CRITERION_DIR]   (default target/criterion)
"""

import json
import os
import sys

# (row label, criterion group/case, reference median in ms, target speed-up over the reference)
EPOCH_ROWS = [
    ("Yuma3, 64 × 256", "epoch_64x256/yuma3", 1.45, 5),
    ("original Yuma, 64 × 256", "epoch_64x256/original", 1.34, 4),
    ("Yuma3 + liquid alpha, 64 × 256", "epoch_64x256/yuma3_liquid_alpha", 1.78, 3),
    ("Yuma3, 256 × 1024", "epoch_256x1024/yuma3", 33.5, 5),
    ("original Yuma, 256 × 1024", "epoch_256x1024/original", 35.3, 4),
    ("Yuma3 + liquid alpha, 256 × 1024", "epoch_256x1024/yuma3_liquid_alpha", 38.4, 3),
]


def median_ms(criterion_dir, case):
    """The median of criterion's last run of `case`, in milliseconds."""
    path = os.path.join(criterion_dir, *case.split("/"), "new", "estimates.json")
    with open(path, encoding="utf-8") as file:
        return json.load(file)["median"]["point_estimate"] / 1e6


def table(criterion_dir):
    """The table's lines (markdown)."""
    lines = [
        "| epoch | reference | now | ratio now | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    for label, case, reference_ms, speedup in EPOCH_ROWS:
        now_ms = median_ms(criterion_dir, case)
        ratio = reference_ms / now_ms
        target_ms = reference_ms / speedup
        target = f"{target_ms:.2f}" if target_ms < 1 else f"{target_ms:.1f}"
        met = "yes" if ratio >= speedup else "no"
        lines.append(
            f"| {label} | {reference_ms:g} ms | {now_ms:.3g} ms | {ratio:.1f}× "
            f"| ≤ {target} ms ({speedup}×) | {met} |"
        )
    return lines


def main():
    criterion_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join("target", "criterion")
    try:
        lines = table(criterion_dir)
    except FileNotFoundError as error:
        print(f"bench_epoch_table: no estimate at {error.filename}: run `cargo bench -p tensorsim-chain --bench epoch` first", file=sys.stderr)
        sys.exit(1)
    print("\n".join(lines))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n(medians of criterion's last run; load average now {load} on {os.cpu_count()} CPUs:"
          " a load above the CPU count inflates the times)")


if __name__ == "__main__":
    main()
