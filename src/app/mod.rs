//! What the user sees: the workbench window.
//!
//! [`SpikeLabApp::ui_root`] draws the whole window from plain state each frame: a menu bar and
//! toolbar, the model outline and inspector on the left, the views in dockable tabs in the
//! middle, and a status bar. The simulation runs on its own thread ([`runner`]); the window
//! sends it commands and takes whatever new data it has, never waiting for it.

mod document;
mod drawing;
mod energy;
mod exporting;
mod inspector;
mod layout;
pub mod lessons;
mod live;
mod notices;
mod number;
pub mod runner;
pub mod settings;
pub mod views;

pub use exporting::{Export, FilePicker, FileRequest};
pub use inspector::Selection;
pub use live::LiveData;

use crate::model::{Model, presets};
use crate::sim::Applied;
use document::Document;
use egui::{Key, KeyboardShortcut, Modifiers, RichText};
use egui_dock::{DockArea, DockState, TabViewer};
pub use notices::Notice;
use notices::{Level, Notices};
use runner::{Command, Event, Runner, Speed};
use std::path::{Path, PathBuf};
use views::{Place, Shared, Tab, Views};

/// The preset the window opens on.
pub const DEFAULT_PRESET: &str = "cuba.toml";

/// The renderers to try, in order. OpenGL first: with software rendering (a lab PC without a
/// GPU driver, Xvfb) it draws a frame in half the CPU time of wgpu's OpenGL path; wgpu is
/// the fallback where OpenGL cannot start. `cargo run --release --example window` measures it.
pub const RENDERERS: [eframe::Renderer; 2] = [eframe::Renderer::Glow, eframe::Renderer::Wgpu];

/// The window's options for one of [`RENDERERS`] (the program and the window benchmark share them).
pub fn native_options(renderer: eframe::Renderer) -> eframe::NativeOptions {
    eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1600.0, 1000.0])
            .with_min_inner_size([900.0, 560.0])
            .with_title("SpikeLab")
            .with_app_id("spikelab")
            .with_icon(icon())
            .with_drag_and_drop(true),
        renderer,
        // The redraw rate is bounded by `drawing.rs`, which also needs to time frames that the
        // display's refresh does not hold back; compositing desktops prevent tearing.
        glow_options: eframe::egui_glow::GlowConfiguration { vsync: false, ..Default::default() },
        wgpu_options: eframe::WgpuConfiguration {
            surface: eframe::SurfaceConfig {
                present_mode: eframe::wgpu::PresentMode::AutoNoVsync,
                ..eframe::WgpuConfiguration::default().surface
            },
            ..Default::default()
        },
        ..Default::default()
    }
}

/// The window's icon (the same picture as the desktop entry's, `assets/icons/spikelab.svg`).
fn icon() -> egui::IconData {
    // Drawn from the SVG by `rsvg-convert -w 64 -h 64`; a PNG shipped in the binary cannot be
    // malformed at run time, and a test decodes it.
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icons/spikelab-64.png"))
        .unwrap_or_default()
}

/// A panel frame that leaves its background to the window's clear colour. Without a GPU every
/// layer of paint over the whole window costs about 15 ms of CPU a frame, so the window is
/// cleared to the panel colour once and panels draw only what is on them.
fn bare(frame: egui::Frame) -> egui::Frame {
    frame.fill(egui::Color32::TRANSPARENT)
}

/// Something that would throw away unsaved edits, waiting for the user's answer.
#[derive(Clone, Debug)]
enum Pending {
    Open(PathBuf),
    Preset(&'static str),
    /// Start lesson k of the Lessons panel's list.
    Lesson(usize),
    Quit,
}

/// What a file dialog is for.
#[derive(Debug)]
enum DialogKind {
    Open,
    /// Save As, then perhaps go on with what the user was doing.
    SaveAs(Option<Pending>),
    /// Where to save a view's data or picture.
    Export(Tab, Export),
    /// A lesson file to open.
    Lesson,
    /// A file input `k` reads; for a `.npy` dataset's labels, the images chosen just before.
    InputFile(usize, inspector::FileField, Option<PathBuf>),
}

/// A run that waits for the user's go-ahead because it will take long.
#[derive(Clone, Copy, Debug)]
enum SlowRun {
    Play,
    Steps(u64),
}

/// Runs estimated to take longer than this (wall seconds) ask first.
const SLOW_RUN_S: f64 = 60.0;

/// The window: the document, the run, the workspace, and what is said to the user.
pub struct SpikeLabApp {
    doc: Document,
    run: Run,
    ws: Workspace,
    notices: Notices,
    selection: Option<Selection>,
    recent: Vec<PathBuf>,
    pending: Option<Pending>,
    allow_close: bool,
    /// An open file dialog and where its answer will come.
    dialog: Option<(DialogKind, std::sync::mpsc::Receiver<Option<PathBuf>>)>,
    /// For waking the window from other threads.
    ctx: Option<egui::Context>,
    /// Answers file dialogs (native ones unless a test says otherwise).
    picker: FilePicker,
    lessons: lessons::LessonsPanel,
    energy: energy::EnergyMeter,
    drawing: drawing::Drawing,
    layout: layout::Layout,
    /// Where the layout and lesson progress are remembered (none: not remembered), what was
    /// written there last, and when they were last compared with it.
    settings_file: Option<PathBuf>,
    saved: settings::Settings,
    settings_checked_at: Option<std::time::Instant>,
}

/// The run: the simulation thread, what the window has of its data, how it is driven, and
/// what the runner was asked to send.
struct Run {
    runner: Runner,
    live: LiveData,
    speed: Speed,
    stop_at: Option<f64>,
    step_ms: f64,
    /// Biological time at which the engine took the last edit.
    applied_at: Option<f64>,
    /// The projection whose weights the runner was last asked to send.
    weights_requested: Option<usize>,
    network_requested: bool,
    /// A slow run waiting for "Run anyway", with the question's text.
    slow_question: Option<(SlowRun, String)>,
    /// The network (by [`LiveData::generation`]) for which the user said "Run anyway".
    slow_confirmed: Option<u64>,
}

/// The workspace: the dock layout, the views, and the state they share.
struct Workspace {
    dock: DockState<Tab>,
    /// The user's own arrangement while a lesson shows its own: given back when the lesson
    /// ends (another model is opened), and the one remembered for the next session.
    user_dock: Option<DockState<Tab>>,
    views: Views,
    shared: Shared,
    /// Where each visible view was drawn last frame (for cropping screenshots).
    tab_rects: std::collections::HashMap<Tab, egui::Rect>,
    /// Exports asked for from the tabs' context menus this frame.
    exports: Vec<(Tab, Export)>,
}

const SPEEDS: [(Speed, &str); 6] = [
    (Speed::MsPerSecond(10.0), "1/100 × real time"),
    (Speed::MsPerSecond(100.0), "1/10 × real time"),
    (Speed::MsPerSecond(1000.0), "real time"),
    (Speed::MsPerSecond(10_000.0), "10 × real time"),
    (Speed::MsPerSecond(100_000.0), "100 × real time"),
    (Speed::Max, "as fast as possible"),
];

impl SpikeLabApp {
    /// A window on `model`. `repaint` is called by the simulation thread when it has news
    /// (pass `ctx.request_repaint()`).
    pub fn new(
        model: Model,
        path: Option<PathBuf>,
        source_name: &str,
        repaint: impl Fn() + Send + 'static,
    ) -> Self {
        let runner = Runner::start(model.clone(), repaint);
        let dock = layout::default_dock();
        let mut app = SpikeLabApp {
            doc: Document::new(model, path, source_name),
            run: Run {
                runner,
                live: LiveData::default(),
                speed: Speed::MsPerSecond(1000.0),
                stop_at: None,
                step_ms: 10.0,
                applied_at: None,
                weights_requested: None,
                network_requested: false,
                slow_question: None,
                slow_confirmed: None,
            },
            ws: Workspace {
                dock,
                user_dock: None,
                views: Views::default(),
                shared: Shared::default(),
                tab_rects: Default::default(),
                exports: Vec::new(),
            },
            notices: Notices::default(),
            selection: Some(Selection::Population(0)),
            recent: load_recent(),
            pending: None,
            allow_close: false,
            dialog: None,
            ctx: None,
            picker: exporting::native_picker(),
            lessons: lessons::LessonsPanel::default(),
            energy: energy::EnergyMeter::default(),
            drawing: drawing::Drawing::default(),
            layout: layout::Layout::default(),
            settings_file: None,
            saved: settings::Settings::default(),
            settings_checked_at: None,
        };
        app.run.runner.send(Command::SetSpeed(app.run.speed));
        app.show_weights_if_plastic();
        // A file given on the command line is warned about as one opened from the menu.
        app.warn_about_model();
        app
    }

    /// A window on the default preset.
    pub fn with_default_preset(repaint: impl Fn() + Send + 'static) -> Self {
        let text = presets::preset(DEFAULT_PRESET).unwrap_or_default();
        let model = Model::from_toml(text, DEFAULT_PRESET).unwrap_or_default();
        SpikeLabApp::new(model, None, DEFAULT_PRESET, repaint)
    }

    /// The window on a model file or preset. One that cannot be read does not stop the window:
    /// it opens on the default model with the reason (file, line, key) in the banner, and
    /// `failed` is told it too.
    pub fn open_at_start(file: &str, repaint: impl Fn() + Send + 'static, failed: impl FnOnce(&str)) -> Self {
        match presets::file_or_preset(file) {
            Ok(model) => {
                let path = Path::new(file);
                SpikeLabApp::new(model, path.exists().then(|| path.to_path_buf()), file, repaint)
            }
            Err(e) => {
                failed(&e.to_string());
                let mut app = SpikeLabApp::with_default_preset(repaint);
                app.notices.error(format!(
                    "Could not open {file}; the window opened on the default model ({DEFAULT_PRESET}) instead.\n{e}"
                ));
                app
            }
        }
    }

    // --- for tests and the command line ---

    pub fn model(&self) -> &Model {
        self.doc.model()
    }

    pub fn live(&self) -> &LiveData {
        &self.run.live
    }

    /// Whether the model panel (tree and inspector) is shown.
    pub fn model_panel_open(&self) -> bool {
        self.layout.model_panel
    }

    /// Where a view was drawn last frame, if it is on screen.
    pub fn view_rect(&self, tab: Tab) -> Option<egui::Rect> {
        self.ws.tab_rects.get(&tab).copied()
    }

    /// Brings a view to the front, opening it if it was closed.
    pub fn show_view(&mut self, tab: Tab) {
        self.show_views(&[tab]);
    }

    /// Arranges a lesson's views: the first, the one the lesson is about, in the largest
    /// group (the raster's, at the top), each of the others in a group of its own.
    pub fn lesson_views(&mut self, tabs: &[Tab]) {
        self.arrange(tabs, true);
    }

    /// Remembers the layout, the window's size and the lesson progress in `file` from now on,
    /// starting from what it holds.
    pub fn remember_settings_in(&mut self, ctx: &egui::Context, file: PathBuf) {
        let s = settings::Settings::load(&file);
        self.layout.model_panel = s.model_panel;
        self.lessons.open = s.lessons_panel;
        self.layout.set_presentation(ctx, s.presentation);
        self.lessons.restore_progress(&s.passed);
        if let Some(dock) = s.layout.as_ref().and_then(layout::Pane::dock) {
            self.ws.dock = dock;
        }
        self.saved = s;
        self.settings_file = Some(file);
    }

    /// Writes the settings when they changed, looking at most once a second (and as the window
    /// closes), not every frame.
    fn keep_settings(&mut self, ctx: &egui::Context, closing: bool) {
        let Some(file) = &self.settings_file else { return };
        let due = closing
            || self.settings_checked_at.is_none_or(|t| t.elapsed() > std::time::Duration::from_secs(1));
        if !due {
            return;
        }
        let zoom = ctx.zoom_factor();
        let window = ctx.input(|i| i.viewport().inner_rect).map(|r| [r.width() * zoom, r.height() * zoom]);
        let now = settings::Settings {
            model_panel: self.layout.model_panel,
            lessons_panel: self.lessons.open,
            presentation: self.layout.presentation,
            window: window.or(self.saved.window),
            passed: self.lessons.progress(),
            layout: layout::Pane::of(self.ws.user_dock.as_ref().unwrap_or(&self.ws.dock)),
        };
        self.settings_checked_at = Some(std::time::Instant::now());
        if now != self.saved {
            now.save(file);
            self.saved = now;
        }
    }

    /// Presentation mode: everything [`layout::PRESENTATION_ZOOM`] times larger, for a projector.
    pub fn set_presentation(&mut self, ctx: &egui::Context, on: bool) {
        self.layout.set_presentation(ctx, on);
    }

    /// Brings views to the front together: a view that shares its tab group with one shown
    /// before it moves to a group that shows none of them yet (not the raster's, if possible).
    pub fn show_views(&mut self, tabs: &[Tab]) {
        self.arrange(tabs, false);
    }

    /// Brings `tabs` to the front, each in a group of its own; with `first_to_main` the first
    /// goes to the main group, the largest (the raster's), and the others leave it.
    fn arrange(&mut self, tabs: &[Tab], first_to_main: bool) {
        // The main group: the largest on screen, or the raster's before anything was drawn.
        // (A leaf not drawn yet has Rect::NOTHING, whose "area" is +inf·+inf.)
        let area = |leaf: &egui_dock::LeafNode<Tab>| {
            let r = leaf.rect;
            if r.is_finite() && r.is_positive() { r.width() * r.height() } else { 0.0 }
        };
        let main = self
            .ws
            .dock
            .iter_leaves()
            .filter(|(_, leaf)| area(leaf) > 0.0)
            .max_by(|a, b| area(a.1).total_cmp(&area(b.1)))
            .map(|(p, _)| p)
            .or_else(|| {
                Tab::at(Place::Top).first().and_then(|t| self.ws.dock.find_tab(t)).map(|p| p.node_path())
            });
        let mut used = Vec::new();
        for (k, &tab) in tabs.iter().enumerate() {
            let Some(path) = self.ws.dock.find_tab(&tab) else {
                self.ws.dock.push_to_focused_leaf(tab);
                continue;
            };
            let here = Some(path.node_path());
            let destination = if first_to_main && k == 0 {
                main.filter(|_| here != main)
            } else if used.contains(&path.node_path()) || (first_to_main && here == main) {
                self.ws.dock.iter_leaves().map(|(p, _)| p).find(|p| !used.contains(p) && Some(*p) != main)
            } else {
                None
            };
            if let Some(destination) = destination {
                self.ws.dock.move_tab(path, (destination, egui_dock::TabInsert::Append));
            }
            if let Some(path) = self.ws.dock.find_tab(&tab) {
                let _ = self.ws.dock.set_active_tab(path);
                used.push(path.node_path());
            }
        }
    }

    /// What the energy meter counts now.
    pub fn energy_counts(&self) -> crate::analysis::OperationCounts {
        energy::EnergyMeter::counts(&self.run.live)
    }

    /// The Lessons panel (for tests and scripts: which lesson, which step, what is ticked).
    pub fn lessons(&self) -> &lessons::LessonsPanel {
        &self.lessons
    }

    /// Reads lessons from `dir` instead of the built-in folder, watching it for changes.
    pub fn set_lessons_dir(&mut self, dir: PathBuf) {
        self.lessons.set_dir(dir);
    }

    pub fn views(&self) -> &Views {
        &self.ws.views
    }

    pub fn shared(&self) -> &Shared {
        &self.ws.shared
    }

    /// (edits that can be undone, edits that can be redone).
    pub fn undo_steps(&self) -> (usize, usize) {
        self.doc.steps()
    }

    pub fn is_dirty(&self) -> bool {
        self.doc.dirty
    }

    /// The persistent error message, if any.
    pub fn error(&self) -> Option<&str> {
        self.notices.banner().map(|(_, text)| text)
    }

    /// Biological time (ms) at which the running network took the last edit.
    pub fn applied_at(&self) -> Option<f64> {
        self.run.applied_at
    }

    pub fn notice(&self) -> Option<&Notice> {
        self.notices.status()
    }

    /// Starts running; a run estimated to take long asks first (see [`SlowRun`]).
    pub fn play(&mut self) {
        // With a stop time, the run to it; without, one second of simulated time.
        let (span_ms, to_stop) = match self.run.stop_at {
            Some(stop) if stop > self.run.live.time_ms => (stop - self.run.live.time_ms, true),
            _ => (1000.0, false),
        };
        if self.ask_if_slow(SlowRun::Play, span_ms, to_stop) {
            return;
        }
        self.run.runner.send(Command::SetSpeed(self.run.speed));
        self.run.runner.send(Command::Play);
    }

    /// Advances `steps` steps, asking first if that will take long.
    fn step_by(&mut self, steps: u64) {
        let span_ms = steps as f64 * self.run.live.info.dt_ms;
        if !self.ask_if_slow(SlowRun::Steps(steps), span_ms, true) {
            self.run.runner.send(Command::Steps(steps));
        }
    }

    /// Whether running `span_ms` needs the user's go-ahead first; if so, opens the question.
    /// Asked once per network: after "Run anyway" it runs without asking until a rebuild.
    fn ask_if_slow(&mut self, run: SlowRun, span_ms: f64, to_stop: bool) -> bool {
        if self.run.slow_confirmed == Some(self.run.live.generation) {
            return false;
        }
        let estimate = crate::sim::estimate_run(self.doc.model(), span_ms);
        if estimate.wall_s <= SLOW_RUN_S {
            return false;
        }
        let what = if to_stop {
            format!("Running {span_ms:.0} ms of simulated time")
        } else {
            "Each second of simulated time".to_string()
        };
        let text = format!(
            "{what} will take {} on this machine ({}). The views follow as it runs, and Pause \
             (Space) stops it at once.",
            estimate.wall_time_words(),
            estimate.describe()
        );
        self.run.slow_question = Some((run, text));
        true
    }

    fn slow_dialog(&mut self, ctx: &egui::Context) {
        let Some((run, text)) = self.run.slow_question.clone() else { return };
        let mut answer = None;
        egui::Modal::new(egui::Id::new("slow run")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            ui.heading("This will take a while");
            ui.label(text);
            ui.horizontal(|ui| {
                if ui.button("Run anyway").clicked() {
                    answer = Some(true);
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(false);
                }
            });
        });
        if let Some(go) = answer {
            self.run.slow_question = None;
            if go {
                self.run.slow_confirmed = Some(self.run.live.generation);
                match run {
                    SlowRun::Play => self.play(),
                    SlowRun::Steps(n) => self.step_by(n),
                }
            }
        }
    }

    pub fn pause(&mut self) {
        self.run.runner.send(Command::Pause);
    }

    pub fn set_speed(&mut self, speed: Speed) {
        self.run.speed = speed;
        self.run.runner.send(Command::SetSpeed(speed));
    }

    /// Applies what the simulation thread has sent.
    pub fn poll(&mut self) {
        for event in self.run.runner.poll() {
            match event {
                Event::Built(info) => {
                    self.run.live.reset(*info);
                    // A new network starts at t = 0: no edit has happened in it yet.
                    self.run.applied_at = None;
                    // Ask again: the new network has new weights (and maybe other projections).
                    self.run.weights_requested = None;
                    self.run.network_requested = false;
                    if self
                        .ws
                        .shared
                        .weights_of
                        .is_some_and(|k| k >= self.run.live.info.model.projections.len())
                    {
                        self.ws.shared.weights_of = None;
                    }
                    if let Some((pop, neuron)) = self.ws.shared.selected {
                        if pop < self.run.live.info.populations.len()
                            && neuron < self.run.live.info.populations[pop].1
                        {
                            self.ws.shared.watch = Some((pop, neuron, self.ws.shared.trace_variable.clone()));
                        } else {
                            self.ws.shared.selected = None;
                        }
                    }
                }
                Event::Data(batch) => self.run.live.take(batch),
                Event::Applied(Applied::InPlace, at) => {
                    self.run.applied_at = Some(at);
                    // Views read parameters (thresholds) from here.
                    self.run.live.info.model = std::sync::Arc::clone(self.doc.model());
                }
                Event::Applied(Applied::Rebuilt, _) => {
                    self.run.applied_at = Some(0.0);
                    self.say("The structure changed: the network was rebuilt and restarted at t = 0")
                }
                Event::Error(e) => self.notices.error(e),
                Event::Warning(w) => self.notices.warn(w),
                Event::Weights(w) => {
                    self.run.live.weights = Some(*w);
                    self.run.live.weights_serial += 1;
                }
                Event::NetworkWeights(w) => {
                    self.run.live.network_weights = Some(*w);
                    self.run.live.weights_serial += 1;
                }
                Event::Saved(text) => self.say(text),
                Event::Stopped => self.say("Reached the stop time; move or untick \"stop at\" to go on"),
            }
        }
    }

    /// Changes the inspector's item; a refusal message about the old item goes away.
    fn select(&mut self, selection: Option<Selection>) {
        if selection != self.selection {
            self.notices.clear_item();
        }
        self.selection = selection;
    }

    fn say(&mut self, text: impl Into<String>) {
        self.notices.info(text);
    }

    /// Opens a model file; a bad file leaves everything as it was and says why.
    pub fn open_path(&mut self, path: &Path) {
        match Model::load(path) {
            Ok(model) => {
                self.install(model, Some(path.to_path_buf()), &path.display().to_string());
                remember_recent(&mut self.recent, path);
                self.say(format!("Opened {}", path.display()));
            }
            Err(e) => {
                self.notices.error(format!("Could not open the file; the current model is unchanged.\n{e}"))
            }
        }
    }

    fn open_preset(&mut self, name: &'static str) {
        let Some(text) = presets::preset(name) else { return };
        match Model::from_toml(text, name) {
            Ok(model) => {
                self.install(model, None, name);
                self.say(format!("Loaded preset {name}"));
            }
            Err(e) => self.notices.error(e.to_string()),
        }
    }

    fn install(&mut self, model: Model, path: Option<PathBuf>, name: &str) {
        // Leaving a lesson's model: the user's own layout comes back.
        if let Some(dock) = self.ws.user_dock.take() {
            self.ws.dock = dock;
        }
        self.run.runner.send(Command::Load(Box::new(model.clone())));
        self.doc = Document::new(model, path, name);
        self.notices.clear();
        self.ws.shared.selected = None;
        self.ws.shared.follow = true;
        self.selection = Some(Selection::Population(0));
        self.ws.shared.weights_of = None;
        self.show_weights_if_plastic();
        self.warn_about_model();
    }

    /// Shows the model's warnings (allowed, but probably not meant), if any.
    fn warn_about_model(&mut self) {
        let warnings: Vec<String> = self.doc.model().warnings().iter().map(|w| w.to_string()).collect();
        if !warnings.is_empty() {
            self.notices.warn(warnings.join("\n"));
        }
    }

    /// Brings the views that ask for it to the front (the weight views for models that
    /// learn), and chooses the first plastic projection for them.
    fn show_weights_if_plastic(&mut self) {
        if let Some(k) = self.doc.model().projections.iter().position(|p| p.stdp.is_some()) {
            self.ws.shared.weights_of = Some(k);
        }
        for tab in Tab::all().filter(|&t| self.ws.views.view(t).front_for(self.doc.model())) {
            if let Some(path) = self.ws.dock.find_tab(&tab) {
                // The tab was just looked up, so it exists.
                let _ = self.ws.dock.set_active_tab(path);
            }
        }
    }

    /// Runs `action` now, or asks first when there are unsaved changes.
    fn guard(&mut self, action: Pending) {
        if self.doc.dirty {
            self.pending = Some(action);
        } else {
            self.perform(action);
        }
    }

    fn perform(&mut self, action: Pending) {
        match action {
            Pending::Open(path) => self.open_path(&path),
            Pending::Preset(name) => self.open_preset(name),
            Pending::Lesson(k) => self.begin_lesson(k),
            Pending::Quit => self.allow_close = true,
        }
    }

    /// Saves to the model's file, or asks for one; `then` runs after a successful save.
    fn save(&mut self, then: Option<Pending>) {
        match self.doc.path.clone() {
            Some(path) => {
                if self.save_to(&path)
                    && let Some(action) = then
                {
                    self.perform(action);
                }
            }
            None => self.save_as(then),
        }
    }

    /// Native file dialogs run on their own thread, so the window keeps drawing meanwhile.
    fn spawn_dialog(&mut self, kind: DialogKind, pick: impl FnOnce() -> Option<PathBuf> + Send + 'static) {
        if self.dialog.is_some() {
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(pick());
            if let Some(ctx) = ctx {
                ctx.request_repaint();
            }
        });
        self.dialog = Some((kind, rx));
    }

    fn save_as(&mut self, then: Option<Pending>) {
        let request = FileRequest {
            save: true,
            title: "Save the model".into(),
            file_name: format!("{}.toml", self.doc.model().name.to_lowercase().replace(' ', "_")),
            filters: vec![("SpikeLab model", &["toml"])],
        };
        let picker = self.picker.clone();
        self.spawn_dialog(DialogKind::SaveAs(then), move || picker(request));
    }

    fn poll_dialog(&mut self) {
        let Some((_, rx)) = &self.dialog else { return };
        let answer = match rx.try_recv() {
            Ok(answer) => answer,
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
        };
        let Some((kind, _)) = self.dialog.take() else { return };
        match (kind, answer) {
            (DialogKind::Open, Some(path)) => self.guard(Pending::Open(path)),
            (DialogKind::Export(tab, what), Some(path)) => self.export_to(tab, what, path),
            (DialogKind::Lesson, Some(path)) => self.lesson_file_chosen(path),
            (DialogKind::InputFile(k, field, images), Some(path)) => {
                self.input_file_chosen(k, field, images, path)
            }
            (DialogKind::SaveAs(then), Some(path)) => {
                if self.save_to(&path)
                    && let Some(action) = then
                {
                    self.perform(action);
                }
            }
            (_, None) => {}
        }
    }

    fn save_to(&mut self, path: &Path) -> bool {
        match self.doc.model().save(path) {
            Ok(()) => {
                self.doc.saved_as(path.to_path_buf());
                remember_recent(&mut self.recent, path);
                self.say(format!("Saved {}", path.display()));
                true
            }
            Err(e) => {
                self.notices.error(format!("Could not save: {e}"));
                false
            }
        }
    }

    fn open_dialog(&mut self) {
        let request = FileRequest {
            save: false,
            title: "Open a model".into(),
            file_name: String::new(),
            filters: vec![("SpikeLab model", &["toml"])],
        };
        let picker = self.picker.clone();
        self.spawn_dialog(DialogKind::Open, move || picker(request));
    }

    /// Asks which file input `k` should read (`images`: the `.npy` images whose labels are
    /// asked for next).
    fn choose_input_file(&mut self, k: usize, field: inspector::FileField, images: Option<PathBuf>) {
        let (title, filters) = field.request();
        let title = match &images {
            Some(p) => {
                format!("Choose the labels of {}", p.file_name().unwrap_or_default().to_string_lossy())
            }
            None => title.to_string(),
        };
        let request = FileRequest { save: false, title, file_name: String::new(), filters };
        let picker = self.picker.clone();
        self.spawn_dialog(DialogKind::InputFile(k, field, images), move || picker(request));
    }

    /// Puts the chosen file into input `k`, as an edit the document validates: a file it
    /// cannot read is refused under the input, naming the file and the row or byte. Choosing
    /// `.npy` images asks for their labels next, and sets both at once.
    fn input_file_chosen(
        &mut self,
        k: usize,
        field: inspector::FileField,
        images: Option<PathBuf>,
        path: PathBuf,
    ) {
        use crate::model::Stimulus;
        use inspector::FileField;
        let is_npy = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("npy"));
        if field == FileField::Dataset && is_npy {
            self.choose_input_file(k, FileField::Labels, Some(path));
            return;
        }
        let mut model = (**self.doc.model()).clone();
        let Some(input) = model.inputs.get_mut(k) else { return };
        let who = input.name.clone();
        let text = |p: &Path| p.to_string_lossy().into_owned();
        match (&mut input.stimulus, field) {
            (Stimulus::Dataset { dataset, labels, .. }, FileField::Dataset) => {
                (*dataset, *labels) = (text(&path), None);
            }
            (Stimulus::Dataset { dataset, labels, .. }, FileField::Labels) => {
                if let Some(images) = &images {
                    *dataset = text(images);
                }
                *labels = Some(text(&path));
            }
            (Stimulus::Events { file, .. }, FileField::Events) => *file = text(&path),
            _ => return,
        }
        // A dataset of another size drives other neurons: the input's list follows it.
        if let Some(Ok(d)) = input.stimulus.dataset()
            && let crate::model::Stimulus::Dataset { encoding, .. } = &input.stimulus
            && !input.neurons.is_empty()
        {
            input.neurons = (0..encoding.neurons(&d) as u64).collect();
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        self.edit(model, Some(Selection::Input(k)), &format!("Input \"{who}\" now reads {name}"));
    }

    fn step_once(&mut self) {
        self.run.runner.send(Command::Steps(1));
    }

    /// Takes an edit (from the inspector's item `origin`, or from elsewhere: a view, a
    /// lesson): the document validates and records it, the runner gets it. A refused edit
    /// leaves everything as it was and says why: under the item for the inspector, in the
    /// banner otherwise. Returns whether it was taken.
    fn edit(&mut self, model: Model, origin: Option<Selection>, what: &str) -> bool {
        self.edit_gesture(model, origin, document::Gesture::Done, what)
    }

    /// [`SpikeLabApp::edit`], for an edit that may be one step of a drag.
    fn edit_gesture(
        &mut self,
        model: Model,
        origin: Option<Selection>,
        gesture: document::Gesture,
        what: &str,
    ) -> bool {
        match self.doc.edit(model, origin, gesture) {
            Ok(model) => {
                self.notices.clear_item();
                self.run.runner.send(Command::Apply(Box::new((*model).clone())));
                if !what.is_empty() {
                    self.say(what.to_string());
                }
                self.warn_about_model();
                true
            }
            Err(why) => {
                self.notices.refused(origin, &why);
                false
            }
        }
    }

    /// Takes back the last edit (Ctrl+Z); the running network follows.
    pub fn undo(&mut self) {
        if let Some(model) = self.doc.undo() {
            self.after_history_step(model, "Undone");
        }
    }

    /// Does again what was undone (Ctrl+Shift+Z).
    pub fn redo(&mut self) {
        if let Some(model) = self.doc.redo() {
            self.after_history_step(model, "Redone");
        }
    }

    fn after_history_step(&mut self, model: std::sync::Arc<Model>, what: &str) {
        self.notices.clear_item();
        self.run.runner.send(Command::Apply(Box::new((*model).clone())));
        let (back, ahead) = self.doc.steps();
        self.say(format!("{what} ({back} more to undo, {ahead} to redo)"));
    }

    fn toggle_play(&mut self) {
        if self.run.live.playing {
            self.run.runner.send(Command::Pause);
        } else {
            self.play();
        }
    }

    fn reset(&mut self) {
        self.run.runner.send(Command::Reset);
    }

    /// Tells the runner what the open views and the lesson need (weights, the network
    /// matrix), when that changes.
    fn subscribe(&mut self) {
        // The heatmap says which projection it shows; the runner is told when that changes.
        // A lesson's question about weights needs them too, whichever views are open.
        if let Some(k) = self.lessons.weights_needed(self.doc.model()) {
            self.ws.shared.weights_of = Some(k);
            self.ws.shared.network_weights = false;
        }
        let open = Tab::all().filter(|t| self.ws.dock.find_tab(t).is_some());
        let needs = self.ws.views.needs(open, &self.ws.shared);
        let shows_weights = needs.weights || self.lessons.weights_needed(self.doc.model()).is_some();
        let wanted = if shows_weights { self.ws.shared.weights_of } else { None };
        if wanted != self.run.weights_requested {
            self.run.runner.send(Command::ShowWeights(wanted));
            self.run.weights_requested = wanted;
        }
        let network = needs.network_weights;
        if network != self.run.network_requested {
            self.run.runner.send(Command::ShowNetworkWeights(network));
            self.run.network_requested = network;
        }
    }

    /// Forwards what the views asked of the runner: commands, and a neuron to watch.
    fn send_requests(&mut self) {
        for command in std::mem::take(&mut self.ws.shared.requests) {
            self.run.runner.send(command);
        }
        if let Some((pop, neuron, variable)) = self.ws.shared.watch.take() {
            let chosen = self.ws.shared.trace_variable.clone();
            let variable = if variable.is_empty() { chosen.clone() } else { variable };
            if variable != "v" && chosen != "v" {
                self.run.runner.send(Command::Watch { pop, neuron, variable: "v".into() });
            }
            self.run.runner.send(Command::Watch { pop, neuron, variable });
            self.select(Some(Selection::Population(pop)));
        }
    }

    /// Takes what the views left for the app this frame: exports, an edited model, a refused
    /// edit, an item to inspect.
    fn take_outbox(&mut self) {
        for (tab, what) in std::mem::take(&mut self.ws.exports) {
            self.export(tab, what);
        }
        if let Some((model, what)) = self.ws.shared.proposal.take() {
            self.edit(model, None, &what);
        }
        if let Some(why) = self.ws.shared.refused.take() {
            self.notices.refused(None, &why);
        }
        if let Some(item) = self.ws.shared.inspect.take() {
            self.select(Some(item));
        }
        if let Some(path) = self.ws.shared.open.take() {
            self.guard(Pending::Open(path));
        }
    }

    /// The whole window. eframe calls it through [`eframe::App::ui`]; tests call it directly.
    /// One frame of the real window: timed (which decides how often a running network is
    /// redrawn, see `drawing.rs`), then drawn.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        self.drawing.frame_started(std::time::Instant::now());
        self.ui_root(ui);
    }

    pub fn ui_root(&mut self, ui: &mut egui::Ui) {
        self.poll();
        self.ws.views.poll();
        let ctx = ui.ctx().clone();
        self.ctx = Some(ctx.clone());
        self.poll_dialog();
        self.handle_input(&ctx);
        self.subscribe();
        self.send_requests();

        let panel = bare(egui::Frame::side_top_panel(ui.style()));
        egui::Panel::top("menu").frame(panel).show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| self.menus(ui));
        });
        egui::Panel::top("toolbar").frame(panel).show(ui, |ui| self.toolbar(ui));
        egui::Panel::bottom("status").frame(panel).show(ui, |ui| self.status_bar(ui));
        let width = ui.available_width();
        let lesson = self.lessons.current().map(|l| l.file_name.clone()).filter(|_| self.lessons.open);
        let arranged = self.layout.make_room(width, lesson.as_deref());
        if arranged == Some(true) {
            self.say("Model panel folded for the lesson (Ctrl+B)");
        }
        let focus = self.lessons.current().filter(|_| self.lessons.open).and_then(|l| {
            let step = l.lesson.steps.get(self.lessons.step)?;
            step.view.as_ref().or(l.lesson.views.first()).and_then(|v| Tab::from_key(v))
        });
        // Once the dock has been drawn: which group is the largest is known only then.
        let drawn = self.ws.dock.iter_leaves().any(|(_, l)| l.rect.is_finite() && l.rect.is_positive());
        if drawn && let Some(tab) = self.layout.refocus(focus, arranged.is_some()) {
            // On a projector the step's view goes to the largest group, which grows.
            self.arrange(&[tab], self.layout.presentation);
            if self.layout.presentation {
                layout::enlarge(&mut self.ws.dock, tab, layout::LESSON_VIEW_SHARE);
            }
        }
        if self.layout.model_panel {
            egui::Panel::left(layout::MODEL_PANEL)
                .frame(panel)
                .resizable(true)
                .default_size(layout::MODEL_WIDTH)
                .max_size(0.5 * width)
                .show(ui, |ui| self.side_panel(ui));
        }
        if self.lessons.open {
            let most = layout::LESSONS_MAX_SHARE * width;
            egui::Panel::right(layout::LESSONS_PANEL)
                .frame(panel)
                .resizable(true)
                .default_size(layout::LESSONS_WIDTH.min(most))
                .max_size(most)
                .show(ui, |ui| self.lessons_panel(ui));
        }
        let central = bare(egui::Frame::central_panel(ui.style()));
        egui::CentralPanel::default_margins().frame(central).show(ui, |ui| {
            if let Some((level, text)) = self.notices.banner() {
                let color = match level {
                    Level::Error => ui.visuals().error_fg_color,
                    Level::Warning => ui.visuals().warn_fg_color,
                };
                let text = text.to_string();
                egui::Frame::new().fill(ui.visuals().extreme_bg_color).inner_margin(6.0).show(ui, |ui| {
                    // Long messages wrap within the central area instead of widening it.
                    ui.set_max_width(ui.available_width());
                    ui.add(egui::Label::new(RichText::new(format!("⚠ {text}")).strong().color(color)).wrap());
                    if ui.button("Dismiss").on_hover_text("Hide this message").clicked() {
                        self.notices.dismiss_banner();
                    }
                });
            }
            self.ws.tab_rects.clear();
            self.ws.shared.model = std::sync::Arc::clone(self.doc.model());
            let mut viewer = Viewer {
                views: &mut self.ws.views,
                live: &self.run.live,
                shared: &mut self.ws.shared,
                rects: &mut self.ws.tab_rects,
                exports: &mut self.ws.exports,
            };
            // A view may be dragged down to 60 points (egui_dock's default keeps 175 on each
            // side of a divider, which on a projector's 480-point-high window pins every
            // divider near the middle).
            let mut style = egui_dock::Style::from_egui(ui.style());
            style.separator.extra = 60.0;
            DockArea::new(&mut self.ws.dock)
                .style(style)
                .show_close_buttons(false)
                .show_add_buttons(false)
                .show_leaf_close_all_buttons(false)
                .show_leaf_collapse_buttons(false)
                .show_inside(ui, &mut viewer);
        });
        self.take_outbox();
        self.drawing.schedule(&ctx, self.run.live.playing);
        self.energy.window(&ctx, &self.run.live);
        self.layout.help_window(&ctx);
        if std::mem::take(&mut self.layout.reset_requested) {
            self.ws.dock = layout::default_dock();
            self.ws.user_dock = None;
        }
        self.unsaved_dialog(&ctx);
        self.slow_dialog(&ctx);
        let closing = ctx.input(|i| i.viewport().close_requested()) || self.allow_close;
        self.keep_settings(&ctx, closing);
        if ctx.input(|i| i.viewport().close_requested()) && self.doc.dirty && !self.allow_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.pending = Some(Pending::Quit);
        }
        if self.allow_close && self.pending.is_none() {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn handle_input(&mut self, ctx: &egui::Context) {
        self.take_screenshots(ctx);
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            self.guard(Pending::Open(path));
        }
        // No shortcuts while a field is being typed in or a question is open.
        if ctx.egui_wants_keyboard_input() || self.pending.is_some() {
            return;
        }
        let shortcut = |m, k| KeyboardShortcut::new(m, k);
        if ctx.input_mut(|i| i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::R))) {
            self.reset();
        }
        if ctx.input_mut(|i| i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::O))) {
            self.open_dialog();
        }
        // Shift+Ctrl+Z first: the plain Ctrl+Z shortcut would also match it.
        if ctx.input_mut(|i| i.consume_shortcut(&shortcut(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z)))
            || ctx.input_mut(|i| i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::Y)))
        {
            self.redo();
        }
        if ctx.input_mut(|i| i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::Z))) {
            self.undo();
        }
        if ctx.input_mut(|i| i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::S))) {
            self.save(None);
        }
        if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Space)) {
            self.toggle_play();
        }
        if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::ArrowRight)) {
            self.step_once();
        }
        self.layout.shortcuts(ctx, &mut self.lessons.open);
    }

    fn menus(&mut self, ui: &mut egui::Ui) {
        ui.menu_button("File", |ui| {
            if ui.button("Open…  (Ctrl+O)").clicked() {
                self.open_dialog();
            }
            if ui.button("Save  (Ctrl+S)").clicked() {
                self.save(None);
            }
            if ui.button("Save As…").clicked() {
                self.save_as(None);
            }
            ui.menu_button("Export", |ui| {
                let open: Vec<Tab> = Tab::all().filter(|t| self.ws.dock.find_tab(t).is_some()).collect();
                for tab in open {
                    let view = self.ws.views.view(tab);
                    let (title, label) = (view.title(), view.save_label());
                    ui.menu_button(title, |ui| export_buttons(ui, tab, label, &mut self.ws.exports));
                }
            });
            ui.menu_button("Recent files", |ui| {
                if self.recent.is_empty() {
                    ui.weak("none yet");
                }
                for path in self.recent.clone() {
                    if ui.button(path.display().to_string()).clicked() {
                        self.guard(Pending::Open(path));
                    }
                }
            });
            ui.separator();
            if ui.button("Quit").clicked() {
                self.guard(Pending::Quit);
            }
        });
        ui.menu_button("Presets", |ui| {
            for (name, text) in presets::PRESETS {
                let title =
                    text.lines().next().unwrap_or_default().trim_start_matches("name = ").trim_matches('"');
                if ui.button(format!("{title}  ({name})")).clicked() {
                    self.guard(Pending::Preset(name));
                }
            }
        });
        ui.menu_button("Edit", |ui| {
            let (back, ahead) = self.doc.steps();
            if ui.add_enabled(back > 0, egui::Button::new(format!("Undo  (Ctrl+Z, {back})"))).clicked() {
                self.undo();
            }
            if ui
                .add_enabled(ahead > 0, egui::Button::new(format!("Redo  (Ctrl+Shift+Z, {ahead})")))
                .clicked()
            {
                self.redo();
            }
        });
        ui.menu_button("Lessons", |ui| {
            let mut start = None;
            for (k, lesson) in self.lessons.list().iter().enumerate() {
                if let Ok(l) = lesson
                    && ui.button(&l.lesson.title).on_hover_text(&l.lesson.summary).clicked()
                {
                    start = Some(k);
                }
            }
            if let Some(k) = start {
                self.start_lesson(k);
            }
            ui.separator();
            if ui
                .button("Open lesson file…")
                .on_hover_text("A lesson from anywhere, e.g. one you wrote")
                .clicked()
            {
                self.open_lesson_dialog();
            }
            ui.checkbox(&mut self.lessons.open, "Show the lessons panel");
        });
        ui.menu_button("View", |ui| {
            for tab in Tab::all() {
                if ui.button(self.ws.views.get(tab).title()).on_hover_text("Show this view").clicked() {
                    self.show_view(tab);
                }
            }
            ui.separator();
            self.layout.view_menu(ui, &mut self.lessons.open);
            self.drawing.menu(ui);
        });
        ui.menu_button("Help", |ui| self.layout.help_menu(ui));
    }

    fn toolbar(&mut self, ui: &mut egui::Ui) {
        // Wraps onto a second row in a narrow window (a projector's) instead of clipping.
        ui.horizontal_wrapped(|ui| {
            ui.toggle_value(&mut self.layout.model_panel, "☰ Model")
                .on_hover_text("The model's parts and the inspector (Ctrl+B)");
            ui.toggle_value(&mut self.lessons.open, "📖 Lessons")
                .on_hover_text("Guided lessons on the classic models, step by step");
            ui.toggle_value(&mut self.energy.open, "⚡ Energy").on_hover_text(
                "Synaptic events and dense multiply-accumulates of the running network, and their energy",
            );
            ui.separator();
            let playing = self.run.live.playing;
            let play = ui
                .add(
                    egui::Button::new(if playing { "⏸ Pause" } else { "▶ Play" })
                        .min_size(egui::vec2(80.0, 0.0)),
                )
                .on_hover_text("Run or pause the simulation (Space)");
            if play.clicked() {
                self.toggle_play();
            }
            if ui.button("⏭ Step").on_hover_text("Advance one time step (Right arrow key)").clicked() {
                self.step_once();
            }
            number::Number::of(crate::model::Dimension::Time)
                .range(0.1..=100_000.0)
                .show(ui, &mut self.run.step_ms)
                .0
                .on_hover_text("How far \"Step by\" advances");
            if ui.button("Step by").on_hover_text("Advance the time set on the left, then pause").clicked()
                && self.run.live.info.dt_ms > 0.0
            {
                let steps = (self.run.step_ms / self.run.live.info.dt_ms).round().max(1.0) as u64;
                self.step_by(steps);
            }
            if ui.button("⟲ Reset").on_hover_text("Back to t = 0 with the same seed (Ctrl+R)").clicked() {
                self.reset();
            }
            if ui
                .button("🎲 Reseed")
                .on_hover_text("Back to t = 0 with a new seed: new wiring, new input")
                .clicked()
            {
                let seed = self.doc.model().simulation.seed.wrapping_add(1);
                self.doc.reseed(seed);
                self.run.runner.send(Command::Reseed(seed));
            }
            ui.separator();
            let current = SPEEDS.iter().find(|(s, _)| *s == self.run.speed).map_or("custom", |(_, n)| n);
            egui::ComboBox::from_id_salt("speed")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for (speed, name) in SPEEDS {
                        if ui.selectable_label(self.run.speed == speed, name).clicked() {
                            self.set_speed(speed);
                        }
                    }
                })
                .response
                .on_hover_text("How fast biological time runs");
            ui.separator();
            let mut stop = self.run.stop_at.is_some();
            if ui.checkbox(&mut stop, "stop at").on_hover_text("Pause automatically at a set time").changed()
            {
                self.run.stop_at = stop.then_some(self.run.stop_at.unwrap_or(self.doc.model().duration_ms()));
                self.run.runner.send(Command::StopAt(self.run.stop_at));
            }
            if let Some(t) = &mut self.run.stop_at
                && number::Number::of(crate::model::Dimension::Time)
                    .range(0.0..=1e9)
                    .speed(10.0)
                    .show(ui, t)
                    .1
                    .any()
            {
                self.run.runner.send(Command::StopAt(Some(*t)));
            }
        });
    }

    fn status_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            let live = &self.run.live;
            ui.label(format!("t = {:.1} ms", live.time_ms)).on_hover_text("Biological time");
            ui.separator();
            ui.label(format!("{:.0} steps/s", if live.playing { live.steps_per_second } else { 0.0 }));
            ui.separator();
            let factor = live.realtime_factor;
            let text = RichText::new(format!("{factor:.2} × real time"));
            match behind(self.run.speed, factor) {
                Some(chosen) => ui.label(text.color(ui.visuals().warn_fg_color)).on_hover_text(format!(
                    "The simulation cannot keep up with the chosen speed ({chosen}): over the last \
                     second it ran at {factor:.2} × real time. Choose a slower speed, or make the \
                     network smaller or dt larger."
                )),
                None => ui.label(text).on_hover_text(
                    "Biological seconds simulated per wall-clock second, over the last second",
                ),
            };
            ui.separator();
            ui.label(format!("{:.0} spikes/s", live.spikes_per_second))
                .on_hover_text("Spikes per wall-clock second");
            ui.separator();
            let neurons = live.total_neurons;
            let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            ui.label(format!("{}, {}", plural(neurons, "neuron"), plural(live.info.synapses, "synapse")));
            ui.separator();
            let marker = if self.doc.dirty { " •" } else { "" };
            ui.label(format!("{}{marker}", self.doc.source_name)).on_hover_text(if self.doc.dirty {
                "Unsaved changes"
            } else {
                "Model file"
            });
            if let Some(n) = self.notices.current_status() {
                ui.separator();
                ui.label(&n.text);
            }
        });
    }

    fn side_panel(&mut self, ui: &mut egui::Ui) {
        // A solid scroll bar, not egui's faint floating one: a long inspector at 720 pixels
        // must show that it goes on.
        ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.heading(&self.doc.model().name);
            if !self.doc.model().description.is_empty() {
                egui::CollapsingHeader::new("About this model").default_open(false).show(ui, |ui| {
                    ui.label(self.doc.model().description.trim());
                });
            }
            ui.separator();
            let mut selection = self.selection;
            inspector::outline(ui, self.doc.model(), &mut selection);
            self.select(selection);
            ui.separator();
            let mut choose = None;
            if let Some(selection) = self.selection
                && let Some((model, gesture)) = inspector::inspector(
                    ui,
                    self.doc.model(),
                    selection,
                    self.notices.refused_item(),
                    &mut choose,
                )
            {
                // The engine says whether it rebuilt the network (`Event::Applied`).
                self.edit_gesture(model, Some(selection), gesture, "");
            }
            if let Some((k, field)) = choose {
                self.choose_input_file(k, field, None);
            }
        });
    }

    fn unsaved_dialog(&mut self, ctx: &egui::Context) {
        let Some(pending) = self.pending.clone() else { return };
        let mut answer = None;
        egui::Modal::new(egui::Id::new("unsaved")).show(ctx, |ui| {
            ui.heading("Unsaved changes");
            ui.label(format!(
                "\"{}\" has changes that are not saved. Save them first?",
                self.doc.model().name
            ));
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    answer = Some(1);
                }
                if ui.button("Discard changes").clicked() {
                    answer = Some(2);
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(3);
                }
            });
        });
        match answer {
            Some(1) => {
                self.pending = None;
                self.save(Some(pending));
            }
            Some(2) => {
                self.pending = None;
                self.doc.dirty = false;
                self.perform(pending);
            }
            Some(_) => self.pending = None,
            None => {}
        }
    }
}

impl eframe::App for SpikeLabApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    /// The panels' colour: the panels themselves draw no background (see [`bare`]).
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }
}

struct Viewer<'a> {
    views: &'a mut Views,
    live: &'a LiveData,
    shared: &'a mut Shared,
    rects: &'a mut std::collections::HashMap<Tab, egui::Rect>,
    exports: &'a mut Vec<(Tab, Export)>,
}

impl TabViewer for Viewer<'_> {
    type Tab = Tab;

    fn id(&mut self, tab: &mut Tab) -> egui::Id {
        egui::Id::new(("view", tab.key()))
    }

    fn title(&mut self, tab: &mut Tab) -> egui::WidgetText {
        self.views.get(*tab).title().into()
    }

    /// The window is cleared to the panel colour already (see [`bare`]).
    fn clear_background(&self, _tab: &Tab) -> bool {
        false
    }

    fn ui(&mut self, ui: &mut egui::Ui, tab: &mut Tab) {
        self.rects.insert(*tab, ui.max_rect());
        self.views.get(*tab).ui(ui, self.live, self.shared);
    }

    fn context_menu(&mut self, ui: &mut egui::Ui, tab: &mut Tab, _: egui_dock::NodePath) {
        export_buttons(ui, *tab, self.views.view(*tab).save_label(), self.exports);
    }
}

/// The chosen speed's name when the measured real-time factor falls more than 10% short of it.
fn behind(speed: Speed, factor: f64) -> Option<&'static str> {
    let Speed::MsPerSecond(ms) = speed else { return None };
    let name = SPEEDS.iter().find(|(s, _)| *s == speed).map_or("the chosen speed", |(_, n)| *n);
    (factor > 0.0 && factor < 0.9 * ms / 1000.0).then_some(name)
}

fn recent_file() -> Option<PathBuf> {
    settings::config_dir().map(|d| d.join("recent.txt"))
}

fn load_recent() -> Vec<PathBuf> {
    recent_file()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .map(|t| t.lines().filter(|l| !l.is_empty()).map(PathBuf::from).collect())
        .unwrap_or_default()
}

fn remember_recent(recent: &mut Vec<PathBuf>, path: &Path) {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    recent.retain(|p| *p != path);
    recent.insert(0, path);
    recent.truncate(10);
    if let Some(file) = recent_file() {
        let text: String = recent.iter().map(|p| format!("{}\n", p.display())).collect();
        // Recent files are a convenience: failing to store them must not disturb the user.
        let _ = file.parent().map(std::fs::create_dir_all);
        let _ = std::fs::write(file, text);
    }
}

/// "Save data…" and "Save picture…" for one view.
fn export_buttons(ui: &mut egui::Ui, tab: Tab, label: &str, exports: &mut Vec<(Tab, Export)>) {
    if ui.button(label).on_hover_text("The numbers behind this view, for a spreadsheet or NumPy").clicked() {
        exports.push((tab, Export::Data));
        ui.close();
    }
    if ui.button("Save picture (PNG)…").on_hover_text("This view as it is on screen").clicked() {
        exports.push((tab, Export::Picture));
        ui.close();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_window_icon_decodes() {
        let icon = super::icon();
        assert_eq!((icon.width, icon.height), (64, 64));
        assert_eq!(icon.rgba.len(), 64 * 64 * 4);
        assert!(icon.rgba.chunks(4).any(|p| p[3] == 255), "an opaque pixel");
    }
}
