#!/usr/bin/env python3
"""Writes the chain cases of this folder (deterministic: the same files every run).

conservation_4_subnets_5_days.json (kept here) and, with --long, the 10^6-block case (about 139
simulated days; CI writes and runs it): four subnets with
registrations beyond max_allowed_uids (so UIDs are replaced), stake moves in and out of every
pool and root, and every way weights arrive: set_weights (subnets 1 and 4), commit-reveal v2
(subnet 2) and timelocked v4 (subnet 3). It starts under yuma3-2025 and a runtime upgrade moves
it to head-2026 half way, so the epoch cadence changes from tempo + 1 to tempo mid-run.

The steps are placed by the epoch schedule of spec §3.2 so that every commit is revealed in the
epoch after it: legacy epochs of subnet u at blocks b with (b + u + 1) mod (T + 1) = T (where the
chain's blocks_until_next_epoch is 0); after the upgrade every T blocks from each subnet's last
legacy epoch (the phases differ, so the cap of
epochs per block never defers one).

Usage: python3 scenarios/chain/generate.py [--long FILE] [--short FILE]
"""

import argparse
import json
import os

TEMPO = 360
SUBNETS = 4
VALIDATORS = 4  # per subnet, hotkeys that stake and set weights
MINERS = 36  # per subnet: with the validators, more than max_allowed_uids
MAX_UIDS = 32
TAO = 10**9


def epoch_blocks(netuid, blocks_total, upgrade_at):
    """Every block the subnet's epoch runs at, in order."""
    blocks = []
    b = (TEMPO - (netuid + 1)) % (TEMPO + 1) or TEMPO + 1
    while b < upgrade_at:
        blocks.append(b)
        b += TEMPO + 1
    # The migration sets LastEpochBlock to the block after the last legacy epoch.
    last = blocks[-1]
    b = last + 1 + TEMPO
    while b <= blocks_total:
        blocks.append(b)
        b += TEMPO
    return blocks


def conservation_case(name, blocks_total, upgrade_at, record_every):
    coldkeys = [{"balance_rao": 100_000 * TAO}]  # coldkey 0: owners and validators
    hotkeys = []
    subnets = []
    layout = {}  # netuid -> (owner hotkey, validator hotkeys, miner hotkeys)
    for netuid in range(1, SUBNETS + 1):
        owner = len(hotkeys)
        hotkeys.append({"coldkey": 0})
        validators = []
        for _ in range(VALIDATORS):
            validators.append(len(hotkeys))
            hotkeys.append({"coldkey": 0})
        miners = []
        for _ in range(MINERS):
            coldkeys.append({"balance_rao": 50 * TAO})
            miners.append(len(hotkeys))
            hotkeys.append({"coldkey": len(coldkeys) - 1})
        layout[netuid] = (owner, validators, miners)
        commit_reveal = netuid in (2, 3)
        subnets.append({
            "owner_hotkey": owner,
            "hyperparameters": {
                "tempo": TEMPO,
                "max_allowed_uids": MAX_UIDS,
                "immunity_period": 2 * TEMPO,
                "min_non_immune_uids": 4,
                "commit_reveal": commit_reveal,
                "commit_reveal_version": 4 if netuid == 3 else 2,
                "liquid_alpha": netuid == 4,
                "burn": TAO // 10,
                "min_burn": TAO // 1000,
            },
            "pool_tao_rao": 1_000 * TAO,
            "pool_alpha_rao": 1_000 * TAO,
            "ema_price": 1.0 / netuid,
        })

    timed = []  # (block, order, step)

    def at(block, order, step):
        timed.append((block, order, step))

    for netuid, (owner, validators, miners) in layout.items():
        # Genesis: the owner and validators register and stake; then miners arrive one by one,
        # the later ones replacing the weakest once the subnet is full.
        # One registration per block and at most six per 100-block interval: the legacy price
        # caps them (max_registrations_per_block 1, 3 × target_registrations_per_interval).
        at(1, 0, {"register": {"coldkey": 0, "hotkey": owner, "netuid": netuid}})
        for k, hotkey in enumerate(validators):
            at(2 + k, 1, {"register": {"coldkey": 0, "hotkey": hotkey, "netuid": netuid}})
            at(2 + k, 2, {"stake": {"coldkey": 0, "hotkey": hotkey, "netuid": netuid, "tao_rao": (k + 1) * 100 * TAO}})
        for k, hotkey in enumerate(miners):
            coldkey = hotkeys[hotkey]["coldkey"]
            at(110 + 40 * k, 3, {"register": {"coldkey": coldkey, "hotkey": hotkey, "netuid": netuid}})

        # Weights every epoch: each validator scores the first miner UIDs, its own way.
        epochs = epoch_blocks(netuid, blocks_total, upgrade_at)
        for e, start in enumerate(epochs[:-1]):
            block = start + 100
            for k, hotkey in enumerate(validators):
                dests = list(range(1 + VALIDATORS, 1 + VALIDATORS + 8))
                values = [(d * (k + 3) + e) % 17 + 1 for d in dests]
                call = {"hotkey": hotkey, "netuid": netuid, "dests": dests, "values": values}
                if netuid in (1, 4):
                    at(block + k, 4, {"set_weights": call})
                elif netuid == 3:
                    at(block + k, 4, {"commit_timelocked_weights": call})
                else:
                    salted = dict(call, salt=[e % 65536, k])
                    at(block + k, 4, {"commit_weights": salted})
                    reveal_block = epochs[e + 1] + 100 + k
                    if reveal_block < blocks_total:
                        at(reveal_block, 5, {"reveal_weights": salted})

        # Stake moves: every 10 epochs a validator adds stake and another takes some out; root
        # stake comes and goes too.
        for e, start in enumerate(epochs[:-1]):
            if e % 10 == 0:
                k = (e // 10) % VALIDATORS
                at(start + 200, 6, {"stake": {"coldkey": 0, "hotkey": validators[k], "netuid": netuid,
                                              "tao_rao": 5 * TAO}})
                at(start + 201, 6, {"unstake": {"coldkey": 0, "hotkey": validators[(k + 1) % VALIDATORS],
                                                "netuid": netuid, "stake_rao": TAO}})
            if e % 50 == 25:
                at(start + 210, 6, {"stake": {"coldkey": 0, "hotkey": validators[0], "netuid": 0, "tao_rao": 10 * TAO}})
                at(start + 211, 6, {"unstake": {"coldkey": 0, "hotkey": validators[0], "netuid": 0,
                                                "stake_rao": 5 * TAO}})
            # Newcomers keep replacing UIDs.
            if e % 20 == 10:
                coldkeys.append({"balance_rao": 50 * TAO})
                hotkeys.append({"coldkey": len(coldkeys) - 1})
                at(start + 300, 3, {"register": {"coldkey": len(coldkeys) - 1, "hotkey": len(hotkeys) - 1,
                                                 "netuid": netuid}})

    at(upgrade_at, 7, {"upgrade": {"profile": "head-2026"}})

    # The books every record_every blocks: one recorded block each.
    for block in range(record_every, blocks_total, record_every):
        at(block - 1, 8, {"run_blocks": {"blocks": 1, "record_every": 1}})

    timed = [item for item in timed if item[0] < blocks_total - TEMPO]
    timed.sort(key=lambda item: (item[0], item[1]))
    steps = [dict({"block": block}, **step) for block, _, step in timed]
    # The rest of the run, recorded at its last block.
    steps.append({"run_blocks": {"blocks": blocks_total - timed[-1][0]}})
    return {
        "name": name,
        "description": __doc__.split("\n\n")[1].replace("\n", " "),
        "profile": "yuma3-2025",
        "chain": {
            "coldkeys": coldkeys,
            "hotkeys": hotkeys,
            "subnets": subnets,
            "record_epochs": False,
        },
        "steps": steps,
    }


def write(path, case):
    with open(path, "w") as f:
        json.dump(case, f, separators=(",", ":"))
        f.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--long", metavar="FILE",
                        help="write the 10^6-block case (7 MB, not kept in the repository) to FILE")
    parser.add_argument("--short", metavar="FILE",
                        help="write the 5-day case to FILE instead of next to this script")
    args = parser.parse_args()
    if args.long:
        write(args.long, conservation_case("conservation_4_subnets_1m_blocks", 1_000_000, 500_000, 100_000))
    else:
        here = os.path.dirname(os.path.abspath(__file__))
        path = args.short or os.path.join(here, "conservation_4_subnets_5_days.json")
        write(path, conservation_case("conservation_4_subnets_5_days", 36_000, 18_000, 7_200))


if __name__ == "__main__":
    main()
