//! What a run will cost, estimated from the model before anything is built, so that a run of
//! hours or years is announced (and refused by the command line) instead of started.
//!
//! Work is counted in neuron updates, synaptic events and input events; each is converted to
//! time with a cost measured on the project's 2-core machine (`cargo run --release --example
//! bench`: CUBA, COBA and Brunel at dt = 0.1 ms, one thread). Spiking neurons are assumed to
//! fire at [`ASSUMED_RATE_HZ`]; sources and Poisson inputs at their own rates. A network that
//! fires much faster costs more: the command line's progress bar and the window's status bar
//! show the measured speed once it runs.

use crate::model::{Model, Stimulus};

/// Rate assumed for neurons whose rate the model does not state, Hz (cortical networks fire
/// at a few to a few tens of Hz).
pub const ASSUMED_RATE_HZ: f64 = 10.0;

/// Cost of delivering one spike through one synapse, and of one Poisson input spike, ns.
const EVENT_NS: f64 = 3.5;
const INPUT_EVENT_NS: f64 = 2.0;
/// Fixed cost of a step per population (queues, recorders), ns.
const STEP_NS: f64 = 300.0;

/// The estimated cost of running a model for some time.
#[derive(Clone, Debug, PartialEq)]
pub struct RunEstimate {
    pub duration_ms: f64,
    pub steps: f64,
    pub neuron_updates: f64,
    /// Expected spikes of all populations.
    pub spikes: f64,
    /// Expected synaptic events (spikes × out-degree).
    pub synaptic_events: f64,
    /// Expected spikes of Poisson inputs.
    pub input_events: f64,
    /// Expected wall time on one thread, s.
    pub wall_s: f64,
}

/// Estimates the cost of running `model` for `duration_ms` (the model should be valid).
pub fn estimate_run(model: &Model, duration_ms: f64) -> RunEstimate {
    let dt = model.dt_ms().max(1e-6);
    let steps = (duration_ms.max(0.0) / dt).round();
    let seconds = duration_ms.max(0.0) * 1e-3;
    let rate_of = |name: &str| {
        model.population(name).map_or(0.0, |(_, p)| match p.model.rate_param() {
            Some(rate) => p.param(rate).unwrap_or(0.0),
            None => ASSUMED_RATE_HZ,
        })
    };
    let mut neuron_updates = 0.0;
    let mut spikes = 0.0;
    let mut wall_ns = steps * STEP_NS * model.populations.len() as f64;
    for p in &model.populations {
        let n = p.size as f64;
        neuron_updates += if p.model.receives_input() { n * steps } else { 0.0 };
        // Each model states its cost per update (LIF vectorises; Hodgkin–Huxley evaluates six
        // exponentials per step).
        wall_ns += n * steps * p.model.update_ns();
        spikes += n * rate_of(&p.name) * seconds;
    }
    let synaptic_events: f64 = model
        .projections
        .iter()
        .map(|proj| crate::model::expected_synapses(model, proj) * rate_of(&proj.pre) * seconds)
        .sum();
    let input_events: f64 = model
        .inputs
        .iter()
        .filter_map(|i| match &i.stimulus {
            Stimulus::Poisson { rate, schedule, sources, .. } => {
                let targets = if i.neurons.is_empty() {
                    model.population(&i.target).map_or(0.0, |(_, p)| p.size as f64)
                } else {
                    i.neurons.len() as f64
                };
                let rate = rate.as_ref().map_or_else(
                    || schedule.iter().map(|s| s.rate.canonical()).fold(0.0, f64::max),
                    |r| r.canonical(),
                );
                Some(targets * sources.unwrap_or(1) as f64 * rate * seconds)
            }
            // At most: every target at the full rate, or one spike each a sample (latency),
            // or a few events each a sample (delta).
            Stimulus::Dataset { encoding, max_rate, present, .. } => {
                let targets = model.population(&i.target).map_or(0.0, |(_, p)| p.size as f64);
                let samples = seconds * 1000.0 / present.map_or(100.0, |q| q.canonical()).max(1e-3);
                Some(match encoding {
                    crate::model::Encoding::Rate => {
                        targets * max_rate.map_or(100.0, |q| q.canonical()) * seconds
                    }
                    crate::model::Encoding::Latency => targets * samples,
                    crate::model::Encoding::Delta => 10.0 * targets * samples,
                })
            }
            _ => None,
        })
        .sum();
    wall_ns += synaptic_events * EVENT_NS + input_events * INPUT_EVENT_NS;
    RunEstimate {
        duration_ms,
        steps,
        neuron_updates,
        spikes,
        synaptic_events,
        input_events,
        wall_s: wall_ns * 1e-9,
    }
}

impl RunEstimate {
    /// The expected wall time in words: "about 3 minutes".
    pub fn wall_time_words(&self) -> String {
        duration_words(self.wall_s)
    }

    /// What the run involves, for a message: "10000 steps, 1.2e8 neuron updates and about
    /// 4.1e8 synaptic and input events, assuming neurons fire at 10 Hz".
    pub fn describe(&self) -> String {
        format!(
            "{} steps, {} neuron updates and about {} synaptic and input events, assuming neurons \
             fire at {ASSUMED_RATE_HZ} Hz",
            count_words(self.steps),
            count_words(self.neuron_updates),
            count_words(self.synaptic_events + self.input_events),
        )
    }
}

/// A count as people read it: "100,000" below a million, "2.0e10" above.
fn count_words(x: f64) -> String {
    let x = x.max(0.0).round();
    if x >= 1e6 {
        return format!("{x:.1e}");
    }
    let digits = (x as u64).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A duration in seconds as people say it: "under a second", "about 40 seconds",
/// "about 3 minutes", "about 5 hours", "about 2 days", "about 3e9 years".
pub fn duration_words(seconds: f64) -> String {
    let about = |x: f64, unit: &str| {
        let x = if x >= 10.0 { x.round() } else { (x * 10.0).round() / 10.0 };
        let plural = if x == 1.0 { "" } else { "s" };
        if x >= 1e6 { format!("about {x:.0e} {unit}s") } else { format!("about {x} {unit}{plural}") }
    };
    match seconds {
        s if !s.is_finite() => "forever".to_string(),
        s if s < 1.0 => "under a second".to_string(),
        s if s < 90.0 => about(s, "second"),
        s if s < 5400.0 => about(s / 60.0, "minute"),
        s if s < 2.0 * 86400.0 => about(s / 3600.0, "hour"),
        s if s < 2.0 * 365.25 * 86400.0 => about(s / 86400.0, "day"),
        s => about(s / (365.25 * 86400.0), "year"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brunel_counts_its_inputs_and_events() {
        // Brunel AI: 12,500 neurons, 1.25e7 + 3.125e6 synapses at 10 Hz for 1 s, and 12,500 ×
        // 1000 sources at 20 Hz.
        let text = crate::model::presets::preset("brunel_ai.toml").expect("preset");
        let m = Model::from_toml(text, "brunel_ai.toml").expect("valid");
        let e = estimate_run(&m, 1000.0);
        assert_eq!(e.steps, 10_000.0);
        assert_eq!(e.neuron_updates, 1.25e8);
        assert!((e.synaptic_events - 1.5625e7 * 10.0).abs() < 1.0, "{}", e.synaptic_events);
        assert!((e.input_events - 12_500.0 * 1000.0 * 20.0).abs() < 1.0, "{}", e.input_events);
        assert!(e.wall_s > 0.3 && e.wall_s < 10.0, "{} s", e.wall_s);
        // A thousand times longer is a thousand times the work.
        let long = estimate_run(&m, 1e6);
        assert!((long.wall_s / e.wall_s - 1000.0).abs() < 1e-6);
    }

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration_words(0.2), "under a second");
        assert_eq!(duration_words(42.0), "about 42 seconds");
        assert_eq!(duration_words(180.0), "about 3 minutes");
        assert_eq!(duration_words(3600.0 * 5.0), "about 5 hours");
        assert_eq!(duration_words(86400.0 * 3.0), "about 3 days");
        assert_eq!(duration_words(3.15576e7 * 3e9), "about 3e9 years");
        assert_eq!(duration_words(f64::INFINITY), "forever");
        assert_eq!(count_words(100_000.0), "100,000");
        assert_eq!(count_words(-0.0), "0");
        assert_eq!(count_words(999.4), "999");
        assert_eq!(count_words(2e10), "2.0e10");
    }
}
