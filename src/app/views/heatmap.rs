//! Synaptic weights of one projection as a pre × post image, live while plasticity changes
//! them. Viridis colours (perceptually uniform) with a colour bar in the weight's unit; cells
//! without a synapse are grey. Projections larger than the image are averaged over blocks of
//! neurons, and the view says how large the blocks are.

use super::{LiveData, Shared, View, empty_hint};
use egui::{Color32, ColorImage, TextureHandle, TextureOptions};
use egui_plot::{Plot, PlotImage, PlotPoint};

/// Colour of cells without a synapse: a neutral grey that is not on the colour map.
const ABSENT: Color32 = Color32::from_gray(70);

#[derive(Default)]
pub struct HeatmapView {
    texture: Option<TextureHandle>,
    /// Range of the colour map (min, max) of the image shown.
    range: (f32, f32),
    /// The data the texture was made from (projection, generation, time) to skip redoing it.
    made_from: Option<(usize, u64, f64)>,
}

/// Viridis colour of `x` in [0, 1].
fn viridis(x: f32) -> Color32 {
    let c = colorous::VIRIDIS.eval_continuous(x.clamp(0.0, 1.0) as f64);
    Color32::from_rgb(c.r, c.g, c.b)
}

impl View for HeatmapView {
    fn title(&self) -> &'static str {
        "Weights"
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &LiveData, shared: &mut Shared) {
        let projections = &data.info.model.projections;
        if projections.is_empty() {
            empty_hint(ui, ui.max_rect(), "This model has no projections");
            return;
        }
        // Default: the first plastic projection, else the first.
        let chosen = *shared
            .weights_of
            .get_or_insert_with(|| projections.iter().position(|p| p.stdp.is_some()).unwrap_or(0));
        ui.horizontal(|ui| {
            egui::ComboBox::from_label("projection")
                .selected_text(projections.get(chosen).map_or(String::new(), |p| p.label()))
                .show_ui(ui, |ui| {
                    for (k, p) in projections.iter().enumerate() {
                        let plastic = if p.stdp.is_some() { " (STDP)" } else { "" };
                        ui.selectable_value(
                            &mut shared.weights_of,
                            Some(k),
                            format!("{}{plastic}", p.label()),
                        );
                    }
                })
                .response
                .on_hover_text("Which projection's weights to show");
            if let Some(w) = data.weights.as_ref().filter(|w| w.projection == chosen)
                && (w.pre_per_row > 1 || w.post_per_col > 1)
            {
                ui.label(format!(
                    "each cell: mean of {} pre × {} post neurons ({} × {} shown of {} × {})",
                    w.pre_per_row,
                    w.post_per_col,
                    w.mean.nrows(),
                    w.mean.ncols(),
                    w.n_pre,
                    w.n_post
                ));
            }
        });
        let Some(weights) = data.weights.as_ref().filter(|w| w.projection == chosen) else {
            empty_hint(ui, ui.max_rect(), "Waiting for the weights…");
            return;
        };
        let unit = projections
            .get(chosen)
            .and_then(|p| data.info.model.population(&p.post))
            .map_or("", |(_, post)| post.synapse.weight_dimension().canonical_unit().symbol());
        let key = (chosen, data.generation, data.time_ms);
        if self.made_from != Some(key) {
            self.made_from = Some(key);
            self.make_texture(ui.ctx(), weights);
        }
        let (rows, cols) = (weights.mean.nrows() as f64, weights.mean.ncols() as f64);
        let total_pre = rows * weights.pre_per_row as f64;
        let (lo, hi) = self.range;
        ui.horizontal(|ui| {
            ui.label(format!("{lo:.4} {unit}"));
            let (rect, _) = ui.allocate_exact_size(egui::vec2(160.0, 14.0), egui::Sense::hover());
            for k in 0..64 {
                let x0 = rect.left() + rect.width() * k as f32 / 64.0;
                let x1 = rect.left() + rect.width() * (k + 1) as f32 / 64.0;
                let r = egui::Rect::from_min_max(egui::pos2(x0, rect.top()), egui::pos2(x1, rect.bottom()));
                ui.painter().rect_filled(r, 0.0, viridis(k as f32 / 63.0));
            }
            ui.label(format!("{hi:.4} {unit}"));
            let (swatch, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
            ui.painter().rect_filled(swatch, 0.0, ABSENT);
            ui.label("no synapse");
        });
        let mut plot = Plot::new("weights")
            .x_axis_label("postsynaptic neuron")
            .y_axis_label("presynaptic neuron")
            .show_grid(false);
        if rows > 1.0 && cols > 1.0 {
            // Square cells, unless one side is a single neuron (then use the space).
            plot = plot.data_aspect(1.0);
        }
        let response = plot
            .y_axis_formatter(move |mark, _| {
                // Row 0, the first presynaptic neuron, is at the top.
                let i = total_pre - mark.value;
                if (0.0..=total_pre).contains(&i) { format!("{i:.0}") } else { String::new() }
            })
            .show(ui, |plot_ui| {
                if let Some(t) = &self.texture {
                    let (w, h) = (cols * weights.post_per_col as f64, rows * weights.pre_per_row as f64);
                    plot_ui.image(PlotImage::new(
                        "weights",
                        t.id(),
                        PlotPoint::new(w / 2.0, h / 2.0),
                        [w as f32, h as f32],
                    ));
                }
            });
        let r = &response.response;
        if let Some(pos) = r.hover_pos() {
            let p = response.transform.value_from_position(pos);
            let total_rows = rows * weights.pre_per_row as f64;
            let (i, j) = ((total_rows - p.y).floor(), p.x.floor());
            if i >= 0.0 && j >= 0.0 && (i as usize) < weights.n_pre && (j as usize) < weights.n_post {
                let (i, j) = (i as usize, j as usize);
                let cell = [i / weights.pre_per_row, j / weights.post_per_col];
                let w = weights.mean.get(cell).copied().unwrap_or(f32::NAN);
                r.clone().on_hover_ui_at_pointer(|ui| {
                    if weights.pre_per_row == 1 && weights.post_per_col == 1 {
                        ui.label(format!("pre {i} → post {j}"));
                    } else {
                        let (a, b) = (cell[0] * weights.pre_per_row, cell[1] * weights.post_per_col);
                        ui.label(format!(
                            "pre {a}–{} → post {b}–{}",
                            a + weights.pre_per_row - 1,
                            b + weights.post_per_col - 1
                        ));
                    }
                    if w.is_nan() {
                        ui.label("no synapse");
                    } else {
                        ui.label(format!("weight {w:.5} {unit}"));
                    }
                });
            }
        }
    }
}

impl HeatmapView {
    fn make_texture(&mut self, ctx: &egui::Context, weights: &crate::sim::WeightBlocks) {
        let m = &weights.mean;
        let (lo, hi) =
            m.iter().filter(|w| w.is_finite()).fold((f32::MAX, f32::MIN), |(a, b), &w| (a.min(w), b.max(w)));
        let (lo, hi) = if lo > hi {
            (0.0, 1.0)
        } else if hi == lo {
            (lo, lo + 1e-6)
        } else {
            (lo, hi)
        };
        self.range = (lo, hi);
        let pixels: Vec<Color32> =
            m.iter().map(|&w| if w.is_nan() { ABSENT } else { viridis((w - lo) / (hi - lo)) }).collect();
        let image = ColorImage::new([m.ncols(), m.nrows()], pixels);
        match &mut self.texture {
            Some(t) => t.set(image, TextureOptions::NEAREST),
            None => self.texture = Some(ctx.load_texture("weights", image, TextureOptions::NEAREST)),
        }
    }
}
