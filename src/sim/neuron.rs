//! Neuron populations as flat arrays, and one update loop per model and synapse kind.
//!
//! Integration schemes, at the model's dt:
//! - LIF with current synapses: exact. Between steps the external current is constant and the
//!   synaptic currents decay exponentially, so V(t+dt) is a linear map of (V, I_exc, I_inh, I_ext)
//!   whose coefficients are computed once (Rotter & Diesmann 1999, as NEST's `iaf_psc_exp`).
//! - LIF with conductance synapses: exponential Euler, exact for conductances held constant
//!   over the step (as Brian2 chooses for the COBA benchmark).
//! - LIF with delta synapses: exact relaxation plus the jumps (NEST's `iaf_psc_delta`); input
//!   arriving during the refractory period is lost.
//! - Izhikevich and AdEx: forward Euler, as in Izhikevich (2003) and Brette & Gerstner (2005).
//! - Hodgkin–Huxley: exponential Euler (Rush & Larsen 1978): each gate relaxes exactly towards
//!   its steady state for the step's V, then V relaxes exactly towards the conductance-weighted
//!   reversal potential. Both updates are unconditionally stable.
//! - Poisson sources: the number of spikes in the population per step is Poisson distributed and
//!   spread uniformly over its neurons, which gives independent Poisson trains.

use super::fastmath::exp_neg;
use crate::model::{NeuronModel, Population as PopSpec, SynapseKind};
use rand::RngExt;
use rand_distr::{Distribution, Poisson};
use rand_pcg::Pcg64Mcg;

/// Constants of the update, derived from the parameters and dt. Recomputed when a parameter changes.
#[derive(Clone, Debug)]
pub(crate) enum Dynamics {
    Lif(Lif),
    Izhikevich(Izh),
    Adex(Adex),
    HodgkinHuxley(Hh),
    Source(Source),
}

#[derive(Clone, Debug)]
pub(crate) struct Lif {
    v_rest: f32,
    v_reset: f32,
    v_thresh: f32,
    ref_steps: u64,
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

#[derive(Clone, Debug)]
pub(crate) struct Adex {
    c_m: f32,
    g_l: f32,
    e_l: f32,
    v_t: f32,
    delta_t: f32,
    tau_w: f32,
    a: f32,
    b: f32,
    v_reset: f32,
    v_peak: f32,
    ref_steps: u64,
    dt: f32,
    syn: Syn,
}

#[derive(Clone, Debug)]
pub(crate) struct Hh {
    c_m: f64,
    g_na: f64,
    g_k: f64,
    g_l: f64,
    e_na: f64,
    e_k: f64,
    e_l: f64,
    v_spike: f32,
    dt: f64,
    syn: Syn,
}

#[derive(Clone, Debug)]
pub(crate) struct Source {
    /// Spikes per step over the whole population; `None` when the rate is zero.
    count: Option<Poisson<f64>>,
}

impl Izh {
    /// Izhikevich (2003): dv/dt and du/dt (per ms) at (v, u) under input current `i` (pA).
    #[inline(always)]
    fn derivatives(&self, v: f32, u: f32, i: f32) -> (f32, f32) {
        (0.04 * v * v + 5.0 * v + 140.0 - u + i * self.inv_c, self.a * (self.b * v - u))
    }
}

impl Adex {
    /// Brette & Gerstner (2005): dV/dt and dw/dt (per ms) at (V, w) under input current `i` (pA).
    #[inline(always)]
    fn derivatives(&self, v: f32, w: f32, i: f32) -> (f32, f32) {
        // The exponent is capped: past v_peak the spike is cut anyway.
        let spike_current = self.g_l * self.delta_t * ((v - self.v_t) / self.delta_t).min(30.0).exp();
        let dv = (-self.g_l * (v - self.e_l) + spike_current - w + i) / self.c_m;
        (dv, (self.a * (v - self.e_l) - w) / self.tau_w)
    }
}

/// The equations of a two-variable neuron model (Izhikevich: v, u; AdEx: V, w), for drawing
/// its phase plane with exactly the right-hand side the engine integrates.
#[derive(Clone, Debug)]
pub struct PhaseField {
    dynamics: Dynamics,
    /// Spike cut-off and reset potential, mV.
    pub v_peak: f64,
    pub v_reset: f64,
}

impl PhaseField {
    /// `None` unless the population is Izhikevich or AdEx.
    pub fn new(population: &crate::model::Population) -> Option<PhaseField> {
        let dynamics = Dynamics::new(population, 0.1);
        let (v_peak, v_reset) = match &dynamics {
            Dynamics::Izhikevich(k) => (k.v_peak, k.c),
            Dynamics::Adex(k) => (k.v_peak, k.v_reset),
            _ => return None,
        };
        Some(PhaseField { dynamics, v_peak: v_peak as f64, v_reset: v_reset as f64 })
    }

    /// Time derivatives (per ms) of the two variables at (x, y) under input current `i_pa`.
    pub fn derivatives(&self, x: f64, y: f64, i_pa: f64) -> (f64, f64) {
        let (dx, dy) = match &self.dynamics {
            Dynamics::Izhikevich(k) => k.derivatives(x as f32, y as f32, i_pa as f32),
            Dynamics::Adex(k) => k.derivatives(x as f32, y as f32, i_pa as f32),
            _ => (f32::NAN, f32::NAN),
        };
        (dx as f64, dy as f64)
    }

    /// The two nullclines at x: the y where dx/dt = 0 and the y where dy/dt = 0. Both
    /// derivatives are affine in y (the recovery variable enters linearly), so each is one
    /// solve: y = -f(x, 0) / (f(x, 1) - f(x, 0)).
    pub fn nullclines(&self, x: f64, i_pa: f64) -> (f64, f64) {
        let (fx0, fy0) = self.derivatives(x, 0.0, i_pa);
        let (fx1, fy1) = self.derivatives(x, 1.0, i_pa);
        (-fx0 / (fx1 - fx0), -fy0 / (fy1 - fy0))
    }
}

/// Synaptic decay per step and reversal potentials.
#[derive(Clone, Debug)]
struct Syn {
    kind: SynapseKind,
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

/// Hodgkin–Huxley rate functions (1/ms) at V (mV), rest at -65 mV.
/// Returns (α_m, β_m, α_h, β_h, α_n, β_n).
pub(crate) fn hh_rates(v: f64) -> [f64; 6] {
    // x / (1 - e^(-x/10)) → 10 as x → 0.
    let lin = |x: f64| if x.abs() < 1e-6 { 10.0 + x / 2.0 } else { x / (1.0 - (-x / 10.0).exp()) };
    [
        0.1 * lin(v + 40.0),
        4.0 * (-(v + 65.0) / 18.0).exp(),
        0.07 * (-(v + 65.0) / 20.0).exp(),
        1.0 / (1.0 + (-(v + 35.0) / 10.0).exp()),
        0.01 * lin(v + 55.0),
        0.125 * (-(v + 65.0) / 80.0).exp(),
    ]
}

/// Steady states (m∞, h∞, n∞) of the gates at V.
pub(crate) fn hh_steady_state(v: f64) -> [f64; 3] {
    let r = hh_rates(v);
    [r[0] / (r[0] + r[1]), r[2] / (r[2] + r[3]), r[4] / (r[4] + r[5])]
}

impl Dynamics {
    pub(crate) fn new(spec: &PopSpec, dt: f64) -> Dynamics {
        let p = |name: &str| spec.param(name).unwrap_or(f64::NAN);
        let decay = |name: &str| spec.param(name).map_or(0.0, |tau| (-dt / tau).exp()) as f32;
        let syn = Syn {
            kind: spec.synapse,
            decay_exc: decay("tau_syn_exc"),
            decay_inh: decay("tau_syn_inh"),
            e_exc: spec.param("e_exc").unwrap_or(0.0) as f32,
            e_inh: spec.param("e_inh").unwrap_or(0.0) as f32,
        };
        let ref_steps = |name: &str| (p(name) / dt).round().clamp(0.0, 1e15) as u64;
        match spec.model {
            NeuronModel::Lif => {
                let (tau_m, c_m) = (p("tau_m"), p("c_m"));
                let psc =
                    |name: &str| spec.param(name).map_or(0.0, |tau| psc_propagator(dt, tau_m, tau, c_m));
                Dynamics::Lif(Lif {
                    v_rest: p("v_rest") as f32,
                    v_reset: p("v_reset") as f32,
                    v_thresh: p("v_thresh") as f32,
                    ref_steps: ref_steps("t_ref"),
                    relax: (-(-dt / tau_m).exp_m1()) as f32,
                    r_m: (tau_m / c_m) as f32,
                    p_exc: psc("tau_syn_exc") as f32,
                    p_inh: psc("tau_syn_inh") as f32,
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
            NeuronModel::Adex => Dynamics::Adex(Adex {
                c_m: p("c_m") as f32,
                g_l: p("g_l") as f32,
                e_l: p("e_l") as f32,
                v_t: p("v_t") as f32,
                delta_t: p("delta_t") as f32,
                tau_w: p("tau_w") as f32,
                a: p("a") as f32,
                b: p("b") as f32,
                v_reset: p("v_reset") as f32,
                v_peak: p("v_peak") as f32,
                ref_steps: ref_steps("t_ref"),
                dt: dt as f32,
                syn,
            }),
            NeuronModel::HodgkinHuxley => Dynamics::HodgkinHuxley(Hh {
                c_m: p("c_m"),
                g_na: p("g_na"),
                g_k: p("g_k"),
                g_l: p("g_l"),
                e_na: p("e_na"),
                e_k: p("e_k"),
                e_l: p("e_l"),
                v_spike: p("v_spike") as f32,
                dt,
                syn,
            }),
            NeuronModel::PoissonSource => {
                let mean = p("rate") * 1e-3 * dt * spec.size as f64;
                Dynamics::Source(Source { count: if mean > 0.0 { Poisson::new(mean).ok() } else { None } })
            }
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
    /// Membrane potential, mV (empty for spike sources).
    pub v: Vec<f32>,
    /// The model's own state variables after v, as in `NeuronModel::own_state_vars`
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

/// Where a population's update found a non-finite value.
pub(crate) struct NotFinite {
    pub neuron: usize,
    /// The state variable that became infinite or NaN.
    pub variable: &'static str,
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
            dynamics: Dynamics::new(spec, dt),
            v: vec![0.0; n],
            own: spec.model.own_state_vars().iter().map(|_| vec![0.0; n]).collect(),
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
        let now = step;
        let n = self.v.len();
        let ring_exc = &mut self.ring_exc[slot * n..(slot + 1) * n];
        let ring_inh = &mut self.ring_inh[slot * n..(slot + 1) * n];
        let v = &mut self.v[..n];
        let exc = &mut self.exc[..n];
        let inh = &mut self.inh[..n];
        let i_ext = &self.i_ext[..n];
        let until = &mut self.refractory_until[..n];
        match &self.dynamics {
            Dynamics::Lif(k) => {
                match self.synapse {
                    SynapseKind::Current => {
                        lif_current(k, now, v, exc, inh, ring_exc, ring_inh, i_ext, until)
                    }
                    SynapseKind::Conductance => {
                        lif_conductance(k, now, v, exc, inh, ring_exc, ring_inh, i_ext, until)
                    }
                    SynapseKind::Delta => lif_delta(k, now, v, ring_exc, ring_inh, i_ext, until),
                }
                detect_spikes(v, until, now, k, spikes)?;
            }
            Dynamics::Izhikevich(k) => {
                let u = &mut self.own[0][..n];
                for i in 0..n {
                    let (vi, ui) = (v[i], u[i]);
                    let (i_syn, jump) =
                        take_input(&k.syn, &mut exc[i], &mut inh[i], &mut ring_exc[i], &mut ring_inh[i], vi);
                    let (dv, du) = k.derivatives(vi, ui, i_ext[i] + i_syn);
                    let vn = vi + k.dt * dv + jump;
                    let un = ui + k.dt * du;
                    if !(vn.is_finite() && un.is_finite()) {
                        return Err(NotFinite {
                            neuron: i,
                            variable: if vn.is_finite() { "u" } else { "v" },
                        });
                    }
                    if vn >= k.v_peak {
                        spikes.push(i as u32);
                        v[i] = k.c;
                        u[i] = un + k.d;
                    } else {
                        v[i] = vn;
                        u[i] = un;
                    }
                }
            }
            Dynamics::Adex(k) => {
                let w = &mut self.own[0][..n];
                for i in 0..n {
                    let (vi, wi) = (v[i], w[i]);
                    let (i_syn, jump) =
                        take_input(&k.syn, &mut exc[i], &mut inh[i], &mut ring_exc[i], &mut ring_inh[i], vi);
                    let (dv, dw) = k.derivatives(vi, wi, i_ext[i] + i_syn);
                    let wn = wi + k.dt * dw;
                    if now < until[i] {
                        w[i] = wn;
                        continue;
                    }
                    let vn = vi + k.dt * dv + jump;
                    if !(vn.is_finite() && wn.is_finite()) {
                        return Err(NotFinite {
                            neuron: i,
                            variable: if vn.is_finite() { "w" } else { "v" },
                        });
                    }
                    if vn >= k.v_peak {
                        spikes.push(i as u32);
                        v[i] = k.v_reset;
                        w[i] = wn + k.b;
                        until[i] = now + 1 + k.ref_steps;
                    } else {
                        v[i] = vn;
                        w[i] = wn;
                    }
                }
            }
            Dynamics::HodgkinHuxley(k) => {
                let [m, h, nk] = &mut self.own[..] else { unreachable!("Hodgkin-Huxley has three gates") };
                for i in 0..n {
                    let vi = v[i];
                    let (i_syn, jump) =
                        take_input(&k.syn, &mut exc[i], &mut inh[i], &mut ring_exc[i], &mut ring_inh[i], vi);
                    let vd = vi as f64;
                    let r = hh_rates(vd);
                    let gate = |x: f32, alpha: f64, beta: f64| {
                        let rate = alpha + beta;
                        let inf = alpha / rate;
                        (inf + (x as f64 - inf) * (-k.dt * rate).exp()) as f32
                    };
                    let (mi, hi, ni) =
                        (gate(m[i], r[0], r[1]), gate(h[i], r[2], r[3]), gate(nk[i], r[4], r[5]));
                    let (mf, hf, nf) = (mi as f64, hi as f64, ni as f64);
                    let g_na = k.g_na * mf * mf * mf * hf;
                    let g_k = k.g_k * nf * nf * nf * nf;
                    let g = g_na + g_k + k.g_l;
                    let current = i_ext[i] as f64 + i_syn as f64;
                    let v_inf = (g_na * k.e_na + g_k * k.e_k + k.g_l * k.e_l + current) / g;
                    let vn = (v_inf + (vd - v_inf) * (-k.dt * g / k.c_m).exp()) as f32 + jump;
                    if !vn.is_finite() {
                        return Err(NotFinite { neuron: i, variable: "v" });
                    }
                    if vi < k.v_spike && vn >= k.v_spike {
                        spikes.push(i as u32);
                    }
                    v[i] = vn;
                    (m[i], h[i], nk[i]) = (mi, hi, ni);
                }
            }
            Dynamics::Source(k) => {
                if let (Some(count), Some(rng)) = (&k.count, self.rng.as_mut()) {
                    let draws = count.sample(rng.as_mut()) as usize;
                    let first = spikes.len();
                    for _ in 0..draws {
                        spikes.push(rng.random_range(0..self.size) as u32);
                    }
                    // Two draws of one neuron in one step are one spike.
                    spikes[first..].sort_unstable();
                    let mut kept = first;
                    for j in first..spikes.len() {
                        if j == first || spikes[j] != spikes[kept - 1] {
                            spikes[kept] = spikes[j];
                            kept += 1;
                        }
                    }
                    spikes.truncate(kept);
                }
            }
        }
        Ok(())
    }
}

/// Takes this step's synaptic input of one neuron at potential `v`: returns the synaptic
/// current (pA) and, for delta synapses, the jump of V (mV); decays the synaptic state.
#[inline(always)]
fn take_input(
    syn: &Syn,
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
    *exc = ie * syn.decay_exc;
    *inh = ii * syn.decay_inh;
    match syn.kind {
        SynapseKind::Current => (ie - ii, 0.0),
        SynapseKind::Conductance => (ie * (syn.e_exc - v) + ii * (syn.e_inh - v), 0.0),
        SynapseKind::Delta => (0.0, ie - ii),
    }
}

// The kernels take every array as its own argument: `&mut` arguments tell the compiler that
// they do not overlap, which lets it vectorise the loops.

/// Exact step of LIF neurons with current synapses.
#[allow(clippy::too_many_arguments)]
fn lif_current(
    k: &Lif,
    now: u64,
    v: &mut [f32],
    exc: &mut [f32],
    inh: &mut [f32],
    ring_exc: &mut [f32],
    ring_inh: &mut [f32],
    i_ext: &[f32],
    until: &[u64],
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
    now: u64,
    v: &mut [f32],
    exc: &mut [f32],
    inh: &mut [f32],
    ring_exc: &mut [f32],
    ring_inh: &mut [f32],
    i_ext: &[f32],
    until: &[u64],
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
        // V relaxes towards V∞ = (Σ g E + I) / Σ g with rate Σ g / C. Written as
        // V + (dt/C)·I(V)·φ(Σ g·dt/C), φ(x) = (1 - e^-x)/x, it stays exact for large x and
        // finite when Σ g is near zero or negative (a negative initial conductance drawn from
        // a normal distribution, as in Brette et al.'s COBA).
        let vi = v[i];
        let current = gl * (el - vi) + ge * (ee - vi) + gi * (ei - vi) + i_ext[i];
        let vn = vi + current * dt_over_c * relax_factor((gl + ge + gi) * dt_over_c);
        v[i] = if now < until[i] { v[i] } else { vn };
        exc[i] = ge * decay_exc;
        inh[i] = gi * decay_inh;
    }
}

/// φ(x) = (1 - e^-x) / x, the fraction of the way to equilibrium covered in one step per unit
/// of x. For |x| < 0.5 (negative x: a net negative conductance) its Taylor series to x⁷,
/// exact to 1.2e-8 there; above, from the exponential, where 1 - e^-x > 0.39 keeps f32's
/// precision.
#[inline(always)]
fn relax_factor(x: f32) -> f32 {
    let s = x.clamp(-0.5, 0.5);
    let series = 1.0
        - s * (0.5
            - s * (1.0 / 6.0
                - s * (1.0 / 24.0
                    - s * (1.0 / 120.0 - s * (1.0 / 720.0 - s * (1.0 / 5040.0 - s / 40320.0))))));
    let exact = (1.0 - exp_neg(-x)) / x.max(0.5);
    if x < 0.5 { series } else { exact }
}

/// Exact step of LIF neurons with delta synapses: relaxation, then the jumps.
fn lif_delta(
    k: &Lif,
    now: u64,
    v: &mut [f32],
    ring_exc: &mut [f32],
    ring_inh: &mut [f32],
    i_ext: &[f32],
    until: &[u64],
) {
    let n = v.len();
    let (ring_exc, ring_inh, i_ext, until) =
        (&mut ring_exc[..n], &mut ring_inh[..n], &i_ext[..n], &until[..n]);
    let (v_rest, relax, r_m) = (k.v_rest, k.relax, k.r_m);
    for i in 0..n {
        let jump = ring_exc[i] - ring_inh[i];
        ring_exc[i] = 0.0;
        ring_inh[i] = 0.0;
        let v_inf = v_rest + r_m * i_ext[i];
        let vn = v[i] + (v_inf - v[i]) * relax + jump;
        v[i] = if now < until[i] { v[i] } else { vn };
    }
}

/// Finds neurons at or above threshold (resetting them) and NaN potentials. Most neurons are
/// far below threshold, so blocks of 16 are first tested together, which vectorises.
fn detect_spikes(
    v: &mut [f32],
    until: &mut [u64],
    now: u64,
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
                return Err(NotFinite { neuron: i, variable: "v" });
            }
            spikes.push(i as u32);
            *x = k.v_reset;
            until[i] = now + 1 + k.ref_steps;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;

    fn population(toml: &str) -> PopSpec {
        let m = Model::from_toml(toml, "t.toml").unwrap_or_else(|e| panic!("{e}"));
        m.populations[0].clone()
    }

    #[test]
    fn relax_factor_is_one_minus_exp_over_x_also_near_zero_and_below() {
        for i in -50..=1000 {
            let x = i as f64 / 100.0;
            let exact = if x == 0.0 { 1.0 } else { -(-x).exp_m1() / x };
            let got = relax_factor(x as f32) as f64;
            assert!((got - exact).abs() < 3e-7 * exact, "x = {x}: {got} vs {exact}");
        }
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
