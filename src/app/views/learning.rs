//! Learning at a glance: the live histogram of a projection's weights, the STDP window its
//! parameters give (redrawn as they are edited), and the weight over time of the synapses
//! followed from the heatmap.

use super::axes;
use super::heatmap::weight_unit;
use super::{
    LiveData, Mark, Shared, View, chosen_projection, empty_hint, key, population_color, projection_items,
};
use crate::analysis::stdp_dw;
use crate::export::Table;
use egui_plot::{Bar, BarChart, Line, PlotPoints, VLine};

#[derive(Default)]
pub struct LearningView;

/// Largest |Δt| drawn in the STDP window, in time constants.
const WINDOW_TAUS: f64 = 5.0;
/// The STDP window's Δt axis spans at least ±this, ms, whatever τ±: an axis that followed τ
/// would make a longer τ+ look like a narrower depression side.
const WINDOW_MS: f64 = 100.0;

impl View for LearningView {
    fn file_stem(&self) -> &'static str {
        "learning"
    }

    /// The weight histogram and the followed synapses' weights over time.
    fn table(&self, data: &LiveData, shared: &Shared) -> Option<Table> {
        let chosen = shared.weights_of?;
        let mut columns = Vec::new();
        if let Some(s) = data.weights.as_ref().filter(|w| w.blocks.projection == Some(chosen)) {
            columns.push(("weight_bin_center".to_string(), s.histogram.centers()));
            columns.push(("synapses".to_string(), s.histogram.counts.iter().map(|&c| c as f64).collect()));
        }
        for t in data.synapse_traces.iter().filter(|t| t.projection == chosen) {
            columns.push((
                format!("time_ms ({}->{})", t.pre, t.post),
                (0..t.values.len()).map(|j| t.t0_ms + j as f64 * t.interval_ms).collect(),
            ));
            columns.push((
                format!("weight ({}->{})", t.pre, t.post),
                t.values.iter().map(|&w| w as f64).collect(),
            ));
        }
        (!columns.is_empty()).then(|| Table::from_columns(columns))
    }

    fn title(&self) -> &'static str {
        "Learning"
    }

    fn needs(&self, _: &Shared) -> super::Needs {
        super::Needs { weights: true, network_weights: false }
    }

    fn front_for(&self, model: &crate::model::Model) -> bool {
        model.projections.iter().any(|p| p.stdp.is_some())
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &LiveData, shared: &mut Shared) {
        let Some(chosen) = chosen_projection(ui, data, shared) else { return };
        let Some(projection) = data.info.model.projections.get(chosen) else { return };
        ui.horizontal_wrapped(|ui| {
            egui::ComboBox::from_id_salt("learning projection")
                .selected_text(projection.label())
                .show_ui(ui, |ui| {
                    if let Some(k) = projection_items(ui, data, Some(chosen)) {
                        shared.weights_of = Some(k);
                    }
                })
                .response
                .on_hover_text("Which projection's weights to show (the Weights tab shows the same one)");
            if projection.stdp.is_none() {
                ui.weak("no STDP: these weights do not change");
            }
        });
        let unit = weight_unit(data, chosen);
        let half = ((ui.available_height() - 8.0) / 2.0).max(80.0);
        ui.columns(2, |cols| {
            cols[0].set_max_height(half);
            histogram(&mut cols[0], data, chosen, unit);
            cols[1].set_max_height(half);
            match &projection.stdp {
                Some(stdp) => window(&mut cols[1], stdp, unit),
                None => empty_hint(&cols[1], cols[1].max_rect(), "No STDP on this projection"),
            }
        });
        followed(ui, data, chosen, unit);
    }
}

fn histogram(ui: &mut egui::Ui, data: &LiveData, projection: usize, unit: &str) {
    let Some(snapshot) = data.weights.as_ref().filter(|w| w.blocks.projection == Some(projection)) else {
        empty_hint(ui, ui.max_rect(), "Waiting for the weights…");
        return;
    };
    let h = &snapshot.histogram;
    ui.label(format!(
        "Weight distribution: {} synapses at t = {:.1} s",
        snapshot.synapses,
        data.time_ms / 1e3
    ))
    .on_hover_text("Every synapse of the projection, updated live while it learns");
    let bars: Vec<Bar> =
        h.centers().iter().zip(&h.counts).map(|(&x, &c)| Bar::new(x, c as f64).width(h.bin * 0.95)).collect();
    axes::plot("weight histogram", axes::x(&format!("weight ({unit})")), axes::y("synapses"))
        .allow_scroll(false)
        .show(ui, |plot_ui| plot_ui.bar_chart(BarChart::new("synapses", bars)));
}

fn window(ui: &mut egui::Ui, stdp: &crate::model::Stdp, unit: &str) {
    let tau = stdp.tau_plus.canonical().max(stdp.tau_minus.canonical()).max(1e-3);
    let (lo, hi) = (stdp.w_min.as_ref().map_or(0.0, |q| q.canonical()), stdp.w_max.canonical());
    // Additive STDP does not depend on w; multiplicative does, so show it at mid-range.
    let w = 0.5 * (lo + hi);
    let multiplicative = stdp.rule == crate::model::StdpRule::Multiplicative;
    let at = if multiplicative { format!(" at w = {w:.3} {unit}") } else { String::new() };
    ui.label(format!("STDP window{at}: one pair, Δt = t_post − t_pre")).on_hover_text(
        "Weight change of one spike pair, from the projection's current A±, τ± (edit them in the inspector)",
    );
    // Fixed while τ± fit in it, then in steps of 50 ms.
    let extent = WINDOW_MS.max((WINDOW_TAUS * tau / 50.0).ceil() * 50.0);
    let n = 400;
    let curve = |sign: f64| -> Vec<[f64; 2]> {
        (1..=n)
            .map(|k| {
                let dt = sign * extent * k as f64 / n as f64;
                [dt, stdp_dw(stdp, dt, w)]
            })
            .collect()
    };
    let (mut post_after, mut post_before) = (curve(1.0), curve(-1.0));
    post_before.reverse();
    post_after.insert(0, [0.0, f64::NAN]);
    axes::plot("stdp window", axes::x("Δt (ms)"), axes::y(&format!("Δw ({unit})")))
        .allow_scroll(false)
        .include_x(-extent)
        .include_x(extent)
        .show(ui, |plot_ui| {
            plot_ui.line(Line::new("pre before post: potentiation", PlotPoints::new(post_after)));
            plot_ui.line(Line::new("post before pre: depression", PlotPoints::new(post_before)));
            plot_ui.vline(VLine::new("Δt = 0", 0.0).color(egui::Color32::GRAY));
        });
}

fn followed(ui: &mut egui::Ui, data: &LiveData, projection: usize, unit: &str) {
    let traces: Vec<_> = data.synapse_traces.iter().filter(|t| t.projection == projection).collect();
    ui.label("Followed synapses").on_hover_text("Click a cell in the Weights tab to follow its synapse");
    if traces.is_empty() {
        empty_hint(
            ui,
            ui.available_rect_before_wrap(),
            "Click a cell in the Weights tab to follow a synapse here",
        );
        return;
    }
    let name = |t: &&crate::app::live::SynapseTrace| format!("pre {} to post {}", t.pre, t.post);
    let entries: Vec<_> =
        traces.iter().enumerate().map(|(k, t)| (name(t), population_color(k), Mark::Line)).collect();
    key(ui, &entries);
    axes::plot("followed synapses", axes::x("time (s)"), axes::y(&format!("weight ({unit})"))).show(
        ui,
        |plot_ui| {
            for (k, t) in traces.iter().enumerate() {
                // Long runs: draw at most ~2000 points per synapse.
                let stride = (t.values.len() / 2000).max(1);
                let points: Vec<[f64; 2]> = t
                    .values
                    .iter()
                    .enumerate()
                    .step_by(stride)
                    .map(|(j, &w)| [(t.t0_ms + j as f64 * t.interval_ms) / 1e3, w as f64])
                    .collect();
                plot_ui.line(Line::new(name(t), PlotPoints::new(points)).color(population_color(k)));
            }
        },
    );
}
