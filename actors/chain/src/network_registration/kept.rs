//! What a netuid keeps when its subnet is dissolved (subnets spec §2.7, §4.4): `remove_network`
//! deletes most per-netuid storage, but some items it leaves and `init_new_network` does not
//! rewrite, so the next subnet registered on that netuid inherits them. Of the spec's list the
//! model holds five hyperparameters (kept here), the subnet account (the chain's
//! `subnet_accounts_rao`, where a dissolution leaves the existential deposit) and the owner's
//! rate-limit stamps (kept where they live, on the chain by netuid and parameter); a dissolution
//! touches neither of the last two. The rest of the list (RecycleOrBurn,
//! OwnerCutEnabled, child-key takes, root-claim and voting-power settings, auto-stake
//! destinations, the swap's scrap reservoir) is not modelled.

use crate::hyperparameters::Hyperparameters;

/// The hyperparameters of §2.7's list that the model has: a new subnet on a reused netuid reads
/// the previous occupant's values, not the new-subnet ones.
#[derive(Clone, Debug, PartialEq)]
pub struct KeptHyperparameters {
    pub adjustment_interval: u16,
    pub adjustment_alpha: u64,
    pub min_allowed_uids: u16,
    pub max_weights_limit: u16,
    pub min_non_immune_uids: u16,
}

impl KeptHyperparameters {
    pub fn of(h: &Hyperparameters) -> Self {
        Self {
            adjustment_interval: h.adjustment_interval,
            adjustment_alpha: h.adjustment_alpha,
            min_allowed_uids: h.min_allowed_uids,
            max_weights_limit: h.max_weights_limit,
            min_non_immune_uids: h.min_non_immune_uids,
        }
    }

    /// Writes the kept values over a new subnet's.
    pub fn apply(&self, h: &mut Hyperparameters) {
        h.adjustment_interval = self.adjustment_interval;
        h.adjustment_alpha = self.adjustment_alpha;
        h.min_allowed_uids = self.min_allowed_uids;
        h.max_weights_limit = self.max_weights_limit;
        h.min_non_immune_uids = self.min_non_immune_uids;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_hyperparameters_replace_a_new_subnets_and_only_those() {
        let old = Hyperparameters {
            adjustment_interval: 7,
            adjustment_alpha: 8,
            min_allowed_uids: 9,
            max_weights_limit: 10,
            min_non_immune_uids: 11,
            kappa: 1,
            tempo: 2,
            ..Hyperparameters::default()
        };
        let mut new = Hyperparameters::default();
        KeptHyperparameters::of(&old).apply(&mut new);
        let expected = Hyperparameters {
            adjustment_interval: 7,
            adjustment_alpha: 8,
            min_allowed_uids: 9,
            max_weights_limit: 10,
            min_non_immune_uids: 11,
            ..Hyperparameters::default()
        };
        assert_eq!(new, expected, "kappa and tempo are wiped by remove_network, not inherited");
    }
}
