//! Files and dialogs: opening models and presets (asking first when edits are unsaved), Save and
//! Save As, the file dialogs on their own thread and what their answers do, and the files an
//! input reads.

use super::*;

impl SpikeLabApp {
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

    pub(super) fn open_preset(&mut self, name: &'static str) {
        let Some(text) = presets::preset(name) else { return };
        match Model::from_toml(text, name) {
            Ok(model) => {
                self.install(model, None, name);
                self.say(format!("Loaded preset {name}"));
            }
            Err(e) => self.notices.error(e.to_string()),
        }
    }

    pub(super) fn install(&mut self, model: Model, path: Option<PathBuf>, name: &str) {
        // Leaving a lesson's model: the user's own layout comes back.
        if let Some(dock) = self.ws.user_dock.take() {
            self.ws.dock = dock;
        }
        self.doc = Document::new(model, path, name);
        self.run.runner.send(Command::Load(std::sync::Arc::clone(self.doc.model())));
        self.notices.clear();
        self.ws.shared.selected = None;
        self.ws.shared.follow = true;
        self.selection = Some(Selection::Population(0));
        self.ws.shared.weights_of = None;
        self.show_weights_if_plastic();
        self.warn_about_model();
    }

    /// Shows the model's warnings (allowed, but probably not meant), if any.
    pub(super) fn warn_about_model(&mut self) {
        let warnings: Vec<String> = self.doc.model().warnings().iter().map(|w| w.to_string()).collect();
        if !warnings.is_empty() {
            self.notices.warn(warnings.join("\n"));
        }
    }

    /// Brings the views that ask for it to the front (the weight views for models that
    /// learn), and chooses the first plastic projection for them.
    pub(super) fn show_weights_if_plastic(&mut self) {
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
    pub(super) fn guard(&mut self, action: Pending) {
        if self.doc.dirty {
            self.pending = Some(action);
        } else {
            self.perform(action);
        }
    }

    pub(super) fn perform(&mut self, action: Pending) {
        match action {
            Pending::Open(path) => self.open_path(&path),
            Pending::Preset(name) => self.open_preset(name),
            Pending::Lesson(k) => self.begin_lesson(k),
            Pending::Quit => self.allow_close = true,
        }
    }

    /// Saves to the model's file, or asks for one; `then` runs after a successful save.
    pub(super) fn save(&mut self, then: Option<Pending>) {
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
    pub(super) fn spawn_dialog(
        &mut self,
        kind: DialogKind,
        pick: impl FnOnce() -> Option<PathBuf> + Send + 'static,
    ) {
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

    pub(super) fn save_as(&mut self, then: Option<Pending>) {
        let request = FileRequest {
            save: true,
            title: "Save the model".into(),
            file_name: format!("{}.toml", self.doc.model().name.to_lowercase().replace(' ', "_")),
            filters: vec![("SpikeLab model", &["toml"])],
        };
        let picker = self.picker.clone();
        self.spawn_dialog(DialogKind::SaveAs(then), move || picker(request));
    }

    pub(super) fn poll_dialog(&mut self) {
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

    pub(super) fn save_to(&mut self, path: &Path) -> bool {
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

    pub(super) fn open_dialog(&mut self) {
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
    pub(super) fn choose_input_file(
        &mut self,
        k: usize,
        field: inspector::FileField,
        images: Option<PathBuf>,
    ) {
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
    pub(super) fn input_file_chosen(
        &mut self,
        k: usize,
        field: inspector::FileField,
        images: Option<PathBuf>,
        path: PathBuf,
    ) {
        use crate::model::edit::InputFile;
        use inspector::FileField;
        let is_npy = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("npy"));
        if field == FileField::Dataset && is_npy {
            self.choose_input_file(k, FileField::Labels, Some(path));
            return;
        }
        let text = |p: &Path| p.to_string_lossy().into_owned();
        let file = match field {
            FileField::Dataset => InputFile::Images(text(&path)),
            FileField::Labels => {
                InputFile::Labels { images: images.as_deref().map(text), labels: text(&path) }
            }
            FileField::Events => InputFile::Events(text(&path)),
        };
        let mut model = (**self.doc.model()).clone();
        let who = model.inputs.get(k).map(|i| i.name.clone()).unwrap_or_default();
        if !crate::model::edit::set_input_file(&mut model, k, file) {
            return;
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        self.edit(model, Some(Selection::Input(k)), &format!("Input \"{who}\" now reads {name}"));
    }

    pub(super) fn unsaved_dialog(&mut self, ctx: &egui::Context) {
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
