#!/usr/bin/env python3
"""The whitepaper's cabal, and the chain's Yuma on the same game.

The Bittensor whitepaper (§10, "Collusion") follows an honest graph A and a disjoint cabal B under
continuous inflation: each holds a stake share, its trust is a sigmoid of that share around 0.5
(temperature 10), its incentive rank × trust with rank its stake, and each block τ = 0.1 of the
total stake is minted in proportion to incentive. From stakes .51 / .49 it prints the cabal's
share over the first blocks: 0.4877, 0.4850, 0.4816, 0.4774, 0.4723.

This computes that model (its formulas, re-written), then plays the same game on the chain's Yuma
(`tensorsim replay`, HEAD rules): one honest and one cabal validator (stakes .51 / .49), each
weighting only its own side's miner; each epoch τ of the total stake is emitted, and what a side's
validator and miner earn is added to that side's stake before the next epoch. The output is the
Markdown section of reports/reproductions.md.

    python3 scripts/reproductions/whitepaper_cabal.py ./target/release/tensorsim
"""

import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

TAU = 0.1
TEMPERATURE = 10.0
STEPS = 5
PUBLISHED = [0.4877, 0.4850, 0.4816, 0.4774, 0.4723]
RAO_PER_UNIT = 10**12  # stake .51 / .49 as 0.51 / 0.49 × 10^12 RAO


def whitepaper_model(steps):
    """The cabal's share after each block of the whitepaper's model."""
    stake_a, stake_b = 0.51, 0.49
    shares = []
    for _ in range(steps):
        total = stake_a + stake_b
        trust_a = 1 / (1 + math.exp(-(stake_a / total - 0.5) * TEMPERATURE))
        trust_b = 1 / (1 + math.exp(-(stake_b / total - 0.5) * TEMPERATURE))
        incentive_a, incentive_b = stake_a * trust_a, stake_b * trust_b
        minted = TAU * total
        stake_a += minted * incentive_a / (incentive_a + incentive_b)
        stake_b += minted * incentive_b / (incentive_a + incentive_b)
        shares.append(stake_b / (stake_a + stake_b))
    return shares


HYPERPARAMETERS = {
    "tempo": 1,
    "kappa": 32767,
    "bonds_penalty": 65535,
    "bonds_moving_average": 900000,
    "yuma3": True,
    "liquid_alpha": False,
    "alpha_low": 45875,
    "alpha_high": 58982,
    "alpha_sigmoid_steepness": 1000,
    "max_allowed_validators": 2,
    "activity_cutoff": 5000,
    "min_allowed_weights": 1,
    "weights_set_rate_limit": 0,
    "stake_threshold_rao": 0,
    "owner_uid": None,
    "commit_reveal": False,
}
# UIDs: 0 honest validator, 1 cabal validator, 2 honest miner, 3 cabal miner.
SIDES = {"honest": (0, 2), "cabal": (1, 3)}


def chain_model(binary, steps):
    """The cabal's share of stake after each epoch of the chain's Yuma."""
    stakes = {"honest": 51 * RAO_PER_UNIT // 100, "cabal": 49 * RAO_PER_UNIT // 100}
    neurons = [{"stake_rao": stakes["honest"], "registered_at": 1, "last_update": 1},
               {"stake_rao": stakes["cabal"], "registered_at": 1, "last_update": 1},
               {"stake_rao": 0, "registered_at": 1, "last_update": 1},
               {"stake_rao": 0, "registered_at": 1, "last_update": 1}]
    # Block 2 grants permits; each side weights its own miner from then on.
    steps_so_far = [{"block": 2, "epoch": {"emission_rao": 1}},
                    {"block": 2, "set_weights": {"uid": 0, "dests": [2], "values": [65535]}},
                    {"block": 2, "set_weights": {"uid": 1, "dests": [3], "values": [65535]}}]
    shares = []
    with tempfile.TemporaryDirectory() as tmp:
        for step in range(steps):
            block = step + 3
            emission = int(TAU * (stakes["honest"] + stakes["cabal"]))
            steps_so_far.append({"block": block, "epoch": {"emission_rao": emission}})
            case = {"name": "whitepaper cabal", "hyperparameters": HYPERPARAMETERS, "neurons": neurons,
                    "steps": steps_so_far}
            path = Path(tmp) / "case.json"
            path.write_text(json.dumps(case))
            run = subprocess.run([binary, "replay", str(path)], check=True, capture_output=True, text=True)
            output = json.loads(run.stdout)
            assert not output["rejected"], output["rejected"]
            paid = output["epochs"][-1]["emission_rao"]
            for side, (validator, miner) in SIDES.items():
                stakes[side] += paid[validator] + paid[miner]
                steps_so_far.append({"block": block, "set_stake": {"uid": validator, "stake_rao": stakes[side]}})
            shares.append(stakes["cabal"] / (stakes["honest"] + stakes["cabal"]))
    return shares


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: whitepaper_cabal.py TENSORSIM_BINARY")
    ours = whitepaper_model(STEPS)
    chain = chain_model(sys.argv[1], STEPS)
    for step, (published, computed) in enumerate(zip(PUBLISHED, ours)):
        # The published figures are printed to 4 decimals; the model re-written must give them.
        assert abs(published - computed) < 5e-5, (step, published, computed)
    print("## The whitepaper's cabal\n")
    print(" ".join(__doc__.split("\n\n")[1].split()) + "\n")
    print(" ".join(__doc__.split("\n\n")[2].split()) + "\n")
    print("Command: `python3 scripts/reproductions/whitepaper_cabal.py ./target/release/tensorsim`.\n")
    print("| block / epoch | published (whitepaper) | whitepaper model, ours | chain's Yuma (head-2026) |")
    print("|---|---|---|---|")
    for step in range(STEPS):
        print(f"| {step} | {PUBLISHED[step]:.4f} | {ours[step]:.4f} | {chain[step]:.4f} |")
    print()
    ratio = chain[1] / chain[0]
    # The whitepaper cabal's part of the first block's minting: its stake grew from .49 to
    # share × (1 + τ) of the total.
    minted_share = (ours[0] * (1 + TAU) - 0.49) / TAU
    # The claim below, that a cabal below kappa earns nothing on the chain, checked on the numbers.
    assert abs(ratio - 1 / (1 + TAU)) < 1e-6, ratio
    print(f"We agree with the published sequence to its 4 decimals (the script asserts it). The chain's Yuma "
          f"differs, by design: the whitepaper's trust is a smooth sigmoid of stake, so a 49 % cabal still "
          f"earns {minted_share:.1%} of the first block's minted stake and loses share slowly; the chain's "
          f"consensus is a κ-stake median (κ = 0.5), so a cabal below κ supports its own miner alone, consensus "
          f"there is 0, its weight is clipped to nothing, and its validator and miner earn 0. Its share then "
          f"falls by 1 / (1 + τ) an epoch (here {ratio:.6f}; 1 / 1.1 = {1 / 1.1:.6f}): the cabal keeps its "
          f"stake but earns none of the new.")

if __name__ == "__main__":
    main()
