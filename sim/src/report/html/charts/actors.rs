//! One line per actor over epochs: incentive per miner, dividends per validator. Past a dozen
//! lines no colour can be told apart, so the actors with the highest mean over the window get
//! the colours and a legend entry, and the rest are thin grey lines behind them.

use super::super::super::document::{ActorRole, ActorRow, SubnetSection};
use super::super::figure::Figure;
use super::super::plot::{COLOURS, CONTEXT, Chart, Line, TimeAxis, TimeChart, color};
use super::super::series::{Field, Seats, ranked};

/// How many actors get a colour when there are too many for all: the rest are one legend entry.
const COLOURED: usize = 8;

/// Incentive per miner.
pub(super) fn incentive(subnet: &SubnetSection, seats: &Seats, axis: &TimeAxis) -> Figure {
    let lines = lines(subnet, seats, ActorRole::Miner, Field::Incentive, |a| a.incentive_mean.value());
    figure("incentive_miners", "Incentive per miner", "incentive (share of the subnet's)", "incentive", lines, axis)
}

/// Dividends per validator.
pub(super) fn dividends(subnet: &SubnetSection, seats: &Seats, axis: &TimeAxis) -> Figure {
    let lines = lines(subnet, seats, ActorRole::Validator, Field::Dividends, |a| a.dividends_mean.value());
    figure(
        "dividends_validators",
        "Dividends per validator",
        "dividends (share of the subnet's)",
        "dividends",
        lines,
        axis,
    )
}

fn figure(
    kind: &'static str,
    title: &str,
    y_label: &'static str,
    what: &str,
    lines: Vec<Line>,
    axis: &TimeAxis,
) -> Figure {
    let coloured = lines.iter().filter(|l| l.emphasis).count();
    let grey = lines.len() - coloured;
    let which = if grey == 0 {
        "every actor in colour".to_string()
    } else {
        format!("the {coloured} with the highest mean {what} over the window in colour, the other {grey} in grey")
    };
    Figure {
        kind,
        title: title.to_string(),
        note: format!("Each epoch's {what} by actor ({which}); a gap is an epoch the actor held no UID."),
        chart: Chart::Time(TimeChart { axis: axis.clone(), y_label, lines, reference: None, whole_numbers: false }),
    }
}

/// The lines of `role`'s actors, ranked by `mean`: coloured first, then grey.
fn lines(
    subnet: &SubnetSection,
    seats: &Seats,
    role: ActorRole,
    field: Field,
    mean: impl Fn(&ActorRow) -> Option<f64>,
) -> Vec<Line> {
    let ranked = ranked(&subnet.actors, role, mean);
    let coloured = if ranked.len() <= COLOURS { ranked.len() } else { COLOURED };
    let rest = ranked.len() - coloured;
    (ranked.iter().enumerate())
        .map(|(i, actor)| {
            let label = match i {
                i if i < coloured => Some(actor.name.to_string()),
                i if i == coloured => Some(format!("{rest} other {}s", role.name())),
                _ => None,
            };
            Line {
                label,
                color: if i < coloured { color(i) } else { CONTEXT },
                emphasis: i < coloured,
                dashed: false,
                points: seats.series(subnet, actor.hotkey, field),
            }
        })
        .collect()
}
