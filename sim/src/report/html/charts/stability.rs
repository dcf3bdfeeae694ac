//! Consensus stability over epochs (each epoch's `stability`): Kendall τ between successive
//! incentive rankings, the voters' trust (stake-weighted mean, median, minimum) and the share of
//! voting stake whose weights lay within clipping.

use super::super::super::document::{EpochStability, SubnetSection};
use super::super::figure::Figure;
use super::super::plot::{Chart, Line, TimeAxis, TimeChart, color};

fn line(subnet: &SubnetSection, i: usize, label: &str, value: impl Fn(&EpochStability) -> Option<f64>) -> Line {
    Line {
        label: Some(label.to_string()),
        color: color(i),
        emphasis: true,
        // Every second dashed: τ and trust often lie near 1 together.
        dashed: i % 2 == 1,
        points: subnet.epochs.iter().map(|e| (e.block, value(&e.stability))).collect(),
    }
}

pub(super) fn consensus(subnet: &SubnetSection, axis: &TimeAxis) -> Figure {
    let lines = vec![
        line(subnet, 0, "Kendall τ", |s| s.incentive_kendall_tau.value()),
        line(subnet, 1, "trust, by stake", |s| s.validator_trust_stake_mean.value()),
        line(subnet, 2, "trust, median", |s| s.validator_trust.as_ref().and_then(|t| t.median.value())),
        line(subnet, 3, "trust, lowest", |s| s.validator_trust.as_ref().and_then(|t| t.min.value())),
        line(subnet, 4, "within clipping", |s| s.within_clipping_stake_share.value()),
    ];
    Figure {
        kind: "stability",
        title: "Consensus stability".to_string(),
        note: "At each epoch: Kendall τ-b between the incentive ranking and the epoch before's (1: unchanged); the \
               voters' validator trust (the weight clipping left them), weighted by stake, of the median voter and of \
               the lowest; the share of voting stake whose weights consensus clipped nothing of. A gap: undefined \
               (the first epoch for τ, no voter)."
            .to_string(),
        chart: Chart::Time(TimeChart {
            axis: axis.clone(),
            y_label: "0 to 1 (τ: −1 to 1)",
            lines,
            reference: None,
            whole_numbers: false,
        }),
    }
}
