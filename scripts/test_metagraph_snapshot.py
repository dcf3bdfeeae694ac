#!/usr/bin/env python3
"""Checks of scripts/metagraph_snapshot.py that need no SDK and no node: --help without the SDK,
a clear message when it is missing, the conversions, and a snapshot of a fake metagraph (the
Rust test `snapshot_cli` replays what `write_fake_snapshot` writes).

    python3 scripts/test_metagraph_snapshot.py
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metagraph_snapshot as ms  # noqa: E402

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "metagraph_snapshot.py")


def fake_metagraph(with_neurons):
    """Two validators (UIDs 0, 1) weighting three miners (2, 3, 4), as the SDK's metagraph holds
    them: floats for stake, rows of weights summing to 1, bonds as u16 floats; with `neurons`
    carrying the chain's pairs when `with_neurons`."""
    weights = [[0, 0, 0.5, 0.25, 0.25], [0, 0, 0.2, 0.4, 0.4], [0] * 5, [0] * 5, [0] * 5]
    bonds = [[0, 0, 30000, 15000, 15000], [0, 0, 8000, 16000, 16000], [0] * 5, [0] * 5, [0] * 5]
    metagraph = SimpleNamespace(
        hotkeys=[f"5Fake{uid}" for uid in range(5)],
        S=[600.5, 400.25, 0.0, 1.5, 0.0],
        last_update=[1990, 1995, 100, 100, 1500],
        block_at_registration=[50, 60, 100, 100, 1500],
        validator_permit=[True, True, False, False, False],
        weights=weights,
        bonds=bonds,
        neurons=None,
    )
    if with_neurons:
        metagraph.neurons = [
            SimpleNamespace(weights=[(4, 32768), (2, 65535), (3, 32768), (0, 0)], bonds=[(2, 30000), (3, 15000)]),
            SimpleNamespace(weights=[(2, 32768), (3, 65535), (4, 65535)], bonds=[]),
        ] + [SimpleNamespace(weights=[], bonds=[]) for _ in range(3)]
    return metagraph


def fake_hyperparameters():
    """A SubnetHyperparameters of the SDK, by its attribute names."""
    return SimpleNamespace(
        tempo=10, kappa=32767, bonds_moving_avg=900000, bonds_reset_enabled=False, liquid_alpha_enabled=True,
        alpha_low=45875, alpha_high=58982, alpha_sigmoid_steepness=1000.0, activity_cutoff=5000, max_validators=64,
        min_allowed_weights=1, max_weight_limit=65535, weights_rate_limit=100, weights_version=0,
        commit_reveal_weights_enabled=True, commit_reveal_period=1, immunity_period=5000, rho=10, yuma_version=3,
        registration_allowed=True,
    )


def write_fake_snapshot(path):
    """Writes the snapshot of the fake metagraph (matrices, no neurons) at block 2000 to `path`."""
    hyperparameters = ms.hyperparameters_from_sdk(fake_hyperparameters(), max_uids=256)
    snapshot = ms.snapshot_from_metagraph(fake_metagraph(False), hyperparameters, netuid=3, block=2000, source="fake")
    ms.write_atomically(path, ms.to_text(snapshot))


def run_script(args, poisoned_sdk=None):
    """Runs the script; `poisoned_sdk` is the body of a `bittensor` package put first on the path."""
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as folder:
        if poisoned_sdk is not None:
            os.makedirs(os.path.join(folder, "bittensor"))
            with open(os.path.join(folder, "bittensor", "__init__.py"), "w", encoding="utf-8") as file:
                file.write(poisoned_sdk)
            env["PYTHONPATH"] = folder + os.pathsep + env.get("PYTHONPATH", "")
        return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True, env=env, timeout=60)


class Command(unittest.TestCase):
    def test_help_runs_without_importing_the_sdk(self):
        result = run_script(["--help"], poisoned_sdk="raise RuntimeError('the SDK was imported')\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        for flag in ("--network", "--netuid", "--block", "--out"):
            self.assertIn(flag, result.stdout)

    def test_a_missing_sdk_is_one_clear_line_and_exit_1(self):
        result = run_script(["--netuid", "1"], poisoned_sdk="raise ImportError('No module named bittensor')\n")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn("the bittensor SDK is not installed", result.stderr)
        self.assertIn("pip install bittensor", result.stderr)

    def test_a_missing_netuid_is_refused_by_argparse(self):
        self.assertEqual(run_script([]).returncode, 2)


class Conversions(unittest.TestCase):
    def test_tao_becomes_rao_from_the_float_s_shortest_decimal(self):
        self.assertEqual(ms.tao_to_rao(1.5), 1_500_000_000)
        self.assertEqual(ms.tao_to_rao(0.1), 100_000_000)
        self.assertEqual(ms.tao_to_rao(0), 0)
        self.assertEqual(ms.tao_to_rao(123456.789), 123_456_789_000_000)
        self.assertEqual(ms.tao_to_rao(1e-10), 0, "below a RAO, half to even")
        for bad in (-1.0, float("nan"), float("inf")):
            with self.assertRaises(ValueError):
                ms.tao_to_rao(bad)

    def test_a_float_weights_row_becomes_the_chain_s_max_upscaled_pairs(self):
        self.assertEqual(ms.weights_row_from_floats([0, 0.25, 0.75, 0]), [[1, 21845], [2, 65535]])
        self.assertEqual(ms.weights_row_from_floats([0.5, 0.25, 0.25]), [[0, 65535], [1, 32768], [2, 32768]])
        self.assertEqual(ms.weights_row_from_floats([0, 0]), [])
        self.assertEqual(ms.bonds_row_from_floats([0, 30000.0, 0.4, 15000]), [[1, 30000], [2, 0], [3, 15000]])

    def test_the_chain_s_pairs_are_sorted_and_checked(self):
        self.assertEqual(ms.pairs_from_chain([(3, 5), (1, 0)], 4, "w"), [[1, 0], [3, 5]])
        for bad, message in (([(4, 1)], "uid 4 is out of range"), ([(1, 1), (1, 2)], "uid 1 appears twice"),
                             ([(1, 70000)], "not a u16")):
            with self.assertRaisesRegex(ValueError, message):
                ms.pairs_from_chain(bad, 4, "w")

    def test_the_sdk_s_hyperparameters_take_tensorsim_s_names(self):
        h = ms.hyperparameters_from_sdk(fake_hyperparameters(), max_uids=256, owner_uid=0, bonds_penalty=65535,
                                        stake_threshold_rao=1000)
        self.assertEqual(h["bonds_moving_average"], 900000)
        self.assertEqual(h["max_allowed_validators"], 64)
        self.assertEqual(h["weights_set_rate_limit"], 100)
        self.assertIs(h["yuma3"], True)
        self.assertIs(h["liquid_alpha"], True)
        self.assertIs(h["commit_reveal"], True)
        self.assertEqual((h["owner_uid"], h["bonds_penalty"], h["stake_threshold_rao"]), (0, 65535, 1000))
        self.assertNotIn("registration_allowed", h)
        self.assertEqual(list(h), sorted(h))
        normalised = SimpleNamespace(max_weight_limit=0.5)
        self.assertEqual(ms.hyperparameters_from_sdk(normalised), {"max_weights_limit": 32768})


class Snapshot(unittest.TestCase):
    def test_a_metagraph_s_matrices_become_the_snapshot_s_rows(self):
        snapshot = ms.snapshot_from_metagraph(fake_metagraph(False), {"tempo": 10}, netuid=3, block=2000)
        self.assertEqual(list(snapshot), ["snapshot_version", "netuid", "block", "hyperparameters", "neurons"])
        first = snapshot["neurons"][0]
        self.assertEqual(list(first), ["uid", "hotkey", "stake_rao", "validator_permit", "last_update",
                                       "registered_at", "weights", "bonds"])
        self.assertEqual(first["stake_rao"], 600_500_000_000)
        self.assertEqual(first["weights"], [[2, 65535], [3, 32768], [4, 32768]])
        self.assertEqual(first["bonds"], [[2, 30000], [3, 15000], [4, 15000]])
        self.assertEqual(snapshot["neurons"][4]["registered_at"], 1500)

    def test_the_chain_s_pairs_win_over_the_matrices_and_keep_explicit_zeros(self):
        snapshot = ms.snapshot_from_metagraph(fake_metagraph(True), {}, netuid=3, block=2000, stakes_rao=[7] * 5)
        first = snapshot["neurons"][0]
        self.assertEqual(first["weights"], [[0, 0], [2, 65535], [3, 32768], [4, 32768]])
        self.assertEqual(first["stake_rao"], 7)

    def test_a_metagraph_missing_an_attribute_or_uneven_is_refused_naming_it(self):
        metagraph = fake_metagraph(False)
        del metagraph.block_at_registration
        with self.assertRaisesRegex(ValueError, "metagraph.block_at_registration is missing"):
            ms.snapshot_from_metagraph(metagraph, {}, 3, 2000)
        metagraph = fake_metagraph(False)
        metagraph.last_update = [1, 2]
        with self.assertRaisesRegex(ValueError, "metagraph.last_update has 2 entries for 5 UIDs"):
            ms.snapshot_from_metagraph(metagraph, {}, 3, 2000)

    def test_the_text_is_the_snapshot_one_neuron_a_line_written_whole(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "snapshot.json")
            write_fake_snapshot(path)
            with open(path, encoding="utf-8") as file:
                text = file.read()
            self.assertEqual(os.listdir(folder), ["snapshot.json"], "no temporary file left")
        snapshot = json.loads(text)
        self.assertEqual(snapshot["source"], "fake")
        self.assertEqual(len(snapshot["neurons"]), 5)
        self.assertIn('\n    {"uid": 1, "hotkey": "5Fake1", ', text)


if __name__ == "__main__":
    unittest.main()
