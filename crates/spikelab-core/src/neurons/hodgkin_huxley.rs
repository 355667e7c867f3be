//! Hodgkin & Huxley (1952) squid axon, stepped by exponential Euler (Rush & Larsen 1978): each
//! gate relaxes exactly towards its steady state for the step's V, then V relaxes exactly
//! towards the conductance-weighted reversal potential. Both updates are unconditionally
//! stable.

use super::{Kernel, NeuronKind, NotFinite, State, Syn, Values};
use crate::model::params::{Constraint::*, ParamInfo, StateVarInfo, p, s};
use crate::model::units::Dimension::*;

pub struct HodgkinHuxley;

// For a 10,000 µm² patch (1 µA/cm² = 100 pA), with potentials shifted so that rest is at
// -65 mV; the same values as NEST's hh_psc_alpha.
const PARAMS: &[ParamInfo] = &[
    p("c_m", Capacitance, 100.0, Positive, (10.0, 500.0), "membrane capacitance (1 µF/cm²)"),
    p("g_na", Conductance, 12000.0, NonNegative, (0.0, 30000.0), "sodium conductance (120 mS/cm²)"),
    p("g_k", Conductance, 3600.0, NonNegative, (0.0, 10000.0), "potassium conductance (36 mS/cm²)"),
    p("g_l", Conductance, 30.0, NonNegative, (0.0, 100.0), "leak conductance (0.3 mS/cm²)"),
    p("e_na", Voltage, 50.0, Any, (0.0, 80.0), "sodium reversal potential"),
    p("e_k", Voltage, -77.0, Any, (-100.0, -60.0), "potassium reversal potential"),
    p("e_l", Voltage, -54.387, Any, (-80.0, -40.0), "leak reversal potential"),
    p("v_spike", Voltage, 0.0, Any, (-40.0, 40.0), "a spike is counted when V crosses this upwards"),
];

/// The gates are probabilities: the engine keeps their initial values in [0, 1].
const STATE: &[StateVarInfo] = &[
    s("m", "", Dimensionless, "sodium activation gate").probability(),
    s("h", "", Dimensionless, "sodium inactivation gate").probability(),
    s("n", "", Dimensionless, "potassium activation gate").probability(),
];

impl NeuronKind for HodgkinHuxley {
    fn key(&self) -> &'static str {
        "hodgkin_huxley"
    }
    fn display_name(&self) -> &'static str {
        "Hodgkin–Huxley"
    }
    fn about(&self) -> &'static str {
        "Hodgkin & Huxley (1952): sodium and potassium channels with voltage-gated m, h and n; the spike is generated, not cut"
    }
    fn params(&self) -> &'static [ParamInfo] {
        PARAMS
    }
    fn state(&self) -> &'static [StateVarInfo] {
        STATE
    }
    /// Measured on this engine's exponential-Euler (Rush–Larsen) step, default parameters,
    /// F–I from just above rheobase (650 pA) to 3 nA against dt = 0.001 ms
    /// (`tests/model_warnings.rs`): the rate is within 1 % up to 0.1 ms and 2.7 % at 0.2 ms; at
    /// 0.5 ms the neuron just above rheobase stops firing and the others are 10 % slow; at 1 ms
    /// the rates are off by half (35–43 Hz instead of 68–87 Hz) or zero, and at 2 ms and above
    /// it never fires.
    fn max_dt(&self) -> Option<(f64, &'static str)> {
        Some((
            0.1,
            "its sodium channels open within a fraction of a millisecond; above 0.1 ms the firing rate drifts, and at 1 ms it is off by half or the neuron falls silent",
        ))
    }
    fn spike_at(&self, p: &Values) -> Option<f64> {
        Some(p.get("v_spike"))
    }
    fn update_ns(&self) -> f64 {
        40.0
    }
    fn initial_state(&self, _p: &Values, v: f64, own: &mut [f64]) {
        own.copy_from_slice(&steady_state(v));
    }
    fn fi_range_pa(&self, _p: &Values) -> f64 {
        // 0–20 µA/cm² for the preset's 10,000 µm² patch.
        2000.0
    }
    fn kernel(&self, p: &Values, syn: Syn, _size: usize, dt: f64) -> Box<dyn Kernel> {
        Box::new(HhKernel {
            c_m: p.get("c_m"),
            g_na: p.get("g_na"),
            g_k: p.get("g_k"),
            g_l: p.get("g_l"),
            e_na: p.get("e_na"),
            e_k: p.get("e_k"),
            e_l: p.get("e_l"),
            v_spike: p.get("v_spike") as f32,
            dt,
            syn,
        })
    }
}

/// Rate functions (1/ms) at V (mV), rest at -65 mV: (α_m, β_m, α_h, β_h, α_n, β_n).
fn rates(v: f64) -> [f64; 6] {
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
fn steady_state(v: f64) -> [f64; 3] {
    let r = rates(v);
    [r[0] / (r[0] + r[1]), r[2] / (r[2] + r[3]), r[4] / (r[4] + r[5])]
}

#[derive(Clone, Debug)]
struct HhKernel {
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

impl Kernel for HhKernel {
    fn step(&self, _now: u64, s: State<'_>, spikes: &mut Vec<u32>) -> Result<(), NotFinite> {
        let State { v, own, exc, inh, ring_exc, ring_inh, i_ext, .. } = s;
        let [m, h, nk] = own else { unreachable!("Hodgkin-Huxley has three gates") };
        for i in 0..v.len() {
            let vi = v[i];
            let (i_syn, jump) =
                self.syn.take(&mut exc[i], &mut inh[i], &mut ring_exc[i], &mut ring_inh[i], vi);
            let vd = vi as f64;
            let r = rates(vd);
            let gate = |x: f32, alpha: f64, beta: f64| {
                let rate = alpha + beta;
                let inf = alpha / rate;
                (inf + (x as f64 - inf) * (-self.dt * rate).exp()) as f32
            };
            let (mi, hi, ni) = (gate(m[i], r[0], r[1]), gate(h[i], r[2], r[3]), gate(nk[i], r[4], r[5]));
            let (mf, hf, nf) = (mi as f64, hi as f64, ni as f64);
            let g_na = self.g_na * mf * mf * mf * hf;
            let g_k = self.g_k * nf * nf * nf * nf;
            let g = g_na + g_k + self.g_l;
            let current = i_ext[i] as f64 + i_syn as f64;
            let v_inf = (g_na * self.e_na + g_k * self.e_k + self.g_l * self.e_l + current) / g;
            let vn = (v_inf + (vd - v_inf) * (-self.dt * g / self.c_m).exp()) as f32 + jump;
            if !vn.is_finite() {
                return Err(NotFinite { neuron: i, variable: "v" });
            }
            if vi < self.v_spike && vn >= self.v_spike {
                spikes.push(i as u32);
            }
            v[i] = vn;
            (m[i], h[i], nk[i]) = (mi, hi, ni);
        }
        Ok(())
    }
}
