//! G over epochs for the validator groups it is reported for, honest ones aside (they are its
//! reference): a copier under commit-reveal ramps up towards 1.

use super::super::super::document::SubnetSection;
use super::super::super::groups::rated_groups;
use super::super::figure::Figure;
use super::super::plot::{Chart, Line, TimeAxis, TimeChart, color};

/// `None` when the subnet has no such group.
pub(super) fn relative_dividend_rate(subnet: &SubnetSection, axis: &TimeAxis) -> Option<Figure> {
    let groups = rated_groups(subnet);
    if groups.is_empty() {
        return None;
    }
    let lines = (groups.iter().enumerate())
        .map(|(i, group)| Line {
            label: Some(group.to_string()),
            color: color(i),
            emphasis: true,
            dashed: false,
            points: (subnet.epochs.iter())
                .map(|e| (e.block, e.relative_dividend_rate.get(*group).and_then(|rate| rate.value.value())))
                .collect(),
        })
        .collect();
    Some(Figure {
        kind: "relative_dividend_rate",
        title: "G, the relative dividend rate".to_string(),
        note: "Each validator group's dividends per stake at each epoch over the honest validators' median; at 1 \
               (dashed) copying pays as well as validating; a gap is an epoch where G is undefined."
            .to_string(),
        chart: Chart::Time(TimeChart {
            axis: axis.clone(),
            y_label: "G",
            lines,
            reference: Some((1.0, "1: pays as honest")),
            whole_numbers: false,
        }),
    })
}
