//! Which subnet a registration at the subnet limit dissolves (subnets spec §3,
//! `get_network_to_prune`), as a pure function of the subnets' moving prices and registration
//! blocks.

use crate::fixed::U64F64;

/// What the selector reads of one added subnet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NetworkPruneCandidate {
    pub netuid: u16,
    /// `SubnetMovingPrice` (0 until the subnet emits, §2.8).
    pub moving_price: U64F64,
    /// `NetworkRegisteredAt`.
    pub registered_at_block: u64,
}

/// Immune from pruning (§2.6): `b < NetworkRegisteredAt + NetworkImmunityPeriod`.
pub fn network_is_immune(registered_at_block: u64, immunity_period_blocks: u64, block: u64) -> bool {
    block < registered_at_block.saturating_add(immunity_period_blocks)
}

/// The storage order of `NetworksAdded` (§3: the Identity hasher over the little-endian u16 key):
/// by low byte, then high byte, which is ascending netuid below 256.
fn storage_order(netuid: u16) -> (u8, u8) {
    let [low, high] = netuid.to_le_bytes();
    (low, high)
}

/// §3: among the added subnets other than root that are not immune, the lowest moving price; a
/// tie goes to the earlier registration block, a full tie to the first in storage order (a
/// later candidate replaces the best only when strictly better). `None` → `SubnetLimitReached`.
pub fn network_to_prune(candidates: &[NetworkPruneCandidate], immunity_period_blocks: u64, block: u64) -> Option<u16> {
    let mut ordered: Vec<&NetworkPruneCandidate> = candidates.iter().collect();
    ordered.sort_by_key(|candidate| storage_order(candidate.netuid));
    let mut best: Option<&NetworkPruneCandidate> = None;
    for candidate in ordered {
        if candidate.netuid == 0 || network_is_immune(candidate.registered_at_block, immunity_period_blocks, block) {
            continue;
        }
        let better = best.is_none_or(|best| {
            candidate.moving_price < best.moving_price
                || (candidate.moving_price == best.moving_price
                    && candidate.registered_at_block < best.registered_at_block)
        });
        if better {
            best = Some(candidate);
        }
    }
    best.map(|candidate| candidate.netuid)
}

#[cfg(test)]
mod tests {
    use super::*;

    const IMMUNITY: u64 = 1_296_000;

    fn subnet(netuid: u16, registered_at_block: u64, price: u64) -> NetworkPruneCandidate {
        NetworkPruneCandidate { netuid, moving_price: U64F64::from_num(price), registered_at_block }
    }

    #[test]
    fn no_subnet_is_pruned_when_there_are_none_or_all_are_immune() {
        // prune_none_with_no_networks, prune_none_when_all_networks_immune.
        assert_eq!(network_to_prune(&[], IMMUNITY, IMMUNITY + 10), None);
        let subnets = [subnet(1, 0, 1), subnet(2, 5, 1)];
        assert_eq!(network_to_prune(&subnets, IMMUNITY, IMMUNITY - 1), None);
    }

    #[test]
    fn the_subnet_with_the_lowest_moving_price_is_pruned() {
        // prune_selects_network_with_lowest_price.
        let subnets = [subnet(1, 0, 1), subnet(2, 0, 10)];
        assert_eq!(network_to_prune(&subnets, IMMUNITY, IMMUNITY + 10), Some(1));
    }

    #[test]
    fn an_immune_subnet_is_not_pruned_even_with_a_lower_price() {
        // prune_ignores_immune_network_even_if_lower_price.
        let subnets = [subnet(1, 0, 5), subnet(2, IMMUNITY + 5, 1)];
        assert_eq!(network_to_prune(&subnets, IMMUNITY, IMMUNITY + 10), Some(1));
    }

    #[test]
    fn on_a_price_tie_the_earlier_registration_is_pruned() {
        // prune_tie_on_price_earlier_registration_wins: n1 [0], n2 [1], both 7 (given in the
        // reverse order: the registration block decides, not the order offered).
        let subnets = [subnet(2, 1, 7), subnet(1, 0, 7)];
        assert_eq!(network_to_prune(&subnets, IMMUNITY, IMMUNITY + 10), Some(1));
    }

    #[test]
    fn the_exhaustive_selection_follows_price_then_registration_then_netuid() {
        // prune_selection_complex_state_exhaustive.
        let mut s =
            vec![subnet(1, 0, 25), subnet(2, 0, 25), subnet(3, 1, 100), subnet(4, 2, 1), subnet(5, IMMUNITY + 5, 0)];
        s.push(subnet(6, IMMUNITY + 6, 0));
        let at = |s: &[NetworkPruneCandidate], block| network_to_prune(s, IMMUNITY, block);
        assert_eq!(at(&s, IMMUNITY + 10), Some(4));
        s[3].moving_price = U64F64::from_num(25);
        assert_eq!(at(&s, IMMUNITY + 10), Some(1), "n1 and n2 share a block: the first in order");
        s[2].moving_price = U64F64::from_num(25);
        assert_eq!(at(&s, IMMUNITY + 10), Some(1));
        assert_eq!(at(&s, 0), None);
        assert_eq!(at(&s, 2 * IMMUNITY + 10), Some(5));
        s.remove(4); // dissolve n5
        assert_eq!(at(&s, 2 * IMMUNITY + 10), Some(6));
        s[4].moving_price = U64F64::from_num(100); // n6
        s[2].moving_price = U64F64::from_num(1); // n3
        assert_eq!(at(&s, 2 * IMMUNITY + 10), Some(3));
        s[1].moving_price = U64F64::from_num(1); // n2
        assert_eq!(at(&s, 2 * IMMUNITY + 10), Some(2), "earlier than n3");
        s.remove(1); // n2 no longer added: the chain offers only added subnets
        assert_eq!(at(&s, 2 * IMMUNITY + 10), Some(3));
        s.push(subnet(0, 0, 0));
        assert_eq!(at(&s, 2 * IMMUNITY + 10), Some(3), "never root");
    }

    #[test]
    fn a_full_tie_goes_to_the_first_netuid_in_storage_order() {
        // §3: storage order is (low byte, high byte): 256 comes before 1.
        let subnets = [subnet(1, 0, 3), subnet(256, 0, 3), subnet(2, 0, 3)];
        assert_eq!(network_to_prune(&subnets, IMMUNITY, IMMUNITY), Some(256));
    }
}
