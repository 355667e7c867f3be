//! The neuron models, one file each: what a model file calls the model and what it takes
//! (parameters and state variables with their units, defaults and limits), how it steps (the
//! kernel the engine runs), and what the tools can say about it (resting state, F–I range and
//! closed-form rate, phase plane). The loader, validation, inspector, graph editor, engine,
//! F–I tool and phase plane read [`MODELS`] and never name a model.
//!
//! To add a model: write its file (a unit struct implementing [`NeuronKind`], and its
//! [`Kernel`]), and add one line to [`MODELS`].

mod adex;
pub(crate) mod fastmath;
mod hodgkin_huxley;
mod izhikevich;
mod lif;
mod poisson_source;
mod qif;

use crate::model::params::{ParamInfo, StateVarInfo};
use crate::model::{Population, SynapseKind};
use rand_pcg::Pcg64Mcg;
use std::fmt::Debug;

/// Every neuron model, in the order menus list them.
pub const MODELS: &[&dyn NeuronKind] = &[
    &lif::Lif,
    &izhikevich::Izhikevich,
    &adex::Adex,
    &hodgkin_huxley::HodgkinHuxley,
    &qif::Qif,
    &poisson_source::PoissonSource,
];

/// A neuron model: its description and its kernel's constructor.
pub trait NeuronKind: Sync + std::panic::RefUnwindSafe {
    /// Its name in model files: `model = "lif"`.
    fn key(&self) -> &'static str;
    /// Its name for people: "LIF", "Hodgkin–Huxley".
    fn display_name(&self) -> &'static str;
    /// One sentence for tooltips: what it is and where it comes from.
    fn about(&self) -> &'static str;
    /// Parameters of the neuron itself (synaptic ones come from the synapse kind).
    fn params(&self) -> &'static [ParamInfo];
    /// State variables after `v`, in the order the kernel stores them.
    fn state(&self) -> &'static [StateVarInfo] {
        &[]
    }
    /// Whether it integrates input (a spike source does not, and has no state).
    fn receives_input(&self) -> bool {
        true
    }
    /// The parameter that sets a spike source's rate (Hz); `None` for neurons that integrate.
    fn rate_param(&self) -> Option<&'static str> {
        None
    }
    /// (reset, threshold) parameter names: the reset must lie below the threshold.
    fn reset_below(&self) -> Option<(&'static str, &'static str)> {
        None
    }
    /// Whether it can reset by subtracting the threshold (`reset = "subtract"`).
    fn subtracts(&self) -> bool {
        false
    }
    /// The largest time step (ms) that keeps its answers accurate, and why; `None` when only
    /// the time constants bound it (see [`NeuronKind::time_constants`]).
    fn max_dt(&self) -> Option<(f64, &'static str)> {
        None
    }
    /// Time-constant parameters that dt must resolve (a tenth of each), and why.
    fn time_constants(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }
    /// Cost of one neuron update on the project's machine, ns (for run estimates).
    fn update_ns(&self) -> f64;
    /// Resting potential (mV): V's initial value unless the file gives one.
    fn rest(&self, _p: &Values) -> f64 {
        -65.0
    }
    /// Initial values of the state variables after `v` (as listed by [`NeuronKind::state`])
    /// for a neuron starting at `v`, unless the file gives them: in equilibrium with `v`.
    fn initial_state(&self, _p: &Values, _v: f64, own: &mut [f64]) {
        own.fill(0.0);
    }
    /// Upper end (pA) of the current range the F–I tool sweeps by default.
    fn fi_range_pa(&self, _p: &Values) -> f64 {
        1000.0
    }
    /// Steady-state rate (Hz) under a constant current (pA), in closed form, where one is
    /// known; the F–I tool draws it beside the simulated points.
    fn rate_analytic(&self, _p: &Values, _i_pa: f64) -> Option<f64> {
        None
    }
    /// The closed form and its source, for the F–I tool's tooltip.
    fn rate_formula(&self) -> Option<&'static str> {
        None
    }
    /// The least constant current (pA) that makes it fire, where known in closed form.
    fn rheobase(&self, _p: &Values) -> Option<f64> {
        None
    }
    /// The potential (mV) at which a spike is registered (a threshold or a cut-off), drawn
    /// over its traces; `None` for a spike source.
    fn spike_at(&self, p: &Values) -> Option<f64>;
    /// What the phase-plane view can draw for it; `None` for no phase plane.
    fn phase(&self, _p: &Values) -> Option<Phase> {
        None
    }
    /// Its kernel for a population of `size` neurons at time step `dt` (ms).
    fn kernel(&self, p: &Values, syn: Syn, size: usize, dt: f64) -> Box<dyn Kernel>;
}

/// The phase portrait of a model: over (v, recovery) for a two-variable model (Izhikevich,
/// AdEx), or the phase line dv/dt against v for a one-variable one (QIF).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Phase {
    /// The second axis: index into [`NeuronKind::state`]; `None` for a phase line.
    pub recovery: Option<usize>,
    /// Spike cut-off and reset potential, mV.
    pub v_peak: f64,
    pub v_reset: f64,
}

/// A population's parameter values in canonical units, as its kernel reads them.
pub struct Values<'a> {
    population: &'a Population,
}

impl<'a> Values<'a> {
    pub fn of(population: &'a Population) -> Values<'a> {
        Values { population }
    }

    /// The value of a parameter of the model's table (the file's, or the default). A name
    /// not in the table is a programming error, caught by every test that builds the model.
    pub fn get(&self, name: &str) -> f64 {
        match self.population.param(name) {
            Some(value) => value,
            None => panic!("the {} model has no parameter {name:?}", self.population.model.key()),
        }
    }

    /// What a spike does to V.
    pub fn reset(&self) -> crate::model::Reset {
        self.population.reset
    }

    /// A parameter that only some synapse kinds have (`tau_syn_exc`).
    pub fn optional(&self, name: &str) -> Option<f64> {
        self.population.param(name)
    }
}

/// Synaptic decay per step and reversal potentials of a population.
#[derive(Clone, Debug)]
pub struct Syn {
    pub kind: SynapseKind,
    pub decay_exc: f32,
    pub decay_inh: f32,
    pub e_exc: f32,
    pub e_inh: f32,
}

impl Syn {
    pub fn of(population: &Population, dt: f64) -> Syn {
        let decay = |name: &str| population.param(name).map_or(0.0, |tau| (-dt / tau).exp()) as f32;
        Syn {
            kind: population.synapse,
            decay_exc: decay("tau_syn_exc"),
            decay_inh: decay("tau_syn_inh"),
            e_exc: population.param("e_exc").unwrap_or(0.0) as f32,
            e_inh: population.param("e_inh").unwrap_or(0.0) as f32,
        }
    }

    /// Takes this step's synaptic input of one neuron at potential `v`: returns the synaptic
    /// current (pA) and, for delta synapses, the jump of V (mV); decays the synaptic state.
    #[inline(always)]
    pub fn take(
        &self,
        exc: &mut f32,
        inh: &mut f32,
        ring_exc: &mut f32,
        ring_inh: &mut f32,
        v: f32,
    ) -> (f32, f32) {
        let ie = *exc + *ring_exc;
        let ii = *inh + *ring_inh;
        *ring_exc = 0.0;
        *ring_inh = 0.0;
        *exc = ie * self.decay_exc;
        *inh = ii * self.decay_inh;
        match self.kind {
            SynapseKind::Current => (ie - ii, 0.0),
            SynapseKind::Conductance => (ie * (self.e_exc - v) + ii * (self.e_inh - v), 0.0),
            SynapseKind::Delta => (0.0, ie - ii),
        }
    }
}

/// One population's state as a kernel steps it: structure of arrays, one entry per neuron
/// (empty for spike sources), and this step's slot of the input ring.
pub struct State<'a> {
    /// Number of neurons (also for a spike source, whose arrays are empty).
    pub size: usize,
    /// Membrane potential, mV.
    pub v: &'a mut [f32],
    /// The state variables after v, as in [`NeuronKind::state`].
    pub own: &'a mut [Vec<f32>],
    /// Excitatory synaptic current (pA) or conductance (nS); zero for delta synapses.
    pub exc: &'a mut [f32],
    /// Inhibitory synaptic current (pA, a magnitude) or conductance (nS).
    pub inh: &'a mut [f32],
    /// Synaptic input arriving this step.
    pub ring_exc: &'a mut [f32],
    pub ring_inh: &'a mut [f32],
    /// External (injected) current, pA.
    pub i_ext: &'a [f32],
    /// The neuron is held at reset, not integrated, during steps before this one.
    pub until: &'a mut [u64],
    /// Random stream of a spike source.
    pub rng: Option<&'a mut Pcg64Mcg>,
}

/// Where a population's update found a non-finite value.
#[derive(Debug)]
pub struct NotFinite {
    pub neuron: usize,
    /// The state variable that became infinite or NaN.
    pub variable: &'static str,
}

/// The constants of a model's update, derived from its parameters and dt, and the update.
pub trait Kernel: Debug + Send + Sync + KernelClone {
    /// Advances every neuron by one step (`now` is its index), appending the neurons that
    /// spike to `spikes` in increasing order.
    fn step(&self, now: u64, s: State<'_>, spikes: &mut Vec<u32>) -> Result<(), NotFinite>;

    /// Its membrane step, for a kernel whose membrane is linear between spikes (a LIF with
    /// delta synapses); `None` for others. A trainer differentiates this while `step` runs it.
    fn linear(&self) -> Option<Linear> {
        None
    }

    /// Time derivatives (per ms) of v and of the phase plane's second variable at (v, y)
    /// under a constant current (pA), exactly as `step` integrates them; for a phase line
    /// the second is zero. `None` for models without a phase portrait.
    fn field(&self, _v: f64, _y: f64, _i_pa: f64) -> Option<(f64, f64)> {
        None
    }
}

/// A membrane that is linear between spikes, as a LIF's with delta synapses: each step
/// v ← v + (v∞ − v)·relax + jump with v∞ = v_rest + R·I_ext, then a spike where v ≥ v_thresh,
/// after which v = [`Linear::after_spike`]. The kernel runs [`Linear::advance`] itself, so a trainer that
/// differentiates it (∂v'/∂v = 1 − relax, ∂v'/∂jump = 1) takes the gradient of the very step
/// the simulator takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Linear {
    pub v_rest: f32,
    /// 1 − e^(−dt/τm).
    pub relax: f32,
    /// Membrane resistance τm/C, mV/pA.
    pub r_m: f32,
    pub v_thresh: f32,
    pub v_reset: f32,
    /// A spike subtracts v_thresh − v_reset (see [`Linear::after_spike`]).
    pub subtract: bool,
}

impl Linear {
    /// The potential after a spike at `v` (≥ v_thresh): v_reset, or with `subtract`
    /// v − (v_thresh − v_reset), which keeps the overshoot.
    #[inline(always)]
    pub fn after_spike(&self, v: f32) -> f32 {
        if self.subtract { v - (self.v_thresh - self.v_reset) } else { self.v_reset }
    }

    /// The potential after one step from `v` under current `i_ext` (pA) and input `jump`
    /// (mV), before the threshold is looked at.
    #[inline(always)]
    pub fn advance(&self, v: f32, i_ext: f32, jump: f32) -> f32 {
        // An increment, so that f32 keeps its precision when the change per step is small.
        let v_inf = self.v_rest + self.r_m * i_ext;
        v + (v_inf - v) * self.relax + jump
    }
}

/// Cloning a boxed kernel (networks are cloned for the F–I tool and for snapshots).
pub trait KernelClone {
    fn clone_box(&self) -> Box<dyn Kernel>;
}

impl<T: Kernel + Clone + 'static> KernelClone for T {
    fn clone_box(&self) -> Box<dyn Kernel> {
        Box::new(self.clone())
    }
}

impl Clone for Box<dyn Kernel> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

/// Whole steps of a refractory period of `t_ref` ms.
pub(crate) fn refractory_steps(t_ref: f64, dt: f64) -> u64 {
    (t_ref / dt).round().clamp(0.0, 1e15) as u64
}

/// The model named `key` in model files.
pub fn find(key: &str) -> Option<&'static dyn NeuronKind> {
    MODELS.iter().copied().find(|m| m.key() == key)
}

/// The equations of a neuron model for drawing its phase portrait with exactly the
/// right-hand side the engine integrates.
#[derive(Clone, Debug)]
pub struct PhaseField {
    kernel: Box<dyn Kernel>,
    pub phase: Phase,
}

impl PhaseField {
    /// `None` unless the population's model has a phase portrait.
    pub fn new(population: &Population) -> Option<PhaseField> {
        let values = Values::of(population);
        let phase = population.model.phase(&values)?;
        let kernel = population.model.kernel(&values, Syn::of(population, 0.1), 1, 0.1);
        Some(PhaseField { kernel, phase })
    }

    /// Time derivatives (per ms) of v and the second variable at (x, y) under `i_pa`.
    pub fn derivatives(&self, x: f64, y: f64, i_pa: f64) -> (f64, f64) {
        self.kernel.field(x, y, i_pa).unwrap_or((f64::NAN, f64::NAN))
    }

    /// The two nullclines at x: the y where dx/dt = 0 and the y where dy/dt = 0. Both
    /// derivatives are affine in y (the recovery variable enters linearly), so each is one
    /// solve: y = -f(x, 0) / (f(x, 1) - f(x, 0)).
    pub fn nullclines(&self, x: f64, i_pa: f64) -> (f64, f64) {
        let (fx0, fy0) = self.derivatives(x, 0.0, i_pa);
        let (fx1, fy1) = self.derivatives(x, 1.0, i_pa);
        (-fx0 / (fx1 - fx0), -fy0 / (fy1 - fy0))
    }

    /// The fixed points of a phase line (dv/dt = 0) between `from` and `to` mV under
    /// `i_pa`, each with whether it is stable (dv/dt falls through zero there).
    pub fn fixed_points(&self, from: f64, to: f64, i_pa: f64) -> Vec<(f64, bool)> {
        const SAMPLES: usize = 2000;
        let f = |v: f64| self.derivatives(v, 0.0, i_pa).0;
        let mut out = Vec::new();
        let at = |k: usize| from + (to - from) * k as f64 / SAMPLES as f64;
        for k in 0..SAMPLES {
            let (mut a, mut b) = (at(k), at(k + 1));
            let (fa, fb) = (f(a), f(b));
            if !(fa.is_finite() && fb.is_finite()) || (fa > 0.0) == (fb > 0.0) {
                continue;
            }
            let stable = fa > fb;
            // Bisection to f64 precision.
            for _ in 0..60 {
                let mid = 0.5 * (a + b);
                if (f(mid) > 0.0) == (fa > 0.0) {
                    a = mid;
                } else {
                    b = mid;
                }
            }
            out.push((0.5 * (a + b), stable));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NeuronModel, Population};

    #[test]
    fn every_model_in_the_registry_is_whole() {
        let mut keys: Vec<&str> = MODELS.iter().map(|m| m.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), MODELS.len(), "keys are unique");
        for model in NeuronModel::all() {
            for synapse in SynapseKind::ALL {
                let pop = Population { synapse, ..Population::new("p", model, 3) };
                let values = Values::of(&pop);
                // Building reads every parameter by name: a misspelt one panics here.
                let kernel = model.kernel(&values, Syn::of(&pop, 0.1), 3, 0.1);
                let vars = model.state_vars(synapse);
                let mut names: Vec<&str> = vars.iter().map(|v| v.name).collect();
                names.sort_unstable();
                names.dedup();
                assert_eq!(names.len(), vars.len(), "{}: state variable names are unique", model.key());
                assert_eq!(model.spike_at(&values).is_some(), model.receives_input(), "{}", model.key());
                for info in model.params() {
                    assert!(info.default.is_finite(), "{}.{}", model.key(), info.name);
                    assert!(
                        info.range.0 <= info.default && info.default <= info.range.1,
                        "{}.{}",
                        model.key(),
                        info.name
                    );
                }
                if let Some(phase) = model.phase(&values) {
                    assert!(phase.recovery.is_none_or(|k| k < model.state().len()), "{}", model.key());
                    assert!(
                        kernel.field(-60.0, 0.0, 0.0).is_some(),
                        "{}: a phase portrait needs the field",
                        model.key()
                    );
                }
                assert!(find(model.key()).is_some());
            }
        }
    }
}
