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
use egui_plot::{HLine, PlotImage, PlotPoint, Text, VLine};

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
    fn update(
        &mut self,
        data: &LiveData,
        rows: &Rows,
        (x0, x1): (f64, f64),
        w: usize,
        h: usize,
    ) -> (i64, ColorImage, usize) {
        // The window's width is fixed while following; round away float noise from x1 - x0.
        let col_ms = ((x1 - x0) * 1e6).round() / 1e6 / w as f64;
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
        let sy = h as f64 / rows.total;
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
            let (top, height) = rows.of(s.pop as usize, s.neuron as usize);
            let slot = col.rem_euclid(self.cols as i64) as usize;
            for py in tick(top, height, sy, h) {
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

/// Whether population `name` is fed by an event camera's (delta-coded) input, whose neurons
/// are the sensor's ON events then its OFF events.
fn delta_coded(model: &crate::model::Model, name: &str) -> bool {
    model.inputs.iter().any(|i| {
        i.target == name
            && matches!(
                i.stimulus,
                crate::model::Stimulus::Dataset { encoding: crate::model::Encoding::Delta, .. }
            )
    })
}

/// Pixel rows of a spike of the neuron whose row spans [top, top + height] (plot units from
/// the top of the image), `sy` pixels per unit: one pixel for dense rasters, a tick over most
/// of the row's height when rows are tall enough to see it.
fn tick(top: f64, height: f64, sy: f64, h: usize) -> std::ops::Range<usize> {
    let clamp = |y: f64| (y.max(0.0) as usize).min(h - 1);
    if height * sy < 3.0 {
        let py = clamp((top + 0.5 * height) * sy);
        py..py + 1
    } else {
        clamp((top + 0.15 * height) * sy)..clamp((top + 0.85 * height) * sy) + 1
    }
}

/// Where each neuron's row lies on the raster's y axis, in plot units from the top. A
/// population takes a band of one unit per neuron, but never less than [`MIN_BAND`] of the
/// whole, so that one output neuron beside a thousand inputs is a readable row, not a pixel.
#[derive(Clone, Debug, PartialEq)]
pub struct Rows {
    /// Top of each population's band, and the height of one of its rows.
    bands: Vec<(f64, f64)>,
    sizes: Vec<usize>,
    /// Height of all bands together (the plot's y range is [0, total]).
    pub total: f64,
}

/// The smallest share of the raster's height a population gets.
pub const MIN_BAND: f64 = 0.08;

impl Rows {
    pub fn new(sizes: &[usize]) -> Rows {
        let neurons: usize = sizes.iter().sum();
        let least = if sizes.len() > 1 { MIN_BAND * neurons as f64 } else { 0.0 };
        let mut top = 0.0;
        let bands = sizes
            .iter()
            .map(|&n| {
                let band = (n as f64).max(least);
                let here = (top, band / n.max(1) as f64);
                top += band;
                here
            })
            .collect();
        Rows { bands, sizes: sizes.to_vec(), total: f64::max(top, 1.0) }
    }

    /// Top and height of a neuron's row (units from the top).
    pub fn of(&self, pop: usize, neuron: usize) -> (f64, f64) {
        let (top, height) = self.bands.get(pop).copied().unwrap_or((0.0, 1.0));
        (top + neuron as f64 * height, height)
    }

    /// Top and height of a population's band.
    pub fn band(&self, pop: usize) -> (f64, f64) {
        let (top, height) = self.bands.get(pop).copied().unwrap_or((0.0, 0.0));
        (top, height * self.sizes.get(pop).copied().unwrap_or(0) as f64)
    }

    /// The neuron whose row holds the point `from_top` units below the top.
    pub fn at(&self, from_top: f64) -> Option<(usize, usize)> {
        let pop = self.bands.partition_point(|&(top, _)| top <= from_top).checked_sub(1)?;
        let (top, height) = self.bands[pop];
        let neuron = ((from_top - top) / height).floor();
        (neuron >= 0.0 && (neuron as usize) < self.sizes[pop]).then_some((pop, neuron as usize))
    }

    /// Grid marks on the y axis: whole units, but one mark at the centre of each row taller
    /// than a unit (several marks in one row would repeat its neuron's name).
    fn marks(&self, mut marks: Vec<egui_plot::GridMark>) -> Vec<egui_plot::GridMark> {
        for m in &mut marks {
            if let Some((pop, neuron)) = self.at(self.total - m.value)
                && self.bands[pop].1 > 1.0
            {
                let (top, height) = self.of(pop, neuron);
                m.value = self.total - top - 0.5 * height;
            }
        }
        marks.dedup_by(|a, b| a.value == b.value);
        marks
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
        &mut self,
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
        for (name, size) in &data.info.populations {
            if delta_coded(&data.info.model, name) {
                let half = size / 2;
                ui.label(
                    RichText::new(format!(
                        "{name}: rows 0–{} are ON events (a pixel got brighter), rows {half}–{} OFF events (darker), \
                         either side of the dashed line",
                        half.saturating_sub(1),
                        size.saturating_sub(1)
                    ))
                    .small(),
                );
            }
        }
        let sizes: Vec<usize> = data.info.populations.iter().map(|(_, s)| *s).collect();
        let rows = Rows::new(&sizes);
        let total = rows.total;
        let names: Vec<String> = data.info.populations.iter().map(|(n, _)| n.clone()).collect();
        let (label_rows, mark_rows) = (rows.clone(), rows.clone());
        let label_of = move |y: f64| -> String {
            label_rows.at(total - y).map_or(String::new(), |(pop, n)| {
                format!("{} {n}", names.get(pop).map_or("", String::as_str))
            })
        };
        let (x0, x1) = shared.live_window(data.time_ms);
        let follow = shared.follow;
        let y = axes::y("").formatter(move |mark, _| label_of(mark.value));
        let whole = axes::whole_numbers(axes::Along::Y);
        let mut plot = axes::plot("raster", axes::time(data.time_ms), y)
            // Whole rows only: marks closer than a row apart would repeat one neuron's name.
            .y_grid_spacer(move |input| {
                // A label on the top edge would stick out above the plot, under the time controls.
                let (lo, hi) = input.bounds;
                let mut marks = mark_rows.marks(whole(input));
                marks.retain(|m| m.value < hi - 0.02 * (hi - lo));
                marks
            })
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
                let (first, image, drawn) = self.live.update(data, &rows, (min[0], max[0]), w, h);
                self.upload(plot_ui.ctx(), image);
                let col_ms = ((max[0] - min[0]) * 1e6).round() / 1e6 / w as f64;
                (drawn, first as f64 * col_ms, (first + w as i64) as f64 * col_ms)
            } else {
                (self.render(plot_ui.ctx(), data, &rows, (min, max), (w, h)), min[0], max[0])
            };
            if let Some(texture) = &self.texture {
                let center = PlotPoint::new((left + right) / 2.0, (min[1] + max[1]) / 2.0);
                let extent = [(right - left) as f32, (max[1] - min[1]) as f32];
                plot_ui.image(PlotImage::new("spikes", texture.id(), center, extent));
            }
            for (k, (name, _)) in data.info.populations.iter().enumerate() {
                let (from_top, band) = rows.band(k);
                let top = total - from_top;
                let bottom = top - band;
                if k > 0 {
                    plot_ui.hline(HLine::new("", top).color(Color32::GRAY).width(1.0));
                }
                let label = PlotPoint::new(min[0], (top.min(max[1]) + bottom.max(min[1])) / 2.0);
                plot_ui.text(
                    Text::new("", label, RichText::new(format!(" {name}")).strong().size(15.0))
                        .anchor(egui::Align2::LEFT_CENTER)
                        .color(population_color(k)),
                );
                // An event camera's population: ON events in its first half, OFF in its second.
                if delta_coded(&data.info.model, name) {
                    let middle = total - from_top - 0.5 * band;
                    plot_ui.hline(
                        HLine::new("", middle)
                            .color(Color32::from_gray(90))
                            .style(egui_plot::LineStyle::dashed_loose()),
                    );
                    for (text, y, anchor) in [
                        ("ON events (brighter) ", top.min(max[1]), egui::Align2::RIGHT_TOP),
                        ("OFF events (darker) ", middle, egui::Align2::RIGHT_TOP),
                    ] {
                        plot_ui.text(
                            Text::new("", PlotPoint::new(max[0], y), RichText::new(text).size(13.0))
                                .anchor(anchor)
                                .color(population_color(k)),
                        );
                    }
                }
            }
            // Where each sample of a dataset input starts, with its label (a few dozen at most).
            let dt = data.info.dt_ms;
            let first = data.samples.partition_point(|s| (s.step as f64 * dt) < min[0]);
            let visible: Vec<_> =
                data.samples[first..].iter().take_while(|s| (s.step as f64 * dt) <= max[0]).collect();
            if visible.len() <= 60 {
                for s in visible {
                    let t = s.step as f64 * dt;
                    plot_ui.vline(VLine::new("", t).color(Color32::from_gray(110)).width(1.0));
                    plot_ui.text(
                        Text::new(
                            "",
                            PlotPoint::new(t, max[1]),
                            RichText::new(format!(" {}", s.label)).strong().size(15.0),
                        )
                        .anchor(egui::Align2::LEFT_TOP)
                        .color(Color32::from_rgb(255, 200, 0)),
                    );
                }
            }
            if let Some((pop, neuron)) = shared.selected {
                let (top, height) = rows.of(pop, neuron);
                let y = total - top - 0.5 * height;
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
            let (pop, neuron) = rows.at(total - p.y)?;
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
        rows: &Rows,
        (min, max): ([f64; 2], [f64; 2]),
        (w, h): (usize, usize),
    ) -> usize {
        let total = rows.total;
        let dt = data.info.dt_ms;
        // One u16 per pixel: population in the high byte, spike count (saturating) in the low.
        self.cells.clear();
        self.cells.resize(w * h, 0);
        self.touched.clear();
        let (sx, sy) = (w as f64 / (max[0] - min[0]).max(1e-9), h as f64 / (max[1] - min[1]).max(1e-9));
        // A row from `top` units below the plot's top is drawn from y = total - top, so its
        // pixel row is (max_y - total + top)·sy; rows wholly outside [min_y, max_y] are skipped.
        let (visible_top, visible_bottom) = (total - max[1], total - min[1]);
        let y_shift = max[1] - total;
        let t_shift = min[0] / dt;
        let sx_step = sx * dt;
        let mut drawn = 0;
        for s in data.spikes_between(min[0], max[0]) {
            let (top, height) = rows.of(s.pop as usize, s.neuron as usize);
            if top + height < visible_top || top > visible_bottom {
                continue;
            }
            let px = ((s.step as f64 - t_shift) * sx_step) as usize;
            for py in tick(y_shift + top, height, sy, h) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_neuron_beside_a_thousand_gets_a_readable_band() {
        let rows = Rows::new(&[1000, 1]);
        assert_eq!(rows.band(0), (0.0, 1000.0));
        let (top, height) = rows.of(1, 0);
        assert_eq!(top, 1000.0);
        assert!((height - MIN_BAND * 1001.0).abs() < 1e-9, "output row {height} units");
        assert!(height / rows.total > 0.07, "the output row is {:.3} of the height", height / rows.total);
        // Every point of a row maps back to its neuron, and nothing outside maps at all.
        for (pop, neuron) in [(0, 0), (0, 517), (0, 999), (1, 0)] {
            let (top, height) = rows.of(pop, neuron);
            for f in [0.01, 0.5, 0.99] {
                assert_eq!(rows.at(top + f * height), Some((pop, neuron)));
            }
        }
        assert_eq!(rows.at(-0.1), None);
        assert_eq!(rows.at(rows.total + 0.1), None);
        // Large populations keep one unit per neuron; a single population is never stretched.
        assert_eq!(Rows::new(&[3200, 800]).total, 4000.0);
        assert_eq!(Rows::new(&[3]).total, 3.0);
    }

    #[test]
    fn a_tall_row_gets_one_mark_at_its_centre() {
        let rows = Rows::new(&[1000, 1]);
        let marks = (0..=1080)
            .step_by(20)
            .map(|v| egui_plot::GridMark { value: v as f64, step_size: 20.0 })
            .collect();
        let marks = rows.marks(marks);
        let (top, height) = rows.of(1, 0);
        let in_output: Vec<f64> =
            marks.iter().map(|m| m.value).filter(|&v| rows.at(rows.total - v) == Some((1, 0))).collect();
        assert_eq!(in_output, vec![rows.total - top - 0.5 * height]);
    }
}
