//! The Lessons panel: the list of lessons, and the current lesson's steps with their text,
//! what to look at, what to try, and a live-checked question. Lesson files are watched and
//! reloaded when they change.

use super::views::Tab;
use super::{DialogKind, FileRequest, Pending, SpikeLabApp};
use crate::lessons::{self, LessonError, LoadedLesson, Observation, Outcome};
use egui::RichText;
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

/// How often lesson files are looked at for changes.
const RESCAN: Duration = Duration::from_secs(1);
/// What a lesson's check depends on: time and generation of the run, the model, the last
/// training run.
type CheckInputs = (u64, u64, usize, Option<(u64, Option<u64>, usize)>);

/// How often the current question is checked against the simulation.
const RECHECK: Duration = Duration::from_millis(250);

pub struct LessonsPanel {
    pub open: bool,
    /// Folder of lesson files (the source tree's), if it exists; else the built-in lessons.
    dir: Option<PathBuf>,
    /// Lesson files opened from elsewhere, also watched.
    extra: Vec<PathBuf>,
    list: Vec<Result<LoadedLesson, LessonError>>,
    /// The lesson being followed (by file name, so that reloading keeps it) and its step.
    current: Option<String>,
    /// The name of the lesson's model, to notice when the user loads another.
    model_name: String,
    /// The lesson's model as loaded, to know whether the learner has changed anything.
    start_model: Option<crate::model::Model>,
    pub step: usize,
    /// Steps whose question was answered, by (lesson file, step).
    passed: HashSet<(String, usize)>,
    outcome: Option<Outcome>,
    checked_at: Option<Instant>,
    /// What the last check saw (see `check_step`).
    checked_on: Option<CheckInputs>,
    scanned_at: Option<Instant>,
    stamps: Vec<(PathBuf, Option<SystemTime>)>,
    markdown: egui_commonmark::CommonMarkCache,
    /// Where the step's check was drawn last frame (for tests: it must be inside the window).
    check_rect: Option<egui::Rect>,
    /// The (lesson, step) shown last frame, to notice a step being entered.
    entered: Option<(String, usize)>,
}

impl LessonsPanel {
    /// The answered steps, as (lesson file, step), sorted (for the settings file).
    pub fn progress(&self) -> Vec<(String, usize)> {
        let mut v: Vec<_> = self.passed.iter().cloned().collect();
        v.sort();
        v
    }

    /// Where the current step's check was drawn in the last frame; `None` if it has none.
    pub fn check_rect(&self) -> Option<egui::Rect> {
        self.check_rect
    }

    /// Takes back the progress of an earlier session.
    pub fn restore_progress(&mut self, passed: &[(String, usize)]) {
        self.passed.extend(passed.iter().cloned());
    }
}

impl Default for LessonsPanel {
    fn default() -> Self {
        let dir = Some(lessons::source_dir()).filter(|d| d.is_dir());
        let mut panel = LessonsPanel {
            // Open at the start, so that a newcomer sees the lessons first.
            open: true,
            dir,
            extra: Vec::new(),
            list: Vec::new(),
            current: None,
            model_name: String::new(),
            start_model: None,
            step: 0,
            passed: HashSet::new(),
            outcome: None,
            checked_at: None,
            checked_on: None,
            scanned_at: None,
            stamps: Vec::new(),
            markdown: Default::default(),
            check_rect: None,
            entered: None,
        };
        panel.reload();
        panel
    }
}

impl LessonsPanel {
    fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self
            .dir
            .iter()
            .flat_map(|d| std::fs::read_dir(d).into_iter().flatten().filter_map(Result::ok).map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        files.extend(self.extra.iter().cloned());
        files
    }

    fn reload(&mut self) {
        self.list = lessons::all(self.dir.as_deref());
        self.list.extend(self.extra.iter().map(|p| LoadedLesson::read(p)));
        self.stamps = self.files().into_iter().map(|p| (p.clone(), modified(&p))).collect();
    }

    /// Rereads the lessons if a file changed, appeared or went; true if it did.
    pub fn rescan(&mut self) -> bool {
        if self.scanned_at.is_some_and(|t| t.elapsed() < RESCAN) {
            return false;
        }
        self.scanned_at = Some(Instant::now());
        let now: Vec<(PathBuf, Option<SystemTime>)> =
            self.files().into_iter().map(|p| (p.clone(), modified(&p))).collect();
        if now == self.stamps {
            return false;
        }
        self.reload();
        self.outcome = None;
        true
    }

    /// The lessons, in order (a lesson that does not parse is its error).
    pub fn list(&self) -> &[Result<LoadedLesson, LessonError>] {
        &self.list
    }

    /// The lesson being followed.
    pub fn current(&self) -> Option<&LoadedLesson> {
        let name = self.current.as_ref()?;
        self.list.iter().filter_map(|l| l.as_ref().ok()).find(|l| &l.file_name == name)
    }

    /// The projection whose weights the current step's question reads, if it reads weights.
    pub fn weights_needed(&self, model: &crate::model::Model) -> Option<usize> {
        let check = self.current()?.lesson.steps.get(self.step)?.check.as_ref()?;
        (check.kind == lessons::Test::WeightsAtBounds).then_some(())?;
        let wanted = check.projection.as_deref()?;
        model.projections.iter().position(|p| p.label() == wanted || p.name == wanted)
    }

    /// Whether step `k` of the current lesson has been answered.
    pub fn is_passed(&self, k: usize) -> bool {
        self.current.as_ref().is_some_and(|name| self.passed.contains(&(name.clone(), k)))
    }

    /// Reads lessons from another folder (and watches it) instead.
    pub fn set_dir(&mut self, dir: PathBuf) {
        self.dir = Some(dir);
        self.reload();
    }

    /// Adds a lesson file from anywhere, returns its index in the list.
    fn add_file(&mut self, path: PathBuf) -> usize {
        if !self.extra.contains(&path) {
            self.extra.push(path.clone());
        }
        self.reload();
        self.list.iter().rposition(|l| l.as_ref().is_ok_and(|l| l.path.as_ref() == Some(&path))).unwrap_or(0)
    }
}

fn modified(path: &std::path::Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

impl SpikeLabApp {
    /// Starts lesson `index` of the list: loads its model (asking first about unsaved
    /// changes), shows its views, selects its neuron, goes to its first step.
    pub fn start_lesson(&mut self, index: usize) {
        self.guard(Pending::Lesson(index));
    }

    /// Moves the current lesson to step `k` (0 = the first).
    pub fn go_to_step(&mut self, k: usize) {
        self.lessons.go_to(k);
    }

    /// Starts a lesson now (the unsaved-changes question has been answered).
    pub(super) fn begin_lesson(&mut self, index: usize) {
        let loaded = match self.lessons.list.get(index) {
            Some(Ok(l)) => l.clone(),
            Some(Err(e)) => {
                self.notices.error(e.to_string());
                return;
            }
            None => {
                let n = self.lessons.list.len();
                self.notices.error(format!("There is no lesson {}: there are lessons 1 to {n}.", index + 1));
                return;
            }
        };
        match loaded.model() {
            Ok(model) => {
                self.lessons.current = Some(loaded.file_name.clone());
                self.lessons.model_name = model.name.clone();
                self.lessons.start_model = Some(model.clone());
                self.lessons.step = 0;
                self.lessons.outcome = None;
                self.lessons.open = true;
                self.install(model, None, &loaded.lesson.model);
                self.ws.user_dock = Some(self.ws.dock.clone());
                self.arrange_for_lesson(&loaded);
            }
            Err(e) => self.notices.error(e.to_string()),
        }
    }

    /// Views and selection the lesson asks for.
    fn arrange_for_lesson(&mut self, loaded: &LoadedLesson) {
        let views: Vec<Tab> = loaded.lesson.views.iter().filter_map(|v| Tab::from_key(v)).collect();
        self.lesson_views(&views);
        if let Some((pop, neuron)) = &loaded.lesson.select
            && let Some(k) = self.doc.model().populations.iter().position(|p| &p.name == pop)
        {
            self.ws.shared.selected = Some((k, *neuron));
            self.ws.shared.watch = Some((k, *neuron, String::new()));
        }
    }

    /// Whether the window runs the current lesson's model (or the user went elsewhere).
    fn on_lesson_model(&self) -> bool {
        self.lessons.model_name == self.doc.model().name
    }

    pub(super) fn open_lesson_dialog(&mut self) {
        let request = FileRequest {
            save: false,
            title: "Open a lesson".into(),
            file_name: String::new(),
            filters: vec![("SpikeLab lesson", &["toml"])],
        };
        let picker = self.picker.clone();
        self.spawn_dialog(DialogKind::Lesson, move || picker(request));
    }

    pub(super) fn lesson_file_chosen(&mut self, path: PathBuf) {
        match LoadedLesson::read(&path) {
            Ok(_) => {
                let index = self.lessons.add_file(path);
                self.start_lesson(index);
            }
            Err(e) => self.notices.error(e.to_string()),
        }
    }

    /// Checks the current step's question against the running simulation (a few times a second).
    fn check_step(&mut self) {
        let Some(loaded) = self.lessons.current() else { return };
        let Some(check) = loaded.lesson.steps.get(self.lessons.step).and_then(|s| s.check.clone()) else {
            self.lessons.outcome = None;
            return;
        };
        // What the answer depends on: the run's time, the model, the last training run. When it
        // changed too soon after the last check, a frame is asked for when the check is due, so
        // that the answer shows without the mouse moving.
        let trained = self.ws.views.of::<super::views::TrainingView>().and_then(|v| v.run());
        let inputs = (
            self.run.live.time_ms.to_bits(),
            self.run.live.generation,
            std::sync::Arc::as_ptr(self.doc.model()) as usize,
            trained.map(|t| (t.test_accuracy.to_bits(), t.events.map(f64::to_bits), t.by_steps.len())),
        );
        let fresh = self.lessons.checked_on.as_ref() != Some(&inputs);
        if !fresh && self.lessons.outcome.is_some() {
            return;
        }
        if let Some(at) = self.lessons.checked_at
            && at.elapsed() < RECHECK
        {
            if let Some(ctx) = &self.ctx {
                ctx.request_repaint_after(RECHECK - at.elapsed());
            }
            return;
        }
        self.lessons.checked_at = Some(Instant::now());
        self.lessons.checked_on = Some(inputs);
        let live = &self.run.live;
        let weights = |k: usize| {
            live.weights.as_ref().filter(|w| w.blocks.projection == Some(k)).map(|w| w.histogram.clone())
        };
        let obs = Observation {
            model: &live.info.model,
            populations: &live.info.populations,
            spikes: &live.spikes,
            dt_ms: live.info.dt_ms,
            now_ms: live.time_ms,
            changed_at_ms: self.run.applied_at.unwrap_or(0.0),
            edited: self.lessons.start_model.as_ref() != Some(&**self.doc.model()),
            weights: &weights,
            trained,
        };
        let outcome = check.evaluate(&obs);
        if outcome.passed
            && let Some(name) = self.lessons.current.clone()
        {
            self.lessons.passed.insert((name, self.lessons.step));
        }
        self.lessons.outcome = Some(outcome);
    }

    /// What a step sets up as it is entered: the Training view chooses the configuration its
    /// question is about, so that Train trains what the step asks for.
    fn enter_step(&mut self) {
        let Some(loaded) = self.lessons.current() else { return };
        let step = loaded.lesson.steps.get(self.lessons.step);
        let configuration = step.and_then(|s| s.check.as_ref()?.configuration.clone());
        if let Some(name) = configuration
            && let Some(view) = self.ws.views.of_mut::<super::views::TrainingView>()
        {
            view.choose(&name);
        }
    }

    /// The Lessons side panel.
    pub(super) fn lessons_panel(&mut self, ui: &mut egui::Ui) {
        if self.lessons.rescan() {
            self.say("A lesson file changed: lessons reloaded");
        }
        let here = self.lessons.current.clone().map(|l| (l, self.lessons.step));
        if here.is_some() && here != self.lessons.entered {
            self.lessons.entered = here;
            self.enter_step();
        }
        self.check_step();
        self.lessons.check_rect = None;
        // The step's check and the step buttons stay in sight at the panel's foot, however
        // long the text above them (a projector shows little of it).
        if let Some(loaded) = self.lessons.current().cloned() {
            let steps = loaded.lesson.steps.len();
            self.lessons.step = self.lessons.step.min(steps.saturating_sub(1));
            let k = self.lessons.step;
            let frame = egui::Frame::new().inner_margin(egui::Margin::symmetric(0, 4));
            egui::Panel::bottom("lesson foot").frame(frame).show(ui, |ui| {
                if let Some(check) = loaded.lesson.steps.get(k).and_then(|s| s.check.as_ref()) {
                    let rect = ui.scope(|ui| self.check_box(ui, k, &check.goal)).response.rect;
                    self.lessons.check_rect = Some(rect);
                    ui.add_space(4.0);
                }
                self.lessons.step_buttons(ui, steps, "bottom");
            });
        }
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("Lessons");
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui
                        .button("✖")
                        .on_hover_text("Hide the lessons (the toolbar's 📖 brings them back)")
                        .clicked()
                    {
                        self.lessons.open = false;
                    }
                });
            });
            let mut start = None;
            egui::CollapsingHeader::new("All lessons").default_open(self.lessons.current.is_none()).show(
                ui,
                |ui| {
                    for (k, entry) in self.lessons.list.iter().enumerate() {
                        match entry {
                            Ok(l) => {
                                let here = self.lessons.current.as_ref() == Some(&l.file_name);
                                let done = l
                                    .lesson
                                    .steps
                                    .iter()
                                    .enumerate()
                                    .filter(|(s, _)| self.lessons.passed.contains(&(l.file_name.clone(), *s)))
                                    .count();
                                let checks = l.lesson.steps.iter().filter(|s| s.check.is_some()).count();
                                let label = format!("{}  ({done}/{checks}\u{a0}✔)", l.lesson.title);
                                if ui.selectable_label(here, label).on_hover_text(&l.lesson.summary).clicked()
                                {
                                    start = Some(k);
                                }
                            }
                            Err(e) => {
                                ui.colored_label(ui.visuals().error_fg_color, e.to_string());
                            }
                        }
                    }
                    if ui
                        .button("Open lesson file…")
                        .on_hover_text("A lesson from anywhere, e.g. one you wrote")
                        .clicked()
                    {
                        self.open_lesson_dialog();
                    }
                },
            );
            if let Some(k) = start {
                self.start_lesson(k);
            }
            ui.separator();
            let Some(loaded) = self.lessons.current().cloned() else {
                ui.label(
                    "Choose a lesson above. Each one loads its model and walks you through it step by step.",
                );
                return;
            };
            let lesson = &loaded.lesson;
            let steps = lesson.steps.len();
            self.lessons.step = self.lessons.step.min(steps.saturating_sub(1));
            let k = self.lessons.step;
            ui.label(RichText::new(&lesson.title).strong().size(16.0));
            if !self.on_lesson_model() {
                ui.horizontal_wrapped(|ui| {
                    ui.label("You left the lesson's model.");
                    if ui
                        .button("↩ Back to the lesson")
                        .on_hover_text("Load the lesson's model again; your place in the lesson is kept")
                        .clicked()
                    {
                        let index = self
                            .lessons
                            .list
                            .iter()
                            .position(|l| l.as_ref().is_ok_and(|l| l.file_name == loaded.file_name));
                        if let Some(index) = index {
                            let step = self.lessons.step;
                            self.start_lesson(index);
                            self.lessons.step = step;
                        }
                    }
                });
            }
            let Some(step) = lesson.steps.get(k) else { return };
            ui.label(RichText::new(&step.title).strong());
            egui_commonmark::CommonMarkViewer::new().show(ui, &mut self.lessons.markdown, &step.text);
            if !step.look.is_empty() {
                ui.add_space(4.0);
                ui.label(RichText::new("Look").strong().color(egui::Color32::from_rgb(0x56, 0xB4, 0xE9)));
                egui_commonmark::CommonMarkViewer::new().show(ui, &mut self.lessons.markdown, &step.look);
            }
            if !step.try_this.is_empty() {
                ui.add_space(4.0);
                ui.label(RichText::new("Try").strong().color(egui::Color32::from_rgb(0xE6, 0x9F, 0x00)));
                egui_commonmark::CommonMarkViewer::new().show(ui, &mut self.lessons.markdown, &step.try_this);
            }
        });
    }

    /// A step's goal with its tick, and what the check measures now.
    fn check_box(&mut self, ui: &mut egui::Ui, k: usize, goal: &str) {
        let passed = self.lessons.is_passed(k);
        let (mark, color) = if passed {
            ("✔", egui::Color32::from_rgb(0x40, 0xC0, 0x60))
        } else {
            ("☐", ui.visuals().text_color())
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(mark).size(18.0).color(color));
            ui.label(RichText::new(goal).strong().color(color));
        });
        // The tick stays once earned; say so when the value measured now does not pass,
        // so that a tick beside "measuring…" does not read as this measurement passing.
        let now = self.lessons.outcome.as_ref().map_or("press ▶ Play to check".to_string(), |o| {
            let note = match (o.passed, passed) {
                (true, _) => " ✔",
                (false, true) => " (answered earlier: the tick stays)",
                (false, false) => "",
            };
            format!("now: {}{note}", o.measured)
        });
        ui.weak(now);
    }
}

impl LessonsPanel {
    /// "◀ Back  Step k of n  Next ▶", at the panel's foot.
    fn step_buttons(&mut self, ui: &mut egui::Ui, steps: usize, id: &str) {
        let k = self.step;
        ui.push_id(id, |ui| {
            ui.horizontal(|ui| {
                if ui.add_enabled(k > 0, egui::Button::new("◀ Back")).on_hover_text("Previous step").clicked()
                {
                    self.go_to(k - 1);
                }
                ui.label(format!("Step {} of {steps}", k + 1));
                if ui
                    .add_enabled(k + 1 < steps, egui::Button::new("Next ▶"))
                    .on_hover_text("Next step")
                    .clicked()
                {
                    self.go_to(k + 1);
                }
            });
        });
    }

    fn go_to(&mut self, step: usize) {
        self.step = step;
        self.outcome = None;
        self.checked_at = None;
    }
}
