//! The axes every plot shares: grid marks at steps of 1, 2 or 5 × 10ⁿ chosen from the plot's
//! size and the labels' width, so that an axis shows several labels however small its panel;
//! each label rounded to the decimals its step needs and placed at the value it names; long
//! times in seconds.
//! egui_plot's own spacing steps by powers of ten only, which leaves a 300-point axis over
//! 0–90 with the single label "0".

use egui::Rangef;
use egui_plot::{AxisHints, GridInput, GridMark, Plot};

/// Least distance between two labelled marks, points: y labels are one line high; x labels
/// also need their width (egui_plot drops a label wider than the gap, see [`label_width`]).
const X_LABEL_GAP: f32 = 32.0;
const Y_LABEL_GAP: f32 = 22.0;

/// The grid's least line spacing, points (egui_plot's `base_step_size` is this many points).
const GRID_MIN: f32 = 8.0;

/// Biological time beyond which time axes count in seconds.
const SECONDS_AFTER_MS: f64 = 10_000.0;

/// The smallest 1, 2 or 5 × 10ⁿ that is at least `x` (positive and finite).
fn nice_step(x: f64) -> f64 {
    let decade = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * decade)
        .find(|&s| s >= x * (1.0 - 1e-9))
        .unwrap_or(10.0 * decade)
}

/// Decimals that show a multiple of `step` exactly (0.5 → 1, 0.02 → 2, 20 → 0).
fn decimals(step: f64) -> usize {
    (-(step.log10() + 1e-9).floor()).max(0.0) as usize
}

/// Roughly how wide a tick label is, points: digits of the body font and a margin.
fn label_width(text: &str) -> f32 {
    7.5 * text.chars().count() as f32 + 10.0
}

/// Which axis the marks are for: x labels need their width between them, y labels a line.
#[derive(Clone, Copy)]
pub enum Along {
    X,
    Y,
}

impl Along {
    fn gap(self) -> f32 {
        match self {
            Along::X => X_LABEL_GAP,
            Along::Y => Y_LABEL_GAP,
        }
    }
}

/// The labelled step: the smallest nice step whose labels fit between their marks.
fn label_step(per_point: f64, (lo, hi): (f64, f64), along: Along) -> f64 {
    let widths = matches!(along, Along::X);
    let mut step = nice_step(per_point * along.gap() as f64);
    for _ in 0..4 {
        let widest = [lo, hi].map(|v| label_width(&label(GridMark { value: v, step_size: step }, 1.0)));
        if !widths || step / per_point >= widest[0].max(widest[1]) as f64 {
            break;
        }
        step = nice_step(step * 1.5);
    }
    step
}

/// Marks for an axis, each labelled and with a grid line, every [`label_step`].
fn marks(input: GridInput, along: Along) -> Vec<GridMark> {
    marks_at_least(input, along, 0.0)
}

/// A grid spacer for axes that count things (rows, neurons): steps of at least one.
pub fn whole_numbers(along: Along) -> impl Fn(GridInput) -> Vec<GridMark> {
    move |input| marks_at_least(input, along, 1.0)
}

/// Marks every [`label_step`], or every `least` if that is larger.
fn marks_at_least(input: GridInput, along: Along, least: f64) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let per_point = input.base_step_size / GRID_MIN as f64;
    if !(per_point > 0.0 && per_point.is_finite() && lo.is_finite() && hi.is_finite() && lo < hi) {
        return Vec::new();
    }
    let step = label_step(per_point, (lo, hi), along).max(least);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    if last - first > 1000 {
        return Vec::new();
    }
    (first..=last).map(|i| GridMark { value: i as f64 * step, step_size: step }).collect()
}

/// The label of a mark, in `scale` units per plot unit.
fn label(mark: GridMark, scale: f64) -> String {
    let step = mark.step_size * scale;
    let value = mark.value * scale;
    // -0.0 and 1e-17 both read "0".
    let value = if value.abs() < step * 1e-6 { 0.0 } else { value };
    format!("{value:.*}", decimals(step))
}

fn hints(along: Along, label_text: &str, scale: f64) -> AxisHints<'static> {
    let gap = along.gap();
    let hints = match along {
        Along::X => AxisHints::new_x(),
        Along::Y => AxisHints::new_y(),
    };
    hints.label(label_text.to_string()).label_spacing(Rangef::new(gap - 1.0, gap)).formatter(
        move |mark, range| match along {
            Along::X if at_right_end(mark, *range.end()) => String::new(),
            _ => label(mark, scale),
        },
    )
}

/// Whether an x mark sits so near the axis' right end that its label, centred on it, would be
/// cut off by the edge of the panel: it keeps its grid line and goes unlabelled.
fn at_right_end(mark: GridMark, end: f64) -> bool {
    end - mark.value < 0.45 * mark.step_size
}

/// A plot that has nothing to show yet spans `x` and `y`, so its axes read as the quantity will
/// (rates from 0 Hz, potentials around rest) rather than egui_plot's ±500 around nothing.
pub fn before_data(plot: Plot<'static>, x: (f64, f64), y: (f64, f64)) -> Plot<'static> {
    plot.include_x(x.0).include_x(x.1).include_y(y.0).include_y(y.1)
}

/// An axis label: the quantity and its unit in brackets, or the quantity alone when it has
/// none (a gating variable), never empty brackets.
pub fn labelled(quantity: &str, unit: &str) -> String {
    if unit.is_empty() { quantity.to_string() } else { format!("{quantity} ({unit})") }
}

/// An x axis in the plot's own units.
pub fn x(label_text: &str) -> AxisHints<'static> {
    hints(Along::X, label_text, 1.0)
}

/// A y axis in the plot's own units.
pub fn y(label_text: &str) -> AxisHints<'static> {
    hints(Along::Y, label_text, 1.0)
}

/// A time axis over plot units of ms, labelled in s once the run is past 10 s (`now_ms`).
pub fn time(now_ms: f64) -> AxisHints<'static> {
    if now_ms > SECONDS_AFTER_MS {
        hints(Along::X, "time (s)", 1e-3)
    } else {
        hints(Along::X, "time (ms)", 1.0)
    }
}

/// A plot with these axes and the shared grid.
pub fn plot(id: impl egui::AsId, x: AxisHints<'static>, y: AxisHints<'static>) -> Plot<'static> {
    Plot::new(id)
        .custom_x_axes(vec![x])
        .custom_y_axes(vec![y])
        .grid_spacing(Rangef::new(GRID_MIN, 300.0))
        // The window is cleared to the panel colour; a plot background would paint every
        // pixel of the plot once more (see `app::bare`).
        .show_background(false)
        .x_grid_spacer(|input| marks(input, Along::X))
        .y_grid_spacer(|input| marks(input, Along::Y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps_are_one_two_or_five_times_a_power_of_ten() {
        for (x, step) in [
            (0.03, 0.05),
            (0.05, 0.05),
            (0.051, 0.1),
            (1.0, 1.0),
            (1.2, 2.0),
            (3.0, 5.0),
            (7.0, 10.0),
            (130.0, 200.0),
        ] {
            assert!((nice_step(x) - step).abs() < 1e-12, "{x}: {}", nice_step(x));
        }
    }

    #[test]
    fn labels_are_rounded_to_their_step_and_name_the_value_they_sit_at() {
        // 0 to 0.1 over 200 points: a step of 0.02 (40 points, room for "0.10").
        let input = GridInput { bounds: (0.0, 0.1), base_step_size: 0.1 / 200.0 * GRID_MIN as f64 };
        let labelled = marks(input, Along::X);
        let texts: Vec<String> = labelled.iter().map(|&m| label(m, 1.0)).collect();
        assert_eq!(texts, ["0.00", "0.02", "0.04", "0.06", "0.08", "0.10"]);
        for (m, t) in labelled.iter().zip(&texts) {
            assert!((m.value - t.parse::<f64>().unwrap()).abs() < 1e-12, "{t} sits at {}", m.value);
        }
        // Times past 10 s in seconds: a mark at 12 500 ms with a 500 ms step reads "12.5".
        assert_eq!(label(GridMark { value: 12_500.0, step_size: 500.0 }, 1e-3), "12.5");
        assert_eq!(label(GridMark { value: -1e-17, step_size: 0.1 }, 1.0), "0.0");
    }

    #[test]
    fn only_a_mark_at_the_right_end_loses_its_label() {
        let mark = |value| GridMark { value, step_size: 50.0 };
        assert!(at_right_end(mark(1000.0), 1000.0));
        assert!(at_right_end(mark(1000.0), 1010.0));
        assert!(!at_right_end(mark(950.0), 1000.0));
        assert!(!at_right_end(mark(1000.0), 1030.0));
    }

    #[test]
    fn a_small_axis_still_gets_several_labels() {
        // 0–90 over 250 points (a small panel): egui_plot's powers of ten label only "0".
        for (span, points) in [(90.0, 250.0), (0.9, 250.0), (1500.0, 300.0), (1.0e6, 800.0)] {
            let input = GridInput { bounds: (0.0, span), base_step_size: span / points * GRID_MIN as f64 };
            let all = marks(input, Along::X);
            let (n, step) = (all.len(), all[0].step_size);
            assert!(n >= 4, "{span} over {points} points: {n} labels");
            let widest = label_width(&label(GridMark { value: span, step_size: step }, 1.0));
            assert!(step / span * points >= widest as f64, "{span}: labels would touch");
        }
    }
}
