//! Phase plane of a two-variable neuron (Izhikevich v–u, AdEx V–w): both nullclines, the
//! vector field and the live trajectory of one neuron. Clicking in the plane puts the neuron
//! there. The equations come from the engine ([`PhaseField`]), so the picture is what runs.

use super::{LiveData, Shared, View, empty_hint};
use crate::app::runner::Command;
use crate::export::Table;
use crate::model::{InputKind, Model, NeuronModel};
use crate::sim::PhaseField;
use egui::Color32;
use egui_plot::{Arrows, Legend, Line, Plot, PlotPoints, Points, VLine};

pub struct PhaseView {
    /// Input current of the drawn field, pA, and whether it follows the model's DC inputs.
    current_pa: f64,
    current_from_model: bool,
    /// The neuron whose traces were asked for (population, neuron, generation).
    watching: Option<(usize, usize, u64)>,
    /// How much of the trajectory to draw, ms.
    tail_ms: f64,
}

impl Default for PhaseView {
    fn default() -> Self {
        PhaseView { current_pa: 0.0, current_from_model: true, watching: None, tail_ms: 300.0 }
    }
}

/// Arrows per side of the vector field.
const GRID: usize = 21;

/// Name of the recovery variable of a two-variable model.
fn recovery(model: NeuronModel) -> Option<&'static str> {
    match model {
        NeuronModel::Izhikevich => Some("u"),
        NeuronModel::Adex => Some("w"),
        _ => None,
    }
}

/// Sum of the constant currents (DC, and pulses on at `t_ms`) injected into one neuron, pA.
pub fn injected_current(model: &Model, pop: usize, neuron: usize, t_ms: f64) -> f64 {
    let Some(name) = model.populations.get(pop).map(|p| &p.name) else { return 0.0 };
    model
        .inputs
        .iter()
        .filter(|i| &i.target == name && (i.neurons.is_empty() || i.neurons.contains(&(neuron as u64))))
        .filter(|i| matches!(i.kind, InputKind::Dc | InputKind::Pulse))
        .filter(|i| {
            let start = i.start.as_ref().map_or(0.0, |q| q.canonical());
            let stop = i.stop.as_ref().map_or(f64::INFINITY, |q| q.canonical());
            (start..stop).contains(&t_ms)
        })
        .filter_map(|i| i.amplitude.as_ref().map(|q| q.canonical()))
        .sum()
}

impl View for PhaseView {
    fn file_stem(&self) -> &'static str {
        "phase_plane"
    }

    /// The drawn trajectory: time, v and the recovery variable.
    fn table(&self, data: &LiveData, _: &Shared) -> Option<Table> {
        let (pop, neuron, _) = self.watching?;
        let y = recovery(data.info.model.populations.get(pop)?.model)?;
        let trail = trajectory(data, pop, neuron, y, self.tail_ms);
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
        let two_var = |k: usize| model.populations.get(k).and_then(|p| recovery(p.model)).is_some();
        // The selected neuron if it has a phase plane, else the first neuron that has one.
        let (pop, neuron) = match shared.selected {
            Some((p, n)) if two_var(p) => (p, n),
            _ => match (0..model.populations.len()).find(|&k| two_var(k)) {
                Some(k) => (k, 0),
                None => {
                    empty_hint(
                        ui,
                        ui.max_rect(),
                        "The phase plane is for Izhikevich and AdEx neurons; this model has none",
                    );
                    return;
                }
            },
        };
        let population = &model.populations[pop];
        let (Some(field), Some(y_name)) = (PhaseField::new(population), recovery(population.model)) else {
            return;
        };
        let (x_unit, y_unit) = match population.model {
            NeuronModel::Izhikevich => ("mV", "mV/ms"),
            _ => ("mV", "pA"),
        };
        if self.watching != Some((pop, neuron, data.generation)) {
            self.watching = Some((pop, neuron, data.generation));
            for variable in ["v", y_name] {
                shared.requests.push(Command::Watch { pop, neuron, variable: variable.into() });
            }
        }
        if self.current_from_model {
            self.current_pa = injected_current(model, pop, neuron, data.time_ms);
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{} neuron {neuron}", population.name))
                .on_hover_text("Click a neuron in the raster to show another one");
            ui.separator();
            ui.label("input current");
            let edit = ui
                .add(egui::DragValue::new(&mut self.current_pa).speed(1.0).suffix(" pA"))
                .on_hover_text("The constant input the nullclines and arrows are drawn for");
            if edit.changed() {
                self.current_from_model = false;
            }
            ui.checkbox(&mut self.current_from_model, "from the model's DC inputs")
                .on_hover_text("Follow the DC and pulse inputs of this neuron as they switch on and off");
            ui.separator();
            ui.label("trail");
            ui.add(egui::DragValue::new(&mut self.tail_ms).range(10.0..=5000.0).speed(5.0).suffix(" ms"))
                .on_hover_text("How much of the neuron's recent path to draw");
        });
        ui.weak("Click in the plane to put the neuron there (sets v and the recovery variable).");

        let trail = trajectory(data, pop, neuron, y_name, self.tail_ms);
        let i = self.current_pa;
        // x from below rest to the spike cut-off; y to hold the trail and the nullclines' low part.
        let (x0, x1) = (field.v_reset.min(-70.0) - 15.0, field.v_peak);
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

        let response = Plot::new("phase plane")
            // Steps of 5, 25, 125: labels every 25 mV fit a narrow plot (tens would not).
            .x_grid_spacer(egui_plot::log_grid_spacer(5))
            .x_axis_label(format!("v ({x_unit})"))
            .y_axis_label(format!("{y_name} ({y_unit})"))
            .legend(Legend::default())
            .include_x(x0)
            .include_x(x1)
            .include_y(y0)
            .include_y(y1)
            .allow_drag(false)
            .allow_scroll(false)
            .show(ui, |plot_ui| {
                plot_ui.arrows(
                    Arrows::new("direction of motion", PlotPoints::new(origins), PlotPoints::new(tips))
                        .color(Color32::from_gray(110)),
                );
                plot_ui.line(Line::new("v-nullcline (dv/dt = 0)", PlotPoints::new(x_null)).width(2.0));
                plot_ui.line(
                    Line::new(format!("{y_name}-nullcline (d{y_name}/dt = 0)"), PlotPoints::new(y_null))
                        .width(2.0),
                );
                plot_ui
                    .vline(VLine::new("spike cut-off", field.v_peak).color(Color32::from_rgb(200, 60, 60)));
                if let Some(&last) = trail.last() {
                    plot_ui.line(
                        Line::new("trajectory", PlotPoints::new(trail))
                            .color(Color32::from_rgb(0xF0, 0xE4, 0x42)),
                    );
                    plot_ui.points(Points::new("now", vec![last]).radius(5.0).color(Color32::WHITE));
                }
            });
        shared.plots.insert("phase plane", response.transform);
        let r = &response.response;
        if r.clicked()
            && let Some(pos) = r.interact_pointer_pos()
        {
            let p = response.transform.value_from_position(pos);
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
