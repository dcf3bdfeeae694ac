//! A hotkey's stake on one subnet as a share pool (spec §6.3): nominators hold shares, emission
//! added to the hotkey raises the value of every share, so it is shared pro-rata without touching
//! each nominator. Amounts are integer RAO; rounding leaves dust in the pool, never outside it.

use std::collections::BTreeMap;

use super::accounts::ColdkeyId;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SharePool {
    /// Everything the pool holds (RAO of alpha, or of TAO on root).
    total_rao: u64,
    total_shares: u128,
    shares: BTreeMap<ColdkeyId, u128>,
}

/// Shares minted per RAO when a pool is empty: fine-grained enough that later deposits into a
/// grown pool still get shares.
const SHARES_PER_RAO_INITIAL: u128 = 1 << 32;

impl SharePool {
    pub fn total_rao(&self) -> u64 {
        self.total_rao
    }

    /// Whether anyone holds shares (value added by `grow` is shared among them).
    pub fn has_holders(&self) -> bool {
        self.total_shares > 0
    }

    /// What `owner`'s shares are worth now (floored).
    pub fn value_of(&self, owner: ColdkeyId) -> u64 {
        let shares = self.shares.get(&owner).copied().unwrap_or(0);
        if self.total_shares == 0 {
            return 0;
        }
        (u128::from(self.total_rao) * shares / self.total_shares) as u64
    }

    /// `owner`'s shares in the chain's unit, where a first deposit mints one share per RAO (ours
    /// mints 2^32): what a dissolution counts for a position whose value floors to 0 (subnets
    /// spec §4.1).
    pub fn shares_in_rao_units(&self, owner: ColdkeyId) -> u64 {
        let shares = self.shares.get(&owner).copied().unwrap_or(0);
        u64::try_from(shares / SHARES_PER_RAO_INITIAL).unwrap_or(u64::MAX)
    }

    /// The owners with shares, ascending.
    pub fn owners(&self) -> impl Iterator<Item = ColdkeyId> + '_ {
        self.shares.keys().copied()
    }

    /// Adds `rao` for `owner` at the current share value.
    pub fn deposit(&mut self, owner: ColdkeyId, rao: u64) {
        if rao == 0 {
            return;
        }
        let minted = if self.total_shares == 0 || self.total_rao == 0 {
            u128::from(rao) * SHARES_PER_RAO_INITIAL
        } else {
            u128::from(rao) * self.total_shares / u128::from(self.total_rao)
        };
        // A pool emptied of shares but holding dust gives the dust to the next depositor.
        self.total_rao += rao;
        self.total_shares += minted;
        *self.shares.entry(owner).or_default() += minted;
    }

    /// Adds `rao` for every holder at once (emission to the hotkey).
    pub fn grow(&mut self, rao: u64) {
        self.total_rao += rao;
    }

    /// Takes up to `rao` out of `owner`'s value; returns what was taken.
    pub fn withdraw(&mut self, owner: ColdkeyId, rao: u64) -> u64 {
        let value = self.value_of(owner);
        let taken = rao.min(value);
        if taken == 0 {
            return 0;
        }
        let held = self.shares[&owner];
        // Burn the shares worth `taken`, rounded up so the pool never pays out more than it holds
        // for them; withdrawing everything burns all of them.
        let burned = if taken == value {
            held
        } else {
            (u128::from(taken) * self.total_shares).div_ceil(u128::from(self.total_rao)).min(held)
        };
        self.total_rao -= taken;
        self.total_shares -= burned;
        if burned == held {
            self.shares.remove(&owner);
        } else {
            *self.shares.get_mut(&owner).expect("owner holds shares") -= burned;
        }
        taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn growth_is_shared_pro_rata() {
        let (a, b) = (ColdkeyId(1), ColdkeyId(2));
        let mut pool = SharePool::default();
        pool.deposit(a, 300);
        pool.deposit(b, 100);
        pool.grow(400);
        assert_eq!((pool.value_of(a), pool.value_of(b)), (600, 200));
        assert_eq!(pool.withdraw(a, 1_000), 600);
        assert_eq!(pool.value_of(b), 200);
        assert_eq!(pool.owners().collect::<Vec<_>>(), vec![b]);
        assert_eq!(pool.withdraw(b, 200), 200);
        assert_eq!(pool.total_rao(), 0);
    }

    proptest! {
        #[test]
        fn holders_never_own_more_than_the_pool(
            operations in proptest::collection::vec((0u32..4, 0u8..3, 0u64..1u64 << 40), 0..60)
        ) {
            let mut pool = SharePool::default();
            for (owner, kind, rao) in operations {
                let owner = ColdkeyId(owner);
                match kind {
                    0 => pool.deposit(owner, rao),
                    1 => pool.grow(rao % (1 << 30)),
                    _ => {
                        let value = pool.value_of(owner);
                        prop_assert_eq!(pool.withdraw(owner, rao), rao.min(value));
                    }
                }
                let owned: u128 = pool.owners().map(|o| u128::from(pool.value_of(o))).sum();
                prop_assert!(owned <= u128::from(pool.total_rao()));
            }
        }
    }
}
