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

subnets_pruned_and_reregistered.json (kept here): registrations outrun a subnet limit of 4. While
every subnet is immune a registration is refused; then each registration prunes the subnet of
lowest moving price among those whose immunity has ended (the first registered, never started;
the two genesis subnets, the lower of their prices 0.25 first, their pools large and staked;
then each registered subnet in turn), pays its stakers out and takes its netuid. Root dissolves
the subnet on netuid 1 and the next registration takes netuid 1 without a prune. Stakers buy
into every started subnet. An owner sets hyperparameters inside and outside the
freeze window, twice within the rate limit, out of bounds, root-only (kappa, which root then
sets), and a stranger tries. Conservation is checked after every block.

Usage: python3 scenarios/chain/generate.py [--long FILE] [--short FILE] [--subnets FILE]
(without options: both kept cases, next to this script)
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


SUBNET_LIMIT = 4
NET_TEMPO = 360
NET_BLOCKS = 9_000
REGISTER_EVERY = 400
# Between 3 and 4 registration periods: at each registration at the limit exactly one
# registered subnet (the one registered four periods before) is past its immunity.
IMMUNITY = 1_500
GENESIS_PRICES = (0.5, 0.25)
DISSOLVE_AT = 6_050


def assign_netuids(registrations, started):
    """The netuid each registration takes (None: refused at the limit), as the chain decides:
    the smallest free netuid below the limit; at the limit, among the subnets whose immunity has
    ended, the lowest moving price: a registered subnet never started (0, ties to the earlier
    registration), then one started (its price has grown by about 10^-5 at most over this run),
    then the genesis subnets (0.25, then 0.5); none → refused. Two started subnets out of
    immunity at once would need their prices compared: the schedule avoids it (asserted). Root
    dissolves the subnet on netuid 1 at DISSOLVE_AT. `started(k)`: whether registration k calls
    start_call."""
    alive = {1: (0, 3), 2: (0, 2)}  # netuid -> (registration block, price rank)
    taken = []
    dissolved = False
    for k, block in enumerate(registrations):
        if block > DISSOLVE_AT and not dissolved:
            del alive[1]
            dissolved = True
        if len(alive) < SUBNET_LIMIT:
            netuid = min(set(range(1, SUBNET_LIMIT + 2)) - set(alive))
        else:
            candidates = sorted((rank, reg, n) for n, (reg, rank) in alive.items() if block - reg >= IMMUNITY)
            assert len(candidates) < 2 or candidates[0][0] != 1 or candidates[1][0] != 1, (block, candidates)
            netuid = candidates[0][2] if candidates else None
        if netuid is not None:
            alive[netuid] = (block, 1 if started(k) else 0)
        taken.append(netuid)
    return taken


def net_case():
    coldkeys = [{"balance_rao": 1_000_000 * TAO}]  # coldkey 0 owns the genesis subnets
    hotkeys = [{"coldkey": 0}, {"coldkey": 0}]
    stakers = []
    for _ in range(3):
        coldkeys.append({"balance_rao": 10_000 * TAO})
        stakers.append((len(coldkeys) - 1, len(hotkeys)))
        hotkeys.append({"coldkey": len(coldkeys) - 1})
    coldkeys.append({"balance_rao": 10 * TAO})
    stranger = len(coldkeys) - 1
    subnets = [{
        "owner_hotkey": owner,
        "hyperparameters": {"tempo": NET_TEMPO, "commit_reveal": False},
        "pool_tao_rao": 1_000 * TAO,
        "pool_alpha_rao": 1_000 * TAO,
        "ema_price": price,
    } for owner, price in enumerate(GENESIS_PRICES)]
    timed = []  # (block, order, step)

    def stake_all(block, netuid):
        for k, (coldkey, hotkey) in enumerate(stakers):
            timed.append((block, 4, {"stake": {"coldkey": coldkey, "hotkey": hotkey, "netuid": netuid,
                                               "tao_rao": (k + 1) * 10 * TAO}}))

    for netuid in (1, 2):
        stake_all(1, netuid)
    registrations = list(range(100, NET_BLOCKS - NET_TEMPO, REGISTER_EVERY))
    owners = {}
    started = lambda k: k > 0  # noqa: E731 (the first registered subnet is never started)
    for k, (block, netuid) in enumerate(zip(registrations, assign_netuids(registrations, started))):
        coldkeys.append({"balance_rao": 1_000 * TAO})
        owner, hotkey = len(coldkeys) - 1, len(hotkeys)
        hotkeys.append({"coldkey": owner})
        timed.append((block, 1, {"register_network": {"coldkey": owner, "hotkey": hotkey}}))
        if netuid is not None and started(k):
            timed.append((block, 2, {"start_call": {"coldkey": owner, "netuid": netuid}}))
            stake_all(block + 1, netuid)
        owners[block] = (owner, netuid)
    timed.append((DISSOLVE_AT, 0, {"dissolve_network": {"netuid": 1}}))
    owner_actions(timed, owners[500], stranger)
    for block in range(NET_TEMPO, NET_BLOCKS, NET_TEMPO):
        timed.append((block - 1, 9, {"run_blocks": {"blocks": 1, "record_every": 1}}))
    timed.sort(key=lambda item: (item[0], item[1]))
    steps = [dict({"block": block}, **step) for block, _, step in timed]
    steps.append({"run_blocks": {"blocks": NET_BLOCKS - timed[-1][0]}})
    return {
        "name": "subnets_pruned_and_reregistered",
        "description": __doc__.split("\n\n")[3].replace("\n", " "),
        "profile": "head-2026",
        "chain": {
            "network": {
                "subnet_limit": SUBNET_LIMIT,
                "network_min_lock_cost": 100 * TAO,
                "network_rate_limit": NET_TEMPO,
                "network_immunity_period": IMMUNITY,
                "network_lock_reduction_interval": NET_TEMPO,
            },
            "coldkeys": coldkeys,
            "hotkeys": hotkeys,
            "subnets": subnets,
            "record_epochs": False,
        },
        "steps": steps,
    }


def owner_actions(timed, owner_and_netuid, stranger):
    """The owner of the subnet registered at block 500 (netuid 4). Under the HEAD cadence its
    LastEpochBlock is 500 - (4 mod 360) = 496, so its epochs run at 856, 1216, ...; with the
    freeze window of 10 blocks, 847-855 are frozen."""
    owner, netuid = owner_and_netuid
    assert netuid == 4

    def hyper(block, who, name, value):
        origin = {"root": True} if who is None else {"coldkey": who}
        timed.append((block, 3, {"set_hyperparameter": dict(origin, netuid=netuid, name=name, value=value)}))

    hyper(520, owner, "bonds_moving_average", 975_000)  # accepted
    hyper(521, owner, "bonds_moving_average", 950_000)  # TxRateLimitExceeded (2 tempos: 720 blocks)
    hyper(522, owner, "kappa", 40_000)  # BadOrigin: root only
    hyper(523, None, "kappa", 40_000)  # root: accepted
    hyper(524, stranger, "rho", 5)  # BadOrigin: not the owner
    hyper(525, owner, "immune_owner_uids_limit", 11)  # InvalidValue (1..=10)
    hyper(850, owner, "rho", 5)  # AdminActionProhibitedDuringWeightsWindow
    hyper(860, owner, "rho", 5)  # accepted after the epoch
    hyper(861, owner, "tempo", 720)  # accepted: the owner's set_tempo, LastEpochBlock = 861
    # The limit is read with the tempo at check time: now 2 × 720 blocks, so 780 blocks on the
    # owner still waits; 1 450 blocks on it may (the epochs now run at 1581, 2301).
    hyper(1_300, owner, "bonds_moving_average", 900_000)  # TxRateLimitExceeded (1 440 blocks)
    hyper(1_970, owner, "bonds_moving_average", 900_000)  # accepted


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
    parser.add_argument("--subnets", metavar="FILE",
                        help="write the subnet-limit case to FILE instead of next to this script")
    args = parser.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    kept = not (args.long or args.short or args.subnets)
    if args.long:
        write(args.long, conservation_case("conservation_4_subnets_1m_blocks", 1_000_000, 500_000, 100_000))
    if args.short or kept:
        path = args.short or os.path.join(here, "conservation_4_subnets_5_days.json")
        write(path, conservation_case("conservation_4_subnets_5_days", 36_000, 18_000, 7_200))
    if args.subnets or kept:
        write(args.subnets or os.path.join(here, "subnets_pruned_and_reregistered.json"), net_case())


if __name__ == "__main__":
    main()
