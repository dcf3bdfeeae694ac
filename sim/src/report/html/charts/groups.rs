//! Incentive by miner group over epochs: each group's summed incentive, the groups with the
//! largest share over the window first; past as many groups as there are colours, the smallest
//! are one line.

use std::collections::BTreeMap;

use super::super::super::document::{ActorRole, SubnetSection};
use super::super::figure::Figure;
use super::super::plot::{COLOURS, Chart, Line, Series, TimeAxis, TimeChart, color};
use super::super::series::{Field, Seats};

pub(super) fn incentive(subnet: &SubnetSection, seats: &Seats, axis: &TimeAxis) -> Figure {
    let sums = seats.group_sums(subnet, ActorRole::Miner, Field::Incentive);
    let shares = &subnet.observables.incentive_share;
    let share = |group: &str| shares.get(group).and_then(|d| d.value()).unwrap_or(0.0);
    let mut groups: Vec<(&str, Series)> = sums.into_iter().collect();
    // Stable: groups of one share stay in name order.
    groups.sort_by(|a, b| share(b.0).total_cmp(&share(a.0)));
    let drawn = if groups.len() <= COLOURS { groups.len() } else { COLOURS - 1 };
    let rest = groups.split_off(drawn);
    let mut lines: Vec<Line> = (groups.into_iter().enumerate())
        .map(|(i, (group, points))| Line {
            label: Some(group.to_string()),
            color: color(i),
            emphasis: true,
            dashed: false,
            points,
        })
        .collect();
    if !rest.is_empty() {
        let mut sum: BTreeMap<u64, f64> = BTreeMap::new();
        for (block, value) in rest.iter().flat_map(|(_, points)| points) {
            *sum.entry(*block).or_default() += value.unwrap_or(0.0);
        }
        lines.push(Line {
            label: Some(format!("{} other groups", rest.len())),
            color: color(drawn),
            emphasis: true,
            dashed: false,
            points: sum.into_iter().map(|(block, value)| (block, Some(value))).collect(),
        });
    }
    Figure {
        kind: "incentive_groups",
        title: "Incentive by miner group".to_string(),
        note: "Each miner group's incentive summed over its miners, as a share of the subnet's, at each epoch."
            .to_string(),
        chart: Chart::Time(TimeChart {
            axis: axis.clone(),
            y_label: "incentive (share of the subnet's)",
            lines,
            reference: None,
            whole_numbers: false,
        }),
    }
}
