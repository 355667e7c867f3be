//! Neuron populations as flat arrays. How each model steps is its kernel, in its own file
//! under `src/neurons/`.

use crate::model::{NeuronModel, Population as PopSpec, SynapseKind};
use crate::neurons::{Kernel, NotFinite, State, Syn, Values};
use rand_pcg::Pcg64Mcg;

/// The kernel of a population's model for its parameters and dt. Rebuilt when a parameter changes.
pub(crate) fn kernel(spec: &PopSpec, dt: f64) -> Box<dyn Kernel> {
    spec.model.kernel(&Values::of(spec), Syn::of(spec, dt), spec.size as usize, dt)
}

/// One population's state, structure of arrays.
#[derive(Clone, Debug)]
pub(crate) struct PopState {
    pub name: String,
    pub size: usize,
    pub model: NeuronModel,
    pub synapse: SynapseKind,
    pub kernel: Box<dyn Kernel>,
    /// Membrane potential, mV (empty for spike sources).
    pub v: Vec<f32>,
    /// The model's own state variables after v, as in `NeuronKind::state`
    /// (Izhikevich: u; AdEx: w; Hodgkin–Huxley: m, h, n).
    pub own: Vec<Vec<f32>>,
    /// Excitatory synaptic current (pA) or conductance (nS); zero for delta synapses.
    pub exc: Vec<f32>,
    /// Inhibitory synaptic current (pA, a magnitude) or conductance (nS).
    pub inh: Vec<f32>,
    /// The neuron is held at reset, not integrated, during steps before this one.
    pub refractory_until: Vec<u64>,
    /// External (injected) current, pA.
    pub i_ext: Vec<f32>,
    /// Synaptic input arriving in the coming steps: `slots` blocks of `size`, slot-major.
    pub ring_exc: Vec<f32>,
    pub ring_inh: Vec<f32>,
    pub slots: usize,
    /// Random stream of a spike source.
    pub rng: Option<Box<Pcg64Mcg>>,
}

impl PopState {
    /// An empty population of this spec's model, at the spec's size, with `slots` input slots.
    pub(crate) fn new(spec: &PopSpec, dt: f64, slots: usize, rng: Pcg64Mcg) -> PopState {
        let size = spec.size as usize;
        let integrates = spec.model.receives_input();
        let n = if integrates { size } else { 0 };
        PopState {
            name: spec.name.clone(),
            size,
            model: spec.model,
            synapse: spec.synapse,
            kernel: kernel(spec, dt),
            v: vec![0.0; n],
            own: spec.model.state().iter().map(|_| vec![0.0; n]).collect(),
            exc: vec![0.0; n],
            inh: vec![0.0; n],
            refractory_until: vec![0; n],
            i_ext: vec![0.0; n],
            ring_exc: vec![0.0; n * slots],
            ring_inh: vec![0.0; n * slots],
            slots,
            rng: (!integrates).then(|| Box::new(rng)),
        }
    }

    /// State variable by index in the order of `NeuronModel::state_vars`.
    pub(crate) fn var(&self, index: usize) -> &[f32] {
        let own = self.own.len();
        match index {
            0 => &self.v,
            i if i <= own => &self.own[i - 1],
            i if i == own + 1 => &self.exc,
            _ => &self.inh,
        }
    }

    pub(crate) fn var_mut(&mut self, index: usize) -> &mut Vec<f32> {
        let own = self.own.len();
        match index {
            0 => &mut self.v,
            i if i <= own => &mut self.own[i - 1],
            i if i == own + 1 => &mut self.exc,
            _ => &mut self.inh,
        }
    }

    /// Advances every neuron by one step (`step` is its index), taking the input queued in
    /// `slot`; appends spiking neurons to `spikes` in increasing order.
    pub(crate) fn update(&mut self, step: u64, slot: usize, spikes: &mut Vec<u32>) -> Result<(), NotFinite> {
        let n = self.v.len();
        let state = State {
            size: self.size,
            v: &mut self.v[..n],
            own: &mut self.own[..],
            exc: &mut self.exc[..n],
            inh: &mut self.inh[..n],
            ring_exc: &mut self.ring_exc[slot * n..(slot + 1) * n],
            ring_inh: &mut self.ring_inh[slot * n..(slot + 1) * n],
            i_ext: &self.i_ext[..n],
            until: &mut self.refractory_until[..n],
            rng: self.rng.as_deref_mut(),
        };
        self.kernel.step(step, state, spikes)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Model;
    use crate::neurons::PhaseField;

    fn population(toml: &str) -> crate::model::Population {
        let m = Model::from_toml(toml, "t.toml").unwrap_or_else(|e| panic!("{e}"));
        m.populations[0].clone()
    }

    #[test]
    fn izhikevich_nullclines_are_the_closed_forms() {
        // Izhikevich (2003): v' = 0 on u = 0.04 v² + 5 v + 140 + I, u' = 0 on u = b v.
        let p = population(
            "name = \"n\"\n[[populations]]\nname = \"a\"\nsize = 1\nmodel = \"izhikevich\"\nparams = { b = 0.25 }\n",
        );
        let field = PhaseField::new(&p).unwrap();
        for v in [-80.0, -65.0, -50.0, -20.0, 10.0] {
            let (u_v, u_u) = field.nullclines(v, 10.0);
            let expected = 0.04 * v * v + 5.0 * v + 140.0 + 10.0;
            assert!((u_v - expected).abs() < 1e-3 * expected.abs().max(1.0), "v = {v}: {u_v} vs {expected}");
            assert!((u_u - 0.25 * v).abs() < 1e-4, "v = {v}: {u_u}");
            // And the field vanishes there.
            assert!(field.derivatives(v, u_v, 10.0).0.abs() < 1e-3);
        }
    }

    #[test]
    fn adex_nullclines_are_the_closed_forms() {
        // Brette & Gerstner (2005): V' = 0 on w = -g_L (V - E_L) + g_L Δ_T exp((V - V_T)/Δ_T) + I,
        // w' = 0 on w = a (V - E_L). Defaults: g_L 30 nS, E_L -70.6 mV, V_T -50.4 mV, Δ_T 2 mV, a 4 nS.
        let p = population("name = \"n\"\n[[populations]]\nname = \"a\"\nsize = 1\nmodel = \"adex\"\n");
        let field = PhaseField::new(&p).unwrap();
        for v in [-80.0, -70.0, -55.0, -48.0] {
            let (w_v, w_w) = field.nullclines(v, 500.0);
            let expected = -30.0 * (v + 70.6) + 30.0 * 2.0 * ((v + 50.4) / 2.0f64).exp() + 500.0;
            assert!((w_v - expected).abs() < 1e-2 * expected.abs().max(1.0), "V = {v}: {w_v} vs {expected}");
            assert!((w_w - 4.0 * (v + 70.6)).abs() < 1e-2, "V = {v}: {w_w}");
        }
        let lif = population("name = \"n\"\n[[populations]]\nname = \"a\"\nsize = 1\nmodel = \"lif\"\n");
        assert!(PhaseField::new(&lif).is_none());
    }
}
