//! Each actor's outputs epoch by epoch, by name: what "how does the copier's G evolve" reads
//! without mapping UIDs to hotkeys to actors by hand.

use std::collections::BTreeMap;

use tensorsim_chain::yuma::EpochOutput;

use super::document::{ActorSeries, Decimal6};
use super::members::{Member, Seating, dividends_and_stake, honest_at, share};
use crate::metrics;

/// Every member's series, keyed by its name; each list has one entry per epoch.
pub(super) fn actor_series<'a>(seating: &Seating, members: &[Member<'a>]) -> BTreeMap<&'a str, ActorSeries> {
    let epochs = 0..seating.epochs.len();
    // G's reference, once per epoch rather than once per validator.
    let honest: Vec<Vec<(f64, f64)>> = epochs.clone().map(|e| honest_at(seating, members, e)).collect();
    (members.iter().enumerate())
        .map(|(m, member)| {
            let of = |values: fn(&EpochOutput) -> &[u16]| -> Vec<Decimal6> {
                (epochs.clone())
                    .map(|e| {
                        seating.uid[e][m].map_or(Decimal6::NULL, |uid| {
                            Decimal6::round(share(values(&seating.epochs[e].facts.output)[usize::from(uid)]))
                        })
                    })
                    .collect()
            };
            let g = member.validator.as_ref().map(|_| {
                (epochs.clone())
                    .map(|e| {
                        let rate = dividends_and_stake(seating, e, m)
                            .and_then(|(d, s)| metrics::relative_dividend_rate(d, s, &honest[e]).ok());
                        Decimal6::of(rate)
                    })
                    .collect()
            });
            let series = ActorSeries {
                dividends: of(|o| &o.dividends),
                incentive: of(|o| &o.incentive),
                relative_dividend_rate: g,
                stake_weight: of(|o| &o.stake_weight),
                uid: epochs.clone().map(|e| seating.uid[e][m]).collect(),
                validator_trust: of(|o| &o.validator_trust),
            };
            (member.node.name.as_str(), series)
        })
        .collect()
}
