//! Adaptive exponential integrate-and-fire (Brette & Gerstner 2005), stepped by forward Euler.

use super::lif::T_REF_DOC;
use super::{Kernel, NeuronKind, NotFinite, Phase, State, Syn, Values, refractory_steps};
use crate::model::params::{Constraint::*, ParamInfo, StateVarInfo, p, s};
use crate::model::units::Dimension::*;

pub struct Adex;

// Brette & Gerstner (2005), J. Neurophysiol. 94:3637, Table 1 (a cortical pyramidal cell).
const PARAMS: &[ParamInfo] = &[
    p("c_m", Capacitance, 281.0, Positive, (10.0, 500.0), "membrane capacitance"),
    p("g_l", Conductance, 30.0, Positive, (1.0, 100.0), "leak conductance"),
    p("e_l", Voltage, -70.6, Any, (-90.0, -40.0), "leak reversal potential"),
    p("v_t", Voltage, -50.4, Any, (-70.0, -30.0), "threshold slope factor's midpoint (rheobase potential)"),
    p("delta_t", Voltage, 2.0, Positive, (0.1, 10.0), "slope factor: sharpness of spike initiation"),
    p("tau_w", Time, 144.0, Positive, (1.0, 1000.0), "adaptation time constant"),
    p("a", Conductance, 4.0, Any, (-20.0, 20.0), "subthreshold adaptation"),
    p("b", Current, 80.5, Any, (0.0, 200.0), "spike-triggered adaptation: jump of w"),
    p("v_reset", Voltage, -70.6, Any, (-80.0, -40.0), "potential after a spike"),
    p("v_peak", Voltage, 0.0, Any, (-40.0, 30.0), "spike cut-off"),
    p("t_ref", Time, 0.0, NonNegative, (0.0, 10.0), T_REF_DOC),
];

const STATE: &[StateVarInfo] = &[s("w", "pA", Current, "AdEx adaptation current").signed()];

impl NeuronKind for Adex {
    fn key(&self) -> &'static str {
        "adex"
    }
    fn display_name(&self) -> &'static str {
        "AdEx"
    }
    fn about(&self) -> &'static str {
        "Adaptive exponential integrate-and-fire (Brette & Gerstner 2005): an exponential spike upstroke and an adaptation current w"
    }
    fn params(&self) -> &'static [ParamInfo] {
        PARAMS
    }
    fn state(&self) -> &'static [StateVarInfo] {
        STATE
    }
    fn reset_below(&self) -> Option<(&'static str, &'static str)> {
        Some(("v_reset", "v_peak"))
    }
    /// The exponential spike upstroke (slope Δ_T = 2 mV) is its fast part. Measured on this
    /// engine (tonic spiking of Naud et al. 2008, 300 to 700 pA, against dt = 0.001 ms): within
    /// 3 % up to 100 Hz and 5.2 % at 165 Hz at 0.1 ms; 8 % at 0.2 ms, 19 % at 0.5 ms, 24 % at 1 ms.
    fn max_dt(&self) -> Option<(f64, &'static str)> {
        Some((
            0.1,
            "it is stepped by forward Euler and its spike upstroke is steep; above 0.1 ms the rate is off by more than 5 %",
        ))
    }
    fn spike_at(&self, p: &Values) -> Option<f64> {
        Some(p.get("v_peak"))
    }
    fn update_ns(&self) -> f64 {
        2.0
    }
    fn rest(&self, p: &Values) -> f64 {
        p.get("e_l")
    }
    fn phase(&self, p: &Values) -> Option<Phase> {
        Some(Phase { recovery: Some(0), v_peak: p.get("v_peak"), v_reset: p.get("v_reset") })
    }
    fn kernel(&self, p: &Values, syn: Syn, _size: usize, dt: f64) -> Box<dyn Kernel> {
        Box::new(AdexKernel {
            c_m: p.get("c_m") as f32,
            g_l: p.get("g_l") as f32,
            e_l: p.get("e_l") as f32,
            v_t: p.get("v_t") as f32,
            delta_t: p.get("delta_t") as f32,
            tau_w: p.get("tau_w") as f32,
            a: p.get("a") as f32,
            b: p.get("b") as f32,
            v_reset: p.get("v_reset") as f32,
            v_peak: p.get("v_peak") as f32,
            ref_steps: refractory_steps(p.get("t_ref"), dt),
            dt: dt as f32,
            syn,
        })
    }
}

#[derive(Clone, Debug)]
struct AdexKernel {
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

impl AdexKernel {
    /// dV/dt and dw/dt (per ms) at (V, w) under input current `i` (pA).
    #[inline(always)]
    fn derivatives(&self, v: f32, w: f32, i: f32) -> (f32, f32) {
        // The exponent is capped: past v_peak the spike is cut anyway.
        let spike_current = self.g_l * self.delta_t * ((v - self.v_t) / self.delta_t).min(30.0).exp();
        let dv = (-self.g_l * (v - self.e_l) + spike_current - w + i) / self.c_m;
        (dv, (self.a * (v - self.e_l) - w) / self.tau_w)
    }
}

impl Kernel for AdexKernel {
    fn step(&self, now: u64, s: State<'_>, spikes: &mut Vec<u32>) -> Result<(), NotFinite> {
        let State { v, own, exc, inh, ring_exc, ring_inh, i_ext, until, .. } = s;
        let w = &mut own[0][..v.len()];
        for i in 0..v.len() {
            let (vi, wi) = (v[i], w[i]);
            let (i_syn, jump) =
                self.syn.take(&mut exc[i], &mut inh[i], &mut ring_exc[i], &mut ring_inh[i], vi);
            let (dv, dw) = self.derivatives(vi, wi, i_ext[i] + i_syn);
            let wn = wi + self.dt * dw;
            if now < until[i] {
                w[i] = wn;
                continue;
            }
            let vn = vi + self.dt * dv + jump;
            if !(vn.is_finite() && wn.is_finite()) {
                return Err(NotFinite { neuron: i, variable: if vn.is_finite() { "w" } else { "v" } });
            }
            if vn >= self.v_peak {
                spikes.push(i as u32);
                v[i] = self.v_reset;
                w[i] = wn + self.b;
                until[i] = now + 1 + self.ref_steps;
            } else {
                v[i] = vn;
                w[i] = wn;
            }
        }
        Ok(())
    }

    fn field(&self, v: f64, y: f64, i_pa: f64) -> Option<(f64, f64)> {
        let (dv, dw) = self.derivatives(v as f32, y as f32, i_pa as f32);
        Some((dv as f64, dw as f64))
    }
}
