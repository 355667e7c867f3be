//! Warnings: things a model may do, but that are probably not what was meant, such as a delay
//! longer than the whole run or a time step too coarse for a neuron model. They never stop a
//! model from loading or running; the command line and the window show them.

use super::text::quote;
use super::units::Dimension;
use super::*;

/// A time step should be at most this fraction of a model's time constants (LIF's τ_m), and
/// with conductance synapses of τ_syn, of any model. Models stepped by forward Euler state
/// their own limits (`NeuronKind::max_dt`), measured on this engine. LIF is integrated exactly between steps, but spikes fall on step
/// boundaries: each interspike interval is rounded to whole steps, so the error grows with
/// the rate. Measured (τ_m = 20 ms, dt = τ_m/10 = 2 ms, against 0.01 ms): 5 % slow at 30 Hz,
/// 16 % at 100 Hz; so this is a floor, not a guarantee. Conductance synapses are stepped as if
/// the conductance were constant over a step, which makes a PSP 5 % too large at
/// dt = τ_syn/10 (1 % at τ_syn/50); current synapses decay exactly and need no such limit
/// (their PSP is within 0.2 % at dt = 2 ms with τ_syn = 5 ms).
pub const DT_FRACTION_OF_TAU: f64 = 0.1;

/// Poisson sources fire at most once per neuron per step: at rate · dt = 0.1 they fire 5 %
/// less than asked ((1 - e^(-r·dt)) / (r·dt)), which is where this warns.
const SOURCE_RATE_DT: f64 = 0.1;

impl Model {
    /// Things the model is allowed to do but that are probably not meant: delays or spike
    /// times beyond the end of the run, inputs that switch on after it, a time step too coarse
    /// for a neuron model's fastest time constant, Poisson sources so fast that two spikes fall
    /// in one step. Each has the key path it concerns and a sentence saying why and what to do
    /// (no lines: [`Model::from_toml_with_warnings`] adds them for a file). A model with
    /// problems ([`Model::validate`]) may give fewer warnings than it would once fixed.
    pub fn warnings(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let dt = self.dt_ms();
        let duration = self.duration_ms();
        if !(dt.is_finite() && dt > 0.0) {
            return out;
        }
        if duration.is_finite() && duration > 0.0 {
            self.late_delays(duration, &mut out);
            self.late_inputs(duration, &mut out);
        }
        for (i, pop) in self.populations.iter().enumerate() {
            coarse_step(i, pop, dt, &self.simulation.dt, &mut out);
        }
        out
    }

    fn late_delays(&self, duration: f64, out: &mut Vec<Problem>) {
        let run = &self.simulation.duration;
        for (i, proj) in self.projections.iter().enumerate() {
            if let Some(delay) = &proj.delay
                && let Ok(d) = delay.canonical(Dimension::Time)
            {
                let all = match d {
                    CanonicalDist::Constant(v) => v >= duration,
                    CanonicalDist::Uniform(lo, _) => lo >= duration,
                    CanonicalDist::Normal(m, s) => m - 6.0 * s >= duration,
                };
                if all {
                    out.push(Problem::new(
                        format!("projections[{i}].delay"),
                        format!(
                            "a delay of {delay} is not shorter than the whole run ({run}): no spike sent from {} to {} arrives before the run ends. Shorten the delay, or make simulation.duration longer",
                            quote(&proj.pre),
                            quote(&proj.post)
                        ),
                    ));
                } else if d.max() >= duration {
                    out.push(Problem::new(
                        format!("projections[{i}].delay"),
                        format!(
                            "some delays of {delay} are as long as the whole run ({run}): spikes sent along those synapses never arrive before the run ends"
                        ),
                    ));
                }
            }
            let late: Vec<(usize, &Quantity)> = proj
                .connect
                .synapses
                .iter()
                .enumerate()
                .filter_map(|(j, s)| s.delay.as_ref().map(|d| (j, d)))
                .filter(|(_, d)| d.expect(Dimension::Time).is_ok_and(|v| v >= duration))
                .collect();
            if let Some(&(j, d)) = late.first() {
                let others = match late.len() - 1 {
                    0 => String::new(),
                    1 => " (and 1 more synapse of this projection)".into(),
                    n => format!(" (and {n} more synapses of this projection)"),
                };
                out.push(Problem::new(
                    format!("projections[{i}].connect.synapses[{j}].delay"),
                    format!(
                        "a delay of {d} is not shorter than the whole run ({run}): spikes along this synapse never arrive{others}"
                    ),
                ));
            }
        }
    }

    fn late_inputs(&self, duration: f64, out: &mut Vec<Problem>) {
        let run = &self.simulation.duration;
        for (i, input) in self.inputs.iter().enumerate() {
            if let Some(start) = &input.start
                && start.expect(Dimension::Time).is_ok_and(|v| v >= duration)
            {
                out.push(Problem::new(
                    format!("inputs[{i}].start"),
                    format!("this input switches on at {start}, after the run ends ({run}): it never acts"),
                ));
            }
            let times: &[Quantity] = match &input.stimulus {
                Stimulus::Spikes { times, .. } => times,
                _ => &[],
            };
            let late: Vec<(usize, &Quantity)> = times
                .iter()
                .enumerate()
                .filter(|(_, t)| t.expect(Dimension::Time).is_ok_and(|v| v >= duration))
                .collect();
            if let Some(&(j, t)) = late.first() {
                let others = match late.len() - 1 {
                    0 => String::new(),
                    n => format!(" (and {n} later ones)"),
                };
                out.push(Problem::new(
                    format!("inputs[{i}].times[{j}]"),
                    format!("a spike at {t} comes after the run ends ({run}): it never happens{others}"),
                ));
            }
        }
    }
}

/// Warns when dt is too coarse for a population's model, naming the limit and its reason.
fn coarse_step(i: usize, pop: &Population, dt: f64, written: &Quantity, out: &mut Vec<Problem>) {
    let name = quote(&pop.name);
    let model = pop.model.display_name();
    let limit = |what: String, most: f64| {
        Problem::new(
            "simulation.dt",
            format!(
                "a time step of {written} is too coarse for population {name} ({model}): {what}, so dt should be at most {} ms. Results at this dt are not accurate",
                round3(most)
            ),
        )
    };
    if let Some((most, why)) = pop.model.max_dt()
        && dt > most * (1.0 + 1e-9)
    {
        out.push(limit(why.to_string(), most));
        return;
    }
    if let Some(rate_param) = pop.model.rate_param() {
        let rate = pop.param(rate_param).unwrap_or(0.0);
        if rate * dt * 1e-3 > SOURCE_RATE_DT {
            let effective = (1.0 - (-rate * dt * 1e-3).exp()) / (dt * 1e-3);
            out.push(Problem::new(
                format!("populations[{i}].params.{rate_param}"),
                format!(
                    "at {} Hz and dt = {written}, a source often draws two spikes in one step, which count as one: it fires at about {:.0} Hz, not {}. Use a smaller dt for rates above {:.0} Hz",
                    round3(rate),
                    effective,
                    round3(rate),
                    SOURCE_RATE_DT / (dt * 1e-3)
                ),
            ));
        }
        return;
    }
    // The model's time constants and conductance synapses' time constants.
    let mut constants: Vec<(&str, f64, &str)> = Vec::new();
    for &(name, why) in pop.model.time_constants() {
        constants.extend(pop.param(name).map(|t| (name, t, why)));
    }
    if pop.synapse == SynapseKind::Conductance {
        let why = "a conductance is stepped as if it stayed constant for a whole step, which makes each synaptic potential 5 % too large at a tenth of its time constant";
        constants.extend(pop.param("tau_syn_exc").map(|t| ("tau_syn_exc", t, why)));
        constants.extend(pop.param("tau_syn_inh").map(|t| ("tau_syn_inh", t, why)));
    }
    if let Some(&(which, tau, why)) =
        constants.iter().filter(|c| c.1.is_finite() && c.1 > 0.0).min_by(|a, b| a.1.total_cmp(&b.1))
        && dt > DT_FRACTION_OF_TAU * tau * (1.0 + 1e-9)
    {
        out.push(limit(format!("{why}; {which} is {} ms", round3(tau)), DT_FRACTION_OF_TAU * tau));
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
