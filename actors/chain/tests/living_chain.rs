//! The living chain block by block: four subnets, registrations that fill them and then replace
//! UIDs, stake moving in and out, root stake, weights every tempo, and the token books checked
//! after every block.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use tensorsim_chain::accounts::{ColdkeyId, HotkeyId};
use tensorsim_chain::fixed::U64F64;
use tensorsim_chain::hyperparameters::Hyperparameters;
use tensorsim_chain::metagraph::WeightsPayload;
use tensorsim_chain::pool::Pool;
use tensorsim_chain::state::{Chain, NetworkParameters};
use tensorsim_chain::weights::WeightsCall;

const TAO: u64 = 1_000_000_000;

struct Network {
    chain: Chain,
    /// (coldkey, hotkey) of everyone who registers.
    neurons: Vec<(ColdkeyId, HotkeyId)>,
    rng: ChaCha8Rng,
}

fn network(seed: u64) -> Network {
    let h = Hyperparameters {
        tempo: 100,
        commit_reveal: false,
        weights_set_rate_limit: 0,
        max_allowed_uids: 24,
        max_allowed_validators: 8,
        immunity_period: 200,
        min_non_immune_uids: 4,
        burn: TAO / 10,
        min_burn: TAO / 1_000,
        max_burn: 10 * TAO,
        tao_weight: 3_320_413_933_267_719_290, // 0.18
        ..Hyperparameters::default()
    };
    let mut chain = Chain::new(NetworkParameters::from_hyperparameters(&h));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for _ in 0..4 {
        let owner = chain.create_coldkey(10_000 * TAO);
        let owner_hotkey = chain.create_hotkey(owner);
        let pool = Pool { tao_rao: 1_000 * TAO, alpha_rao: 1_000 * TAO };
        let netuid = chain.create_subnet(owner_hotkey, h.clone(), pool, U64F64::from_num(0.5)).unwrap();
        chain.start_emission(netuid);
        chain.burned_register(owner, owner_hotkey, netuid).unwrap();
    }
    let neurons = (0..80)
        .map(|_| {
            let coldkey = chain.create_coldkey(100 * TAO + rng.next_u64() % (100 * TAO));
            (coldkey, chain.create_hotkey(coldkey))
        })
        .collect();
    // Root stake counts in every subnet's stake weight and earns root dividends.
    let root_staker = chain.create_coldkey(50_000 * TAO);
    let root_validator = chain.create_hotkey(root_staker);
    chain.add_stake(root_staker, root_validator, 0, 40_000 * TAO).unwrap();
    Network { chain, neurons, rng }
}

impl Network {
    fn random(&mut self, below: u64) -> u64 {
        self.rng.next_u64() % below
    }

    /// One block of activity, then the block itself.
    fn step(&mut self) {
        let block = self.chain.block;
        let netuid = 1 + self.random(4) as u16;
        let who = self.random(self.neurons.len() as u64) as usize;
        let (coldkey, hotkey) = self.neurons[who];
        match self.random(10) {
            // Registrations: most subnets fill up within a few hundred blocks, then replace UIDs.
            0..=2 => {
                let _ = self.chain.burned_register(coldkey, hotkey, netuid);
            }
            3 => {
                let amount = 1 + self.random(20 * TAO);
                let _ = self.chain.add_stake(coldkey, hotkey, netuid, amount);
            }
            4 => {
                let held = self.chain.stake_of(coldkey, hotkey, netuid);
                let _ = self.chain.remove_stake(coldkey, hotkey, netuid, held / 2);
            }
            _ => {}
        }
        // Every validator with a permit weights the miners it sees, a little noisily.
        if block.is_multiple_of(50) {
            for netuid in 1..=4u16 {
                self.chain.refresh_stake_weights(netuid);
                let n = self.chain.subnet(netuid).hotkeys.len() as u16;
                let permits: Vec<u16> = (0..n)
                    .filter(|&uid| self.chain.subnet(netuid).metagraph.validator_permit()[usize::from(uid)])
                    .collect();
                for uid in permits {
                    let dests: Vec<u16> = (0..n).filter(|&d| d != uid).collect();
                    let values: Vec<u16> = dests.iter().map(|&d| 1_000 + d * 100 + self.random(500) as u16).collect();
                    let metagraph = &mut self.chain.subnet_mut(netuid).metagraph;
                    metagraph.set_weights(uid, &dests, &values, 0, block).unwrap();
                }
            }
        }
        self.chain.step_block();
        assert_eq!(self.chain.conservation(), Ok(()), "after block {}", self.chain.block);
    }
}

#[test]
fn tokens_are_conserved_block_by_block_with_registrations_stake_and_epochs() {
    let mut network = network(7);
    let issuance_start = network.chain.total_issuance_rao;
    let mut epochs = 0;
    for _ in 0..3_000 {
        network.step();
        epochs = network.chain.subnets().iter().map(|s| s.scheduler.epoch_index).sum::<u64>();
    }
    let chain = &network.chain;
    assert!(epochs >= 4 * 29, "every subnet ran its epochs every 100 blocks ({epochs})");
    for subnet in chain.subnets() {
        assert_eq!(subnet.hotkeys.len(), 24, "subnet {} filled up", subnet.netuid);
        let incentive: u64 = subnet.metagraph.outputs().incentive.iter().map(|&i| u64::from(i)).sum();
        assert!(incentive > 0, "subnet {} pays miners", subnet.netuid);
        assert!(subnet.alpha_issued_rao > 0 && subnet.pool.tao_rao > 1_000 * TAO);
    }
    let emitted = chain.total_issuance_rao - issuance_start;
    assert!(emitted > 0 && emitted <= 3_000 * TAO, "emission {emitted} over 3000 blocks of at most 1 TAO");
}

#[test]
fn full_subnets_replace_the_lowest_emission_non_immune_uid_and_spare_the_owner() {
    let mut network = network(11);
    for _ in 0..1_500 {
        network.step();
    }
    let chain = &mut network.chain;
    let netuid = 1;
    chain.refresh_stake_weights(netuid);
    let block = chain.block;
    let candidate = chain.prune_candidate(netuid, block).expect("a full subnet has a candidate");
    let subnet = chain.subnet(netuid);
    assert_ne!(subnet.hotkeys[usize::from(candidate)], subnet.owner_hotkey, "the owner is immortal");
    let registered_at = subnet.metagraph.registered_at();
    let immunity = u64::from(subnet.metagraph.hyperparameters.immunity_period);
    let emission = &subnet.metagraph.outputs().emission_rao;
    let non_immune: Vec<usize> = (0..subnet.hotkeys.len())
        .filter(|&uid| block - registered_at[uid] >= immunity && subnet.hotkeys[uid] != subnet.owner_hotkey)
        .collect();
    if non_immune.len() > 4 {
        assert!(block - registered_at[usize::from(candidate)] >= immunity, "an immune UID was chosen");
        let lowest = non_immune.iter().map(|&uid| emission[uid]).min().unwrap();
        assert_eq!(emission[usize::from(candidate)], lowest);
    }
    // A registration now takes exactly that slot.
    let coldkey = chain.create_coldkey(100 * TAO);
    let hotkey = chain.create_hotkey(coldkey);
    assert_eq!(chain.burned_register(coldkey, hotkey, netuid), Ok(candidate));
    assert_eq!(chain.conservation(), Ok(()));
}

#[test]
fn the_same_seed_gives_the_same_chain() {
    let run = |seed| {
        let mut network = network(seed);
        for _ in 0..600 {
            network.step();
        }
        let chain = &network.chain;
        (
            chain.total_issuance_rao,
            chain.subnets().iter().map(|s| (s.pool.clone(), s.alpha_out_rao)).collect::<Vec<_>>(),
        )
    };
    assert_eq!(run(3), run(3));
    assert_ne!(run(3), run(4));
}

/// Weights committed (timelocked) during a tempo under HEAD: the reveal of step 3 looks ahead to
/// the epoch about to fire at the tempo's end, so that epoch counts them (upstream
/// `current_epoch_with_lookahead`); reading the index as it stood put them one tempo later.
#[test]
fn head_timelocked_weights_committed_during_a_tempo_count_in_the_epoch_that_closes_it() {
    let h = Hyperparameters {
        tempo: 20,
        commit_reveal: true,
        commit_reveal_version: 4,
        reveal_period_epochs: 1,
        weights_set_rate_limit: 0,
        ..Hyperparameters::default()
    };
    let mut chain = Chain::new(NetworkParameters::from_hyperparameters(&h));
    let owner = chain.create_coldkey(10_000 * TAO);
    let owner_hotkey = chain.create_hotkey(owner);
    let pool = Pool { tao_rao: 1_000 * TAO, alpha_rao: 1_000 * TAO };
    let netuid = chain.create_subnet(owner_hotkey, h, pool, U64F64::from_num(1)).unwrap();
    chain.start_emission(netuid);
    let mut hotkeys = Vec::new();
    for _ in 0..3 {
        let coldkey = chain.create_coldkey(1_000 * TAO);
        let hotkey = chain.create_hotkey(coldkey);
        chain.burned_register(coldkey, hotkey, netuid).unwrap();
        hotkeys.push((coldkey, hotkey));
    }
    let (validator_coldkey, validator) = hotkeys[0];
    chain.add_stake(validator_coldkey, validator, netuid, 500 * TAO).unwrap();
    // Run to the first epoch (permits), then commit in the tempo after it.
    let mut epochs_at = Vec::new();
    while epochs_at.is_empty() {
        if !chain.step_block().epochs.is_empty() {
            epochs_at.push(chain.block);
        }
    }
    chain.step_block();
    let miner_uid = chain.subnet(netuid).uid_of(hotkeys[1].1).unwrap();
    let payload = WeightsPayload { dests: vec![miner_uid], values: vec![65_535], version_key: 0 };
    chain.weights_call(validator, netuid, WeightsCall::CommitTimelocked(payload)).unwrap();
    let closing = loop {
        let report = chain.step_block();
        if let Some((_, output)) = report.epochs.into_iter().next() {
            break output;
        }
    };
    assert_eq!(chain.block, epochs_at[0] + 20, "the next epoch closes the tempo of the commit");
    assert!(closing.incentive[usize::from(miner_uid)] > 0, "the committed weights count: {:?}", closing.incentive);
}

/// Before dynamic tempo a hash commit and its reveal read the epoch index of their block as it
/// stands (subtensor's `get_epoch_index`): a reveal sent on the epoch block that ends its reveal
/// index is accepted. With the look-ahead of HEAD it would read the next index and be refused as
/// expired.
#[test]
fn legacy_hash_reveals_on_the_epoch_block_of_their_reveal_index_are_accepted() {
    let h = Hyperparameters {
        tempo: 10,
        commit_reveal: true,
        commit_reveal_version: 2,
        reveal_period_epochs: 1,
        weights_set_rate_limit: 0,
        ..Hyperparameters::default()
    };
    let legacy = tensorsim_chain::profile::profile_by_name("yuma3-2025").unwrap();
    let mut chain = Chain::with_profile(NetworkParameters::from_hyperparameters(&h), legacy);
    let owner = chain.create_coldkey(10_000 * TAO);
    let owner_hotkey = chain.create_hotkey(owner);
    let pool = Pool { tao_rao: 1_000 * TAO, alpha_rao: 1_000 * TAO };
    let netuid = chain.create_subnet(owner_hotkey, h, pool, U64F64::from_num(1)).unwrap();
    assert_eq!(netuid, 1, "epochs of netuid 1, tempo 10: blocks 8, 19, 30");
    let coldkey = chain.create_coldkey(1_000 * TAO);
    let validator = chain.create_hotkey(coldkey);
    chain.burned_register(coldkey, validator, netuid).unwrap();
    while chain.block < 12 {
        chain.step_block();
    }
    // Committed at block 12 (index 1), revealable in index 2: blocks 20 to 30.
    let uid = chain.subnet(netuid).uid_of(validator).unwrap();
    let payload = WeightsPayload { dests: vec![uid], values: vec![65_535], version_key: 0 };
    let salt = [7u16];
    let hash = tensorsim_chain::metagraph::commit_hash(uid, &payload, &salt);
    chain.weights_call(validator, netuid, WeightsCall::Commit(hash)).unwrap();
    while chain.block < 30 {
        chain.step_block();
    }
    chain.weights_call(validator, netuid, WeightsCall::Reveal(&payload, &salt)).unwrap();
}
