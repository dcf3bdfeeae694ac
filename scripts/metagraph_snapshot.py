#!/usr/bin/env python3
"""Write a tensorsim metagraph snapshot of one subnet, read from a live or archive node.

    python3 scripts/metagraph_snapshot.py --network finney --netuid 7 [--block B] [--out FILE]

The snapshot is what `tensorsim replay --metagraph FILE --epochs N` starts from (README: "Starting
from a real subnet", which says which SDK attribute each field comes from). Reading a node needs
the bittensor SDK (`pip install bittensor`); `--help` and the conversions below need only the
standard library, and the SDK is imported only when a node is read.
"""

import argparse
import json
import math
import os
import sys
import tempfile
from decimal import ROUND_HALF_EVEN, Decimal

SNAPSHOT_VERSION = 1
RAO_PER_TAO = 10**9
U16_MAX = 65535
UIDS_MAX = 4096
EXIT_FAILURE = 1

# (tensorsim's name, the attribute of the SDK's SubnetHyperparameters) for the settings that are
# the same number on both sides.
HYPERPARAMETERS_FROM_SDK = (
    ("tempo", "tempo"),
    ("kappa", "kappa"),
    ("bonds_moving_average", "bonds_moving_avg"),
    ("bonds_reset", "bonds_reset_enabled"),
    ("liquid_alpha", "liquid_alpha_enabled"),
    ("alpha_low", "alpha_low"),
    ("alpha_high", "alpha_high"),
    ("activity_cutoff", "activity_cutoff"),
    ("max_allowed_validators", "max_validators"),
    ("min_allowed_weights", "min_allowed_weights"),
    ("weights_set_rate_limit", "weights_rate_limit"),
    ("weights_version_key", "weights_version"),
    ("commit_reveal", "commit_reveal_weights_enabled"),
    ("reveal_period_epochs", "commit_reveal_period"),
    ("immunity_period", "immunity_period"),
    ("rho", "rho"),
)


class SdkMissing(Exception):
    """The bittensor SDK cannot be imported."""


def as_list(values):
    """A numpy array, a torch tensor or a list, as a list."""
    return values.tolist() if hasattr(values, "tolist") else list(values)


def tao_to_rao(tao):
    """A TAO or alpha amount as the SDK gives it (a float, often a float32) in RAO: the float's
    shortest decimal times 10^9, rounded half to even. A float32 holds about 7 significant digits,
    so a stake of 123 456.789 TAO comes back to within some 10^7 RAO."""
    value = float(tao)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"not an amount of TAO: {tao!r}")
    return int((Decimal(repr(value)) * RAO_PER_TAO).to_integral_value(rounding=ROUND_HALF_EVEN))


def round_half_away(x):
    """Rounds half away from zero, as the chain's max-upscale does (Python's round() is half even)."""
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


def weights_row_from_floats(row):
    """A row of the SDK's `metagraph.weights` (floats summing to 1 over the UIDs it weights) as the
    chain stores it: [[uid, u16], ...] max-upscaled (the largest is 65535). An explicit zero the
    chain keeps is lost in a float row; `metagraph.neurons[i].weights` keeps it."""
    row = [float(w) for w in as_list(row)]
    largest = max(row, default=0.0)
    if not largest > 0:
        return []
    return [[uid, round_half_away(w / largest * U16_MAX)] for uid, w in enumerate(row) if w > 0]


def bonds_row_from_floats(row):
    """A row of the SDK's `metagraph.bonds` (the stored u16 values as floats) as [[uid, u16], ...]."""
    return [[uid, round_half_away(float(b))] for uid, b in enumerate(as_list(row)) if float(b) > 0]


def pairs_from_chain(pairs, n, what):
    """The (uid, u16) pairs of a NeuronInfo's `weights` or `bonds`, sorted by UID as tensorsim reads
    them (the chain keeps extrinsic order); refuses a UID out of range or twice, a value beyond u16."""
    row = sorted([int(uid), int(value)] for uid, value in pairs)
    for k, (uid, value) in enumerate(row):
        if not 0 <= uid < n:
            raise ValueError(f"{what}: uid {uid} is out of range (n = {n})")
        if not 0 <= value <= U16_MAX:
            raise ValueError(f"{what}: value {value} of uid {uid} is not a u16")
        if k > 0 and row[k - 1][0] == uid:
            raise ValueError(f"{what}: uid {uid} appears twice")
    return row


def hyperparameters_from_sdk(hp, max_uids=None, owner_uid=None, bonds_penalty=None, stake_threshold_rao=None):
    """tensorsim's hyperparameters from the SDK's SubnetHyperparameters (`hp`, any object with its
    attributes) and what the SDK holds elsewhere: `max_uids` (the metagraph's), the owner's UID,
    the BondsPenalty and StakeThreshold storage values. A setting the SDK did not give is left out,
    so the replay takes the HEAD value."""
    h = {}
    for name, attribute in HYPERPARAMETERS_FROM_SDK:
        value = getattr(hp, attribute, None)
        if value is not None:
            h[name] = value if isinstance(value, bool) else int(value)
    yuma_version = getattr(hp, "yuma_version", None)
    if yuma_version is not None:
        h["yuma3"] = int(yuma_version) == 3
    steepness = getattr(hp, "alpha_sigmoid_steepness", None)
    if steepness is not None:
        h["alpha_sigmoid_steepness"] = round_half_away(float(steepness))
    limit = getattr(hp, "max_weight_limit", None)
    if limit is not None:
        # The SDK types it a float; some versions give the chain's u16, others its share of 65535.
        limit = float(limit)
        h["max_weights_limit"] = round_half_away(limit * U16_MAX) if limit <= 1.0 else round_half_away(limit)
    for name, value in (("max_allowed_uids", max_uids), ("owner_uid", owner_uid),
                        ("bonds_penalty", bonds_penalty), ("stake_threshold_rao", stake_threshold_rao)):
        if value is not None:
            h[name] = int(value)
    return dict(sorted(h.items()))


def column(metagraph, attribute, n):
    """The per-UID attribute `attribute` of the metagraph as a list of n values."""
    values = getattr(metagraph, attribute, None)
    if values is None:
        raise ValueError(f"metagraph.{attribute} is missing (sync the metagraph with lite=False)")
    values = as_list(values)
    if len(values) != n:
        raise ValueError(f"metagraph.{attribute} has {len(values)} entries for {n} UIDs")
    return values


def rows(metagraph, n):
    """Each UID's (weights, bonds) rows: from `metagraph.neurons` (the chain's pairs, explicit zeros
    kept) when they carry them, else from the `weights` and `bonds` matrices."""
    neurons = getattr(metagraph, "neurons", None) or []
    if len(neurons) == n and all(hasattr(x, "weights") and hasattr(x, "bonds") for x in neurons):
        return [(pairs_from_chain(x.weights, n, f"neurons[{uid}].weights"),
                 pairs_from_chain(x.bonds, n, f"neurons[{uid}].bonds")) for uid, x in enumerate(neurons)]
    weights, bonds = column(metagraph, "weights", n), column(metagraph, "bonds", n)
    return [(weights_row_from_floats(w), bonds_row_from_floats(b)) for w, b in zip(weights, bonds)]


def snapshot_from_metagraph(metagraph, hyperparameters, netuid, block, stakes_rao=None, source=None):
    """The snapshot (a dict in the format's key order) of a metagraph synced with lite=False.
    `stakes_rao` (exact, from the chain's subnet state) replaces `metagraph.S` when given."""
    hotkeys = [str(h) for h in as_list(metagraph.hotkeys)]
    n = len(hotkeys)
    if not 0 < n <= UIDS_MAX:
        raise ValueError(f"the metagraph has {n} UIDs; a snapshot holds 1 to {UIDS_MAX}")
    if stakes_rao is None:
        stakes_rao = [tao_to_rao(s) for s in column(metagraph, "S", n)]
    elif len(stakes_rao) != n:
        raise ValueError(f"{len(stakes_rao)} stakes for {n} UIDs")
    last_update = column(metagraph, "last_update", n)
    registered_at = column(metagraph, "block_at_registration", n)
    permits = column(metagraph, "validator_permit", n)
    neurons = []
    for uid, (weights, bonds) in enumerate(rows(metagraph, n)):
        neurons.append({
            "uid": uid,
            "hotkey": hotkeys[uid],
            "stake_rao": int(stakes_rao[uid]),
            "validator_permit": bool(permits[uid]),
            "last_update": int(last_update[uid]),
            "registered_at": int(registered_at[uid]),
            "weights": weights,
            "bonds": bonds,
        })
    snapshot = {"snapshot_version": SNAPSHOT_VERSION, "netuid": int(netuid), "block": int(block)}
    if source is not None:
        snapshot["source"] = source
    snapshot["hyperparameters"] = hyperparameters
    snapshot["neurons"] = neurons
    return snapshot


def to_text(snapshot):
    """The snapshot as JSON text: one neuron per line, so that two snapshots diff line by line."""
    head = {k: v for k, v in snapshot.items() if k != "neurons"}
    lines = [json.dumps(neuron, separators=(", ", ": ")) for neuron in snapshot["neurons"]]
    text = json.dumps(head, indent=2)[:-2] + ',\n  "neurons": [\n    ' + ",\n    ".join(lines) + "\n  ]\n}\n"
    return text


def write_atomically(path, text):
    """Writes `text` to `path` whole or not at all (a temporary file beside it, renamed)."""
    folder = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".snapshot-")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def storage_value(subtensor, name, block, params):
    """A SubtensorModule storage value, or None when this SDK or node cannot read it."""
    try:
        value = subtensor.query_subtensor(name, block=block, params=params)
    except Exception as error:  # the SDK raises many kinds; a missing value only leaves a default
        print(f"warning: {name} not read ({error}); the replay takes its HEAD value", file=sys.stderr)
        return None
    value = getattr(value, "value", value)
    return None if value is None else int(value)


def exact_stakes(subtensor, netuid, block):
    """Each UID's stake weight in RAO as the chain's subnet state holds it (`total_stake`, what
    `metagraph.S` shows as float TAO), or None when it cannot be read."""
    try:
        state = subtensor.query_runtime_api(runtime_api="SubnetInfoRuntimeApi", method="get_subnet_state",
                                            params=[netuid], block=block)
        return [int(rao) for rao in state["total_stake"]]
    except Exception as error:
        print(f"warning: the subnet state's stakes not read ({error}); metagraph.S is used", file=sys.stderr)
        return None


def fetch_snapshot(network, netuid, block):
    """Reads the snapshot of `netuid` at `block` (the node's head when None) from `network`."""
    try:
        import bittensor
    except ImportError as error:
        raise SdkMissing(str(error)) from error
    # `Subtensor` since SDK 8; `subtensor` before.
    subtensor = getattr(bittensor, "Subtensor", None) or bittensor.subtensor
    subtensor = subtensor(network=network)
    if block is None:
        block = subtensor.get_current_block()
    metagraph = subtensor.metagraph(netuid=netuid, lite=False, block=block)
    hp = subtensor.get_subnet_hyperparameters(netuid=netuid, block=block)
    if hp is None:
        raise ValueError(f"netuid {netuid} has no hyperparameters at block {block}: no such subnet")
    hotkeys = [str(h) for h in as_list(metagraph.hotkeys)]
    owner = getattr(metagraph, "owner_hotkey", None)
    hyperparameters = hyperparameters_from_sdk(
        hp,
        max_uids=getattr(metagraph, "max_uids", None),
        owner_uid=hotkeys.index(owner) if owner in hotkeys else None,
        bonds_penalty=storage_value(subtensor, "BondsPenalty", block, [netuid]),
        stake_threshold_rao=storage_value(subtensor, "StakeThreshold", block, None),
    )
    version = getattr(bittensor, "__version__", "unknown")
    source = f"{network}, bittensor SDK {version}, scripts/metagraph_snapshot.py"
    stakes = exact_stakes(subtensor, netuid, block)
    return snapshot_from_metagraph(metagraph, hyperparameters, netuid, block, stakes_rao=stakes, source=source)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Write a tensorsim metagraph snapshot (the input of `tensorsim replay --metagraph`) of one "
                    "subnet, read from a live or archive node with the bittensor SDK.",
        epilog="Blocks older than about 300 need an archive node (--network archive).")
    parser.add_argument("--network", default="finney",
                        help="a network name (finney, test, archive, local) or a node's ws:// URL (default: finney)")
    parser.add_argument("--netuid", type=int, required=True, help="the subnet")
    parser.add_argument("--block", type=int, help="the block to read (default: the node's head)")
    parser.add_argument("--out", help="the snapshot file (default: metagraph-<netuid>-<block>.json)")
    args = parser.parse_args(argv)
    try:
        snapshot = fetch_snapshot(args.network, args.netuid, args.block)
    except SdkMissing as error:
        print(f"error: the bittensor SDK is not installed ({error}); `pip install bittensor` and run this again",
              file=sys.stderr)
        return EXIT_FAILURE
    except Exception as error:
        print(f"error: netuid {args.netuid} on {args.network}: {error}", file=sys.stderr)
        return EXIT_FAILURE
    out = args.out or f"metagraph-{args.netuid}-{snapshot['block']}.json"
    write_atomically(out, to_text(snapshot))
    print(f"{out}: netuid {args.netuid} at block {snapshot['block']}, {len(snapshot['neurons'])} UIDs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
