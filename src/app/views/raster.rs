//! Spike raster: every neuron of every population, live.
//!
//! Data → primitives: the spikes inside the visible bounds are binned into an image at the
//! plot's pixel resolution (one texel per screen pixel, coloured by population, brighter
//! where several spikes share a pixel), and the image is drawn as one texture. The cost is
//! proportional to the visible spikes, whatever the size of the network.

use super::axes;
use super::{
    LiveData, Shared, View, plot_hint, population_color, stop_following_on_interaction, time_controls,
};
use crate::export::{ExportError, Table};
use egui::{Color32, ColorImage, RichText, TextureHandle, TextureOptions};
use egui_plot::{HLine, PlotImage, PlotPoint, Text};

#[derive(Default)]
pub struct RasterView {
    texture: Option<TextureHandle>,
    cells: Vec<u16>,
    /// Pixels that received at least one spike this frame.
    touched: Vec<u32>,
    /// Live mode: spike counts per absolute time column, kept between frames.
    live: LiveColumns,
}

/// While the raster follows the simulation, each spike is binned once, into the column of its
/// absolute time (column c covers [c·width, (c+1)·width) ms); columns are kept in a ring and
/// only new spikes are added each frame.
#[derive(Default)]
struct LiveColumns {
    /// (pixel width, pixel height, column width in ms, network generation): binning depends on these.
    key: (usize, usize, u64, u64),
    /// `cols` columns of `h` cells, column c in slot c mod cols; one u16 per cell as in `render`.
    cells: Vec<u16>,
    cols: usize,
    /// Newest column whose slot has been cleared, and the next spike (absolute index) to bin.
    newest: i64,
    next_spike: u64,
}

impl LiveColumns {
    /// Bins the spikes not yet binned and returns the first visible column and the image.
    fn update(&mut self, data: &LiveData, x0: f64, x1: f64, w: usize, h: usize) -> (i64, ColorImage, usize) {
        // The window's width is fixed while following; round away float noise from x1 - x0.
        let col_ms = ((x1 - x0) * 1e6).round() / 1e6 / w as f64;
        let total = data.total_neurons;
        let key = (w, h, col_ms.to_bits(), data.generation);
        let first = (x0 / col_ms).floor() as i64;
        let stale = self.key != key
            || data.spike_count < self.next_spike
            || first + (w as i64) < self.newest - self.cols as i64;
        if stale || self.cells.is_empty() {
            self.key = key;
            self.cols = w + 2;
            self.cells = vec![0; self.cols * h];
            self.newest = first - 1;
            // Start binning at the first spike that can still be seen.
            let dt = data.info.dt_ms;
            let from = data.spikes.partition_point(|s| (s.step as f64 * dt) < first as f64 * col_ms);
            self.next_spike = data.first_spike_index() + from as u64;
        }
        let dt = data.info.dt_ms;
        let sy = h as f64 / total.max(1) as f64;
        for s in data.spikes_after(self.next_spike) {
            let col = ((s.step as f64 * dt) / col_ms).floor() as i64;
            if col < first {
                continue;
            }
            while self.newest < col {
                self.newest += 1;
                let slot = self.newest.rem_euclid(self.cols as i64) as usize;
                self.cells[slot * h..(slot + 1) * h].fill(0);
            }
            let row = data.offsets.get(s.pop as usize).copied().unwrap_or(0) + s.neuron as usize;
            let slot = col.rem_euclid(self.cols as i64) as usize;
            for py in tick(row as f64, sy, h) {
                let i = slot * h + py;
                let count = (self.cells[i] & 0xff).saturating_add(1).min(255);
                self.cells[i] = ((s.pop as u16) << 8) | count;
            }
        }
        self.next_spike = data.spike_count;
        let mut pixels = vec![Color32::TRANSPARENT; w * h];
        let mut drawn = 0;
        for px in 0..w {
            let col = first + px as i64;
            if col > self.newest || col < self.newest - self.cols as i64 + 1 {
                continue;
            }
            let slot = col.rem_euclid(self.cols as i64) as usize;
            for (py, &cell) in self.cells[slot * h..(slot + 1) * h].iter().enumerate() {
                if cell != 0 {
                    pixels[py * w + px] = cell_color(cell);
                    drawn += (cell & 0xff) as usize;
                }
            }
        }
        (first, ColorImage::new([w, h], pixels), drawn)
    }
}

/// Pixel rows of a spike of the neuron whose row starts at `row` (in rows from the top of the
/// image), `sy` pixels per row: one pixel for dense rasters, a tick over most of the row's
/// height when rows are tall enough to see it.
fn tick(row: f64, sy: f64, h: usize) -> std::ops::Range<usize> {
    let clamp = |y: f64| (y.max(0.0) as usize).min(h - 1);
    if sy < 3.0 {
        let py = clamp((row + 0.5) * sy);
        py..py + 1
    } else {
        clamp((row + 0.15) * sy)..clamp((row + 0.85) * sy) + 1
    }
}

/// Colour of a raster cell: its population's, more opaque with more spikes.
fn cell_color(cell: u16) -> Color32 {
    let alpha = (150 + 35 * (cell & 0xff) as u32).min(255) as u8;
    let base = population_color((cell >> 8) as usize);
    Color32::from_rgba_unmultiplied(base.r(), base.g(), base.b(), alpha)
}

/// What the pointer is over.
struct Hover {
    pop: usize,
    neuron: usize,
    time_ms: f64,
}

impl View for RasterView {
    fn file_stem(&self) -> &'static str {
        "spikes"
    }

    /// Every spike the window keeps (the last 20 s): time, population and neuron.
    fn table(&self, data: &LiveData, _: &Shared) -> Option<Table> {
        Some(crate::export::spikes_table(&data.spikes, data.info.dt_ms))
    }

    /// The spikes the window keeps, in the command line's spike file format.
    fn save_data(
        &self,
        data: &LiveData,
        _: &mut Shared,
        path: &std::path::Path,
    ) -> Result<Option<String>, ExportError> {
        let names: Vec<String> = data.info.model.populations.iter().map(|p| p.name.clone()).collect();
        crate::export::save_spikes(path, &data.spikes, &names, data.info.dt_ms).map(Some)
    }

    fn title(&self) -> &'static str {
        "Raster"
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &LiveData, shared: &mut Shared) {
        time_controls(ui, shared);
        let total = data.total_neurons as f64;
        let names: Vec<String> = data.info.populations.iter().map(|(n, _)| n.clone()).collect();
        let offsets = data.offsets.clone();
        let sizes: Vec<usize> = data.info.populations.iter().map(|(_, s)| *s).collect();
        let label_of = move |y: f64| -> String {
            let row = (total - y).floor();
            if row < 0.0 || row >= total {
                return String::new();
            }
            let row = row as usize;
            let pop = offsets.partition_point(|&o| o <= row).saturating_sub(1);
            format!(
                "{} {}",
                names.get(pop).map_or("", String::as_str),
                row - offsets.get(pop).copied().unwrap_or(0)
            )
        };
        let (x0, x1) = shared.live_window(data.time_ms);
        let follow = shared.follow;
        let y = axes::y("").formatter(move |mark, _| label_of(mark.value));
        let mut plot = axes::plot("raster", axes::time(data.time_ms), y)
            // Whole rows only: marks closer than a row apart would repeat one neuron's name.
            .y_grid_spacer(axes::whole_numbers(axes::Along::Y))
            .link_axis("time", [true, false])
            .link_cursor("time", [true, false])
            .show_grid(false)
            .allow_double_click_reset(true)
            .auto_bounds([false, false])
            .default_y_bounds(0.0, total.max(1.0));
        if follow {
            plot = plot.default_x_bounds(x0, x1);
        }
        let pixels_per_point = ui.ctx().pixels_per_point();
        let response = plot.show(ui, |plot_ui| {
            // Bounds set here take effect when the plot is drawn, after this closure; compute
            // the image for the bounds that will be shown, not last frame's.
            let (min, max) = if follow {
                plot_ui.set_plot_bounds_x(x0..=x1);
                plot_ui.set_plot_bounds_y(0.0..=total.max(1.0));
                ([x0, 0.0], [x1, total.max(1.0)])
            } else {
                let b = plot_ui.plot_bounds();
                (b.min(), b.max())
            };
            let size = plot_ui.response().rect.size() * pixels_per_point;
            let (w, h) = ((size.x.round() as usize).clamp(1, 4096), (size.y.round() as usize).clamp(1, 4096));
            // Following: bin only new spikes into fixed time columns. Otherwise (zoomed or
            // panned by hand): bin what is visible.
            let (drawn, left, right) = if follow {
                let (first, image, drawn) = self.live.update(data, min[0], max[0], w, h);
                self.upload(plot_ui.ctx(), image);
                let col_ms = ((max[0] - min[0]) * 1e6).round() / 1e6 / w as f64;
                (drawn, first as f64 * col_ms, (first + w as i64) as f64 * col_ms)
            } else {
                (self.render(plot_ui.ctx(), data, min, max, w, h), min[0], max[0])
            };
            if let Some(texture) = &self.texture {
                let center = PlotPoint::new((left + right) / 2.0, (min[1] + max[1]) / 2.0);
                let extent = [(right - left) as f32, (max[1] - min[1]) as f32];
                plot_ui.image(PlotImage::new("spikes", texture.id(), center, extent));
            }
            for (k, (name, &offset)) in
                data.info.populations.iter().map(|(n, _)| n).zip(&data.offsets).enumerate()
            {
                let top = total - offset as f64;
                let bottom = top - sizes[k] as f64;
                if k > 0 {
                    plot_ui.hline(HLine::new("", top).color(Color32::GRAY).width(1.0));
                }
                let label = PlotPoint::new(min[0], (top.min(max[1]) + bottom.max(min[1])) / 2.0);
                plot_ui.text(
                    Text::new("", label, RichText::new(format!(" {name}")).strong().size(15.0))
                        .anchor(egui::Align2::LEFT_CENTER)
                        .color(population_color(k)),
                );
            }
            if let Some((pop, neuron)) = shared.selected {
                let y = total - data.row_of(pop, neuron) as f64 - 0.5;
                plot_ui.hline(HLine::new("selected", y).color(Color32::from_rgb(255, 200, 0)).width(1.5));
            }
            drawn
        });
        let drawn = response.inner;
        let r = &response.response;
        shared.raster_rect = Some(r.rect);
        stop_following_on_interaction(ui, r, shared);
        // The transform of the frame just drawn maps the pointer to time and row.
        let hover = r.hover_pos().and_then(|pos| {
            let p = response.transform.value_from_position(pos);
            let row = (total - p.y).floor();
            if row < 0.0 || row >= total {
                return None;
            }
            let (pop, neuron) = data.neuron_of_row(row as usize)?;
            Some(Hover { pop, neuron, time_ms: p.x })
        });
        if let Some(h) = &hover {
            let name = data.info.populations.get(h.pop).map_or("", |(n, _)| n.as_str());
            let nearest = self.nearest_spike(data, h, 5.0);
            r.clone().on_hover_ui_at_pointer(|ui| {
                ui.label(format!("population {name}, neuron {}", h.neuron));
                match nearest {
                    Some(t) => ui.label(format!("spike at {t:.1} ms")),
                    None => ui.label(format!("t = {:.1} ms (no spike nearby)", h.time_ms)),
                };
                ui.weak("click to select");
            });
            if r.clicked() {
                shared.selected = Some((h.pop, h.neuron));
                shared.watch = Some((h.pop, h.neuron, String::new()));
            }
        }
        if drawn == 0 {
            let hint = if data.total_neurons == 0 {
                "No network loaded"
            } else if data.playing {
                "No spikes in this window yet"
            } else {
                "No spikes in this window — press ▶ Play (Space) to run"
            };
            plot_hint(ui, &response, hint);
        }
    }
}

impl RasterView {
    /// Bins the spikes inside [min, max] (x: ms, y: plot rows) into a w × h image; returns
    /// how many spikes it drew. Only the pixels that received spikes are coloured; the rest of
    /// the buffer is cleared with one fill.
    fn render(
        &mut self,
        ctx: &egui::Context,
        data: &LiveData,
        min: [f64; 2],
        max: [f64; 2],
        w: usize,
        h: usize,
    ) -> usize {
        let total = data.total_neurons as f64;
        let dt = data.info.dt_ms;
        // One u16 per pixel: population in the high byte, spike count (saturating) in the low.
        self.cells.clear();
        self.cells.resize(w * h, 0);
        self.touched.clear();
        let (sx, sy) = (w as f64 / (max[0] - min[0]).max(1e-9), h as f64 / (max[1] - min[1]).max(1e-9));
        // Row r is drawn at y = total - r - 0.5, so its pixel row is (max_y - total + r + 0.5)·sy.
        let (row_lo, row_hi) = ((total - max[1] - 0.5).max(0.0), total - min[1] - 0.5);
        let y_shift = max[1] - total + 0.5;
        let offsets = &data.offsets;
        let t_shift = min[0] / dt;
        let sx_step = sx * dt;
        let mut drawn = 0;
        for s in data.spikes_between(min[0], max[0]) {
            let row = (offsets.get(s.pop as usize).copied().unwrap_or(0) + s.neuron as usize) as f64;
            if row < row_lo || row > row_hi {
                continue;
            }
            let px = ((s.step as f64 - t_shift) * sx_step) as usize;
            for py in tick(y_shift - 0.5 + row, sy, h) {
                // Column-major: spikes come in time order, so successive writes stay in one column.
                let i = px.min(w - 1) * h + py;
                let cell = self.cells[i];
                if cell == 0 {
                    self.touched.push(i as u32);
                }
                let count = (cell & 0xff).saturating_add(1).min(255);
                self.cells[i] = ((s.pop as u16) << 8) | count;
            }
            drawn += 1;
        }
        let mut pixels = vec![Color32::TRANSPARENT; w * h];
        for &i in &self.touched {
            let i = i as usize;
            let (px, py) = (i / h, i % h);
            pixels[py * w + px] = cell_color(self.cells[i]);
        }
        self.upload(ctx, ColorImage::new([w, h], pixels));
        drawn
    }

    fn upload(&mut self, ctx: &egui::Context, image: ColorImage) {
        match &mut self.texture {
            Some(t) => t.set(image, TextureOptions::NEAREST),
            None => self.texture = Some(ctx.load_texture("raster", image, TextureOptions::NEAREST)),
        }
    }

    fn nearest_spike(&self, data: &LiveData, h: &Hover, within_ms: f64) -> Option<f64> {
        let dt = data.info.dt_ms;
        data.spikes_between(h.time_ms - within_ms, h.time_ms + within_ms)
            .iter()
            .filter(|s| s.pop as usize == h.pop && s.neuron as usize == h.neuron)
            .map(|s| s.step as f64 * dt)
            .min_by(|a, b| (a - h.time_ms).abs().total_cmp(&(b - h.time_ms).abs()))
    }
}
