//! The events-and-energy meter: the running network's synaptic events and neuron updates
//! against the MACs of a dense, clocked network of the same shape, and both in joules with
//! per-operation figures the user can change (each shown with its source).

use super::live::LiveData;
use crate::analysis::{FIGURES, Operation, OperationCounts, operation_counts};
use egui::RichText;

pub struct EnergyMeter {
    pub open: bool,
    /// Joules per operation of each of [`FIGURES`], as edited.
    joules: Vec<f64>,
}

impl Default for EnergyMeter {
    fn default() -> Self {
        EnergyMeter { open: false, joules: FIGURES.iter().map(|f| f.joules).collect() }
    }
}

/// Joules in readable units.
fn energy(j: f64) -> String {
    let (scale, unit) = [(1.0, "J"), (1e-3, "mJ"), (1e-6, "µJ"), (1e-9, "nJ"), (1e-12, "pJ"), (1e-15, "fJ")]
        .into_iter()
        .find(|(s, _)| j.abs() >= *s)
        .unwrap_or((1e-15, "fJ"));
    format!("{:.3} {unit}", j / scale)
}

/// A big count with thousands separated.
fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl EnergyMeter {
    /// The counts for what the window has received so far.
    pub fn counts(live: &LiveData) -> OperationCounts {
        operation_counts(&live.info.model, live.steps, live.synaptic_events)
    }

    pub fn window(&mut self, ctx: &egui::Context, live: &LiveData) {
        let mut open = self.open;
        egui::Window::new("⚡ Events and energy")
            .open(&mut open)
            .default_width(460.0)
            .default_pos(egui::pos2(420.0, 140.0))
            .show(ctx, |ui| {
                self.ui(ui, live);
            });
        self.open = open;
    }

    fn ui(&mut self, ui: &mut egui::Ui, live: &LiveData) {
        let c = Self::counts(live);
        let seconds = live.time_ms / 1000.0;
        ui.label(format!(
            "Since the network was built: {} steps, {:.3} s of biological time.",
            count(c.steps),
            seconds
        ));
        egui::Grid::new("energy counts").num_columns(3).striped(true).show(ui, |ui| {
            ui.label("");
            ui.label(RichText::new("so far").strong());
            ui.label(RichText::new("per step").strong());
            ui.end_row();
            let per_step = |n: u64| match n as f64 / c.steps.max(1) as f64 {
                _ if c.steps == 0 => "–".to_string(),
                x if x >= 1000.0 => count(x.round() as u64),
                x => format!("{x:.1}"),
            };
            for (name, n, tip) in [
                ("synaptic events", c.synaptic_events, "A spike reaching one synapse of the network's projections (external inputs not counted)"),
                ("neuron updates", c.neuron_updates, "Every neuron's state advanced once a step"),
                ("dense MACs", c.dense_macs, "Multiply-accumulates of a clocked network that multiplies each projection's full weight matrix every step: Σ n_pre·n_post per step"),
            ] {
                ui.label(name).on_hover_text(tip);
                ui.label(count(n));
                ui.label(per_step(n));
                ui.end_row();
            }
        });
        if !live.samples.is_empty() {
            let per_sample = live.input_events as f64 / live.samples.len() as f64;
            ui.label(format!(
                "Data in: {} samples shown, {per_sample:.1} input spikes a sample (the one being shown counted too).",
                live.samples.len()
            ))
            .on_hover_text(
                "What encoding the data costs before any synapse: compare rate, latency and delta coding \
                 in the Encoding view or with the input's encoding",
            );
        }
        if let Some(s) = c.sparsity() {
            ui.label(format!(
                "Event-driven delivery does {:.4}% of the dense network's synaptic work ({:.0}× less).",
                100.0 * s,
                if s > 0.0 { 1.0 / s } else { f64::INFINITY }
            ));
        }
        ui.separator();
        ui.label(RichText::new("Energy (change a figure to see its effect)").strong());
        egui::Grid::new("energy figures").num_columns(5).striped(true).show(ui, |ui| {
            for label in ["", "", "", "so far", "per second"] {
                ui.label(RichText::new(label).strong());
            }
            ui.end_row();
            for (figure, joules) in FIGURES.iter().zip(&mut self.joules) {
                ui.label(figure.name).on_hover_text(figure.source);
                let (scale, unit) = if *joules < 1e-12 { (1e15, " fJ") } else { (1e12, " pJ") };
                let mut shown = *joules * scale;
                let field = super::number::Number::plain().word(unit.trim()).speed(0.1).range(0.0..=1e6);
                let (r, change) = field.show(ui, &mut shown);
                r.on_hover_text(figure.source);
                if change.any() {
                    *joules = shown / scale;
                }
                ui.label(match figure.per {
                    Operation::SynapticEvent => "per synaptic event",
                    Operation::Mac => "per MAC",
                });
                let used = crate::analysis::EnergyFigure { joules: *joules, ..*figure };
                ui.label(energy(c.energy(&used)));
                ui.label(if seconds > 0.0 { energy(c.energy(&used) / seconds) } else { "–".into() })
                    .on_hover_text("Per second of biological time: what one second of this activity costs");
                ui.end_row();
            }
        });
        let get = |name: &str| {
            FIGURES
                .iter()
                .position(|f| f.name == name)
                .map(|k| crate::analysis::EnergyFigure { joules: self.joules[k], ..FIGURES[k] })
        };
        if let (Some(chip), Some(mac)) = (get("Intel Loihi"), get("GPU-class MAC"))
            && c.dense_macs > 0
        {
            let (event, dense) = (c.energy(&chip), c.energy(&mac));
            ui.add_space(4.0);
            if event < dense {
                ui.label(format!(
                    "On a neuromorphic chip this activity costs {} for synapses, {:.1}× less than the dense network's {}.",
                    energy(event),
                    dense / event.max(1e-30),
                    energy(dense)
                ));
            } else {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "At this activity the saving is gone: events cost {} on the chip, the dense network {}. \
                         Events win only while p · rate · dt is below the ratio of the two figures.",
                        energy(event),
                        energy(dense)
                    ),
                );
            }
        }
        ui.weak("Hover a figure's name for its source. Neuron updates are not costed: they are the same for both.");
    }
}
