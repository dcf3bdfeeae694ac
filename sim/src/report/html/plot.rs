//! Drawing with plotters' SVG backend: the time chart every per-epoch figure is (blocks on x, the
//! run's marks as dashed vertical lines tagged above the plot, a legend beside it) and the bar
//! chart of the latency histogram. Text is left to the browser (`<text>` elements in
//! `sans-serif`): no font file is read, plotters' size estimate only places the labels. Pixel
//! coordinates are integers and every label goes through `tick`, so the same data give the same
//! bytes.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::marks::{Mark, MarkKind};
pub(super) use super::ticks::{WIDTH, tick};

pub(super) const HEIGHT: u32 = 340;
/// The legend's column, right of the plot.
const LEGEND_WIDTH: u32 = 200;
/// As many legend rows as fit beside the plot.
const LEGEND_ROWS_MAX: usize = 12;
const LEGEND_ROW_PX: i32 = 21;
/// The most characters of a legend label (a group name is the user's): the tables have the rest.
const LABEL_CHARS_MAX: usize = 20;
/// Tags closer than this (pixels) share one label: "F1, F2".
const TAG_SPACING_PX: i32 = 26;
const FONT: &str = "sans-serif";

/// Line colours in order (Tableau 10 without its grey): distinct, readable on white.
const PALETTE: [RGBColor; 9] = [
    RGBColor(0x4E, 0x79, 0xA7),
    RGBColor(0xF2, 0x8E, 0x2B),
    RGBColor(0xE1, 0x57, 0x59),
    RGBColor(0x76, 0xB7, 0xB2),
    RGBColor(0x59, 0xA1, 0x4F),
    RGBColor(0xED, 0xC9, 0x48),
    RGBColor(0xB0, 0x7A, 0xA1),
    RGBColor(0xFF, 0x9D, 0xA7),
    RGBColor(0x9C, 0x75, 0x5F),
];
/// How many lines can have a colour of their own.
pub(super) const COLOURS: usize = PALETTE.len();
/// Lines drawn for context only, behind the others.
pub(super) const CONTEXT: RGBColor = RGBColor(0xCC, 0xCC, 0xCC);
const TEXT: RGBColor = RGBColor(0x33, 0x33, 0x33);
const GRID: RGBColor = RGBColor(0xE6, 0xE6, 0xE6);
const AXIS: RGBColor = RGBColor(0x88, 0x88, 0x88);
const FAULT: RGBColor = RGBColor(0xC0, 0x39, 0x2B);
const UPGRADE: RGBColor = RGBColor(0x6A, 0x3D, 0x9A);
const REFERENCE: RGBColor = RGBColor(0x55, 0x55, 0x55);
const BAR: RGBColor = RGBColor(0x4E, 0x79, 0xA7);

/// The `i`th colour of the palette (it repeats past its end).
pub(super) fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Values over epochs: (block, value), `None` where there is none (not registered, G undefined),
/// which breaks the line.
pub(super) type Series = Vec<(u64, Option<f64>)>;

/// One series drawn as a line.
#[derive(Clone)]
pub(super) struct Line {
    /// `None`: no legend entry.
    pub label: Option<String>,
    pub color: RGBColor,
    /// Thick with a dot per epoch; otherwise thin, for context.
    pub emphasis: bool,
    /// Dashed, over a line it may cover.
    pub dashed: bool,
    pub points: Series,
}

/// Every time chart's x axis: blocks 0 to the run's last, and the run's marks.
#[derive(Clone)]
pub(super) struct TimeAxis {
    pub blocks: u64,
    pub marks: Vec<Mark>,
}

#[derive(Clone)]
pub(super) struct TimeChart {
    pub axis: TimeAxis,
    pub y_label: &'static str,
    pub lines: Vec<Line>,
    /// A horizontal line at this value, with its legend label (G = 1).
    pub reference: Option<(f64, &'static str)>,
    /// Ticks on whole numbers only (a count of validators).
    pub whole_numbers: bool,
}

#[derive(Clone)]
pub(super) struct BarChart {
    pub x_label: &'static str,
    pub y_label: &'static str,
    /// (from, to, height).
    pub bars: Vec<(f64, f64, u64)>,
    /// Vertical lines (percentiles): where, the tag above, the legend's text.
    pub lines: Vec<(f64, String, String)>,
}

/// A chart's data, kept so that diff.html can draw A's and B's on one scale and in one set of
/// colours.
#[derive(Clone)]
pub(super) enum Chart {
    Time(TimeChart),
    Bars(BarChart),
    /// A sweep's observable over two axes (grid.rs).
    Heat(super::grid::HeatMap),
    /// A sweep's observable over one axis (grid.rs).
    Intervals(super::grid::IntervalChart),
}

/// The ranges a chart is drawn over: its own (`Chart::scale`), or one shared with another's.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Scale {
    pub x: std::ops::Range<f64>,
    pub y_max: f64,
}

impl Scale {
    /// Both scales' ranges in one.
    pub fn union(&self, other: &Scale) -> Scale {
        Scale { x: self.x.start.min(other.x.start)..self.x.end.max(other.x.end), y_max: self.y_max.max(other.y_max) }
    }
}

impl Chart {
    /// The ranges that show all of the chart's data.
    pub fn scale(&self) -> Scale {
        match self {
            Self::Time(chart) => {
                let values = chart.lines.iter().flat_map(|line| line.points.iter().filter_map(|p| p.1));
                Scale {
                    x: 0.0..chart.axis.blocks.max(1) as f64,
                    y_max: y_max(values.chain(chart.reference.map(|r| r.0))),
                }
            }
            Self::Bars(chart) => {
                let from = chart.bars.first().map_or(0.0, |b| b.0);
                let to = chart.bars.last().map_or(1.0, |b| b.1).max(from + 1.0);
                Scale { x: from..to, y_max: y_max(chart.bars.iter().map(|b| b.2 as f64)) }
            }
            // A grid's chart has its own categorical axes and is never drawn beside another's.
            Self::Heat(_) | Self::Intervals(_) => Scale { x: 0.0..1.0, y_max: 1.0 },
        }
    }

    /// The chart with each coloured line in the colour of `other`'s line of the same label, and
    /// the others in the colours `other` leaves free: one actor, one colour, on both sides.
    pub fn coloured_like(&self, other: &Chart) -> Chart {
        let (Self::Time(chart), Self::Time(other)) = (self, other) else { return self.clone() };
        let taken: Vec<(&str, RGBColor)> = (other.lines.iter())
            .filter(|line| line.emphasis)
            .filter_map(|line| line.label.as_deref().map(|label| (label, line.color)))
            .collect();
        let mut free = PALETTE.iter().filter(|c| !taken.iter().any(|(_, t)| t == *c));
        let mut recoloured = chart.clone();
        for line in recoloured.lines.iter_mut().filter(|line| line.emphasis) {
            let same = taken.iter().find(|(label, _)| line.label.as_deref() == Some(*label));
            line.color = match same {
                Some((_, color)) => *color,
                None => free.next().copied().unwrap_or(line.color),
            };
        }
        Self::Time(recoloured)
    }

    /// The chart as SVG over `scale`, or why it could not be drawn.
    pub fn draw(&self, scale: &Scale) -> Result<String, String> {
        match self {
            Self::Time(chart) => time_chart(chart, scale),
            Self::Bars(chart) => bar_chart(chart, scale),
            Self::Heat(chart) => chart.draw(),
            Self::Intervals(chart) => chart.draw(),
        }
    }
}

/// A vertical dashed line tagged above the plot.
struct Vertical {
    x: f64,
    tag: String,
    color: RGBColor,
}

struct LegendEntry {
    label: String,
    color: RGBColor,
    dashed: bool,
}

type Plot<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;
type Area<'b> = DrawingArea<SVGBackend<'b>, Shift>;

fn text<E: std::fmt::Display>(error: E) -> String {
    error.to_string()
}

fn time_chart(chart: &TimeChart, scale: &Scale) -> Result<String, String> {
    let Scale { x, y_max } = scale.clone();
    let verticals: Vec<Vertical> = (chart.axis.marks.iter())
        .filter(|m| x.contains(&(m.block as f64)))
        .map(|m| Vertical {
            x: m.block as f64,
            tag: m.tag.clone(),
            color: if m.kind == MarkKind::Fault { FAULT } else { UPGRADE },
        })
        .collect();
    let mut legend: Vec<LegendEntry> = (chart.lines.iter())
        .filter_map(|line| {
            line.label.clone().map(|label| LegendEntry { label, color: line.color, dashed: line.dashed })
        })
        .collect();
    legend.extend(chart.reference.map(|(_, label)| LegendEntry {
        label: label.into(),
        color: REFERENCE,
        dashed: true,
    }));
    let y_labels = if chart.whole_numbers { (y_max.floor() as usize + 1).min(10) } else { 6 };
    draw(&legend, |root, plot| {
        let mut context = frame(plot, x.clone(), y_max, ("block", chart.y_label), y_labels)?;
        if let Some((y, _)) = chart.reference {
            let style = REFERENCE.stroke_width(1);
            context.draw_series(DashedLineSeries::new([(x.start, y), (x.end, y)], 6, 4, style)).map_err(text)?;
        }
        verticals_tagged(root, &mut context, &verticals, y_max)?;
        // Context lines first, under the emphasised ones.
        let (context_lines, emphasised): (Vec<&Line>, Vec<&Line>) = chart.lines.iter().partition(|l| !l.emphasis);
        for line in context_lines.into_iter().chain(emphasised) {
            draw_line(&mut context, line)?;
        }
        Ok(())
    })
}

fn bar_chart(chart: &BarChart, scale: &Scale) -> Result<String, String> {
    let Scale { x, y_max } = scale.clone();
    let verticals: Vec<Vertical> =
        chart.lines.iter().map(|(x, tag, _)| Vertical { x: *x, tag: tag.clone(), color: REFERENCE }).collect();
    let legend: Vec<LegendEntry> = (chart.lines.iter())
        .map(|(_, _, label)| LegendEntry { label: label.clone(), color: REFERENCE, dashed: true })
        .collect();
    draw(&legend, |root, plot| {
        let mut context = frame(plot, x, y_max, (chart.x_label, chart.y_label), 6)?;
        let bars = chart
            .bars
            .iter()
            .map(|&(from, to, height)| Rectangle::new([(from, 0.0), (to, height as f64)], BAR.filled()));
        context.draw_series(bars).map_err(text)?;
        // A white edge between neighbouring bars.
        let edges = (chart.bars.iter())
            .map(|&(from, to, height)| Rectangle::new([(from, 0.0), (to, height as f64)], WHITE.stroke_width(1)));
        context.draw_series(edges).map_err(text)?;
        verticals_tagged(root, &mut context, &verticals, y_max)
    })
}

/// A white canvas split into the plot and the legend column; `plot` draws into the first.
fn draw(legend: &[LegendEntry], plot: impl FnOnce(&Area, &Area) -> Result<(), String>) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(text)?;
        let (plot_area, legend_area) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
        plot(&root, &plot_area)?;
        draw_legend(&legend_area, legend)?;
        root.present().map_err(text)?;
    }
    Ok(svg)
}

/// Axes, grid and labels over `x` and 0 to `y_max`.
fn frame<'a, 'b>(
    area: &'a Area<'b>,
    x: std::ops::Range<f64>,
    y_max: f64,
    (x_desc, y_desc): (&str, &str),
    y_labels: usize,
) -> Result<Plot<'a, 'b>, String> {
    let mut context = ChartBuilder::on(area)
        .margin_top(40)
        .margin_right(18)
        .margin_left(6)
        .margin_bottom(4)
        .x_label_area_size(48)
        .y_label_area_size(74)
        .build_cartesian_2d(x, 0.0..y_max)
        .map_err(text)?;
    context
        .configure_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(1))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style((FONT, 17).into_font().color(&TEXT))
        .axis_desc_style((FONT, 17).into_font().color(&TEXT))
        .x_labels(8)
        .y_labels(y_labels)
        .x_label_formatter(&|x| tick(*x))
        .y_label_formatter(&|y| tick(*y))
        .draw()
        .map_err(text)?;
    Ok(context)
}

/// Dashed vertical lines over the plot's height, their tags above it; tags that would overlap
/// share one label, and neighbouring labels alternate between two rows.
fn verticals_tagged(root: &Area, context: &mut Plot, verticals: &[Vertical], y_max: f64) -> Result<(), String> {
    let mut sorted: Vec<&Vertical> = verticals.iter().collect();
    sorted.sort_by(|a, b| a.x.total_cmp(&b.x));
    let mut clusters: Vec<(i32, i32, RGBColor, Vec<&str>)> = Vec::new();
    for vertical in sorted {
        let style = vertical.color.stroke_width(1);
        context
            .draw_series(DashedLineSeries::new([(vertical.x, 0.0), (vertical.x, y_max)], 6, 4, style))
            .map_err(text)?;
        let (px, py) = context.backend_coord(&(vertical.x, y_max));
        match clusters.last_mut() {
            Some((start, _, _, tags)) if px - *start < TAG_SPACING_PX => tags.push(&vertical.tag),
            _ => clusters.push((px, py, vertical.color, vec![&vertical.tag])),
        }
    }
    for (i, (px, py, color, tags)) in clusters.into_iter().enumerate() {
        let row = (i % 2) as i32;
        let style = (FONT, 16).into_font().color(&color).pos(Pos::new(HPos::Left, VPos::Bottom));
        root.draw(&Text::new(tags.join(","), (px - 4, py - 4 - 18 * row), style)).map_err(text)?;
    }
    Ok(())
}

fn draw_line(context: &mut Plot, line: &Line) -> Result<(), String> {
    let style = line.color.stroke_width(if line.emphasis { 2 } else { 1 });
    for segment in segments(&line.points) {
        if line.dashed {
            context.draw_series(DashedLineSeries::new(segment.iter().copied(), 8, 5, style)).map_err(text)?;
        } else {
            context.draw_series(LineSeries::new(segment.iter().copied(), style)).map_err(text)?;
        }
        if line.emphasis {
            let dots = segment.iter().map(|&point| Circle::new(point, 3, line.color.filled()));
            context.draw_series(dots).map_err(text)?;
        }
    }
    Ok(())
}

fn draw_legend(area: &Area, entries: &[LegendEntry]) -> Result<(), String> {
    for (i, entry) in entries.iter().take(LEGEND_ROWS_MAX).enumerate() {
        let y = 48 + LEGEND_ROW_PX * i as i32;
        let style = entry.color.stroke_width(3);
        if entry.dashed {
            area.draw(&PathElement::new(vec![(4, y), (11, y)], style)).map_err(text)?;
            area.draw(&PathElement::new(vec![(17, y), (24, y)], style)).map_err(text)?;
        } else {
            area.draw(&PathElement::new(vec![(4, y), (24, y)], style)).map_err(text)?;
        }
        let font = (FONT, 17).into_font().color(&TEXT).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(shortened(&entry.label), (30, y), font)).map_err(text)?;
    }
    if entries.len() > LEGEND_ROWS_MAX {
        let y = 48 + LEGEND_ROW_PX * LEGEND_ROWS_MAX as i32;
        let font = (FONT, 17).into_font().color(&TEXT).pos(Pos::new(HPos::Left, VPos::Center));
        let more = format!("… {} more", entries.len() - LEGEND_ROWS_MAX);
        area.draw(&Text::new(more, (30, y), font)).map_err(text)?;
    }
    Ok(())
}

/// The runs of consecutive defined points of a series.
fn segments(points: &[(u64, Option<f64>)]) -> Vec<Vec<(f64, f64)>> {
    let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for &(block, value) in points {
        match value.filter(|v| v.is_finite()) {
            Some(v) => segments.last_mut().expect("never empty").push((block as f64, v)),
            None if segments.last().is_some_and(|s| !s.is_empty()) => segments.push(Vec::new()),
            None => {}
        }
    }
    segments.retain(|s| !s.is_empty());
    segments
}

/// The y axis' top: a little over the largest value, 1 when there is nothing above 0.
fn y_max(values: impl Iterator<Item = f64>) -> f64 {
    let max = values.filter(|v| v.is_finite()).fold(0.0, f64::max);
    if max > 0.0 { max * 1.08 } else { 1.0 }
}

/// A label cut to `LABEL_CHARS_MAX` characters, an ellipsis marking the cut.
fn shortened(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS_MAX {
        label.to_string()
    } else {
        label.chars().take(LABEL_CHARS_MAX - 1).chain(['…']).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_breaks_where_a_value_is_missing_or_not_finite() {
        let points = [(1, Some(0.5)), (2, None), (3, Some(0.25)), (4, Some(f64::NAN)), (5, None), (6, Some(1.0))];
        let expected: Vec<Vec<(f64, f64)>> = vec![vec![(1.0, 0.5)], vec![(3.0, 0.25)], vec![(6.0, 1.0)]];
        assert_eq!(segments(&points), expected);
        assert!(segments(&[(1, None)]).is_empty());
    }

    fn chart(lines: &[(&str, usize, bool)]) -> Chart {
        Chart::Time(TimeChart {
            axis: TimeAxis { blocks: 10, marks: Vec::new() },
            y_label: "y",
            lines: (lines.iter())
                .map(|&(label, colour, emphasis)| Line {
                    label: Some(label.to_string()),
                    color: if emphasis { color(colour) } else { CONTEXT },
                    emphasis,
                    dashed: false,
                    points: vec![(5, Some(1.0))],
                })
                .collect(),
            reference: None,
            whole_numbers: false,
        })
    }

    #[test]
    fn b_takes_the_colour_of_as_line_of_the_same_label_and_a_free_one_for_a_new_label() {
        let a = chart(&[("miners/1", 0, true), ("miners/2", 1, true), ("others", 0, false)]);
        let b = chart(&[("miners/2", 0, true), ("miners/3", 1, true), ("others", 0, false)]);
        let Chart::Time(recoloured) = b.coloured_like(&a) else { panic!("a time chart") };
        let colours: Vec<RGBColor> = recoloured.lines.iter().map(|l| l.color).collect();
        assert_eq!(colours, [color(1), color(2), CONTEXT]);
    }

    #[test]
    fn a_shared_scale_covers_both_charts() {
        let (a, b) = (Scale { x: 0.0..10.0, y_max: 2.0 }, Scale { x: 5.0..20.0, y_max: 1.0 });
        assert_eq!(a.union(&b), Scale { x: 0.0..20.0, y_max: 2.0 });
    }

    #[test]
    fn a_long_label_is_cut_with_an_ellipsis() {
        assert_eq!(shortened("miners/59"), "miners/59");
        let cut = shortened(&"x".repeat(40));
        assert_eq!((cut.chars().count(), cut.ends_with('…')), (LABEL_CHARS_MAX, true));
    }

    #[test]
    fn the_y_axis_tops_a_little_over_the_largest_value_and_is_1_for_nothing() {
        assert_eq!(y_max([0.5, 1.0, f64::INFINITY].into_iter()), 1.08);
        assert_eq!(y_max([0.0].into_iter()), 1.0);
        assert_eq!(y_max(std::iter::empty()), 1.0);
    }
}
