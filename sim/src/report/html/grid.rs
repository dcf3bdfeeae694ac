//! Charts of a sweep's grid, drawn with plotters' SVG backend: the heat map of an observable over
//! two axes (a cell's colour its mean over the seeds, its text the mean ± the 95 % half-width) and
//! the interval chart over one axis (the mean as a dot, the interval as a bar). The axes' values
//! are categories, in the order the sweep lists them.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ticks::{WIDTH, tick};
use crate::sweep::stats::Interval;

const FONT: &str = "sans-serif";
const TEXT: RGBColor = RGBColor(0x33, 0x33, 0x33);
const AXIS: RGBColor = RGBColor(0x88, 0x88, 0x88);
const GRID: RGBColor = RGBColor(0xE6, 0xE6, 0xE6);
const UNDEFINED: RGBColor = RGBColor(0xEE, 0xEE, 0xEE);
const DOT: RGBColor = RGBColor(0x4E, 0x79, 0xA7);
/// Left of the cells: the y axis' values.
const Y_LABELS_PX: i32 = 120;
/// Right of the cells: the colour bar and its numbers.
const COLOUR_BAR_PX: i32 = 110;
const TOP_PX: i32 = 34;
const BOTTOM_PX: i32 = 62;
/// A cell's height, however many rows (the figure grows with them).
const CELL_HEIGHT_PX_MIN: i32 = 16;
const CELL_HEIGHT_PX_MAX: i32 = 46;
/// The cells' height in all, before a row reaches `CELL_HEIGHT_PX_MIN`.
const CELLS_HEIGHT_PX: i32 = 300;
/// A cell narrower or lower than this shows its colour only.
const CELL_TEXT_WIDTH_PX_MIN: i32 = 52;
const CELL_TEXT_HEIGHT_PX_MIN: i32 = 17;
const CELL_INTERVAL_HEIGHT_PX_MIN: i32 = 34;
/// An axis value longer than this is cut (the table beside the chart has it whole).
const VALUE_CHARS_MAX: usize = 14;

/// An observable over two axes: `cells[row][column]`, row `i` at `y_values[i]`.
#[derive(Clone)]
pub(super) struct HeatMap {
    pub x_label: String,
    pub y_label: String,
    pub x_values: Vec<String>,
    pub y_values: Vec<String>,
    pub cells: Vec<Vec<Option<Interval>>>,
    /// The colour scale's ends (shared by the heat maps of one observable).
    pub range: (f64, f64),
}

/// An observable over one axis: `points[i]` at `x_values[i]`.
#[derive(Clone)]
pub(super) struct IntervalChart {
    pub x_label: String,
    pub y_label: String,
    pub x_values: Vec<String>,
    pub points: Vec<Option<Interval>>,
}

/// The smallest and largest of the defined means; (0, 1) when none is.
pub(super) fn mean_range<'a>(intervals: impl Iterator<Item = &'a Interval>) -> (f64, f64) {
    span(intervals.map(|i| i.mean))
}

/// The smallest and largest finite value; (0, 1) when there is none.
fn span(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let finite: Vec<f64> = values.filter(|v| v.is_finite()).collect();
    match (finite.iter().copied().reduce(f64::min), finite.iter().copied().reduce(f64::max)) {
        (Some(low), Some(high)) => (low, high),
        _ => (0.0, 1.0),
    }
}

fn text<E: std::fmt::Display>(error: E) -> String {
    error.to_string()
}

fn font(size: u32, hpos: HPos, vpos: VPos) -> TextStyle<'static> {
    (FONT, size).into_font().color(&TEXT).pos(Pos::new(hpos, vpos))
}

/// The colour of `mean` on the scale `range`: viridis, low values dark.
fn colour(mean: f64, (low, high): (f64, f64)) -> RGBColor {
    let share = if high > low { ((mean - low) / (high - low)).clamp(0.0, 1.0) } else { 0.5 };
    ViridisRGB.get_color(share)
}

/// Dark text on the light end of the scale, white on the dark end.
fn text_colour(background: RGBColor) -> RGBColor {
    let RGBColor(r, g, b) = background;
    let luminance = 299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b);
    if luminance > 140_000 { TEXT } else { WHITE }
}

fn shortened(value: &str) -> String {
    if value.chars().count() <= VALUE_CHARS_MAX {
        value.to_string()
    } else {
        value.chars().take(VALUE_CHARS_MAX - 1).chain(['…']).collect()
    }
}

/// A mean as a cell shows it: 4 significant decimals at most.
fn number(value: f64) -> String {
    tick(value)
}

impl HeatMap {
    pub fn draw(&self) -> Result<String, String> {
        let rows = self.y_values.len().max(1) as i32;
        let columns = self.x_values.len().max(1) as i32;
        let cell_height = (CELLS_HEIGHT_PX / rows).clamp(CELL_HEIGHT_PX_MIN, CELL_HEIGHT_PX_MAX);
        let cells_width = WIDTH as i32 - Y_LABELS_PX - COLOUR_BAR_PX;
        let cell_width = (cells_width / columns).max(1);
        let height = TOP_PX + rows * cell_height + BOTTOM_PX;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (WIDTH, height as u32)).into_drawing_area();
            root.fill(&WHITE).map_err(text)?;
            self.draw_cells(&root, (cell_width, cell_height))?;
            self.draw_axes(&root, (cell_width, cell_height))?;
            draw_colour_bar(&root, self.range, Y_LABELS_PX + columns * cell_width + 24, rows * cell_height)?;
            root.present().map_err(text)?;
        }
        Ok(svg)
    }

    fn draw_cells(
        &self,
        root: &DrawingArea<SVGBackend, plotters::coord::Shift>,
        size: (i32, i32),
    ) -> Result<(), String> {
        let (width, height) = size;
        for (row, cells) in self.cells.iter().enumerate() {
            for (column, cell) in cells.iter().enumerate() {
                let (x, y) = (Y_LABELS_PX + column as i32 * width, TOP_PX + row as i32 * height);
                let fill = cell.map_or(UNDEFINED, |c| colour(c.mean, self.range));
                root.draw(&Rectangle::new([(x, y), (x + width, y + height)], fill.filled())).map_err(text)?;
                root.draw(&Rectangle::new([(x, y), (x + width, y + height)], WHITE.stroke_width(1))).map_err(text)?;
                if width < CELL_TEXT_WIDTH_PX_MIN || height < CELL_TEXT_HEIGHT_PX_MIN {
                    continue;
                }
                let centre = (x + width / 2, y + height / 2);
                let ink = text_colour(fill);
                let style = |vpos| (FONT, 14).into_font().color(&ink).pos(Pos::new(HPos::Center, vpos));
                let Some(cell) = cell else {
                    root.draw(&Text::new("–", centre, style(VPos::Center))).map_err(text)?;
                    continue;
                };
                match cell.half_width.filter(|_| height >= CELL_INTERVAL_HEIGHT_PX_MIN) {
                    Some(half) => {
                        root.draw(&Text::new(number(cell.mean), (centre.0, centre.1 - 1), style(VPos::Bottom)))
                            .map_err(text)?;
                        let interval = format!("± {}", number(half));
                        root.draw(&Text::new(interval, (centre.0, centre.1 + 1), style(VPos::Top))).map_err(text)?;
                    }
                    None => root.draw(&Text::new(number(cell.mean), centre, style(VPos::Center))).map_err(text)?,
                }
            }
        }
        Ok(())
    }

    /// The values beside and below the cells, the axes' names at the ends.
    fn draw_axes(
        &self,
        root: &DrawingArea<SVGBackend, plotters::coord::Shift>,
        size: (i32, i32),
    ) -> Result<(), String> {
        let (width, height) = size;
        let bottom = TOP_PX + self.y_values.len() as i32 * height;
        for (row, value) in self.y_values.iter().enumerate() {
            let y = TOP_PX + row as i32 * height + height / 2;
            let style = font(14, HPos::Right, VPos::Center);
            root.draw(&Text::new(shortened(value), (Y_LABELS_PX - 8, y), style)).map_err(text)?;
        }
        for (column, value) in self.x_values.iter().enumerate() {
            let x = Y_LABELS_PX + column as i32 * width + width / 2;
            let style = font(14, HPos::Center, VPos::Top);
            root.draw(&Text::new(shortened(value), (x, bottom + 6), style)).map_err(text)?;
        }
        let x_name = format!("{} →", self.x_label);
        root.draw(&Text::new(x_name, (Y_LABELS_PX, bottom + 32), font(15, HPos::Left, VPos::Top))).map_err(text)?;
        let y_name = format!("↓ {}", self.y_label);
        root.draw(&Text::new(y_name, (8, TOP_PX - 10), font(15, HPos::Left, VPos::Bottom))).map_err(text)
    }
}

/// The scale's colours from `low` (bottom) to `high` (top), its ends labelled.
fn draw_colour_bar(
    root: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    (low, high): (f64, f64),
    x: i32,
    height: i32,
) -> Result<(), String> {
    const STEPS: i32 = 32;
    let step = (height / STEPS).max(1);
    for i in 0..STEPS {
        let share = f64::from(i) / f64::from(STEPS - 1);
        let y = TOP_PX + height - (i + 1) * step;
        let fill = ViridisRGB.get_color(share);
        root.draw(&Rectangle::new([(x, y), (x + 16, y + step)], fill.filled())).map_err(text)?;
    }
    let top = TOP_PX + height - STEPS * step;
    root.draw(&Text::new(number(high), (x + 22, top), font(13, HPos::Left, VPos::Top))).map_err(text)?;
    let bottom = TOP_PX + height;
    root.draw(&Text::new(number(low), (x + 22, bottom), font(13, HPos::Left, VPos::Bottom))).map_err(text)?;
    root.draw(&Rectangle::new([(x, top), (x + 16, bottom)], AXIS.stroke_width(1))).map_err(text)?;
    Ok(())
}

impl IntervalChart {
    pub fn draw(&self) -> Result<String, String> {
        let defined: Vec<(usize, Interval)> =
            self.points.iter().enumerate().filter_map(|(i, p)| p.map(|p| (i, p))).collect();
        let ends = defined.iter().flat_map(|(_, p)| {
            let half = p.half_width.unwrap_or(0.0);
            [p.mean - half, p.mean + half]
        });
        let (low, high) = span(ends);
        let pad = if high > low { (high - low) * 0.08 } else { 0.5 };
        let count = self.x_values.len().max(1);
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (WIDTH, 340)).into_drawing_area();
            root.fill(&WHITE).map_err(text)?;
            let mut chart = ChartBuilder::on(&root)
                .margin(18)
                .x_label_area_size(52)
                .y_label_area_size(74)
                .build_cartesian_2d(-0.5..count as f64 - 0.5, (low - pad)..(high + pad))
                .map_err(text)?;
            let x_values = &self.x_values;
            let category = |x: &f64| {
                let i = x.round();
                if (x - i).abs() < 1e-9 && i >= 0.0 {
                    x_values.get(i as usize).map(|v| shortened(v)).unwrap_or_default()
                } else {
                    String::new()
                }
            };
            chart
                .configure_mesh()
                .bold_line_style(GRID.stroke_width(1))
                .light_line_style(TRANSPARENT)
                .axis_style(AXIS.stroke_width(1))
                .x_desc(self.x_label.as_str())
                .y_desc(self.y_label.as_str())
                .label_style((FONT, 15).into_font().color(&TEXT))
                .axis_desc_style((FONT, 15).into_font().color(&TEXT))
                .x_labels(count.min(24) + 1)
                .x_label_formatter(&category)
                .y_label_formatter(&|y| tick(*y))
                .draw()
                .map_err(text)?;
            let bars = defined.iter().filter_map(|&(i, p)| {
                let half = p.half_width?;
                Some(ErrorBar::new_vertical(i as f64, p.mean - half, p.mean, p.mean + half, DOT.stroke_width(2), 10))
            });
            chart.draw_series(bars).map_err(text)?;
            chart
                .draw_series(defined.iter().map(|&(i, p)| Circle::new((i as f64, p.mean), 4, DOT.filled())))
                .map_err(text)?;
            root.present().map_err(text)?;
        }
        Ok(svg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(mean: f64, half_width: Option<f64>) -> Option<Interval> {
        Some(Interval { n: 2, mean, half_width })
    }

    fn heat_map() -> HeatMap {
        HeatMap {
            x_label: "subnets[0].miners[1].count".into(),
            y_label: "<policy>".into(),
            x_values: vec!["2".into(), "4".into()],
            y_values: vec!["none".into(), "history".into()],
            cells: vec![vec![at(0.08, Some(0.01)), at(0.15, None)], vec![at(0.04, Some(0.002)), None]],
            range: (0.04, 0.15),
        }
    }

    #[test]
    fn the_scale_runs_from_dark_at_the_lowest_mean_to_light_at_the_highest() {
        let (low, high) = (colour(0.04, (0.04, 0.15)), colour(0.15, (0.04, 0.15)));
        assert_eq!((low, high), (ViridisRGB.get_color(0.0), ViridisRGB.get_color(1.0)));
        assert_eq!((text_colour(low), text_colour(high)), (WHITE, TEXT));
        // One value throughout: the middle of the scale, not a division by zero.
        assert_eq!(colour(3.0, (3.0, 3.0)), ViridisRGB.get_color(0.5));
    }

    #[test]
    fn a_heat_map_shows_each_cells_mean_and_interval_and_marks_undefined_cells() {
        let svg = heat_map().draw().unwrap();
        for shown in ["0.08", "± 0.01", "0.15", "0.04", "± 0.002", "–", "none", "history", "&lt;policy&gt;"] {
            assert!(svg.contains(shown), "{shown} is not in the heat map");
        }
        assert_eq!(svg, heat_map().draw().unwrap(), "the same data give the same bytes");
    }

    #[test]
    fn an_interval_chart_draws_a_dot_per_defined_value_and_names_the_categories() {
        let chart = IntervalChart {
            x_label: "kappa".into(),
            y_label: "G".into(),
            x_values: vec!["0.4".into(), "0.5".into(), "0.6".into()],
            points: vec![at(1.0, Some(0.05)), None, at(0.9, None)],
        };
        let svg = chart.draw().unwrap();
        // A filled dot per defined mean (plotters' error bar adds a ring of its own).
        assert_eq!(svg.matches("fill=\"#4E79A7\" stroke=\"none\"").count(), 2, "{svg}");
        assert!(svg.contains("\n0.4\n</text>") && svg.contains("\n0.6\n</text>"), "{svg}");
    }

    #[test]
    fn the_range_of_no_defined_mean_is_the_unit() {
        assert_eq!(mean_range(std::iter::empty()), (0.0, 1.0));
        let values = [Interval { n: 1, mean: 2.0, half_width: None }, Interval { n: 1, mean: -1.0, half_width: None }];
        assert_eq!(mean_range(values.iter()), (-1.0, 2.0));
    }
}
