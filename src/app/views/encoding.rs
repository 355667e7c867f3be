//! Encoding: one sample of the model's dataset (the shipped digits if it has none) as an image beside the spikes an encoder makes
//! of it, the encoder's parameters live, and the three encoders side by side on the same
//! sample (spikes, first spike, mean spikes per sample). It runs the encoders of
//! [`crate::data::encode`] directly, not the simulation: what a dataset input would send.

use super::axes;
use super::{LiveData, Shared, View, empty_hint};
use crate::data::{Dataset, Latency, Rate, Saccades, Spike};
use crate::export::Table;
use crate::model::Encoding;
use egui::{Color32, Rect, Sense, Stroke, vec2};
use egui_plot::{PlotPoints, Points};
use std::sync::Arc;

pub struct EncodingView {
    sample: usize,
    encoding: Encoding,
    rate: Rate,
    latency: Latency,
    saccades: Saccades,
    /// Mean spikes a sample of each encoder over the first [`MEAN_OVER`] samples, and the
    /// parameters they were computed with.
    means: Option<([f64; 3], Made)>,
    /// The model's dataset input the settings were last taken from: when it changes, the view
    /// takes its encoder and parameters again; between changes the view's own edits stay.
    followed: Option<crate::model::Stimulus>,
    /// The images shown: the followed input's dataset, or the shipped digits.
    data: Option<Arc<Dataset>>,
    /// The three encoders' spikes for the shown sample, and what they were made from.
    made: Option<(Made, [Vec<Spike>; 3])>,
    /// The N-MNIST file last saved, with its sensor's size: the view offers to play it.
    saved: Option<(std::path::PathBuf, [u64; 2])>,
}

/// What the encoders' spikes depend on: the data (held, so that it is the same data and not
/// only the same address), the sample and the encoders' parameters.
#[derive(Clone)]
struct Made {
    data: Arc<Dataset>,
    sample: usize,
    params: (Rate, Latency, Saccades),
}

impl PartialEq for Made {
    fn eq(&self, other: &Made) -> bool {
        Arc::ptr_eq(&self.data, &other.data) && self.sample == other.sample && self.params == other.params
    }
}

const ENCODINGS: [Encoding; 3] = [Encoding::Rate, Encoding::Latency, Encoding::Delta];

/// Samples the comparison's means are taken over.
const MEAN_OVER: usize = 100;

impl Default for EncodingView {
    fn default() -> Self {
        EncodingView {
            sample: 0,
            encoding: Encoding::Rate,
            rate: Rate { max_rate_hz: 100.0, duration_ms: 100.0, dt_ms: 0.1 },
            latency: Latency { tau_ms: 20.0, threshold: 0.2, t_max_ms: 100.0 },
            saccades: Saccades { sweep_ms: 100.0 / 3.0, ..Saccades::default() },
            means: None,
            followed: None,
            data: None,
            made: None,
            saved: None,
        }
    }
}

impl EncodingView {
    /// The spikes of sample `k` under `encoding`, as (time ms, neuron); delta: ON events onto
    /// the first half of the neurons, OFF onto the second, as a dataset input sends them.
    fn spikes(&self, d: &Dataset, k: usize, encoding: Encoding) -> Vec<Spike> {
        let x = d.intensities(k);
        match encoding {
            Encoding::Rate => self.rate.encode(&x, k as u64),
            Encoding::Latency => self.latency.encode(&x),
            Encoding::Delta => self.saccades.spikes(&x, d.width),
        }
    }

    /// The dataset shown.
    fn data(&self) -> Option<Arc<Dataset>> {
        self.data.clone().or_else(|| Dataset::load("digits", None).ok())
    }

    /// The three encoders' spikes for the shown sample, made again only when the sample, the
    /// data or a parameter changed.
    fn made(&mut self, d: &Arc<Dataset>) -> &[Vec<Spike>; 3] {
        let now =
            Made { data: d.clone(), sample: self.sample, params: (self.rate, self.latency, self.saccades) };
        if self.made.as_ref().is_none_or(|(m, _)| *m != now) {
            let spikes = ENCODINGS.map(|e| self.spikes(d, self.sample, e));
            self.made = Some((now, spikes));
        }
        &self.made.as_ref().expect("just made").1
    }

    /// The spikes shown now (for tests and export).
    pub fn shown(&self) -> Vec<Spike> {
        self.data().map_or(Vec::new(), |d| {
            self.spikes(&d, self.sample.min(d.len().saturating_sub(1)), self.encoding)
        })
    }

    /// Takes the encoder and parameters of the model's first dataset input, when it changed.
    fn follow(&mut self, model: &crate::model::Model) {
        let Some(input) = model.inputs.iter().find(|i| i.kind() == crate::model::InputKind::Dataset) else {
            self.data = None;
            return;
        };
        // Asked every frame: a file the user changed is read again.
        self.data = input.stimulus.dataset().and_then(Result::ok);
        if self.followed.as_ref() == Some(&input.stimulus) {
            return;
        }
        if let Some(e) = input.stimulus.encoders(model.simulation.dt.canonical()) {
            (self.encoding, self.rate, self.latency, self.saccades) =
                (e.encoding, e.rate, e.latency, e.saccades);
        }
        self.followed = Some(input.stimulus.clone());
    }

    /// Chooses the encoder shown.
    pub fn set_encoding(&mut self, encoding: Encoding) {
        self.encoding = encoding;
    }

    fn parameters(&mut self, ui: &mut egui::Ui) {
        let drag = |ui: &mut egui::Ui,
                    label: &str,
                    v: &mut f64,
                    range: std::ops::RangeInclusive<f64>,
                    speed: f64,
                    suffix: &str,
                    tip: &str| {
            let name = ui.label(label).on_hover_text(tip);
            let unit = crate::model::Unit::parse(suffix.trim()).unwrap_or(crate::model::Unit::One);
            crate::app::number::Number::quantity(unit)
                .range(range)
                .speed(speed)
                .show(ui, v)
                .0
                .labelled_by(name.id)
                .on_hover_text(tip);
        };
        match self.encoding {
            Encoding::Rate => drag(
                ui,
                "max rate",
                &mut self.rate.max_rate_hz,
                0.0..=1000.0,
                1.0,
                " Hz",
                "The rate of a full pixel: rate = max rate × intensity",
            ),
            Encoding::Latency => {
                drag(
                    ui,
                    "τ",
                    &mut self.latency.tau_ms,
                    0.1..=200.0,
                    0.5,
                    " ms",
                    "t = τ·ln(x / (x − θ)) for intensity x > θ",
                );
                drag(
                    ui,
                    "θ",
                    &mut self.latency.threshold,
                    0.01..=0.99,
                    0.01,
                    "",
                    "Pixels at or below this intensity stay silent",
                );
            }
            Encoding::Delta => {
                drag(
                    ui,
                    "threshold",
                    &mut self.saccades.threshold,
                    0.01..=3.0,
                    0.01,
                    "",
                    "An event for each change of ln intensity by this much",
                );
                drag(
                    ui,
                    "sweep",
                    &mut self.saccades.amplitude,
                    0.0..=6.0,
                    0.1,
                    " px",
                    "How far the image moves in each of the three sweeps",
                );
            }
        }
    }
}

impl View for EncodingView {
    fn title(&self) -> &'static str {
        "Encoding"
    }

    fn file_stem(&self) -> &'static str {
        "encoding"
    }

    /// The shown sample's spikes: time and neuron.
    fn table(&self, _: &LiveData, _: &Shared) -> Option<Table> {
        let spikes = self.shown();
        Some(Table::from_columns(vec![
            ("time_ms".into(), spikes.iter().map(|s| s.t_ms).collect()),
            ("neuron".into(), spikes.iter().map(|s| f64::from(s.neuron)).collect()),
        ]))
    }

    /// The shown spikes as CSV or `.npy`; with a `.bin` name, the sample's delta events as an
    /// N-MNIST file (whatever encoder is shown), which an `events` input reads back.
    fn save_data(
        &mut self,
        data: &LiveData,
        shared: &mut Shared,
        path: &std::path::Path,
    ) -> Result<Option<String>, crate::export::ExportError> {
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("bin")) {
            let d = self
                .data()
                .filter(|d| self.sample < d.len())
                .ok_or_else(|| crate::export::ExportError::Empty("the dataset could not be read".into()))?;
            let events = self.saccades.encode(&d.intensities(self.sample), d.width);
            let (w, h) = self.saccades.sensor(d.width, d.height);
            std::fs::write(path, crate::data::events::write_nmnist(&events))
                .map_err(|error| crate::export::ExportError::Io { path: path.into(), error })?;
            self.saved = Some((path.to_path_buf(), [w as u64, h as u64]));
            return Ok(Some(format!(
                "{} events of sample {} (a {}), sensor {w} × {h}",
                events.len(),
                self.sample,
                d.label(self.sample)
            )));
        }
        let table = self.table(data, shared).filter(|t| t.data.nrows() > 0);
        let table =
            table.ok_or_else(|| crate::export::ExportError::Empty("this sample makes no spikes".into()))?;
        table.save(path).map(|()| Some(format!("{} spikes", table.data.nrows())))
    }

    fn save_label(&self) -> &'static str {
        "Save spikes (CSV, .npy) or delta events (N-MNIST .bin)…"
    }

    fn data_filters(&self) -> Vec<(&'static str, &'static [&'static str])> {
        vec![("CSV table", &["csv"]), ("NumPy array", &["npy"]), ("N-MNIST events", &["bin"])]
    }

    /// At the front for models that show a dataset.
    fn front_for(&self, model: &crate::model::Model) -> bool {
        model.inputs.iter().any(|i| i.kind() == crate::model::InputKind::Dataset)
    }

    fn ui(&mut self, ui: &mut egui::Ui, data: &LiveData, shared: &mut Shared) {
        self.follow(&data.info.model);
        let Some(d) = self.data().filter(|d| !d.is_empty()) else {
            empty_hint(ui, ui.max_rect(), "The dataset could not be read: the inspector says why");
            return;
        };
        self.sample = self.sample.min(d.len() - 1);
        ui.horizontal_wrapped(|ui| {
            let name =
                ui.label("sample").on_hover_text(format!("Which of the {} images of {}", d.len(), d.name));
            if ui.small_button("◀").on_hover_text("The previous sample").clicked() {
                self.sample = self.sample.saturating_sub(1);
            }
            crate::app::number::Number::plain()
                .range(0.0..=(d.len() - 1) as f64)
                .show(ui, &mut self.sample)
                .0
                .labelled_by(name.id);
            if ui.small_button("▶").on_hover_text("The next sample").clicked() {
                self.sample = (self.sample + 1).min(d.len() - 1);
            }
            ui.label(format!("(a {})", d.label(self.sample)));
            ui.separator();
            for e in ENCODINGS {
                ui.selectable_value(&mut self.encoding, e, e.key());
            }
            ui.separator();
            self.parameters(ui);
        });
        self.offer_to_play(ui, &data.info.model, shared);
        let slot = ENCODINGS.iter().position(|&e| e == self.encoding).unwrap_or(0);
        let spikes = &self.made(&d)[slot];
        let points: Vec<[f64; 2]> = spikes.iter().map(|s| [s.t_ms, f64::from(s.neuron)]).collect();
        let neurons = match self.encoding {
            Encoding::Delta => {
                let (w, h) = self.saccades.sensor(d.width, d.height);
                2 * w * h
            }
            _ => d.pixels_per_image(),
        };
        let table_height = 5.0 * ui.text_style_height(&egui::TextStyle::Body) + 16.0;
        let height = (ui.available_height() - table_height).max(120.0);
        ui.horizontal(|ui| {
            let side = height.min(ui.available_width() * 0.35);
            self.image(ui, &d, side);
            ui.vertical(|ui| {
                ui.set_height(height);
                axes::plot("encoding raster", axes::x("time in the sample (ms)"), axes::y("input neuron"))
                    .include_x(0.0)
                    .include_x(self.rate.duration_ms)
                    .include_y(0.0)
                    .include_y(neurons as f64)
                    .allow_scroll(false)
                    .show(ui, |plot_ui| {
                        plot_ui.points(
                            Points::new(self.encoding.key(), PlotPoints::new(points))
                                .radius(1.5)
                                .color(Color32::from_rgb(90, 170, 255)),
                        );
                    });
            });
        });
        self.comparison(ui, &d);
    }
}

impl EncodingView {
    /// After an N-MNIST file was saved: a button that makes it the model's input, in place of
    /// its dataset input (an edit like any other: Undo brings the dataset back).
    fn offer_to_play(&mut self, ui: &mut egui::Ui, model: &crate::model::Model, shared: &mut Shared) {
        let Some((path, sensor)) = self.saved.clone() else { return };
        let Some(k) = model.inputs.iter().position(|i| i.kind() == crate::model::InputKind::Dataset) else {
            return;
        };
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let tip = "Replaces the dataset input by an events input that reads this file, onto the same \
                   neurons (2 per sensor pixel: ON, OFF), as an event camera's recording is played";
        if ui.button(format!("Play {name} as the input")).on_hover_text(tip).clicked() {
            shared.proposal = Some((
                crate::model::edit::events_in_place_of_dataset(&shared.model, k, &path, sensor),
                format!("Input: the events of {name}"),
            ));
            self.saved = None;
        }
    }

    /// The sample as grey squares, `side` points wide.
    fn image(&self, ui: &mut egui::Ui, d: &Dataset, side: f32) {
        let (rect, _) = ui.allocate_exact_size(vec2(side, side), Sense::hover());
        let cell = side / d.width.max(d.height) as f32;
        let painter = ui.painter_at(rect);
        for (k, &x) in d.intensities(self.sample).iter().enumerate() {
            let (c, r) = ((k % d.width) as f32, (k / d.width) as f32);
            let v = (x * 255.0) as u8;
            let at = Rect::from_min_size(rect.min + vec2(c * cell, r * cell), vec2(cell, cell));
            painter.rect_filled(at, 0.0, Color32::from_gray(v));
        }
        painter.rect_stroke(rect, 0.0, Stroke::new(1.0, Color32::GRAY), egui::StrokeKind::Outside);
    }

    /// The three encoders on this sample, and their mean over the first samples.
    fn comparison(&mut self, ui: &mut egui::Ui, d: &Arc<Dataset>) {
        let now = Made { data: d.clone(), sample: 0, params: (self.rate, self.latency, self.saccades) };
        if self.means.as_ref().is_none_or(|(_, p)| *p != now) {
            let n = MEAN_OVER.min(d.len());
            let means = ENCODINGS
                .map(|e| (0..n).map(|k| self.spikes(d, k, e).len()).sum::<usize>() as f64 / n.max(1) as f64);
            self.means = Some((means, now));
        }
        let means = self.means.as_ref().map_or([0.0; 3], |(m, _)| *m);
        egui::Grid::new("encoders").striped(true).show(ui, |ui| {
            for h in ["encoder", "spikes, this sample", "first spike", "spikes a sample (mean of 100)"] {
                ui.strong(h);
            }
            ui.end_row();
            let made = self.made(d).clone();
            for (slot, (e, s)) in ENCODINGS.into_iter().zip(made).enumerate() {
                let first = s.iter().map(|s| s.t_ms).fold(f64::INFINITY, f64::min);
                ui.label(e.key());
                ui.label(s.len().to_string());
                ui.label(if first.is_finite() { format!("{first:.1} ms") } else { "–".into() });
                ui.label(format!("{:.1}", means[slot]));
                ui.end_row();
            }
        });
    }
}
