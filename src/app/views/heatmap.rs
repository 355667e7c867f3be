//! Synaptic weights of one projection as a pre × post image, live while plasticity changes
//! them. Viridis colours (perceptually uniform) with a colour bar in the weight's unit; cells
//! without a synapse are grey. Projections larger than the image are averaged over blocks of
//! neurons, and the view says how large the blocks are.

use super::axes;
use super::{LiveData, Shared, View, chosen_projection, empty_hint, projection_items};
use crate::app::runner::Command;
use crate::export::Table;
use egui::{Color32, ColorImage, TextureHandle, TextureOptions};
use egui_plot::{HLine, MarkerShape, PlotImage, PlotPoint, Points, VLine};

/// Colour of cells without a synapse: a neutral grey that is not on the colour map.
const ABSENT: Color32 = Color32::from_gray(70);

#[derive(Default)]
pub struct HeatmapView {
    texture: Option<TextureHandle>,
    /// Range of the colour map (min, max) of the image shown.
    range: (f32, f32),
    /// The data the texture was made from (projection, generation, snapshot, order) to skip redoing it.
    made_from: Option<(usize, u64, u64, Order)>,
    order: Order,
    /// Whether the map is diverging (signed weights) rather than viridis.
    diverging: bool,
    /// Which block row (column) is shown at each display row (column), and the inverse.
    row_order: Vec<usize>,
    col_order: Vec<usize>,
    row_rank: Vec<usize>,
    col_rank: Vec<usize>,
}

/// How rows and columns are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    #[default]
    Index,
    MeanWeight,
}

/// Diverging colour of `x` in [0, 1]: blue (inhibition) through white to red (excitation),
/// ColorBrewer's RdBu (Harrower & Brewer 2003).
pub(super) fn red_blue(x: f32) -> Color32 {
    static TABLE: std::sync::OnceLock<[Color32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        std::array::from_fn(|k| {
            // colorous runs red → blue; excitation (high) should be red.
            let c = colorous::RED_BLUE.eval_rational(255 - k, 256);
            Color32::from_rgb(c.r, c.g, c.b)
        })
    });
    table[(x.clamp(0.0, 1.0) * 255.0).round() as usize]
}

/// Viridis colour of `x` in [0, 1], from a 256-entry table made once from the colour map
/// (a million cells a refresh is too many to evaluate the map for each).
fn viridis(x: f32) -> Color32 {
    static TABLE: std::sync::OnceLock<[Color32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        std::array::from_fn(|k| {
            let c = colorous::VIRIDIS.eval_rational(k, 256);
            Color32::from_rgb(c.r, c.g, c.b)
        })
    });
    table[(x.clamp(0.0, 1.0) * 255.0).round() as usize]
}

impl View for HeatmapView {
    fn file_stem(&self) -> &'static str {
        "weights"
    }

    /// The weights are saved in full from the engine (the image may be block means), so the
    /// view asks the runner instead (see [`View::save_data`]).
    fn table(&self, _: &LiveData, _: &Shared) -> Option<Table> {
        None
    }

    fn save_data(
        &mut self,
        _: &LiveData,
        shared: &mut Shared,
        path: &std::path::Path,
    ) -> Result<Option<String>, crate::export::ExportError> {
        let Some(projection) = shared.weights_of else {
            return Err(crate::export::ExportError::Empty(
                "choose a projection in the Weights view first".into(),
            ));
        };
        shared
            .requests
            .push(crate::app::runner::Command::ExportWeights { projection, path: path.to_path_buf() });
        Ok(None)
    }

    fn save_label(&self) -> &'static str {
        "Save all weights (CSV or .npy)…"
    }

    fn needs(&self, shared: &Shared) -> super::Needs {
        super::Needs { weights: true, network_weights: shared.network_weights }
    }

    fn front_for(&self, model: &crate::model::Model) -> bool {
        model.projections.iter().any(|p| p.stdp.is_some())
    }

    fn title(&self) -> &'static str {
        "Weights"
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &LiveData, shared: &mut Shared) {
        let projections = &data.info.model.projections;
        let Some(chosen) = chosen_projection(ui, data, shared) else { return };
        let network = shared.network_weights;
        fn shown(data: &LiveData, network: bool, chosen: usize) -> Option<&crate::sim::WeightBlocks> {
            if network {
                data.network_weights.as_ref()
            } else {
                data.weights.as_ref().map(|w| &w.blocks).filter(|w| w.projection == Some(chosen))
            }
        }
        ui.horizontal_wrapped(|ui| {
            let selected = if network {
                NETWORK.to_string()
            } else {
                projections.get(chosen).map_or(String::new(), |p| p.label())
            };
            egui::ComboBox::from_label("projection")
                .selected_text(selected)
                .show_ui(ui, |ui| {
                    if let Some(k) = projection_items(ui, data, (!network).then_some(chosen)) {
                        shared.weights_of = Some(k);
                        shared.network_weights = false;
                    }
                    ui.separator();
                    ui.selectable_value(&mut shared.network_weights, true, NETWORK).on_hover_text(
                        "Every neuron against every neuron, populations in order: the block structure of the \
                         network. Inhibitory weights count as negative.",
                    );
                })
                .response
                .on_hover_text("Which projection's weights to show");
            if let Some(w) = shown(data, network, chosen)
                && (w.pre_per_row > 1 || w.post_per_col > 1)
            {
                ui.label(format!("each cell: mean of {} × {} neurons", w.pre_per_row, w.post_per_col))
                    .on_hover_text(format!(
                        "{} × {} neurons are too many to show one by one: each cell is the mean weight of \
                         {} presynaptic × {} postsynaptic neurons ({} × {} cells)",
                        w.n_pre,
                        w.n_post,
                        w.pre_per_row,
                        w.post_per_col,
                        w.mean.nrows(),
                        w.mean.ncols()
                    ));
            }
        });
        let Some(weights) = shown(data, network, chosen) else {
            empty_hint(ui, ui.max_rect(), "Waiting for the weights…");
            return;
        };
        let unit = if network { network_unit(data) } else { weight_unit(data, chosen) };
        ui.horizontal_wrapped(|ui| {
            ui.label("order");
            for (order, name, tip) in [
                (Order::Index, "by index", "Rows and columns in neuron order"),
                (
                    Order::MeanWeight,
                    "by mean weight",
                    "Rows by mean outgoing weight, columns by mean incoming weight, strongest first",
                ),
            ] {
                ui.selectable_value(&mut self.order, order, name).on_hover_text(tip);
            }
        });
        let key =
            (if network { usize::MAX } else { chosen }, data.generation, data.weights_serial, self.order);
        if self.made_from != Some(key) {
            self.made_from = Some(key);
            self.make_texture(ui.ctx(), weights);
        }
        let (rows, cols) = (weights.mean.nrows() as f64, weights.mean.ncols() as f64);
        let total_pre = rows * weights.pre_per_row as f64;
        let (lo, hi) = self.range;
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{lo:.4} {unit}"));
            let (rect, _) = ui.allocate_exact_size(egui::vec2(160.0, 14.0), egui::Sense::hover());
            for k in 0..64 {
                let x0 = rect.left() + rect.width() * k as f32 / 64.0;
                let x1 = rect.left() + rect.width() * (k + 1) as f32 / 64.0;
                let r = egui::Rect::from_min_max(egui::pos2(x0, rect.top()), egui::pos2(x1, rect.bottom()));
                ui.painter().rect_filled(r, 0.0, self.color(lo + (hi - lo) * k as f32 / 63.0));
            }
            ui.label(format!("{hi:.4} {unit}"));
            let (swatch, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
            ui.painter().rect_filled(swatch, 0.0, ABSENT);
            ui.label("no synapse");
            let exact = weights.pre_per_row == 1 && weights.post_per_col == 1;
            if exact && !network {
                ui.weak("· click a cell to follow it (Learning tab)");
            }
        });
        let (ppr, ppc) = (weights.pre_per_row, weights.post_per_col);
        // Display position of a neuron: its block's place in the order, then its place in the block.
        let row_of = |i: usize| self.row_rank.get(i / ppr).map_or(i, |r| r * ppr + i % ppr);
        let col_of = |j: usize| self.col_rank.get(j / ppc).map_or(j, |c| c * ppc + j % ppc);
        let followed: Vec<[f64; 2]> = data
            .synapse_traces
            .iter()
            .filter(|t| !network && t.projection == chosen)
            .map(|t| [col_of(t.post) as f64 + 0.5, total_pre - row_of(t.pre) as f64 - 0.5])
            .collect();
        let sorted = self.order != Order::Index;
        // Row 0 is at the top. Sorted rows and columns have no neuron index on the axis.
        let x = axes::x("postsynaptic neuron (column)")
            .formatter(move |mark, _| if sorted { String::new() } else { format!("{:.0}", mark.value) });
        let y = axes::y("presynaptic neuron (row)").formatter(move |mark, _| {
            let i = total_pre - mark.value;
            if !sorted && (0.0..=total_pre).contains(&i) { format!("{i:.0}") } else { String::new() }
        });
        let mut plot = axes::plot("weights", x, y)
            .x_grid_spacer(axes::whole_numbers(axes::Along::X))
            .y_grid_spacer(axes::whole_numbers(axes::Along::Y))
            .show_grid(false);
        if rows > 1.0 && cols > 1.0 {
            // Square cells, unless one side is a single neuron (then use the space).
            plot = plot.data_aspect(1.0);
        }
        let response = plot.show(ui, |plot_ui| {
            if let Some(t) = &self.texture {
                let (w, h) = (cols * ppc as f64, rows * ppr as f64);
                plot_ui.image(PlotImage::new(
                    "weights",
                    t.id(),
                    PlotPoint::new(w / 2.0, h / 2.0),
                    [w as f32, h as f32],
                ));
            }
            if network && !sorted {
                for (k, &offset) in data.offsets.iter().enumerate().skip(1) {
                    let line = Color32::from_gray(200);
                    plot_ui.hline(
                        HLine::new(
                            format!("start of {}", data.info.populations[k].0),
                            total_pre - offset as f64,
                        )
                        .color(line),
                    );
                    plot_ui.vline(
                        VLine::new(format!("start of {}", data.info.populations[k].0), offset as f64)
                            .color(line),
                    );
                }
            }
            if !followed.is_empty() {
                plot_ui.points(
                    Points::new("followed synapses", followed)
                        .shape(MarkerShape::Circle)
                        .filled(false)
                        .radius(6.0)
                        .color(Color32::from_rgb(0xFF, 0x40, 0x40)),
                );
            }
        });
        shared.plots.insert("weights", response.transform);
        let r = &response.response;
        let Some(pos) = r.hover_pos() else { return };
        let p = response.transform.value_from_position(pos);
        let (di, dj) = ((total_pre - p.y).floor(), p.x.floor());
        if di < 0.0 || dj < 0.0 || di as usize >= weights.n_pre || dj as usize >= weights.n_post {
            return;
        }
        // Back from display position to neurons.
        let (di, dj) = (di as usize, dj as usize);
        let (Some(&bi), Some(&bj)) = (self.row_order.get(di / ppr), self.col_order.get(dj / ppc)) else {
            return;
        };
        let (i, j) = (bi * ppr + di % ppr, bj * ppc + dj % ppc);
        let w = weights.mean.get([bi, bj]).copied().unwrap_or(f32::NAN);
        // In the whole network, neuron i is "population k" of the raster's row i.
        let name = |row: usize| match data.neuron_of_row(row).filter(|_| network) {
            Some((p, n)) => format!("{} {n}", data.info.populations[p].0),
            None => row.to_string(),
        };
        r.clone().on_hover_ui_at_pointer(|ui| {
            if ppr == 1 && ppc == 1 {
                ui.label(format!("pre {} -> post {}", name(i), name(j)));
            } else {
                let (a, b) = (bi * ppr, bj * ppc);
                let (a1, b1) = ((a + ppr).min(weights.n_pre) - 1, (b + ppc).min(weights.n_post) - 1);
                ui.label(format!("pre {}–{} -> post {}–{}", name(a), name(a1), name(b), name(b1)));
            }
            if w.is_nan() {
                ui.label("no synapse");
            } else if ppr == 1 && ppc == 1 {
                ui.label(format!("weight {w:.5} {unit}"));
                ui.weak("click to follow it over time");
            } else {
                ui.label(format!("mean weight {w:.5} {unit}"));
            }
        });
        if r.clicked() && !network && ppr == 1 && ppc == 1 && !w.is_nan() {
            shared.requests.push(Command::FollowSynapse { projection: chosen, pre: i, post: j });
        }
    }
}

/// The combo box entry for the whole network.
const NETWORK: &str = "whole network (all neurons)";

/// Unit of the whole network's weights, if every population's synapses share one.
fn network_unit(data: &LiveData) -> &'static str {
    let mut units =
        data.info.model.populations.iter().map(|p| p.synapse.weight_dimension().canonical_unit().symbol());
    match units.next() {
        Some(first) if units.all(|u| u == first) => first,
        _ => "(mixed units)",
    }
}

/// Unit symbol of a projection's weights (pA, nS or mV).
pub fn weight_unit(data: &LiveData, projection: usize) -> &'static str {
    data.info
        .model
        .projections
        .get(projection)
        .and_then(|p| data.info.model.population(&p.post))
        .map_or("", |(_, post)| post.synapse.weight_dimension().canonical_unit().symbol())
}

/// Indices 0..n, ordered by `key` descending, NaN keys last; ties keep index order.
fn order_by(keys: &[f32]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (keys[a], keys[b]);
        match (x.is_nan(), y.is_nan()) {
            (false, false) => y.total_cmp(&x),
            (nx, ny) => nx.cmp(&ny),
        }
    });
    order
}

/// Mean of the finite values, NaN if there are none.
fn finite_mean<'a>(values: impl Iterator<Item = &'a f32>) -> f32 {
    let (sum, n) = values.filter(|w| w.is_finite()).fold((0.0f64, 0u32), |(s, n), &w| (s + w as f64, n + 1));
    if n == 0 { f32::NAN } else { (sum / n as f64) as f32 }
}

/// The inverse of a permutation: rank[order[k]] = k.
fn ranks(order: &[usize]) -> Vec<usize> {
    let mut rank = vec![0; order.len()];
    for (k, &i) in order.iter().enumerate() {
        rank[i] = k;
    }
    rank
}

impl HeatmapView {
    /// Colour of weight `w` on the current map and range.
    fn color(&self, w: f32) -> Color32 {
        let (lo, hi) = self.range;
        let x = (w - lo) / (hi - lo);
        if self.diverging { red_blue(x) } else { viridis(x) }
    }

    fn make_texture(&mut self, ctx: &egui::Context, weights: &crate::sim::WeightBlocks) {
        let m = &weights.mean;
        (self.row_order, self.col_order) = match self.order {
            Order::Index => ((0..m.nrows()).collect(), (0..m.ncols()).collect()),
            Order::MeanWeight => (
                order_by(&m.rows().into_iter().map(|r| finite_mean(r.iter())).collect::<Vec<_>>()),
                order_by(&m.columns().into_iter().map(|c| finite_mean(c.iter())).collect::<Vec<_>>()),
            ),
        };
        self.row_rank = ranks(&self.row_order);
        self.col_rank = ranks(&self.col_order);
        let (lo, hi) =
            m.iter().filter(|w| w.is_finite()).fold((f32::MAX, f32::MIN), |(a, b), &w| (a.min(w), b.max(w)));
        let (lo, hi) = if lo > hi {
            (0.0, 1.0)
        } else if hi == lo {
            // All weights equal: put them mid-map, on a bar around their value.
            let d = (0.5 * lo.abs()).max(1e-6);
            (lo - d, lo + d)
        } else {
            (lo, hi)
        };
        // Signed weights (a whole network with inhibition) get a diverging map centred on 0.
        self.diverging = lo < 0.0;
        let (lo, hi) = if self.diverging {
            let m = lo.abs().max(hi.abs());
            (-m, m)
        } else {
            (lo, hi)
        };
        self.range = (lo, hi);
        let mut pixels = Vec::with_capacity(m.len());
        for &i in &self.row_order {
            for &j in &self.col_order {
                let w = m[[i, j]];
                pixels.push(if w.is_nan() { ABSENT } else { self.color(w) });
            }
        }
        let image = ColorImage::new([m.ncols(), m.nrows()], pixels);
        match &mut self.texture {
            Some(t) => t.set(image, TextureOptions::NEAREST),
            None => self.texture = Some(ctx.load_texture("weights", image, TextureOptions::NEAREST)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordering_by_mean_puts_the_strongest_first_and_empty_rows_last() {
        let keys = [0.5, f32::NAN, 2.0, 0.5, 1.0];
        let order = order_by(&keys);
        assert_eq!(order, vec![2, 4, 0, 3, 1]);
        let rank = ranks(&order);
        for (k, &i) in order.iter().enumerate() {
            assert_eq!(rank[i], k);
        }
        assert!(finite_mean([f32::NAN, 1.0, 3.0].iter()) == 2.0);
        assert!(finite_mean([f32::NAN].iter()).is_nan());
    }
}
