//! The window's chrome: the keys, the menus, the toolbar, the status bar and the side panel.

use super::*;

impl SpikeLabApp {
    pub(super) fn handle_input(&mut self, ctx: &egui::Context) {
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

    pub(super) fn menus(&mut self, ui: &mut egui::Ui) {
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

    pub(super) fn toolbar(&mut self, ui: &mut egui::Ui) {
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

    pub(super) fn status_bar(&mut self, ui: &mut egui::Ui) {
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

    pub(super) fn side_panel(&mut self, ui: &mut egui::Ui) {
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
}

const SPEEDS: [(Speed, &str); 6] = [
    (Speed::MsPerSecond(10.0), "1/100 × real time"),
    (Speed::MsPerSecond(100.0), "1/10 × real time"),
    (Speed::MsPerSecond(1000.0), "real time"),
    (Speed::MsPerSecond(10_000.0), "10 × real time"),
    (Speed::MsPerSecond(100_000.0), "100 × real time"),
    (Speed::Max, "as fast as possible"),
];

/// The chosen speed's name when the measured real-time factor falls more than 10% short of it.
fn behind(speed: Speed, factor: f64) -> Option<&'static str> {
    let Speed::MsPerSecond(ms) = speed else { return None };
    let name = SPEEDS.iter().find(|(s, _)| *s == speed).map_or("the chosen speed", |(_, n)| *n);
    (factor > 0.0 && factor < 0.9 * ms / 1000.0).then_some(name)
}

/// "Save data…" and "Save picture…" for one view.
pub(super) fn export_buttons(ui: &mut egui::Ui, tab: Tab, label: &str, exports: &mut Vec<(Tab, Export)>) {
    if ui.button(label).on_hover_text("The numbers behind this view, for a spreadsheet or NumPy").clicked() {
        exports.push((tab, Export::Data));
        ui.close();
    }
    if ui.button("Save picture (PNG)…").on_hover_text("This view as it is on screen").clicked() {
        exports.push((tab, Export::Picture));
        ui.close();
    }
}
