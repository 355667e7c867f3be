//! Neuron populations as flat arrays, and one update loop per model and synapse kind.
//!
//! Integration schemes:
//! - LIF with current synapses: exact. Between steps the external current is constant and the
//!   synaptic currents decay exponentially, so V(t+dt) is a linear map of (V, I_exc, I_inh, I_ext)
//!   whose coefficients are computed once (Rotter & Diesmann 1999, as NEST's `iaf_psc_exp`).
//! - LIF with conductance synapses: exponential Euler, exact for conductances held constant
//!   over the step (as Brian2 chooses for the COBA benchmark).
//! - Izhikevich: forward Euler on (v, u), as in Izhikevich (2003), at the model's dt.

use super::fastmath::exp_neg;
use crate::model::{NeuronModel, Population as PopSpec, SynapseKind};

/// Constants of the update, derived from the parameters and dt. Recomputed when a parameter changes.
#[derive(Clone, Debug)]
pub(crate) enum Dynamics {
    Lif(Lif),
    Izhikevich(Izh),
}

#[derive(Clone, Debug)]
pub(crate) struct Lif {
    v_rest: f32,
    v_reset: f32,
    v_thresh: f32,
    ref_steps: u32,
    /// 1 - e^(-dt/τm), computed as -expm1 so it keeps full precision when dt ≪ τm.
    relax: f32,
    /// Membrane resistance τm/C, GΩ (mV/pA).
    r_m: f32,
    /// Effect of a synaptic current on V over one step (exact), mV/pA.
    p_exc: f32,
    p_inh: f32,
    g_leak: f32,
    /// dt / C_m, ms/pF.
    dt_over_c: f32,
    syn: Syn,
}

#[derive(Clone, Debug)]
pub(crate) struct Izh {
    a: f32,
    b: f32,
    c: f32,
    d: f32,
    v_peak: f32,
    inv_c: f32,
    dt: f32,
    syn: Syn,
}

/// Synaptic decay per step and reversal potentials.
#[derive(Clone, Debug)]
struct Syn {
    decay_exc: f32,
    decay_inh: f32,
    e_exc: f32,
    e_inh: f32,
}

/// Effect on V after one step of a synaptic current I(0) = 1 pA decaying with τs, exactly.
fn psc_propagator(dt: f64, tau_m: f64, tau_s: f64, c_m: f64) -> f64 {
    if (tau_m - tau_s).abs() < 1e-9 * tau_m {
        dt / c_m * (-dt / tau_m).exp()
    } else {
        tau_s * tau_m / (c_m * (tau_m - tau_s)) * ((-dt / tau_m).exp() - (-dt / tau_s).exp())
    }
}

impl Dynamics {
    pub(crate) fn new(spec: &PopSpec, dt: f64) -> Dynamics {
        let p = |name: &str| spec.param(name).unwrap_or(f64::NAN);
        let tau_exc = p("tau_syn_exc");
        let tau_inh = p("tau_syn_inh");
        let (e_exc, e_inh) = match spec.synapse {
            SynapseKind::Current => (0.0, 0.0),
            SynapseKind::Conductance => (p("e_exc"), p("e_inh")),
        };
        let syn = Syn {
            decay_exc: (-dt / tau_exc).exp() as f32,
            decay_inh: (-dt / tau_inh).exp() as f32,
            e_exc: e_exc as f32,
            e_inh: e_inh as f32,
        };
        match spec.model {
            NeuronModel::Lif => {
                let (tau_m, c_m) = (p("tau_m"), p("c_m"));
                Dynamics::Lif(Lif {
                    v_rest: p("v_rest") as f32,
                    v_reset: p("v_reset") as f32,
                    v_thresh: p("v_thresh") as f32,
                    ref_steps: (p("t_ref") / dt).round() as u32,
                    relax: (-(-dt / tau_m).exp_m1()) as f32,
                    r_m: (tau_m / c_m) as f32,
                    p_exc: psc_propagator(dt, tau_m, tau_exc, c_m) as f32,
                    p_inh: psc_propagator(dt, tau_m, tau_inh, c_m) as f32,
                    g_leak: (c_m / tau_m) as f32,
                    dt_over_c: (dt / c_m) as f32,
                    syn,
                })
            }
            NeuronModel::Izhikevich => Dynamics::Izhikevich(Izh {
                a: p("a") as f32,
                b: p("b") as f32,
                c: p("c") as f32,
                d: p("d") as f32,
                v_peak: p("v_peak") as f32,
                inv_c: (1.0 / p("c_m")) as f32,
                dt: dt as f32,
                syn,
            }),
        }
    }
}

/// One population's state, structure of arrays.
#[derive(Clone, Debug)]
pub(crate) struct PopState {
    pub name: String,
    pub size: usize,
    pub model: NeuronModel,
    pub synapse: SynapseKind,
    pub dynamics: Dynamics,
    /// Membrane potential, mV.
    pub v: Vec<f32>,
    /// Izhikevich recovery variable (empty for LIF).
    pub u: Vec<f32>,
    /// Excitatory synaptic current (pA) or conductance (nS).
    pub exc: Vec<f32>,
    /// Inhibitory synaptic current (pA, a magnitude) or conductance (nS).
    pub inh: Vec<f32>,
    /// The neuron is held at reset, not integrated, during steps before this one.
    /// (Step indices are u32 here: 2^32 steps of 0.1 ms are five days of biological time.)
    pub refractory_until: Vec<u32>,
    /// External (DC, pulse) current, pA.
    pub i_ext: Vec<f32>,
    /// Synaptic input arriving in the coming steps: `slots` blocks of `size`, slot-major.
    pub ring_exc: Vec<f32>,
    pub ring_inh: Vec<f32>,
    pub slots: usize,
}

/// Where a population's update found a non-finite value.
pub(crate) struct NotFinite {
    pub neuron: usize,
}

impl PopState {
    /// Which array holds state variable `index` (in the order of `NeuronModel::state_vars`).
    fn slot_of(&self, index: usize) -> usize {
        match (self.model, index) {
            (_, 0) => 0,
            (NeuronModel::Izhikevich, 1) => 1,
            (NeuronModel::Lif, 1) | (NeuronModel::Izhikevich, 2) => 2,
            _ => 3,
        }
    }

    /// State variable by index in the order of `NeuronModel::state_vars`.
    pub(crate) fn var(&self, index: usize) -> &[f32] {
        [&self.v, &self.u, &self.exc, &self.inh][self.slot_of(index)]
    }

    pub(crate) fn var_mut(&mut self, index: usize) -> &mut Vec<f32> {
        match self.slot_of(index) {
            0 => &mut self.v,
            1 => &mut self.u,
            2 => &mut self.exc,
            _ => &mut self.inh,
        }
    }

    /// Advances every neuron by one step, taking the input queued in `slot`; appends spiking
    /// neurons to `spikes`.
    /// `step` is the index of the step being taken.
    pub(crate) fn update(&mut self, step: u64, slot: usize, spikes: &mut Vec<u32>) -> Result<(), NotFinite> {
        let now = step as u32;
        let n = self.size;
        let ring_exc = &mut self.ring_exc[slot * n..(slot + 1) * n];
        let ring_inh = &mut self.ring_inh[slot * n..(slot + 1) * n];
        let v = &mut self.v[..n];
        let exc = &mut self.exc[..n];
        let inh = &mut self.inh[..n];
        let i_ext = &self.i_ext[..n];
        match (&self.dynamics, self.synapse) {
            (Dynamics::Lif(k), syn) => {
                let until = &mut self.refractory_until[..n];
                if syn == SynapseKind::Current {
                    lif_current(k, now, v, exc, inh, ring_exc, ring_inh, i_ext, until);
                } else {
                    lif_conductance(k, now, v, exc, inh, ring_exc, ring_inh, i_ext, until);
                }
                detect_spikes(v, until, now, k, spikes)?;
            }
            (Dynamics::Izhikevich(k), syn) => {
                let u = &mut self.u[..n];
                let conductance = syn == SynapseKind::Conductance;
                let mut finite = true;
                for i in 0..n {
                    let ie = exc[i] + ring_exc[i];
                    let ii = inh[i] + ring_inh[i];
                    ring_exc[i] = 0.0;
                    ring_inh[i] = 0.0;
                    let (vi, ui) = (v[i], u[i]);
                    let i_syn =
                        if conductance { ie * (k.syn.e_exc - vi) + ii * (k.syn.e_inh - vi) } else { ie - ii };
                    let dv = 0.04 * vi * vi + 5.0 * vi + 140.0 - ui + (i_ext[i] + i_syn) * k.inv_c;
                    let vn = vi + k.dt * dv;
                    let un = ui + k.dt * k.a * (k.b * vi - ui);
                    finite &= vn.is_finite() && un.is_finite();
                    if vn >= k.v_peak {
                        spikes.push(i as u32);
                        v[i] = k.c;
                        u[i] = un + k.d;
                    } else {
                        v[i] = vn;
                        u[i] = un;
                    }
                    exc[i] = ie * k.syn.decay_exc;
                    inh[i] = ii * k.syn.decay_inh;
                }
                if !finite {
                    let bad = v.iter().zip(u.iter()).position(|(a, b)| !(a.is_finite() && b.is_finite()));
                    return Err(NotFinite { neuron: bad.unwrap_or(0) });
                }
            }
        }
        Ok(())
    }
}

// The kernels take every array as its own argument: `&mut` arguments tell the compiler that
// they do not overlap, which lets it vectorise the loops.

/// Exact step of LIF neurons with current synapses.
#[allow(clippy::too_many_arguments)]
fn lif_current(
    k: &Lif,
    now: u32,
    v: &mut [f32],
    exc: &mut [f32],
    inh: &mut [f32],
    ring_exc: &mut [f32],
    ring_inh: &mut [f32],
    i_ext: &[f32],
    until: &[u32],
) {
    let n = v.len();
    let (exc, inh, ring_exc, ring_inh, i_ext, until) =
        (&mut exc[..n], &mut inh[..n], &mut ring_exc[..n], &mut ring_inh[..n], &i_ext[..n], &until[..n]);
    let (v_rest, relax, r_m, p_exc, p_inh) = (k.v_rest, k.relax, k.r_m, k.p_exc, k.p_inh);
    let (decay_exc, decay_inh) = (k.syn.decay_exc, k.syn.decay_inh);
    for i in 0..n {
        let ie = exc[i] + ring_exc[i];
        let ii = inh[i] + ring_inh[i];
        ring_exc[i] = 0.0;
        ring_inh[i] = 0.0;
        // V relaxes towards V∞ = E_L + R·I_ext by the exact fraction; written as an increment
        // so that f32 keeps its precision when the change per step is small.
        let v_inf = v_rest + r_m * i_ext[i];
        let vn = v[i] + (v_inf - v[i]) * relax + (p_exc * ie - p_inh * ii);
        v[i] = if now < until[i] { v[i] } else { vn };
        exc[i] = ie * decay_exc;
        inh[i] = ii * decay_inh;
    }
}

/// Exponential-Euler step of LIF neurons with conductance synapses.
#[allow(clippy::too_many_arguments)]
fn lif_conductance(
    k: &Lif,
    now: u32,
    v: &mut [f32],
    exc: &mut [f32],
    inh: &mut [f32],
    ring_exc: &mut [f32],
    ring_inh: &mut [f32],
    i_ext: &[f32],
    until: &[u32],
) {
    let n = v.len();
    let (exc, inh, ring_exc, ring_inh, i_ext, until) =
        (&mut exc[..n], &mut inh[..n], &mut ring_exc[..n], &mut ring_inh[..n], &i_ext[..n], &until[..n]);
    let (gl, el, ee, ei, dt_over_c) = (k.g_leak, k.v_rest, k.syn.e_exc, k.syn.e_inh, k.dt_over_c);
    let (decay_exc, decay_inh) = (k.syn.decay_exc, k.syn.decay_inh);
    for i in 0..n {
        let ge = exc[i] + ring_exc[i];
        let gi = inh[i] + ring_inh[i];
        ring_exc[i] = 0.0;
        ring_inh[i] = 0.0;
        let g = gl + ge + gi;
        let v_inf = (gl * el + ge * ee + gi * ei + i_ext[i]) / g;
        let vn = v_inf + (v[i] - v_inf) * exp_neg(-g * dt_over_c);
        v[i] = if now < until[i] { v[i] } else { vn };
        exc[i] = ge * decay_exc;
        inh[i] = gi * decay_inh;
    }
}

/// Finds neurons at or above threshold (resetting them) and NaN potentials. Most neurons are
/// far below threshold, so blocks of 16 are first tested together, which vectorises.
fn detect_spikes(
    v: &mut [f32],
    until: &mut [u32],
    now: u32,
    k: &Lif,
    spikes: &mut Vec<u32>,
) -> Result<(), NotFinite> {
    const BLOCK: usize = 16;
    let thresh = k.v_thresh;
    for (b, block) in v.chunks_mut(BLOCK).enumerate() {
        // `x < thresh` is false both at threshold and for NaN.
        if block.iter().fold(true, |quiet, &x| quiet & (x < thresh)) {
            continue;
        }
        for (j, x) in block.iter_mut().enumerate() {
            if *x < thresh {
                continue;
            }
            let i = b * BLOCK + j;
            if x.is_nan() {
                return Err(NotFinite { neuron: i });
            }
            spikes.push(i as u32);
            *x = k.v_reset;
            until[i] = now.wrapping_add(1).wrapping_add(k.ref_steps);
        }
    }
    Ok(())
}
