//! Phase portrait of one neuron: for a two-variable model (Izhikevich v–u, AdEx V–w) the phase
//! plane with both nullclines, the vector field and the live trajectory; for a one-variable
//! model (QIF) the phase line, dv/dt against v, with its fixed points and the neuron moving
//! along it. Clicking puts the neuron there. The equations come from the model's kernel
//! ([`PhaseField`]), so the picture is what runs.

use super::axes;
use super::{LiveData, Mark, Shared, View, empty_hint, key};
use crate::app::runner::Command;
use crate::export::Table;
use crate::model::{Dimension, Model, Population, StateVarInfo};
use crate::neurons::{PhaseField, Values};
use egui::Color32;
use egui_plot::{Arrows, HLine, Line, MarkerShape, PlotPoints, Points, VLine};

pub struct PhaseView {
    /// Input current of the drawn field, pA, and whether it follows the model's DC inputs.
    current_pa: f64,
    current_from_model: bool,
    /// The neuron whose traces were asked for (population, neuron, generation).
    watching: Option<(usize, usize, u64)>,
    /// How much of the trajectory to draw, ms.
    tail_ms: f64,
    /// The fixed points of the phase line drawn last (v, stable), for tests.
    fixed: Vec<(f64, bool)>,
    /// Where a click put the neuron (population, neuron, the time then, the point), shown at
    /// once until the recorded path moves on: paused, no sample comes until the next step.
    moved: Option<(usize, usize, f64, [f64; 2])>,
}

/// The colours of the portraits' parts (Okabe & Ito, as the populations).
const ARROWS: Color32 = Color32::from_gray(110);
const V_NULLCLINE: Color32 = Color32::from_rgb(0x56, 0xB4, 0xE9);
const U_NULLCLINE: Color32 = Color32::from_rgb(0x00, 0x9E, 0x73);
const CUT_OFF: Color32 = Color32::from_rgb(200, 60, 60);
const RESET: Color32 = Color32::from_rgb(0xCC, 0x79, 0xA7);
const TRAJECTORY: Color32 = Color32::from_rgb(0xF0, 0xE4, 0x42);
const FIXED_POINT: Color32 = Color32::from_gray(220);

impl Default for PhaseView {
    fn default() -> Self {
        PhaseView {
            current_pa: 0.0,
            current_from_model: true,
            watching: None,
            tail_ms: 300.0,
            fixed: Vec::new(),
            moved: None,
        }
    }
}

/// Arrows per side of the vector field.
const GRID: usize = 21;

/// What the view draws for a population: `None` for no phase portrait, `Some(None)` for a
/// phase line, `Some(Some(u))` for a phase plane over v and the recovery variable u.
fn portrait(population: &Population) -> Option<Option<&'static StateVarInfo>> {
    let phase = population.model.phase(&Values::of(population))?;
    Some(phase.recovery.map(|k| &population.model.state()[k]))
}

/// Sum of the constant currents (DC, and pulses on at `t_ms`) injected into one neuron, pA.
pub fn injected_current(model: &Model, pop: usize, neuron: usize, t_ms: f64) -> f64 {
    let Some(name) = model.populations.get(pop).map(|p| &p.name) else { return 0.0 };
    model
        .inputs
        .iter()
        .filter(|i| &i.target == name && (i.neurons.is_empty() || i.neurons.contains(&(neuron as u64))))
        .filter(|i| {
            let start = i.start.as_ref().map_or(0.0, |q| q.canonical());
            let stop = i.stop.as_ref().map_or(f64::INFINITY, |q| q.canonical());
            (start..stop).contains(&t_ms)
        })
        .filter_map(|i| i.stimulus.constant_current_pa())
        .sum()
}

impl View for PhaseView {
    fn file_stem(&self) -> &'static str {
        "phase_plane"
    }

    /// The drawn trajectory: time, v and the recovery variable.
    fn table(&self, data: &LiveData, _: &Shared) -> Option<Table> {
        let (pop, neuron, _) = self.watching?;
        let population = data.info.model.populations.get(pop)?;
        let y = match portrait(population)? {
            Some(u) => u.name,
            None => "dv/dt",
        };
        let trail = match portrait(population)? {
            Some(u) => trajectory(data, pop, neuron, u.name, self.tail_ms),
            None => line_trajectory(data, &PhaseField::new(population)?, pop, neuron, 0.0, self.tail_ms),
        };
        Some(Table::from_columns(vec![
            ("v".into(), trail.iter().map(|p| p[0]).collect()),
            (y.into(), trail.iter().map(|p| p[1]).collect()),
        ]))
    }

    fn title(&self) -> &'static str {
        "Phase plane"
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &LiveData, shared: &mut Shared) {
        let model = &data.info.model;
        let drawn = |k: usize| model.populations.get(k).and_then(portrait).is_some();
        // The selected neuron if it has a phase portrait, else the first neuron that has one.
        let (pop, neuron) = match shared.selected {
            Some((p, n)) if drawn(p) => (p, n),
            _ => match (0..model.populations.len()).find(|&k| drawn(k)) {
                Some(k) => (k, 0),
                None => {
                    let with: Vec<&str> = crate::model::NeuronModel::all()
                        .filter(|&m| portrait(&Population::new("n", m, 1)).is_some())
                        .map(|m| m.display_name())
                        .collect();
                    empty_hint(
                        ui,
                        ui.max_rect(),
                        &format!(
                            "The phase portrait is for {} neurons; this model has none",
                            with.join(", ")
                        ),
                    );
                    return;
                }
            },
        };
        let population = &model.populations[pop];
        let (Some(field), Some(recovery)) = (PhaseField::new(population), portrait(population)) else {
            return;
        };
        if self.watching != Some((pop, neuron, data.generation)) {
            self.watching = Some((pop, neuron, data.generation));
            for variable in std::iter::once("v").chain(recovery.map(|u| u.name)) {
                shared.requests.push(Command::Watch { pop, neuron, variable: variable.into() });
            }
        }
        if self.current_from_model {
            self.current_pa = injected_current(model, pop, neuron, data.time_ms);
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("population {}, neuron {neuron}", population.name))
                .on_hover_text("Click a neuron in the raster to show another one");
            ui.separator();
            ui.label("input current");
            let (r, edit) = crate::app::number::Number::of(Dimension::Current).show(ui, &mut self.current_pa);
            r.on_hover_text("The constant input the nullclines and arrows are drawn for");
            if edit.any() {
                self.current_from_model = false;
            }
            ui.checkbox(&mut self.current_from_model, "from the model's DC inputs")
                .on_hover_text("Follow the DC and pulse inputs of this neuron as they switch on and off");
            ui.separator();
            ui.label("trail");
            crate::app::number::Number::of(Dimension::Time)
                .range(10.0..=5000.0)
                .speed(5.0)
                .show(ui, &mut self.tail_ms)
                .0
                .on_hover_text("How much of the neuron's recent path to draw");
        });
        let Some(recovery) = recovery else {
            ui.weak("Click on the line to put the neuron there (sets v). Filled dots are stable fixed points, open ones unstable.");
            self.phase_line(ui, &field, data, shared, (pop, neuron));
            return;
        };
        let (y_name, y_unit) = (recovery.name, recovery.unit);
        ui.weak("Click in the plane to put the neuron there (sets v and the recovery variable).");

        let trail = trajectory(data, pop, neuron, y_name, self.tail_ms);
        let i = self.current_pa;
        // x from below rest to the spike cut-off; y to hold the trail and the nullclines' low part.
        let (x0, x1) = (field.phase.v_reset.min(-70.0) - 15.0, field.phase.v_peak);
        let xs: Vec<f64> = (0..=300).map(|k| x0 + (x1 - x0) * k as f64 / 300.0).collect();
        let null: Vec<(f64, f64)> = xs.iter().map(|&x| field.nullclines(x, i)).collect();
        let mut ys: Vec<f64> = null.iter().map(|n| n.1).chain(trail.iter().map(|p| p[1])).collect();
        // The x-nullcline's minimum (the knee) matters; its steep arms do not.
        ys.extend(null.iter().map(|n| n.0).fold(None, |m: Option<f64>, y| Some(m.map_or(y, |m| m.min(y)))));
        let (mut y0, mut y1) =
            ys.iter().filter(|y| y.is_finite()).fold((f64::MAX, f64::MIN), |(a, b), &y| (a.min(y), b.max(y)));
        if y0 >= y1 {
            (y0, y1) = (-10.0, 10.0);
        }
        let pad = 0.15 * (y1 - y0).max(1e-3);
        let (y0, y1) = (y0 - pad, y1 + pad);
        let clip = |pts: Vec<[f64; 2]>| -> Vec<[f64; 2]> {
            pts.into_iter()
                .map(|[x, y]| if (y0..=y1).contains(&y) { [x, y] } else { [x, f64::NAN] })
                .collect()
        };
        let x_null = clip(xs.iter().zip(&null).map(|(&x, n)| [x, n.0]).collect());
        let y_null = clip(xs.iter().zip(&null).map(|(&x, n)| [x, n.1]).collect());
        let (origins, tips) = vector_field(&field, i, (x0, x1), (y0, y1));
        let y_nullcline = format!("{y_name}-nullcline (d{y_name}/dt = 0)");
        key(
            ui,
            &[
                ("v-nullcline (dv/dt = 0)".into(), V_NULLCLINE, Mark::Line),
                (y_nullcline.clone(), U_NULLCLINE, Mark::Line),
                ("direction of motion".into(), ARROWS, Mark::Arrow),
                ("spike cut-off".into(), CUT_OFF, Mark::Line),
                ("trajectory".into(), TRAJECTORY, Mark::Line),
                ("now".into(), Color32::WHITE, Mark::Dot),
            ],
        );
        let moved = self.moved_to(data, pop, neuron);
        let response = portrait_plot("phase plane", format!("{y_name} ({y_unit})"), (x0, x1), (y0, y1)).show(
            ui,
            |plot_ui| {
                plot_ui.arrows(
                    Arrows::new("direction of motion", PlotPoints::new(origins), PlotPoints::new(tips))
                        .color(ARROWS),
                );
                plot_ui.line(
                    Line::new("v-nullcline (dv/dt = 0)", PlotPoints::new(x_null))
                        .color(V_NULLCLINE)
                        .width(2.0),
                );
                plot_ui.line(Line::new(y_nullcline, PlotPoints::new(y_null)).color(U_NULLCLINE).width(2.0));
                plot_ui.vline(VLine::new("spike cut-off", field.phase.v_peak).color(CUT_OFF));
                draw_trail(plot_ui, trail, moved);
            },
        );
        shared.plots.insert("phase plane", response.transform);
        let r = &response.response;
        if r.clicked()
            && let Some(pos) = r.interact_pointer_pos()
        {
            let p = response.transform.value_from_position(pos);
            self.moved = Some((pop, neuron, data.time_ms, [p.x, p.y]));
            for (variable, value) in [("v", p.x), (y_name, p.y)] {
                shared.requests.push(Command::SetState {
                    pop,
                    neuron,
                    variable: variable.into(),
                    value: value as f32,
                });
            }
        }
    }
}

impl PhaseView {
    /// Where the last click put this neuron, while no step has run since.
    fn moved_to(&mut self, data: &LiveData, pop: usize, neuron: usize) -> Option<[f64; 2]> {
        match self.moved {
            Some((p, n, t, at)) if (p, n) == (pop, neuron) && t == data.time_ms => Some(at),
            _ => {
                self.moved = None;
                None
            }
        }
    }

    /// The fixed points (v in mV, and whether stable) of the phase line drawn last.
    pub fn fixed_points(&self) -> &[(f64, bool)] {
        &self.fixed
    }

    /// The phase line of a one-variable model: dv/dt against v under the current input, its
    /// fixed points (filled: stable; open: unstable), arrows along the axis for the direction
    /// of motion, and the neuron's recent path along the curve.
    fn phase_line(
        &mut self,
        ui: &mut egui::Ui,
        field: &PhaseField,
        data: &LiveData,
        shared: &mut Shared,
        (pop, neuron): (usize, usize),
    ) {
        let i = self.current_pa;
        let phase = field.phase;
        let fixed = field.fixed_points(phase.v_reset.min(-70.0) - 30.0, phase.v_peak, i);
        // From below the lowest fixed point (or the reset) to the spike cut-off; dv/dt grows
        // quadratically, so the y range is set by the part below the fixed points and the reset.
        let low = fixed.iter().map(|f| f.0).fold(phase.v_reset, f64::min);
        let high = fixed.iter().map(|f| f.0).fold(phase.v_reset, f64::max);
        let (x0, x1) = (low - 15.0, phase.v_peak);
        let xs: Vec<f64> = (0..=400).map(|k| x0 + (x1 - x0) * k as f64 / 400.0).collect();
        let curve: Vec<[f64; 2]> = xs.iter().map(|&x| [x, field.derivatives(x, 0.0, i).0]).collect();
        let window = |p: &&[f64; 2]| p[0] <= high + 0.5 * (high - low) + 10.0;
        let y_low = curve.iter().filter(window).map(|p| p[1]).fold(0.0, f64::min);
        let y_high = curve.iter().filter(window).map(|p| p[1]).fold(0.0, f64::max);
        let pad = 0.2 * (y_high - y_low).max(0.1);
        let (y0, y1) = (y_low - pad, y_high + pad);
        let clipped: Vec<[f64; 2]> =
            curve.iter().map(|&[x, y]| if (y0..=y1).contains(&y) { [x, y] } else { [x, f64::NAN] }).collect();
        // Arrows on the axis, pointing the way v moves.
        let (mut origins, mut tips) = (Vec::new(), Vec::new());
        let step = (x1 - x0) / GRID as f64;
        for a in 0..GRID {
            let x = x0 + (a as f64 + 0.5) * step;
            let dv = field.derivatives(x, 0.0, i).0;
            if dv.is_finite() && dv != 0.0 {
                origins.push([x - 0.4 * step * dv.signum(), 0.0]);
                tips.push([x + 0.4 * step * dv.signum(), 0.0]);
            }
        }
        let trail = line_trajectory(data, field, pop, neuron, i, self.tail_ms);
        let stable: Vec<[f64; 2]> = fixed.iter().filter(|f| f.1).map(|f| [f.0, 0.0]).collect();
        self.fixed.clone_from(&fixed);
        let unstable: Vec<[f64; 2]> = fixed.iter().filter(|f| !f.1).map(|f| [f.0, 0.0]).collect();
        key(
            ui,
            &[
                ("dv/dt".into(), V_NULLCLINE, Mark::Line),
                ("direction of motion".into(), ARROWS, Mark::Arrow),
                ("stable fixed point".into(), FIXED_POINT, Mark::Dot),
                ("unstable fixed point".into(), FIXED_POINT, Mark::Ring),
                ("spike cut-off".into(), CUT_OFF, Mark::Line),
                ("reset".into(), RESET, Mark::Line),
                ("trajectory".into(), TRAJECTORY, Mark::Line),
                ("now".into(), Color32::WHITE, Mark::Dot),
            ],
        );
        let moved = self.moved_to(data, pop, neuron);
        let response =
            portrait_plot("phase line", "dv/dt (mV/ms)".into(), (x0, x1), (y0, y1)).show(ui, |plot_ui| {
                plot_ui.hline(HLine::new("dv/dt = 0", 0.0).color(ARROWS));
                plot_ui.arrows(
                    Arrows::new("direction of motion", PlotPoints::new(origins), PlotPoints::new(tips))
                        .color(ARROWS),
                );
                plot_ui.line(Line::new("dv/dt", PlotPoints::new(clipped)).color(V_NULLCLINE).width(2.0));
                plot_ui.vline(VLine::new("spike cut-off", phase.v_peak).color(CUT_OFF));
                plot_ui.vline(VLine::new("reset", phase.v_reset).color(RESET));
                plot_ui.points(
                    Points::new("stable fixed point", stable)
                        .radius(6.0)
                        .filled(true)
                        .color(FIXED_POINT)
                        .shape(MarkerShape::Circle),
                );
                plot_ui.points(
                    Points::new("unstable fixed point", unstable)
                        .radius(6.0)
                        .filled(false)
                        .color(FIXED_POINT)
                        .shape(MarkerShape::Circle),
                );
                draw_trail(plot_ui, trail, moved);
            });
        shared.plots.insert("phase line", response.transform);
        let r = &response.response;
        if r.clicked()
            && let Some(pos) = r.interact_pointer_pos()
        {
            let v = response.transform.value_from_position(pos).x;
            self.moved = Some((pop, neuron, data.time_ms, [v, field.derivatives(v, 0.0, i).0]));
            shared.requests.push(Command::SetState { pop, neuron, variable: "v".into(), value: v as f32 });
        }
    }
}

/// A fixed plot over v (x) and `y_label` (y) showing the given ranges; clicks put the neuron
/// somewhere, so it neither pans nor zooms.
fn portrait_plot(
    name: &'static str,
    y_label: String,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> egui_plot::Plot<'static> {
    axes::plot(name, axes::x("v (mV)"), axes::y(&y_label))
        .include_x(x0)
        .include_x(x1)
        .include_y(y0)
        .include_y(y1)
        .allow_drag(false)
        .allow_scroll(false)
}

/// The neuron's recent path, and where it is now: where a click just `moved` it, joined to the
/// path by a dashed jump, until the path catches up.
fn draw_trail(plot_ui: &mut egui_plot::PlotUi<'_>, trail: Vec<[f64; 2]>, moved: Option<[f64; 2]>) {
    let last = trail.last().copied();
    if !trail.is_empty() {
        plot_ui.line(Line::new("trajectory", PlotPoints::new(trail)).color(TRAJECTORY));
    }
    if let (Some(from), Some(to)) = (last, moved) {
        plot_ui.line(
            Line::new("jump", PlotPoints::new(vec![from, to]))
                .color(TRAJECTORY)
                .style(egui_plot::LineStyle::dashed_dense()),
        );
    }
    if let Some(now) = moved.or(last) {
        plot_ui.points(Points::new("now", vec![now]).radius(5.0).color(Color32::WHITE));
    }
}

/// The last `tail_ms` of a one-variable neuron's path on its phase line, [v, dv/dt].
fn line_trajectory(
    data: &LiveData,
    field: &PhaseField,
    pop: usize,
    neuron: usize,
    i_pa: f64,
    tail_ms: f64,
) -> Vec<[f64; 2]> {
    let Some(tv) = data.traces.iter().find(|t| t.pop == pop && t.neuron == neuron && t.variable == "v")
    else {
        return Vec::new();
    };
    let n = tv.values.len();
    let first = n.saturating_sub((tail_ms / tv.interval_ms.max(1e-9)) as usize);
    tv.values[first..].iter().map(|&v| [v as f64, field.derivatives(v as f64, 0.0, i_pa).0]).collect()
}

/// Arrows of equal length showing the direction of motion on a grid, in screen-fair units
/// (each axis scaled by its range, since v and u differ in size by orders of magnitude).
fn vector_field(
    field: &PhaseField,
    i: f64,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> (Vec<[f64; 2]>, Vec<[f64; 2]>) {
    let (sx, sy) = ((x1 - x0) / GRID as f64, (y1 - y0) / GRID as f64);
    let mut origins = Vec::with_capacity(GRID * GRID);
    let mut tips = Vec::with_capacity(GRID * GRID);
    for a in 0..GRID {
        for b in 0..GRID {
            let (x, y) = (x0 + (a as f64 + 0.5) * sx, y0 + (b as f64 + 0.5) * sy);
            let (dx, dy) = field.derivatives(x, y, i);
            let (nx, ny) = (dx / sx, dy / sy);
            let norm = (nx * nx + ny * ny).sqrt();
            if norm.is_finite() && norm > 0.0 {
                origins.push([x, y]);
                tips.push([x + 0.7 * sx * nx / norm, y + 0.7 * sy * ny / norm]);
            }
        }
    }
    (origins, tips)
}

/// The last `tail_ms` of the neuron's (v, recovery) path from its recorded traces.
fn trajectory(data: &LiveData, pop: usize, neuron: usize, y_name: &str, tail_ms: f64) -> Vec<[f64; 2]> {
    let find =
        |var: &str| data.traces.iter().find(|t| t.pop == pop && t.neuron == neuron && t.variable == var);
    let (Some(tv), Some(ty)) = (find("v"), find(y_name)) else { return Vec::new() };
    if tv.interval_ms != ty.interval_ms || tv.interval_ms <= 0.0 {
        return Vec::new();
    }
    // Sample j of v is at the same time as sample j + shift of the other.
    let shift = ((tv.t0_ms - ty.t0_ms) / tv.interval_ms).round() as i64;
    let n = tv.values.len();
    let first = n.saturating_sub((tail_ms / tv.interval_ms) as usize);
    (first..n)
        .filter_map(|j| {
            let k = usize::try_from(j as i64 + shift).ok()?;
            Some([tv.values[j] as f64, *ty.values.get(k)? as f64])
        })
        .collect()
}
