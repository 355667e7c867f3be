//! Training: teach a spiking network the digits and watch it learn. A training
//! configuration ([`crate::learn`]) runs on its own thread, an epoch at a time, with
//! progress, pause and cancel; the view shows the loss and the train and test accuracy per
//! epoch, and the first layer's weights as receptive fields (each hidden neuron's 64 input
//! weights as an 8 × 8 image, red for excitation, blue for inhibition). When it stops, the
//! trained network opens in the workbench as a model, to run, change and watch.

use super::{LiveData, Shared, View, axes, empty_hint};
use crate::export::Table;
use crate::learn::config::BUILT_IN;
use crate::learn::{Cost, EpochReport, TrainConfig, Trainer};
use egui::{Color32, Rect, Sense, Stroke, vec2};
use egui_plot::{Line, PlotPoints};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, channel};

/// What the training thread sends.
enum Msg {
    /// An epoch ended: its report, the first layer's weights after it, and a look inside.
    Epoch(EpochReport, ndarray::Array2<f32>, Box<Inside>),
    /// Training stopped (all epochs done, or cancelled): the trainer, its weights those of
    /// the last completed epoch, what an inference of it costs on the test set, and for a
    /// converted network the ReLU network's test accuracy and the spiking one's by steps.
    Done(Box<Trainer>, Cost, Option<(f64, Vec<(u64, f64)>)>),
}

/// A look inside the network after an epoch: the test set's confusion matrix, and one test
/// sample's run through every layer.
#[derive(Clone, Debug, Default)]
pub struct Inside {
    /// `confusion[true][predicted]`, over the test samples.
    pub confusion: Vec<Vec<u32>>,
    /// Which test sample (an index into the test samples), its label and the prediction.
    pub sample: usize,
    pub label: usize,
    pub predicted: Option<usize>,
    /// Its spikes in each layer, and the output potentials (surrogate and conversion).
    pub activity: Option<crate::learn::Activity>,
}

/// What the network does now with the test set and with test sample `sample`.
fn look_inside(trainer: &Trainer, sample: usize) -> Inside {
    let test = &trainer.split.test;
    let classes = test.iter().map(|&k| trainer.data().label(k) as usize).max().map_or(0, |m| m + 1);
    let predicted = trainer.predict(test);
    let mut confusion = vec![vec![0u32; classes]; classes];
    for (&k, &p) in test.iter().zip(&predicted) {
        if p < classes {
            confusion[trainer.data().label(k) as usize][p] += 1;
        }
    }
    let sample = sample.min(test.len().saturating_sub(1));
    Inside {
        confusion,
        sample,
        label: test.get(sample).map_or(0, |&k| trainer.data().label(k) as usize),
        predicted: predicted.get(sample).copied().filter(|&p| p < classes),
        activity: (trainer.competitive.is_none() && !test.is_empty()).then(|| trainer.activity(test[sample])),
    }
}

/// What the view shows beside the receptive fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Show {
    #[default]
    Curves,
    Sample,
    Confusion,
}

/// A training run on its thread.
struct Job {
    rx: Receiver<Msg>,
    cancel: Arc<AtomicBool>,
    pause: Arc<AtomicBool>,
    /// The fraction of the epoch done, as f64 bits.
    progress: Arc<AtomicU64>,
    /// The test sample the view looks at.
    sample: Arc<std::sync::atomic::AtomicUsize>,
}

#[derive(Default)]
pub struct TrainingView {
    /// Which built-in configuration.
    chosen: usize,
    job: Option<Job>,
    reports: Vec<EpochReport>,
    /// The first layer's weights after the last epoch.
    fields: Option<ndarray::Array2<f32>>,
    /// The trainer after a finished or cancelled run.
    trained: Option<Box<Trainer>>,
    /// Why the last run could not start.
    problem: Option<String>,
    /// What an inference of the trained network costs.
    cost: Option<Cost>,
    /// The method of the run shown.
    method: Option<crate::learn::Method>,
    /// After a conversion: the ReLU network's test accuracy, and the spiking network's
    /// against the steps each digit is shown.
    by_steps: Option<(f64, Vec<(u64, f64)>)>,
    /// The last look inside, and what is shown.
    inside: Option<Inside>,
    show: Show,
    /// The test sample looked at.
    sample: usize,
    /// The configuration of the run shown.
    ran: Option<&'static str>,
    /// The chosen configuration as the user has edited it (epochs, steps, learning rate,
    /// seed), and which built-in one it came from.
    edited: Option<(usize, TrainConfig)>,
}

impl TrainingView {
    /// Starts training the chosen configuration on its own thread, which wakes the window
    /// (`ctx`) whenever it has news, so that the end of a run shows without the mouse moving.
    pub fn start(&mut self, ctx: &egui::Context) {
        let ctx = ctx.clone();
        let (name, _) = BUILT_IN[self.chosen.min(BUILT_IN.len() - 1)];
        let trainer = self.config().and_then(|cfg| Trainer::new(cfg).map_err(|e| e.to_string()));
        let mut trainer = match trainer {
            Ok(t) => t,
            Err(e) => {
                self.problem = Some(e);
                return;
            }
        };
        self.method = Some(trainer.config.method);
        self.ran = Some(name);
        let (tx, rx) = channel();
        let job = Job {
            rx,
            cancel: Arc::new(AtomicBool::new(false)),
            pause: Arc::new(AtomicBool::new(false)),
            progress: Arc::new(AtomicU64::new(0)),
            sample: Arc::new(std::sync::atomic::AtomicUsize::new(self.sample)),
        };
        let (cancel, pause, progress) = (job.cancel.clone(), job.pause.clone(), job.progress.clone());
        let sample = job.sample.clone();
        std::thread::Builder::new()
            .name("training".into())
            .spawn(move || {
                crate::app::runner::yield_to_the_window();
                for _ in 0..trainer.config.epochs {
                    let report = trainer.epoch(&cancel, &mut |done| {
                        progress.store(done.to_bits(), Ordering::Relaxed);
                        // Paused: wait here, between two batches, until resumed or cancelled.
                        while pause.load(Ordering::Relaxed) && !cancel.load(Ordering::Relaxed) {
                            std::thread::sleep(std::time::Duration::from_millis(20));
                        }
                    });
                    let Some(report) = report else { break };
                    let fields = trainer.weights().0[0].clone();
                    let inside = look_inside(&trainer, sample.load(Ordering::Relaxed));
                    if tx.send(Msg::Epoch(report, fields, Box::new(inside))).is_err() {
                        return;
                    }
                    ctx.request_repaint();
                }
                let test = trainer.split.test.clone();
                let cost = trainer.cost(&test);
                let conversion = trainer
                    .ann_accuracy(&test)
                    .map(|ann| (ann, trainer.accuracy_by_steps(&test, &trainer.config.conversion().sweep)));
                let _ = tx.send(Msg::Done(Box::new(trainer), cost, conversion));
                ctx.request_repaint();
            })
            .expect("a thread starts");
        self.job = Some(job);
        self.reports.clear();
        self.fields = None;
        self.trained = None;
        self.problem = None;
        self.cost = None;
        self.by_steps = None;
    }

    /// Chooses the built-in configuration `name` (a lesson step about it does), unless a run
    /// is under way; whether it is now the chosen one.
    pub fn choose(&mut self, name: &str) -> bool {
        if self.job.is_none()
            && let Some(k) = BUILT_IN.iter().position(|(n, _)| *n == name)
        {
            self.chosen = k;
        }
        BUILT_IN[self.chosen].0 == name
    }

    /// The built-in configuration chosen.
    pub fn chosen(&self) -> &'static str {
        BUILT_IN[self.chosen].0
    }

    /// The chosen configuration with the user's edits.
    fn config(&mut self) -> Result<TrainConfig, String> {
        if self.edited.as_ref().is_none_or(|(k, _)| *k != self.chosen) {
            let cfg = TrainConfig::load(BUILT_IN[self.chosen].0).map_err(|e| e.to_string())?;
            self.edited = Some((self.chosen, cfg));
        }
        Ok(self.edited.as_ref().expect("just loaded").1.clone())
    }

    /// The few settings a student changes between runs, each within what makes sense.
    fn settings(&mut self, ui: &mut egui::Ui) {
        if self.config().is_err() {
            return;
        }
        let Some((_, cfg)) = self.edited.as_mut() else { return };
        let label = ui.label("epochs");
        let count = crate::app::number::Number::plain().range(1.0..=500.0);
        count.show(ui, &mut cfg.epochs).0.labelled_by(label.id);
        ui.label("steps a digit").on_hover_text("Time steps each sample is shown for (T)");
        count.show(ui, &mut cfg.data.steps);
        let rate = match cfg.method {
            crate::learn::Method::Surrogate => {
                cfg.surrogate.get_or_insert_with(Default::default).learning_rate.into()
            }
            crate::learn::Method::Conversion => {
                cfg.conversion.get_or_insert_with(Default::default).learning_rate.into()
            }
            crate::learn::Method::Stdp => None,
        };
        if let Some(mut lr) = rate {
            ui.label("learning rate").on_hover_text("Adam's step size");
            let field = crate::app::number::Number::plain().range(1e-5..=0.1).speed(1e-4).max_decimals(5);
            if field.show(ui, &mut lr).1.any() {
                match cfg.method {
                    crate::learn::Method::Surrogate => {
                        cfg.surrogate.get_or_insert_with(Default::default).learning_rate = lr
                    }
                    _ => cfg.conversion.get_or_insert_with(Default::default).learning_rate = lr,
                }
            }
        }
        ui.label("seed");
        crate::app::number::Number::plain().range(0.0..=u64::MAX as f64).show(ui, &mut cfg.seed);
    }

    /// Whether a run is going (paused or not).
    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// The run shown, as lesson checks read it.
    pub fn run(&self) -> Option<crate::lessons::TrainedRun<'_>> {
        Some(crate::lessons::TrainedRun {
            configuration: self.ran?,
            test_accuracy: self.reports.last()?.test_accuracy,
            events: self.cost.map(|c| c.synaptic_events),
            by_steps: self.by_steps.as_ref().map_or(&[], |(_, b)| b.as_slice()),
        })
    }

    /// The last look inside the network (for tests).
    pub fn inside(&self) -> Option<&Inside> {
        self.inside.as_ref()
    }

    /// The epochs reported so far.
    pub fn reports(&self) -> &[EpochReport] {
        &self.reports
    }

    fn controls(&mut self, ui: &mut egui::Ui, shared: &mut Shared) {
        ui.horizontal_wrapped(|ui| {
            let idle = self.job.is_none();
            ui.add_enabled_ui(idle, |ui| {
                egui::ComboBox::from_id_salt("training config")
                    .selected_text(BUILT_IN[self.chosen].0)
                    .show_ui(ui, |ui| {
                        for (k, (name, _)) in BUILT_IN.iter().enumerate() {
                            ui.selectable_value(&mut self.chosen, k, *name);
                        }
                    });
            });
            let train_first = idle;
            match &self.job {
                None => {
                    if ui.button("▶ Train").on_hover_text("Start training from fresh weights").clicked() {
                        self.start(ui.ctx());
                    }
                }
                Some(job) => {
                    let paused = job.pause.load(Ordering::Relaxed);
                    if ui.button(if paused { "▶ Resume" } else { "⏸ Pause" }).clicked() {
                        job.pause.store(!paused, Ordering::Relaxed);
                    }
                    if ui
                        .button("Cancel")
                        .on_hover_text("Stop; keep the last completed epoch's weights")
                        .clicked()
                    {
                        job.cancel.store(true, Ordering::Relaxed);
                    }
                    let done = f64::from_bits(job.progress.load(Ordering::Relaxed));
                    let epoch = self.reports.len() + 1;
                    ui.add(
                        egui::ProgressBar::new(done as f32)
                            .desired_width(160.0)
                            .text(format!("epoch {epoch}{}", if paused { ", paused" } else { "" })),
                    );
                    ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
                }
            }
            if train_first {
                ui.separator();
                self.settings(ui);
                ui.separator();
            }
            if let Some(trainer) = &self.trained
                && !trainer.history.is_empty()
                && trainer.competitive.is_none()
                && ui
                    .button("Open the trained network")
                    .on_hover_text(
                        "Save it as a model (weights as .npy beside it) and open it in the workbench",
                    )
                    .clicked()
            {
                match open_trained(trainer) {
                    Ok(path) => shared.open = Some(path),
                    Err(e) => shared.refused = Some(format!("Could not save the trained network: {e}")),
                }
            }
            if let Some(last) = self.reports.last() {
                ui.label(format!(
                    "test {:.1}% · loss {:.3} · {:.1} s",
                    100.0 * last.test_accuracy,
                    last.loss,
                    last.wall_s
                ))
                .on_hover_text(format!("After epoch {}", last.epoch));
            }
        });
        if let Some(p) = &self.problem {
            ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {p}"));
        }
        if let Some(c) = &self.cost {
            ui.label(c.summary()).on_hover_text(Cost::sources());
        }
    }

    fn curves(&self, ui: &mut egui::Ui, height: f32) {
        let line = |f: &dyn Fn(&EpochReport) -> f64| -> PlotPoints<'static> {
            self.reports.iter().map(|r| [r.epoch as f64, f(r)]).collect::<Vec<_>>().into()
        };
        let max_loss = self.reports.iter().map(|r| r.loss).fold(0.0, f64::max).max(1.0);
        let (test, train, loss) = (
            Color32::from_rgb(90, 200, 120),
            Color32::from_rgb(90, 170, 255),
            Color32::from_rgb(230, 150, 60),
        );
        // The key above the plot, where it hides no line.
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(test, "— test accuracy");
            ui.colored_label(train, "— train accuracy");
            if self.method == Some(crate::learn::Method::Stdp) {
                // STDP minimises no loss: the samples no neuron answered stand in.
                ui.colored_label(loss, "— samples unanswered");
            } else {
                ui.colored_label(loss, format!("— loss ÷ {max_loss:.2}"));
            }
            ui.colored_label(Color32::GRAY, "— chance");
        });
        let height = height - ui.spacing().interact_size.y - 4.0;
        axes::plot("training curves", axes::x("epoch"), axes::y("accuracy, loss"))
            .height(height)
            .include_x(0.0)
            .include_x(self.reports.len().max(5) as f64)
            .include_y(0.0)
            .include_y(1.0)
            .allow_scroll(false)
            .show(ui, |p| {
                p.line(Line::new("test accuracy", line(&|r| r.test_accuracy)).color(test));
                p.line(Line::new("train accuracy", line(&|r| r.train_accuracy)).color(train));
                p.line(Line::new("loss", line(&|r| r.loss / max_loss)).color(loss));
                p.hline(egui_plot::HLine::new("chance", 0.1).color(Color32::GRAY));
            });
    }

    /// Each hidden neuron's input weights as a `side` × `side` image, tiled.
    fn receptive_fields(&self, ui: &mut egui::Ui, w: &ndarray::Array2<f32>, size: f32) {
        let side = (w.nrows() as f64).sqrt().round() as usize;
        if side * side != w.nrows() || side == 0 {
            ui.label("The first layer's inputs are not a square image");
            return;
        }
        let n = w.ncols();
        let per_row = (n as f64).sqrt().ceil() as usize;
        let rows = n.div_ceil(per_row);
        let (rect, _) =
            ui.allocate_exact_size(vec2(size, size * rows as f32 / per_row as f32), Sense::hover());
        let tile = size / per_row as f32;
        let cell = (tile - 2.0) / side as f32;
        let scale = w.iter().fold(0.0f32, |m, &x| m.max(x.abs())).max(1e-6);
        let painter = ui.painter_at(rect);
        for j in 0..n {
            let origin = rect.min + vec2((j % per_row) as f32 * tile, (j / per_row) as f32 * tile);
            for i in 0..w.nrows() {
                let at = origin + vec2((i % side) as f32 * cell, (i / side) as f32 * cell);
                let x = 0.5 + 0.5 * w[[i, j]] / scale;
                painter.rect_filled(
                    Rect::from_min_size(at, vec2(cell, cell)),
                    0.0,
                    super::heatmap::red_blue(x),
                );
            }
        }
        painter.rect_stroke(rect, 0.0, Stroke::new(1.0, Color32::GRAY), egui::StrokeKind::Outside);
    }
}

/// One test digit through the network: each layer's spikes (input at the bottom) and the
/// output neurons' potentials, with the true and the predicted class.
fn sample_view(ui: &mut egui::Ui, inside: &Inside, height: f32) {
    let answer = inside.predicted.map_or("none".into(), |p| p.to_string());
    let verdict = if inside.predicted == Some(inside.label) { "right" } else { "wrong" };
    ui.label(format!(
        "test digit {}: a {}; the network answers {answer} ({verdict}). Spikes: input (blue, lowest), hidden (orange), output (green)",
        inside.sample, inside.label
    ));
    let Some(a) = &inside.activity else {
        ui.label("Competitive STDP answers by vote: see the receptive fields");
        return;
    };
    let half = (height - 3.0 * ui.spacing().interact_size.y) / 2.0;
    let colours =
        [Color32::from_rgb(90, 170, 255), Color32::from_rgb(230, 150, 60), Color32::from_rgb(90, 200, 120)];
    let mut offset = 0.0;
    let mut layers = Vec::new();
    for (l, steps) in a.spikes.iter().enumerate() {
        let size =
            if l == 0 { 64.0 } else { steps.iter().flatten().max().map_or(1.0, |&m| f64::from(m) + 1.0) };
        let points: Vec<[f64; 2]> = steps
            .iter()
            .enumerate()
            .flat_map(|(t, fired)| fired.iter().map(move |&i| [t as f64, offset + f64::from(i)]))
            .collect();
        layers.push((l, points));
        offset += size.max(10.0) + 4.0;
    }
    axes::plot("layers raster", axes::x("step"), axes::y("neuron")).height(half).allow_scroll(false).show(
        ui,
        |p| {
            for (l, points) in layers {
                let name = if l == 0 { "input".to_string() } else { format!("layer {l}") };
                p.points(
                    egui_plot::Points::new(name, PlotPoints::new(points)).radius(1.5).color(colours[l % 3]),
                );
            }
        },
    );
    ui.colored_label(
        Color32::from_rgb(90, 200, 120),
        format!("— output neuron {} (the true class); grey: the other nine", inside.label),
    );
    axes::plot("output potentials", axes::x("step"), axes::y("V (mV)"))
        .height(half - ui.spacing().interact_size.y)
        .allow_scroll(false)
        .show(ui, |p| {
            let n = a.output_u.first().map_or(0, Vec::len);
            for k in 0..n {
                let points: Vec<[f64; 2]> =
                    a.output_u.iter().enumerate().map(|(t, u)| [t as f64, f64::from(u[k])]).collect();
                let c =
                    if k == inside.label { Color32::from_rgb(90, 200, 120) } else { Color32::from_gray(110) };
                let line = Line::new(format!("{k}"), PlotPoints::new(points)).color(c);
                p.line(if k == inside.label { line.width(2.5) } else { line });
            }
        });
}

/// Test digits by true class (rows) and answer (columns), darker for more.
fn confusion_view(ui: &mut egui::Ui, confusion: &[Vec<u32>], height: f32) {
    let n = confusion.len();
    if n == 0 {
        return;
    }
    ui.label("rows: the true class; columns: the network's answer");
    let side = (height - 2.0 * ui.spacing().interact_size.y).min(ui.available_width());
    let (rect, _) = ui.allocate_exact_size(vec2(side, side), Sense::hover());
    let cell = side / (n + 1) as f32;
    let painter = ui.painter_at(rect);
    let most = confusion.iter().flatten().copied().max().unwrap_or(1).max(1);
    let font = egui::FontId::proportional((cell * 0.4).clamp(8.0, 14.0));
    for (k, row) in confusion.iter().enumerate() {
        let at = |r: usize, c: usize| {
            Rect::from_min_size(rect.min + vec2(c as f32 * cell, r as f32 * cell), vec2(cell, cell))
        };
        painter.text(
            at(0, k + 1).center(),
            egui::Align2::CENTER_CENTER,
            k.to_string(),
            font.clone(),
            Color32::GRAY,
        );
        painter.text(
            at(k + 1, 0).center(),
            egui::Align2::CENTER_CENTER,
            k.to_string(),
            font.clone(),
            Color32::GRAY,
        );
        for (j, &count) in row.iter().enumerate() {
            let x = count as f32 / most as f32;
            let fill = if j == k {
                Color32::from_rgb(40, (60.0 + 160.0 * x) as u8, 80)
            } else {
                Color32::from_rgb((50.0 + 200.0 * x.sqrt()) as u8, 40, 40)
            };
            let r = at(k + 1, j + 1).shrink(1.0);
            painter.rect_filled(r, 2.0, if count == 0 { Color32::from_gray(30) } else { fill });
            if count > 0 {
                painter.text(
                    r.center(),
                    egui::Align2::CENTER_CENTER,
                    count.to_string(),
                    font.clone(),
                    Color32::WHITE,
                );
            }
        }
    }
}

/// A converted network's test accuracy against the steps each digit is shown, with the ReLU
/// network's as a line: what the conversion costs in time.
fn latency_curve(ui: &mut egui::Ui, (ann, by_steps): &(f64, Vec<(u64, f64)>), height: f32) {
    let spiking = Color32::from_rgb(90, 200, 120);
    ui.horizontal_wrapped(|ui| {
        ui.colored_label(spiking, "— converted spiking network");
        ui.colored_label(Color32::GRAY, format!("— the ReLU network, {:.1}%", 100.0 * ann));
    });
    let points: Vec<[f64; 2]> = by_steps.iter().map(|&(n, a)| [n as f64, a]).collect();
    axes::plot("accuracy by steps", axes::x("steps a digit is shown"), axes::y("accuracy"))
        .height(height - ui.spacing().interact_size.y - 4.0)
        .include_x(0.0)
        .include_y(0.5)
        .include_y(1.0)
        .allow_scroll(false)
        .show(ui, |p| {
            p.hline(egui_plot::HLine::new("ReLU", *ann).color(Color32::GRAY));
            p.line(Line::new("converted", PlotPoints::new(points.clone())).color(spiking));
            p.points(egui_plot::Points::new("steps", PlotPoints::new(points)).radius(3.0).color(spiking));
        });
}

/// Saves the trained network in the program's folder (`trained/`, beside its settings) and
/// returns the model file's path.
fn open_trained(trainer: &Trainer) -> Result<std::path::PathBuf, String> {
    let folder = crate::app::settings::config_dir().unwrap_or_else(std::env::temp_dir).join("trained");
    std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let name = trainer.config.name.to_lowercase();
    let words: Vec<&str> = name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let path = folder.join(format!("{}.toml", words.join("_")));
    trainer.save_model(&path).map_err(|e| e.to_string())?;
    Ok(path)
}

impl View for TrainingView {
    fn title(&self) -> &'static str {
        "Training"
    }

    fn file_stem(&self) -> &'static str {
        "training"
    }

    /// Per epoch: loss, train and test accuracy, wall time.
    fn table(&self, _: &LiveData, _: &Shared) -> Option<Table> {
        let col = |f: fn(&EpochReport) -> f64| self.reports.iter().map(f).collect();
        Some(Table::from_columns(vec![
            ("epoch".into(), col(|r| r.epoch as f64)),
            ("loss".into(), col(|r| r.loss)),
            ("train_accuracy".into(), col(|r| r.train_accuracy)),
            ("test_accuracy".into(), col(|r| r.test_accuracy)),
            ("wall_s".into(), col(|r| r.wall_s)),
        ]))
    }

    /// Takes what the training thread sent; a thread that ended without its last word (it
    /// panicked) ends the run with a message instead of leaving it running for ever.
    fn poll(&mut self) {
        let Some(job) = &self.job else { return };
        loop {
            match job.rx.try_recv() {
                Ok(Msg::Epoch(report, fields, inside)) => {
                    self.reports.push(report);
                    self.fields = Some(fields);
                    self.inside = Some(*inside);
                }
                Ok(Msg::Done(trainer, cost, conversion)) => {
                    self.by_steps = conversion;
                    self.fields = Some(trainer.weights().0[0].clone());
                    self.trained = Some(trainer);
                    self.cost = Some(cost);
                    self.job = None;
                    return;
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => return,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    self.problem = Some("Training stopped: internal error in the trainer".into());
                    self.job = None;
                    return;
                }
            }
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _: &LiveData, shared: &mut Shared) {
        self.controls(ui, shared);
        if self.reports.is_empty() && self.job.is_none() {
            let about = TrainConfig::load(BUILT_IN[self.chosen].0).map(|c| c.description).unwrap_or_default();
            let about: String = about.split_whitespace().collect::<Vec<_>>().join(" ");
            empty_hint(ui, ui.available_rect_before_wrap(), &format!("Press ▶ Train. {about}"));
            return;
        }
        ui.horizontal_wrapped(|ui| {
            ui.selectable_value(&mut self.show, Show::Curves, "curves");
            ui.selectable_value(&mut self.show, Show::Sample, "a test digit")
                .on_hover_text("One test digit's spikes in every layer, and the output potentials");
            ui.selectable_value(&mut self.show, Show::Confusion, "confusion")
                .on_hover_text("Test digits by true class (rows) and answer (columns)");
            if self.show == Show::Sample {
                ui.separator();
                let n = self.trained.as_ref().map_or(500, |t| t.split.test.len());
                ui.label("test digit");
                let field = crate::app::number::Number::plain().range(0.0..=n.saturating_sub(1) as f64);
                if field.show(ui, &mut self.sample).1.any() {
                    if let Some(job) = &self.job {
                        job.sample.store(self.sample, Ordering::Relaxed);
                    } else if let Some(t) = &self.trained {
                        self.inside = Some(look_inside(t, self.sample));
                    }
                }
            }
        });
        let height = ui.available_height().max(120.0);
        ui.horizontal(|ui| {
            // Room for the fields' two-line caption under the side's top.
            let side = (ui.available_width() * 0.4).min(height - 2.0 * ui.spacing().interact_size.y);
            ui.vertical(|ui| {
                ui.set_width(ui.available_width() - side - 8.0);
                match (self.show, &self.by_steps, &self.inside) {
                    (Show::Sample, _, Some(inside)) => sample_view(ui, inside, height),
                    (Show::Confusion, _, Some(inside)) => confusion_view(ui, &inside.confusion, height),
                    (Show::Sample | Show::Confusion, _, None) => {
                        ui.label("after the first epoch");
                    }
                    (Show::Curves, Some(by_steps), _) => {
                        self.curves(ui, height * 0.5);
                        latency_curve(ui, by_steps, height * 0.5 - 8.0);
                    }
                    (Show::Curves, None, _) => self.curves(ui, height),
                }
            });
            ui.vertical(|ui| {
                ui.label("receptive fields: each hidden neuron's weights from the 8 × 8 pixels")
                    .on_hover_text("Red: the pixel excites the neuron; blue: it inhibits it");
                match &self.fields {
                    Some(w) => self.receptive_fields(ui, w, side - 20.0),
                    None => {
                        ui.label("after the first epoch");
                    }
                }
            });
        });
    }
}
