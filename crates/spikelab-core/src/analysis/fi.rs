//! Frequency–current (F–I) curves: simulated for any neuron model, and in closed form for
//! the models that have one.

use super::spike_trains;
use crate::model::{Input, Model, Population, Quantity, Simulation, Stimulus};
use crate::sim::Network;
use serde::Serialize;

/// One point of an F–I curve.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FiPoint {
    /// Injected DC current, pA (the engine's unit for every neuron model).
    pub current_pa: f64,
    /// Steady-state firing rate, Hz (see [`steady_state_rate`]).
    pub rate_hz: f64,
}

/// Why an F–I curve could not be computed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FiError {
    #[error("the F–I curve was cancelled")]
    Cancelled,
    #[error("the model has no population number {0}")]
    NoSuchPopulation(usize),
    /// The population (its name, and its model's name) does not integrate input.
    #[error("\"{0}\" is a {1}: it has no membrane, so a current does nothing to it")]
    NotANeuron(String, &'static str),
    /// The single-population network could not be built; the engine's message.
    #[error("cannot build the F–I network: {0}")]
    Build(String),
    /// The simulation stopped (for example it diverged); the engine's message.
    #[error("the F–I simulation stopped: {0}")]
    Sim(String),
}

/// Steady-state firing rate, Hz, of one spike train (times in ms) of a run of `duration_ms`:
/// the inverse of the mean of the inter-spike intervals that end in the second half of the
/// run, t ≥ duration/2, so that onset transients and adaptation have settled; 0 Hz if no
/// interval ends there (silence, a single onset spike, or a rate too low to show twice in
/// half the run). Used by [`fi_curve`] and everywhere a steady-state rate is shown.
pub fn steady_state_rate(train: &[f64], duration_ms: f64) -> f64 {
    let half = 0.5 * duration_ms;
    let first_end = train.partition_point(|&t| t < half).max(1);
    let ends = train.len().saturating_sub(first_end);
    if ends == 0 {
        return 0.0;
    }
    let span = train[train.len() - 1] - train[first_end - 1];
    if span > 0.0 { 1000.0 * ends as f64 / span } else { 0.0 }
}

/// Steady-state firing rate of one neuron of population `pop` of `model` (its neuron model, synapse kind and parameters; nothing else of the model) under each DC current, simulated for duration_ms each.
///
/// All currents run at once in one network: a copy of the population with one neuron per
/// current and one DC input (in pA, from t = 0) on each neuron, with the model's dt and seed.
/// Every neuron starts from the model's default initial state (rest; the population's
/// `initial` table is not used), so each point is a current step from rest. The rate is
/// [`steady_state_rate`] of each neuron's spikes over the run. `progress(fraction_done)` is
/// called about every 1% of the run; if it returns false, the run stops with
/// [`FiError::Cancelled`].
pub fn fi_curve(
    model: &Model,
    pop: usize,
    currents_pa: &[f64],
    duration_ms: f64,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Vec<FiPoint>, FiError> {
    let spec = model.populations.get(pop).ok_or(FiError::NoSuchPopulation(pop))?;
    if !spec.model.receives_input() {
        return Err(FiError::NotANeuron(spec.name.clone(), spec.model.display_name()));
    }
    if currents_pa.is_empty() {
        return Ok(Vec::new());
    }
    let population =
        Population { size: currents_pa.len() as u64, initial: Default::default(), ..spec.clone() };
    let inputs = currents_pa
        .iter()
        .enumerate()
        .map(|(k, &current)| dc_input(format!("dc{k}"), &spec.name, k as u64, current))
        .collect();
    let fi_model = Model {
        name: format!("F–I curve of {}", spec.name),
        simulation: Simulation {
            dt: model.simulation.dt,
            duration: Quantity::ms(duration_ms),
            seed: model.simulation.seed,
        },
        populations: vec![population],
        inputs,
        ..Default::default()
    };
    let mut net = Network::build(&fi_model).map_err(|e| FiError::Build(e.to_string()))?;
    let total = (duration_ms / net.dt_ms()).round().max(0.0) as u64;
    let chunk = (total / 100).max(1);
    while net.steps() < total {
        for _ in 0..chunk.min(total - net.steps()) {
            net.step().map_err(|e| FiError::Sim(e.to_string()))?;
        }
        if !progress(net.steps() as f64 / total as f64) {
            return Err(FiError::Cancelled);
        }
    }
    let trains = spike_trains(net.spikes().retained(), 0, currents_pa.len(), net.dt_ms());
    let run_ms = net.time_ms();
    Ok(currents_pa
        .iter()
        .zip(&trains)
        .map(|(&current_pa, train)| FiPoint { current_pa, rate_hz: steady_state_rate(train, run_ms) })
        .collect())
}

fn dc_input(name: String, target: &str, neuron: u64, current_pa: f64) -> Input {
    Input {
        name,
        stimulus: Stimulus::Dc { amplitude: Quantity::pa(current_pa) },
        target: target.to_string(),
        neurons: vec![neuron],
        start: None,
        stop: None,
    }
}

/// Steady-state rate (Hz) of a population's neuron under a constant current (pA), in closed
/// form, for the models that have one (LIF, QIF; see `NeuronKind::rate_analytic`); `None`
/// for the others.
pub fn rate_analytic(population: &Population, current_pa: f64) -> Option<f64> {
    population.model.rate_analytic(&crate::neurons::Values::of(population), current_pa)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NeuronModel;

    #[test]
    fn steady_state_rate_uses_intervals_ending_in_the_second_half() {
        // Intervals 10 ms early, then 20 ms: those ending at t ≥ 50 are 20, 20 → 50 Hz.
        assert_eq!(steady_state_rate(&[10.0, 20.0, 30.0, 40.0, 60.0, 80.0], 100.0), 1000.0 / 20.0);
        // One interval straddling the middle counts.
        assert_eq!(steady_state_rate(&[30.0, 70.0], 100.0), 25.0);
        assert_eq!(steady_state_rate(&[70.0], 100.0), 0.0);
        assert_eq!(steady_state_rate(&[5.0, 10.0], 100.0), 0.0);
        assert_eq!(steady_state_rate(&[], 100.0), 0.0);
    }

    #[test]
    fn analytic_lif_rate_has_its_rheobase_and_refractory_limit() {
        let text = r#"
name = "x"
[[populations]]
name = "a"
size = 1
model = "lif"
params = { tau_m = "20 ms", c_m = "200 pF", v_rest = "-70 mV", v_reset = "-60 mV", v_thresh = "-50 mV", t_ref = "2 ms" }
"#;
        let m = Model::from_toml(text, "x.toml").expect("valid");
        let lif = &m.populations[0];
        // Rheobase C/τm·(v_thresh − v_rest) = 200 pA.
        assert_eq!(rate_analytic(lif, 200.0), Some(0.0));
        // 300 pA: V∞ = -40 mV, T = 20 ln(20/10) ms.
        let r = rate_analytic(lif, 300.0).expect("LIF");
        assert!((r - 1000.0 / (2.0 + 20.0 * 2f64.ln())).abs() < 1e-9, "{r}");
        // Very strong drive approaches 1/t_ref.
        assert!((rate_analytic(lif, 1e9).expect("LIF") - 500.0).abs() < 0.01);
        let mut izh = lif.clone();
        izh.model = NeuronModel::from_key("izhikevich").expect("a model");
        izh.params.clear();
        assert_eq!(rate_analytic(&izh, 10.0), None);
    }
}
