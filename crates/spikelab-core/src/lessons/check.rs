//! Questions a lesson asks and the running simulation answers ("make the neuron fire at
//! 20 Hz"). The same evaluation serves the window (live ticks) and the tests (every question
//! can be answered by the settings its lesson names).

use crate::analysis::{Histogram, cv, isis, mean_cv_isi, population_rate, power_spectrum, spike_trains};
use crate::model::{Model, Quantity};
use crate::sim::Spike;
use serde::Deserialize;

/// What is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Test {
    /// Mean firing rate (Hz) of a population, or of one neuron, over the window.
    Rate,
    /// Number of spikes of a population (or one neuron) in the window.
    Spikes,
    /// CV of the inter-spike intervals (one neuron, or the mean over the population).
    Cv,
    /// Synchrony: CV of the population rate in 0.5 ms bins.
    Synchrony,
    /// Frequency (Hz) of the population rate's largest spectral peak above 5 Hz.
    PeakFrequency,
    /// A value of the model, by its path (`populations.exc.params.v_thresh`).
    Param,
    /// Fraction of a projection's weights in the outer fifths of [w_min, w_max].
    WeightsAtBounds,
    /// Test accuracy (0–1) of the Training view's last run of the training `configuration`;
    /// with `steps`, of the converted network shown each digit for that many steps.
    TrainedAccuracy,
    /// Synaptic events an inference of the Training view's finished run of `configuration`.
    TrainedEvents,
}

/// The Training view's last run, as checks see it.
#[derive(Clone, Copy, Debug)]
pub struct TrainedRun<'a> {
    /// The built-in configuration it trained.
    pub configuration: &'a str,
    /// The last completed epoch's test accuracy.
    pub test_accuracy: f64,
    /// Synaptic events an inference, once the run is over.
    pub events: Option<f64>,
    /// A converted network's accuracy by steps shown, once the run is over.
    pub by_steps: &'a [(u64, f64)],
}

/// A question of a lesson step.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// The question in words, shown with its tick.
    pub goal: String,
    pub kind: Test,
    #[serde(default)]
    pub population: Option<String>,
    #[serde(default)]
    pub neuron: Option<usize>,
    /// For `weights_at_bounds`: the projection's name or label (`pre->post`).
    #[serde(default)]
    pub projection: Option<String>,
    /// For `param`: the model path.
    #[serde(default)]
    pub path: Option<String>,
    /// Bounds of the measured value (either may be left out), with units where it has one.
    #[serde(default)]
    pub min: Option<Quantity>,
    #[serde(default)]
    pub max: Option<Quantity>,
    /// How much recent activity is measured (default 1000 ms).
    #[serde(default)]
    pub window: Option<Quantity>,
    /// Settings that answer the question (`[["inputs.drive.amplitude", "250 pA"]]`), for the
    /// test that no lesson asks the impossible, and for a teacher's "show me".
    #[serde(default)]
    pub solution: Vec<(String, String)>,
    /// For `trained_accuracy` and `trained_events`: the training configuration's name.
    #[serde(default)]
    pub configuration: Option<String>,
    /// For `trained_accuracy` of a converted network: the steps a digit is shown.
    #[serde(default)]
    pub steps: Option<u64>,
}

/// What the app knows of the running network when it checks.
pub struct Observation<'a> {
    pub model: &'a Model,
    /// (name, size) of each population.
    pub populations: &'a [(String, usize)],
    /// Recent spikes in time order (at least the window's).
    pub spikes: &'a [Spike],
    pub dt_ms: f64,
    pub now_ms: f64,
    /// When the model was last changed (ms): activity before it does not count, so that a
    /// rate passing through the goal on its way elsewhere does not answer the question.
    pub changed_at_ms: f64,
    /// Whether the learner has changed the lesson's model at all. A question that names
    /// settings (`solution`) is answered by changing something, not by the starting state.
    pub edited: bool,
    /// The weight histogram of projection k, if known (over [w_min, w_max] for STDP).
    pub weights: &'a dyn Fn(usize) -> Option<Histogram>,
    /// The Training view's last run, if any.
    pub trained: Option<TrainedRun<'a>>,
}

/// The answer of a check now.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub passed: bool,
    /// The measured value in words ("19.7 Hz"), or why there is none yet.
    pub measured: String,
}

impl Check {
    fn window_ms(&self) -> f64 {
        self.window.map_or(1000.0, |q| q.canonical())
    }

    /// Problems with the check itself (a missing population, unknown path), in words.
    pub fn problems(&self, model: &Model) -> Vec<String> {
        let mut out = Vec::new();
        let needs_population =
            matches!(self.kind, Test::Rate | Test::Spikes | Test::Cv | Test::Synchrony | Test::PeakFrequency);
        if needs_population {
            match self.population.as_deref().map(|p| model.population(p)) {
                None => out.push(format!("\"{}\": {:?} needs a population", self.goal, self.kind)),
                Some(None) => out.push(format!("\"{}\": no population {:?}", self.goal, self.population)),
                Some(Some(_)) => {}
            }
        }
        if self.kind == Test::Param && self.path.is_none() {
            out.push(format!("\"{}\": param needs the path of a value of the model", self.goal));
        }
        if matches!(self.kind, Test::TrainedAccuracy | Test::TrainedEvents) {
            let known = |c: &str| crate::learn::config::BUILT_IN.iter().any(|(n, _)| *n == c);
            if !self.configuration.as_deref().is_some_and(known) {
                out.push(format!(
                    "\"{}\": {:?} needs configuration, the name of a built-in training configuration",
                    self.goal, self.kind
                ));
            }
        }
        if self.kind == Test::WeightsAtBounds && self.projection_index(model).is_none() {
            out.push(format!("\"{}\": no projection {:?}", self.goal, self.projection));
        }
        if self.min.is_none() && self.max.is_none() {
            out.push(format!("\"{}\": give min, max or both", self.goal));
        }
        out
    }

    fn projection_index(&self, model: &Model) -> Option<usize> {
        let wanted = self.projection.as_deref()?;
        model.projections.iter().position(|p| p.label() == wanted || p.name == wanted)
    }

    /// Whether the value is within [min, max] (canonical units).
    fn within(&self, value: f64) -> bool {
        self.min.is_none_or(|q| value >= q.canonical()) && self.max.is_none_or(|q| value <= q.canonical())
    }

    /// Checks the question against what the network did.
    pub fn evaluate(&self, obs: &Observation<'_>) -> Outcome {
        let waiting = |why: String| Outcome { passed: false, measured: why };
        if matches!(self.kind, Test::TrainedAccuracy | Test::TrainedEvents) {
            let wanted = self.configuration.as_deref().unwrap_or_default();
            let Some(run) = obs.trained.filter(|r| r.configuration == wanted) else {
                return waiting(format!("train {wanted} in the Training view"));
            };
            let value = match (self.kind, self.steps) {
                (Test::TrainedEvents, _) => {
                    run.events.map(|e| (e, format!("{e:.0} synaptic events an inference")))
                }
                (_, Some(n)) => run
                    .by_steps
                    .iter()
                    .find(|(s, _)| *s == n)
                    .map(|&(_, a)| (a, format!("{:.1}% at {n} steps", 100.0 * a))),
                _ => Some((run.test_accuracy, format!("{:.1}% test accuracy", 100.0 * run.test_accuracy))),
            };
            return match value {
                Some((v, text)) => Outcome { passed: self.within(v), measured: text },
                None => waiting(format!("let the training of {wanted} finish")),
            };
        }
        if !self.solution.is_empty() && !obs.edited {
            return waiting("change something first (see Try)".into());
        }
        let window = self.window_ms();
        if self.kind == Test::Param {
            let path = self.path.as_deref().unwrap_or_default();
            return match obs.model.setting(path).and_then(|text| Quantity::parse(&text).ok()) {
                Some(q) => Outcome { passed: self.within(q.canonical()), measured: q.to_string() },
                None => waiting(format!("{path} is at its default")),
            };
        }
        if self.kind == Test::WeightsAtBounds {
            let Some(h) = self.projection_index(obs.model).and_then(|k| (obs.weights)(k)) else {
                return waiting("waiting for the weights".into());
            };
            let n = h.counts.len();
            let outer: u64 = h.counts[..n / 5].iter().chain(&h.counts[n - n / 5..]).sum();
            let fraction = outer as f64 / h.total().max(1) as f64;
            return Outcome {
                passed: self.within(fraction),
                measured: format!("{:.0}% near a bound", 100.0 * fraction),
            };
        }
        let Some((pop, (_, size))) = self
            .population
            .as_deref()
            .and_then(|name| obs.populations.iter().enumerate().find(|(_, (n, _))| n == name))
        else {
            return waiting("no such population".into());
        };
        let settled = obs.now_ms - obs.changed_at_ms.max(0.0);
        if settled < window {
            return waiting(format!("measuring: {settled:.0} of {window:.0} ms since the last change"));
        }
        let t0 = obs.now_ms - window;
        let dt = obs.dt_ms;
        let from = obs.spikes.partition_point(|s| (s.step as f64 * dt) < t0);
        let spikes = &obs.spikes[from..];
        let mut trains = spike_trains(spikes, pop as u32, *size, dt);
        if let Some(n) = self.neuron {
            trains = vec![trains.get(n).cloned().unwrap_or_default()];
        }
        let count: usize = trains.iter().map(Vec::len).sum();
        let (value, text) = match self.kind {
            Test::Rate => {
                let rate = count as f64 / trains.len().max(1) as f64 / (window * 1e-3);
                (Some(rate), format!("{rate:.1} Hz"))
            }
            Test::Spikes => {
                // With samples shown one after another, also a sample's mean share of the count.
                let period = obs.model.inputs.iter().find_map(|i| match &i.stimulus {
                    crate::model::Stimulus::Dataset { present, gap, .. } => {
                        Some(present.map_or(100.0, |q| q.canonical()) + gap.map_or(0.0, |q| q.canonical()))
                    }
                    _ => None,
                });
                let text = match period.filter(|p| *p > 0.0 && window >= *p) {
                    Some(p) => {
                        let samples = window / p;
                        format!("{count} spikes in {window:.0} ms, {:.1} a sample", count as f64 / samples)
                    }
                    None => format!("{count} spikes"),
                };
                (Some(count as f64), text)
            }
            Test::Cv => {
                let value = if self.neuron.is_some() {
                    trains.first().and_then(|t| cv(&isis(t)))
                } else {
                    mean_cv_isi(&trains)
                };
                (value, value.map_or("too few spikes for a CV".into(), |c| format!("CV {c:.2}")))
            }
            Test::Synchrony => {
                let rate = population_rate(spikes, pop as u32, *size, dt, 0.5, t0, obs.now_ms);
                let value = crate::analysis::synchrony(&rate);
                (value, value.map_or("no spikes".into(), |s| format!("synchrony {s:.2}")))
            }
            Test::PeakFrequency => {
                let rate = population_rate(spikes, pop as u32, *size, dt, 0.5, t0, obs.now_ms);
                let peak = power_spectrum(&rate, 0.5).peak(5.0).map(|(f, _)| f);
                (peak, peak.map_or("no peak".into(), |f| format!("peak at {f:.0} Hz")))
            }
            Test::Param | Test::WeightsAtBounds | Test::TrainedAccuracy | Test::TrainedEvents => {
                (None, String::new())
            }
        };
        match value {
            Some(v) => Outcome { passed: self.within(v), measured: text },
            None => waiting(text),
        }
    }
}
