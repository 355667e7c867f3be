//! What the user sees: the workbench window.
//!
//! [`SpikeLabApp::ui_root`] draws the whole window from plain state each frame: a menu bar and
//! toolbar, the model outline and inspector on the left, the views in dockable tabs in the
//! middle, and a status bar. The simulation runs on its own thread ([`runner`]); the window
//! sends it commands and takes whatever new data it has, never waiting for it.

mod chrome;
mod document;
mod drawing;
mod energy;
mod exporting;
mod files;
mod inspector;
mod layout;
pub mod lessons;
mod live;
mod notices;
mod number;
mod run;
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

    /// Presentation mode: everything `layout::PRESENTATION_ZOOM` times larger, for a projector.
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
                self.run.runner.send(Command::Apply(model));
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
        self.run.runner.send(Command::Apply(model));
        let (back, ahead) = self.doc.steps();
        self.say(format!("{what} ({back} more to undo, {ahead} to redo)"));
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
}

impl eframe::App for SpikeLabApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    /// The panels' colour: the panels themselves draw no background (see `bare`).
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
        chrome::export_buttons(ui, *tab, self.views.view(*tab).save_label(), self.exports);
    }
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
