#!/usr/bin/env python3
"""The commit-reveal effect on a weight copier, by reveal period and miner churn.

Scenario library #6 at full size (scenarios/library/sweeps/commit_reveal_churn.yaml): a network of
8 validators (one of them a weight copier at median stake) and 40 real-model miners, 60 tempos of
50 blocks, with one miner leaving and a newcomer taking a UID every 200, 100 or 50 blocks (low,
medium, high churn), under commit-reveal with reveal periods of 1, 3, 5, 9 and 15 tempos; and the
same grid with commit-reveal off (commit_reveal_churn_open.yaml), nothing concealed. Three seeds
per point. G is the copier's dividends per stake over the honest validators' (the report's
`relative_dividend_rate`).

This runs both sweeps through `tensorsim sweep`, reads their sweep.csv, checks the claims the
prose makes on the numbers, and prints the Markdown section of reports/reproductions.md.

    python3 scripts/reproductions/commit_reveal_churn.py ./target/release/tensorsim [WORK_DIR]

WORK_DIR keeps the sweeps' points (a sweep resumes from it); default: a temporary directory.
"""

import csv
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SWEEPS = Path("scenarios/library/sweeps")
CONCEALED = SWEEPS / "commit_reveal_churn.yaml"
OPEN = SWEEPS / "commit_reveal_churn_open.yaml"
G = "digits.relative_dividend_rate[copier]"
NEWCOMERS = "digits.incentive_share[newcomers]"
CHURN = "subnets[0].churn.every_blocks"
PERIOD = "subnets[0].hyperparameters.reveal_period_epochs"
CHURN_NAMES = {"200": "low (a miner every 200 blocks)", "100": "medium (every 100)", "50": "high (every 50)"}
STOPS_PAYING = 0.82  # the notebook's line: below it, copying stops paying
# Seeds move G by up to about this much at one point; a rise smaller than it is not a rise.
SEED_NOISE = 0.01
PUBLISHED_OPEN = 1.010
PUBLISHED_19_TEMPOS = 0.980


def sweep(binary, spec, out):
    subprocess.run([binary, "sweep", str(spec), "--out", str(out), "--quiet"], check=True, stdout=subprocess.DEVNULL)
    with open(out / "sweep.csv", newline="") as f:
        return list(csv.DictReader(f))


def by_cell(rows, *keys):
    """Each cell's G over its seeds, and whether any of its points failed an expectation."""
    cells = {}
    for row in rows:
        cell = cells.setdefault(tuple(row[k] for k in keys), {"g": [], "newcomers": [], "failed": 0})
        cell["g"].append(float(row[G]))
        cell["newcomers"].append(float(row[NEWCOMERS]))
        cell["failed"] += int(row["expectations_failed"])
    return cells


def fmt(values):
    return f"{statistics.mean(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: commit_reveal_churn.py TENSORSIM_BINARY [WORK_DIR]")
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(sys.argv[2]) if len(sys.argv) == 3 else Path(tmp)
        concealed = by_cell(sweep(binary, CONCEALED, work / "concealed"), CHURN, PERIOD)
        opened = by_cell(sweep(binary, OPEN, work / "open"), CHURN)
    churns = sorted({c for c, _ in concealed}, key=int, reverse=True)
    periods = sorted({p for _, p in concealed}, key=int)
    mean = {k: statistics.mean(v["g"]) for k, v in concealed.items()}
    first_below = checks(concealed, opened, mean, churns, periods)
    print_section(concealed, opened, churns, periods, first_below)


def checks(concealed, opened, mean, churns, periods):
    """Each claim of the prose, on the numbers; the first period below the line by churn."""
    for churn in churns:
        g_open = statistics.mean(opened[(churn,)]["g"])
        # Nothing concealed: the copier earns what validating earns, as on SN12.
        assert 1.0 <= g_open <= PUBLISHED_OPEN + 0.01, (churn, g_open)
        for earlier, later in zip(periods, periods[1:]):
            # G non-increasing in the reveal period (the spec's observable), within seed noise.
            assert mean[(churn, later)] <= mean[(churn, earlier)] + SEED_NOISE, (churn, earlier, later)
        for period in periods:
            # Concealment costs the copier at every period, and every point met the scenario's
            # expectations (no newcomer pruned unpaid, newcomers paid).
            assert mean[(churn, period)] < 1.0 and mean[(churn, period)] < g_open, (churn, period)
            assert concealed[(churn, period)]["failed"] == 0, (churn, period)
    # More churn, lower G, at the short periods where stale weights are the copier's only loss.
    for period in periods[:3]:
        assert mean[(churns[-1], period)] < mean[(churns[0], period)], period
    first_below = {
        churn: next((p for p in periods if mean[(churn, p)] < STOPS_PAYING), None) for churn in churns
    }
    # High churn crosses the line no later than low churn does.
    high, low = first_below[churns[-1]], first_below[churns[0]]
    assert high is not None and (low is None or int(high) <= int(low)), first_below
    return first_below


def print_section(concealed, opened, churns, periods, first_below):
    print("## Commit-reveal against a weight copier, by reveal period and churn")
    print()
    print(
        "Published (the opentensor commit-reveal notebook, on SN12): a weight copier's G (its dividends\n"
        f"per stake over the honest validators') is {PUBLISHED_OPEN:.3f} with no concealment and "
        f"{PUBLISHED_19_TEMPOS:.3f} with a reveal\n"
        f"period of 19 tempos; below {STOPS_PAYING} \"copying stops paying\". scenarios.md's #6 asks for G by\n"
        "reveal period (1, 3, 5, 9, 15 tempos) and miner churn (low, medium, high), non-increasing in the\n"
        "period, and for the period where G falls below the line."
    )
    print()
    print(
        "Ours: scenario library #6 at full size, 60 tempos of 50 blocks, 8 validators (the copier at\n"
        "median stake) and 40 real-model miners, one miner leaving and a newcomer registering every 200,\n"
        "100 or 50 blocks from block 1 600, immunity 1 000 blocks; 3 seeds per cell, mean (lowest–highest):"
    )
    print()
    print("```sh")
    print(f"tensorsim sweep {CONCEALED}")
    print(f"tensorsim sweep {OPEN}")
    print("```")
    print()
    print("| churn | no concealment | " + " | ".join(f"{p} tempo{'s' if p != '1' else ''}" for p in periods) + " |")
    print("|---|" + "---|" * (len(periods) + 1))
    for churn in churns:
        cells = [fmt(opened[(churn,)]["g"])] + [fmt(concealed[(churn, p)]["g"]) for p in periods]
        print(f"| {CHURN_NAMES.get(churn, churn)} | " + " | ".join(cells) + " |")
    print()
    below = "; ".join(
        f"{CHURN_NAMES.get(c, c).split(' ')[0]} churn: {'from ' + p + ' tempos' if p else 'never'}"
        for c, p in first_below.items()
    )
    newcomers = min(min(cell["newcomers"]) for cell in concealed.values())
    print("### Where we agree, where we differ")
    print()
    print(
        "- No concealment: G is within a hundredth of SN12's 1.010 at every churn (copying pays as\n"
        "  well as validating: it serves the validators' own weights, a few blocks late).\n"
        "- Concealment: G < 1 at every reveal period and churn, and G does not rise with the period\n"
        f"  (beyond {SEED_NOISE} of seed noise). G below {STOPS_PAYING}, by churn: {below}.\n"
        "- Where we differ: SN12's G stays at 0.980 with a 19-tempo reveal period; ours falls lower, and\n"
        "  sooner at high churn. Two reasons we can name. Our G is read over the run's second half\n"
        "  (tempos 30 to 60), and at the longest periods the copier's first revealed copies come about\n"
        "  two reveal periods in (near tempo 31 at 15 tempos): the window holds its bonds growing from\n"
        "  nothing, which a long-running subnet like SN12 does not. And our subnet is small (48 UIDs)\n"
        "  and its churn fast (at the lowest, one miner of 40 every 4 tempos), so weights a reveal period\n"
        "  old point at miners who left and miss the newcomers; we have no churn rate of SN12's to set\n"
        "  ours to. The direction of the effect, and its growth with churn at short periods, are the\n"
        "  published ones; its size depends on how fast the subnet moves and how long it has run.\n"
        f"- Newcomers are paid at every point (their incentive share never below {newcomers:.3f}), and no\n"
        "  newcomer is pruned before its first revealed score: immunity (1 000 blocks) outlasts the\n"
        "  longest reveal delay (15 tempos and one), every point holds the scenario's expectations."
    )


if __name__ == "__main__":
    main()
