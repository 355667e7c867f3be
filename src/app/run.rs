//! The run: play, pause, step and reset, the question before a run that will take long, what the
//! window asks the simulation thread to send, and what it takes from it each frame.

use super::*;

impl SpikeLabApp {
    /// Starts running; a run estimated to take long asks first (see `SlowRun`).
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
    pub(super) fn step_by(&mut self, steps: u64) {
        let span_ms = steps as f64 * self.run.live.info.dt_ms;
        if !self.ask_if_slow(SlowRun::Steps(steps), span_ms, true) {
            self.run.runner.send(Command::Steps(steps));
        }
    }

    /// Whether running `span_ms` needs the user's go-ahead first; if so, opens the question.
    /// Asked once per network: after "Run anyway" it runs without asking until a rebuild.
    pub(super) fn ask_if_slow(&mut self, run: SlowRun, span_ms: f64, to_stop: bool) -> bool {
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

    pub(super) fn slow_dialog(&mut self, ctx: &egui::Context) {
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

    pub(super) fn step_once(&mut self) {
        self.run.runner.send(Command::Steps(1));
    }

    pub(super) fn toggle_play(&mut self) {
        if self.run.live.playing {
            self.run.runner.send(Command::Pause);
        } else {
            self.play();
        }
    }

    pub(super) fn reset(&mut self) {
        self.run.runner.send(Command::Reset);
    }

    /// Tells the runner what the open views and the lesson need (weights, the network
    /// matrix), when that changes.
    pub(super) fn subscribe(&mut self) {
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
    pub(super) fn send_requests(&mut self) {
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
}
