//! The validators' stake concentration over epochs (each epoch's `validator_stake`): the
//! Nakamoto coefficients, and the Gini coefficient with HHI and the top-1 share.

use super::super::super::document::{StakeRow, SubnetSection};
use super::super::figure::Figure;
use super::super::plot::{Chart, Line, TimeAxis, TimeChart, color};

/// One line of a `StakeRow` value per epoch; every second dashed, so that one that covers another
/// does not hide it.
fn line(subnet: &SubnetSection, i: usize, label: &str, value: impl Fn(&StakeRow) -> Option<f64>) -> Line {
    Line {
        label: Some(label.to_string()),
        color: color(i),
        emphasis: true,
        dashed: i % 2 == 1,
        points: subnet.epochs.iter().map(|e| (e.block, value(&e.validator_stake))).collect(),
    }
}

pub(super) fn nakamoto(subnet: &SubnetSection, axis: &TimeAxis) -> Figure {
    let lines = vec![
        line(subnet, 0, "majority (> 1/2)", |s| Some(s.nakamoto_coefficient_majority as f64)),
        line(subnet, 1, "at κ", |s| Some(s.nakamoto_coefficient_kappa as f64)),
        line(subnet, 2, "validators", |s| Some(s.validators as f64)),
    ];
    Figure {
        kind: "stake_nakamoto",
        title: "Validators' stake: Nakamoto coefficients".to_string(),
        note: "The fewest validators holding more than half of the validators' stake weight, and at least κ of it \
               (who can set consensus alone), at each epoch; the number of validators for scale."
            .to_string(),
        chart: Chart::Time(TimeChart {
            axis: axis.clone(),
            y_label: "validators",
            lines,
            reference: None,
            whole_numbers: true,
        }),
    }
}

pub(super) fn gini(subnet: &SubnetSection, axis: &TimeAxis) -> Figure {
    let lines = vec![
        line(subnet, 0, "Gini", |s| s.gini.value()),
        line(subnet, 1, "HHI", |s| s.hhi.value()),
        line(subnet, 2, "top-1 share", |s| s.top_1_share.value()),
    ];
    Figure {
        kind: "stake_gini",
        title: "Validators' stake: Gini, HHI, top-1 share".to_string(),
        note: "How unequal the validators' stake weight is at each epoch (0: equal).".to_string(),
        chart: Chart::Time(TimeChart {
            axis: axis.clone(),
            y_label: "0 to 1",
            lines,
            reference: None,
            whole_numbers: false,
        }),
    }
}
